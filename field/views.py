"""The technician's pages, for a phone on a slow connection: my jobs, one job with the
actions of the moment as big forms, and a defect found on patrol (field.patrol). No
script library: a page is a few kilobytes; small scripts draw the customer's
signature, count the next promise down and add or remove item rows, and every page
works without them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from base.errors import InvalidInput
from field import forms
from pages.actions import action_from_form, action_widgets, ticket_and_transition
from pages.forms import Widget
from pages.rows import local, short, url_maker
from people.access import is_technician
from people.models import User
from promises.models import Deadline
from settlement.pages import settle_context
from tickets.attachments import PHOTOS_MAX, Upload, photo_upload, signature_upload
from tickets.models import Attachment, Ticket
from tickets.selectors import TicketRow, jobs_open, ticket_detail
from tickets.workflow import Transition, allowed_actions

# Steps the customer signs for on the technician's phone (R2.9 consent, R2.11 sign-off).
SIGNED = {"consent", "decline_quote", "sign_off"}
# Steps that take photos of the work.
PHOTOGRAPHED = {"arrive", "complete"}
# Steps that record repair items (R2.7, R2.9): the items form designed for the phone.
ITEMISED = {"confirm", "revise"}
# Steps where the customer sees the quote's lines before signing (R2.9).
QUOTED = {"consent", "decline_quote"}
JOBS_MAX = 100
# The usual next step comes first and open; the others (defer, escalate ...) below it.
MAIN_STEPS = ["accept", "arrive", "confirm", "consent", "complete", "sign_off", "report_back"]


@dataclass
class Failed:
    """A step that was refused: its form as posted, with the message."""

    action: str
    widgets: list[Widget]
    message: str


def technician_of(request: HttpRequest) -> User:
    if not is_technician(request.user):
        raise PermissionDenied(_("These pages are for technicians."))
    return request.user


@login_required
@require_GET
def jobs(request: HttpRequest) -> HttpResponse:
    """My open jobs: emergencies first, then by appointment, then by the next promise."""
    user = technician_of(request)
    rows = jobs_open(user, limit=JOBS_MAX)
    return render(request, "field/jobs.html", {"rows": job_rows(rows), "now": timezone.now()})


@dataclass(frozen=True)
class JobRow:
    """A job as the list shows it (pages.rows), times on its property's clock."""

    url: str
    hot: bool  # an emergency
    place: str
    status: str
    what: str
    number: str
    appointment: str
    due: str


def job_rows(tickets: list[TicketRow]) -> list[JobRow]:
    url = url_maker("field:job")
    out = []
    for t in tickets:
        tz = ZoneInfo(t.time_zone)  # the zoneinfo module keeps each zone it has read
        out.append(
            JobRow(
                url=url(t.number),
                hot=t.urgency == "emergency",
                place=t.unit_label or t.area_name or "",
                status=t.status_label,
                what=f"{t.category_name or ''} {short(t.description)}",
                number=t.number,
                appointment=local(t.appointment_at, tz, "%m-%d %H:%M"),
                due=local(t.next_due_at, tz, "%H:%M"),
            )
        )
    return out


def signed_off(ticket: Ticket) -> bool:
    """The customer has signed this job off already (a job reported back before the
    customer signed may still be signed off once: repairs.workflow)."""
    order = getattr(ticket, "work_order", None)
    return order is not None and order.signed_off_at is not None


def _widgets(ticket: Ticket, t: Transition, post: QueryDict | None = None) -> list[Widget]:
    """The action's form as the service takes it, shaped for the phone."""
    widgets = action_widgets(ticket, t)
    if t.action in ITEMISED and post is not None:
        forms.rows_for_post(widgets, post)
    if t.action == "sign_off":
        forms.sign_off_widgets(widgets)
    return widgets


def _form(ticket: Ticket, action: str, widgets: list[Widget]) -> dict[str, Any]:
    out: dict[str, Any] = {"widgets": widgets}
    if action in ITEMISED:
        out["item_form"] = forms.items_form(ticket, widgets)
    if action == "sign_off":
        out["sign_off"] = forms.sign_off_form(widgets)
    return out


def _next_promise(ticket: Ticket) -> Deadline | None:
    """The open promise ``next_due_at`` stands for (deadlines read with the ticket)."""
    if ticket.next_due_at is None:
        return None
    open_ = [d for d in ticket.deadlines.all() if d.status == Deadline.Status.OPEN]  # type: ignore[attr-defined]
    return min(open_, key=lambda d: d.due_at, default=None)


def _page(
    request: HttpRequest, user: User, number: str, failed: Failed | None = None, message: str = "", status: int = 200
) -> HttpResponse:
    ticket = ticket_detail(user, number)
    done = signed_off(ticket)
    steps = sorted(
        (t for t in allowed_actions(ticket, user) if not (t.action == "sign_off" and done)),
        key=lambda t: MAIN_STEPS.index(t.action) if t.action in MAIN_STEPS else 99,
    )
    actions = []
    for t in steps:
        mine = failed is not None and failed.action == t.action
        widgets = failed.widgets if failed is not None and mine else _widgets(ticket, t)
        actions.append(
            {
                "action": t.action,
                "label": t.label,
                **_form(ticket, t.action, widgets),
                "error": failed.message if failed is not None and mine else "",
                "signed": t.action in SIGNED,
                "photos": t.action in PHOTOGRAPHED,
                "quoted": t.action in QUOTED,
            }
        )
    order = getattr(ticket, "work_order", None)
    context = {
        "ticket": ticket,
        "actions": actions,
        "failed": failed.action if failed else None,
        "message": failed.message if failed else message,
        "quote": next(iter(reversed(list(order.quotes.all()))), None) if order is not None else None,
        "photos": ticket.attachments.filter(kind=Attachment.Kind.PHOTO).count(),
        "promise": _next_promise(ticket),
        "now": timezone.now(),
        **settle_context(user, ticket),  # the charge of the signed-off paid job, or its receipt (R2.11)
    }
    return render(request, "field/job.html", context, status=status)


@login_required
@require_GET
def job(request: HttpRequest, number: str) -> HttpResponse:
    return _page(request, technician_of(request), number)


@login_required
@require_POST
def act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Take one step with the posted form, through the same service as the API."""
    user = technician_of(request)
    ticket, transition = ticket_and_transition(user, number, action)
    if action == "sign_off" and signed_off(ticket):
        return _page(request, user, number, message=_("The customer has already signed this job off."), status=409)

    def uploads() -> list[Upload]:
        """What the form carries beyond the input model: photos, the drawn signature,
        and for a sign-off the customer's own answer whether they accept the work."""
        if action == "sign_off" and not request.POST.get("satisfied"):
            raise InvalidInput(_("Ask the customer whether they accept the work."), field="satisfied")
        files = request.FILES.getlist("photos") if action in PHOTOGRAPHED else []
        if len(files) > PHOTOS_MAX:  # before reading any of them
            raise InvalidInput(_("At most %(n)s photos at a time.") % {"n": PHOTOS_MAX}, field="photos")
        out = [photo_upload(f, field="photos") for f in files]
        if action in SIGNED:
            signature = signature_upload(request.POST.get("signature", ""), field="signature")
            if signature is None:
                raise InvalidInput(_("The customer signs in the box first."), field="signature")
            out.append(signature)
        return out

    widgets = _widgets(ticket, transition, request.POST)
    failure = action_from_form(request, user, ticket, transition, widgets, uploads)
    if failure:
        return _page(request, user, number, failed=Failed(action, widgets, failure[0]), status=failure[1])
    if Ticket.objects.filter(pk=ticket.pk).filter(Q(closed_at__isnull=False)).exists():
        return redirect("field:jobs")
    return redirect("field:job", number=number)
