"""The staff console: each view parses the request, calls one selector or service,
and renders. Scoping is the same ``visible_to`` rule as the API's."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from base.errors import Forbidden
from base.files import file_response
from base.reads import related_read
from console.rows import board_rows, promise_rows, queue_rows, timeline_rows
from contacts.models import DirectoryEntry
from estates.hours import Post, post_on_duty
from pages import forms
from pages.actions import action_from_form, action_widgets, ticket_and_transition
from people.access import (
    is_resident,
    is_technician,
    may_open_archive,
    may_read_archive_log,
    may_read_duty_log,
    may_read_receipts,
    may_reconcile,
    may_see_dispatch_suggestions,
    may_see_household_phones,
    may_set_up,
    may_watch_deliveries,
    may_work_desk,
    on_duty_now,
    properties_of,
    property_of,
    staff_member,
)
from people.models import User
from records.selectors import desk_waiting
from repairs.dispatch import teams_at, technicians_at
from repairs.kind import REPAIR
from repairs.printing import work_order_pdf
from settlement.pages import settle_context
from tickets.kinds import default_kind, kind_for, kinds
from tickets.models import Attachment, Ticket
from tickets.selectors import OVERDUE, queue_counts, queue_tickets, ticket_detail
from tickets.workflow import allowed_actions

QUEUE_ROWS = 50  # the most urgent first; a longer queue says how many more there are


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own page: residents on their requests, technicians on
    their jobs, the desk and supervisors on the queues."""
    if is_resident(request.user):
        return redirect("portal:home")
    if is_technician(request.user):
        return redirect("field:jobs")
    user = staff_member(request.user)
    props = properties_of(user)
    if not props:
        raise PermissionDenied(_("Your account is not attached to any property yet."))
    if may_set_up(user):
        return redirect("console:setup", code=props[0].code)
    if may_reconcile(user):  # finance lands on the day's receipts (R2.12)
        return redirect("settlement:finance", code=props[0].code)
    return redirect("console:queue", code=props[0].code, queue="new")


@login_required
@require_GET
def queue(request: HttpRequest, code: str, queue: str, kind: str = "") -> HttpResponse:
    """A work queue of one kind of ticket at one property (repairs by default)."""
    user = staff_member(request.user)
    props = properties_of(user)
    prop = property_of(user, code, among=props)
    now = timezone.now()
    kind = kind or default_kind()
    if kind not in {k.code for k in kinds()}:
        raise Http404(_("There is no such kind of ticket."))
    wf = kind_for(kind).workflow
    rows = queue_tickets(user, prop.pk, kind, queue, now, limit=QUEUE_ROWS)
    counts = queue_counts(user, prop.pk, kind, now)
    tabs = [(q.code, q.label, counts[q.code]) for q in wf.queues] + [(OVERDUE, _("overdue"), counts[OVERDUE])]
    on_duty = post_on_duty(prop, now)  # R1.4: the post on duty's queues light up with new matters
    context = {
        "on_duty": on_duty,
        "on_duty_label": Post(on_duty).label,
        "lit": on_duty_now(user, prop, now),
        "duty_log": may_read_duty_log(user),
        "property": prop,
        "properties": props,
        "kind": kind,
        "kinds": [(k.code, k.label) for k in kinds()],
        "field_work": kind_for(kind).field_work,
        "queue": queue,
        "tabs": tabs,
        "rows": queue_rows(rows, field_work=kind_for(kind).field_work, time_zone=prop.time_zone),
        "shown_of": counts.get(queue, 0) if len(rows) == QUEUE_ROWS else 0,
        "now": now,
        "watch_outbox": may_watch_deliveries(user),
        "archive": may_open_archive(user),  # the household archive, "please call" and the keys (R7)
        "archive_log": may_read_archive_log(user),
        "receipts": may_read_receipts(user),  # the day's receipts and reconciliation (R2.11-R2.12)
    }
    if context["archive"]:
        context["desk_records"] = desk_waiting(prop)
    template = "console/_queue.html" if request.htmx else "console/queue.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def kind_context(ticket: Ticket) -> dict[str, Any]:
    """What the ticket page shows beside the ticket: its linked tickets, its follow-ups,
    the quick-response directory (R1.7, read only if the kind's section shows it) and
    the kind's own section."""
    kind = kind_for(ticket.kind)
    related_read([ticket], "spawned")
    related_read([ticket], "followups__assignee")
    related_read([ticket], "followups__complaint")
    return {
        "links": sorted(ticket.spawned.all(), key=lambda t: t.pk),  # type: ignore[attr-defined]
        "followups": sorted(ticket.followups.all(), key=lambda f: f.pk),  # type: ignore[attr-defined]
        "directory": DirectoryEntry.objects.filter(property_id=ticket.property_id),
        "kind": kind,
        "kind_template": kind.page_template or "console/kind.html",
        **(kind.page_context(ticket) if kind.page_context else {}),
    }


def _ticket_page(
    request: HttpRequest,
    user: User,
    number: str,
    failed: tuple[str, list[forms.Widget], str] | None = None,
    status: int = 200,
) -> HttpResponse:
    ticket = ticket_detail(user, number)
    actions = []
    for t in allowed_actions(ticket, user):
        if failed and failed[0] == t.action:
            actions.append({"action": t.action, "label": t.label, "widgets": failed[1], "error": failed[2]})
        else:
            actions.append({"action": t.action, "label": t.label, "widgets": action_widgets(ticket, t), "error": ""})
    context: dict[str, Any] = {
        "ticket": ticket,
        **kind_context(ticket),
        "actions": actions,
        "timeline": timeline_rows(ticket),
        "promises": promise_rows(ticket),
        "failed": failed[0] if failed else None,
        "message": failed[2] if failed else "",
        "now": timezone.now(),
        "desk": may_work_desk(user),  # the next call is one key away (N), as on the queues
        "phones": may_see_household_phones(user),  # R7.2
        **settle_context(user, ticket),  # the charge form or the receipt of a paid job (R2.11)
        # The items the review decides, in the order of the review's rows (repairs.pages).
        "pending_items": [
            i
            for i in (ticket.work_order.items.all() if hasattr(ticket, "work_order") else [])
            if i.review == "pending" and i.removed_at is None
        ]
        if any(a["action"] == "review" for a in actions)
        else [],
    }
    return render(request, "console/ticket.html", context, status=status)


@require_GET
def ticket(request: HttpRequest, number: str) -> HttpResponse:
    """A ticket's page, also the address the printed work order's QR code opens: the
    resident lands on their matter's page, the technician on the job, anyone not signed
    in on the residents' sign-in page (which offers a password too)."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('portal:sign_in')}?{urlencode({'next': request.get_full_path()})}")
    if is_resident(request.user):
        return redirect("portal:matter", number=number)
    if is_technician(request.user):
        return redirect("field:job", number=number)
    return _ticket_page(request, staff_member(request.user), number)


def _review_post(post: Any) -> Any:
    """The review form's "approve" or "refuse" per item (one radio group each, so that a
    refusal is said, not left unticked) as the review's decisions take them."""
    post = post.copy()
    for name in [n for n in post if n.startswith("decisions-") and n.endswith("-decision")]:
        row = name.removesuffix("-decision")
        if post.get(name) == "approve":
            post[f"{row}-approve"] = "on"
        else:
            post.pop(f"{row}-approve", None)
    return post


@login_required
@require_POST
def act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Take one action from its form; on a refusal, the page again with the message
    next to the field and the typed values kept."""
    user = staff_member(request.user)
    ticket, transition = ticket_and_transition(user, number, action)
    widgets = action_widgets(ticket, transition)
    if action == "review":
        undecided = [
            n
            for n in request.POST
            if n.endswith("-item_id") and not request.POST.get(n.replace("-item_id", "-decision"))
        ]
        if undecided:
            message = _("Approve or refuse each item.")
            return _ticket_page(request, user, number, failed=(action, widgets, message), status=422)
        request.POST = _review_post(request.POST)  # type: ignore[misc]
    failure = action_from_form(request, user, ticket, transition, widgets)
    if failure:
        message, status = failure
        return _ticket_page(request, user, number, failed=(action, widgets, message), status=status)
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect(reverse("console:ticket", args=[number]) + "#timeline")


@login_required
@require_GET
def print_work_order(request: HttpRequest, number: str) -> HttpResponse:
    """The work order as a PDF in three copies (R2.3)."""
    user = staff_member(request.user)
    ticket = ticket_detail(user, number)
    if not hasattr(ticket, "work_order"):
        raise Http404(_("This ticket has no work order."))
    url = request.build_absolute_uri(reverse("console:ticket", args=[number]))
    pdf = work_order_pdf(ticket, url=url, phones=may_see_household_phones(user))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{number}.pdf"'
    return response


@login_required
@require_GET
def board(request: HttpRequest, code: str) -> HttpResponse:
    """The dispatch board (R2.5): tickets waiting for dispatch, each with its suggested
    technician one click away, beside the technicians and teams with duty and load.
    A fixed number of queries: the ranking is done in memory."""
    user = staff_member(request.user)
    if not may_see_dispatch_suggestions(user):
        raise Forbidden(_("Only the desk and supervisors see dispatch suggestions."))
    prop = property_of(user, code)
    now = timezone.now()
    technicians = technicians_at(prop.pk)
    waiting = queue_tickets(user, prop.pk, REPAIR, "new", now, limit=50)
    rows = board_rows(waiting, technicians, time_zone=prop.time_zone)
    context = {
        "property": prop,
        "rows": rows,
        "technicians": sorted(technicians, key=lambda t: (not t.on_duty, t.open_load, t.user.pk)),
        "teams": teams_at(prop.pk),
        "now": now,
    }
    return render(request, "console/board.html", context)


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A photo or signature, to whoever may see its ticket (never a public URL: these
    are pictures of people's homes and their signatures)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    item = Attachment.objects.filter(pk=pk, ticket__in=Ticket.objects.visible_to(user)).first()
    if item is None:
        raise Http404(_("There is no such file you can see."))
    response = file_response(item.file, content_type=item.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
