"""The resident's pages, for a phone inside WeChat on a slow connection: their
household's matters and where each stands, one matter with its promises, steps,
photos, the price to agree to and the sign-off, and the fee schedule. Pages of a few
kilobytes that work without a script; the one small script counts the promises down.
Reporting is in ``portal.report``, signing in and joining a household in
``portal.signin``, surveys in ``surveys.portal``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from pydantic import ValidationError

from announcements.selectors import for_resident
from base.errors import DomainError, pydantic_message
from base.reads import related_read
from catalog.models import Category
from catalog.selectors import fee_schedule
from pages.rows import local, short, url_maker
from people.access import is_resident
from people.models import User
from residents.selectors import homes_named, joins_not_confirmed
from surveys.selectors import open_surveys_for
from tickets.actions import ticket_act
from tickets.kinds import kind_for
from tickets.models import Attachment, Ticket
from tickets.selectors import TicketRow, ticket_detail, ticket_for_action, tickets_newest
from tickets.workflow import allowed_actions

ROWS = 50
FEES_MAX = 200
OWN_WORDS = {
    "consent": gettext_lazy("You agreed to the price"),
    "decline_quote": gettext_lazy("You declined the price"),
    "sign_off": gettext_lazy("You checked the work and signed off"),
}


def resident_of(request: HttpRequest) -> User:
    if not is_resident(request.user):
        raise PermissionDenied(_("These pages are for residents."))
    return request.user


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = resident_of(request)
    context = {
        "rows": matter_rows(tickets_newest(user, limit=ROWS)),
        "surveys": open_surveys_for(user, timezone.now()),
        "announcements": for_resident(user),
        "homes": homes_named(user),
        "waiting": joins_not_confirmed(user),
    }
    return render(request, "portal/home.html", context)


@dataclass(frozen=True)
class MatterRow:
    """A matter as the resident's home lists it (pages.rows), times on its property's clock."""

    url: str
    number: str
    status: str
    place: str
    what: str
    plain: str  # what the status means to the resident, in plain words
    reported: str
    technician: str


def matter_rows(tickets: list[TicketRow]) -> list[MatterRow]:
    url = url_maker("portal:matter")
    return [
        MatterRow(
            url=url(t.number),
            number=t.number,
            status=t.status_label,
            place=t.unit_label or t.area_name or "",
            what=short(t.description),
            plain=str(kind_for(t.kind).plain_words(t.status, t.status_label)),
            reported=local(t.reported_at, ZoneInfo(t.time_zone), "%Y-%m-%d %H:%M"),
            technician=t.assignee_display or "",
        )
        for t in tickets
    ]


def _matter(user: User, number: str) -> dict[str, Any]:
    """One matter as its resident sees it (tickets.selectors.ticket_detail keeps to the
    promises made to them and to the steps that concern them)."""
    ticket = ticket_detail(user, number)
    kind = kind_for(ticket.kind)
    order = getattr(ticket, "work_order", None) if ticket.kind == "repair" else None
    quotes = list(order.quotes.all()) if order else []
    technician = None
    if ticket.assignee_id:
        related_read([ticket], "assignee")
        person = ticket.assignee
        technician = {"name": str(person), "phone": person.phone} if person else None
    photos = [
        a.pk
        for e in ticket.timeline  # type: ignore[attr-defined]
        for a in e.attachments.all()
        if a.kind == Attachment.Kind.PHOTO
    ]
    steps = [
        {
            "at": e.at,
            "label": _step_label(ticket, e.action, e.actor_id == user.pk),
            "note": e.note,
            "mine": e.actor_id == user.pk,
        }
        for e in ticket.timeline  # type: ignore[attr-defined]
    ]
    open_clocks = [d for d in ticket.deadlines.all() if d.met_at is None and d.status == "open"]
    return {
        "ticket": ticket,
        "plain": kind.plain_words(ticket.status, ticket.status_label),  # type: ignore[attr-defined]
        "kind_label": kind.label,
        "clocks": open_clocks,
        "technician": technician,
        "desk_phone": ticket.property.desk_phone,
        "steps": steps,
        "photos": photos,
        "quote": quotes[-1] if quotes else None,
        # Lines with no catalogue item were priced by the engineering supervisor (R2.6).
        "priced_apart": bool(quotes) and any(not line.get("item") for line in quotes[-1].lines),
        "order": order,
        "can": {t.action for t in allowed_actions(ticket, user)},
        "now": timezone.now(),
    }


def _step_label(ticket: Ticket, action: str, mine: bool) -> str:
    """The step as the resident reads it: their own in their words, the office's by the
    workflow table's label."""
    if action == "create":
        return _("Recorded")
    if mine and action in OWN_WORDS:
        return str(OWN_WORDS[action])
    t = kind_for(ticket.kind).workflow.transitions.get(action)
    return str(t.label) if t else action


@login_required
@require_GET
def matter(request: HttpRequest, number: str) -> HttpResponse:
    return render(request, "portal/matter.html", _matter(resident_of(request), number))


@login_required
@require_POST
def act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Agree to or decline the price, or sign off and rate: the same service as the
    API's action, so the same rules; an answer given already gets a clear message."""
    user = resident_of(request)
    ticket = ticket_for_action(user, number)  # the workflow table says which steps are a resident's
    data: dict[str, Any] = {"note": request.POST.get("note", "")}
    if action == "sign_off":
        data = {
            "satisfaction": request.POST.get("satisfaction") or None,
            "satisfied": request.POST.get("fixed", "yes") != "no",
            "comment": request.POST.get("comment", ""),
        }
    try:
        ticket_act(ticket=ticket, action=action, by=user, data=data)
    except ValidationError as e:
        first = e.errors()[0]
        message = (
            _("Choose one to five stars.")
            if first.get("loc", ("",))[0] == "satisfaction"
            else pydantic_message(dict(first))
        )
        return _again(request, user, number, action, message)
    except DomainError as e:
        return _again(request, user, number, action, e.message, e.status)
    return redirect("portal:matter", number=number)


def _again(request: HttpRequest, user: User, number: str, action: str, message: str, status: int = 422) -> HttpResponse:
    context = _matter(user, number) | {"message": message, "failed": action, "posted": request.POST}
    return render(request, "portal/matter.html", context, status=status)


@login_required
@require_GET
def fees(request: HttpRequest) -> HttpResponse:
    """The fee schedule as the office publishes it (R8.5), searchable."""
    user = resident_of(request)
    q = request.GET.get("q", "")[:50]
    category = request.GET.get("category", "")[:30]
    items = list(fee_schedule(user, q=q, category=category)[: FEES_MAX + 1])
    categories = Category.objects.filter(items__in=fee_schedule(user)).distinct().order_by("name")
    return render(
        request,
        "portal/fees.html",
        {
            "items": items[:FEES_MAX],
            "more": len(items) > FEES_MAX,
            "q": q,
            "category": category,
            "categories": categories,
        },
    )
