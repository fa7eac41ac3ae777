"""The technician's pages, for a phone on a slow connection: my jobs, and one job with
the actions of the moment as big forms. No script library: a page is a few kilobytes,
and the only script draws the customer's signature."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from base.errors import InvalidInput
from pages.actions import action_from_form, action_widgets, ticket_and_transition
from people.access import is_technician
from people.models import User
from tickets.attachments import PHOTOS_MAX, Upload, photo_upload, signature_upload
from tickets.models import Attachment, Ticket
from tickets.selectors import ticket_detail, with_labels
from tickets.workflow import allowed_actions

# Steps the customer signs for on the technician's phone (R2.9 consent, R2.11 sign-off).
SIGNED = {"consent", "decline_quote", "sign_off"}
# Steps that take photos of the work.
PHOTOGRAPHED = {"arrive", "complete"}
JOBS_MAX = 100
# The usual next step comes first and open; the others (defer, escalate ...) below it.
MAIN_STEPS = ["accept", "arrive", "confirm", "consent", "complete", "sign_off", "report_back"]


def technician_of(request: HttpRequest) -> User:
    if not is_technician(request.user):
        raise PermissionDenied(_("These pages are for technicians."))
    return request.user


@login_required
@require_GET
def jobs(request: HttpRequest) -> HttpResponse:
    """My open jobs: emergencies first, then by appointment, then by the next promise."""
    user = technician_of(request)
    rows = list(
        with_labels(Ticket.objects.visible_to(user).filter(closed_at__isnull=True)).order_by(
            F("urgency").asc(),  # "emergency" sorts before "routine"
            F("appointment_at").asc(nulls_last=True),
            F("next_due_at").asc(nulls_last=True),
            "id",
        )[:JOBS_MAX]
    )
    return render(request, "field/jobs.html", {"rows": rows, "now": timezone.now()})


def _page(request: HttpRequest, user: User, number: str, failed=None, status: int = 200) -> HttpResponse:
    ticket = ticket_detail(user, number)
    actions = []
    steps = sorted(
        allowed_actions(ticket, user), key=lambda t: MAIN_STEPS.index(t.action) if t.action in MAIN_STEPS else 99
    )
    for t in steps:
        mine = failed and failed[0] == t.action
        actions.append(
            {
                "action": t.action,
                "label": t.label,
                "widgets": failed[1] if mine else action_widgets(ticket, t),
                "error": failed[2] if mine else "",
                "signed": t.action in SIGNED,
                "photos": t.action in PHOTOGRAPHED,
            }
        )
    context = {
        "ticket": ticket,
        "actions": actions,
        "failed": failed[0] if failed else None,
        "message": failed[2] if failed else "",
        "quote": next(iter(reversed(list(ticket.work_order.quotes.all()))), None)
        if hasattr(ticket, "work_order")
        else None,
        "photos": ticket.attachments.filter(kind=Attachment.Kind.PHOTO).count(),
    }
    return render(request, "field/job.html", context, status=status)


@login_required
@require_GET
def job(request: HttpRequest, number: str) -> HttpResponse:
    return _page(request, technician_of(request), number)


@login_required
@require_POST
def act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    user = technician_of(request)
    ticket, transition = ticket_and_transition(user, number, action)

    def uploads() -> list[Upload]:
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

    widgets = action_widgets(ticket, transition)
    failure = action_from_form(request, user, ticket, transition, widgets, uploads)
    if failure:
        return _page(request, user, number, failed=(action, widgets, failure[0]), status=failure[1])
    if Ticket.objects.filter(pk=ticket.pk).filter(Q(closed_at__isnull=False)).exists():
        return redirect("field:jobs")
    return redirect("field:job", number=number)
