"""Planning, sampling, recording and reviewing follow-ups (R6.1-R6.5, R3.5, S0 §3.4).

- Closing a ticket plans its follow-up (``followup_on_close``, a close hook): the window
  from the property's policy and the assignee by rule. Complaints, major repairs (R2.20)
  and repairs whose customer was unsatisfied at sign-off are always called; the others
  wait to be sampled.
- ``followups_sample`` turns exactly enough waiting follow-ups of a day into calls to
  reach each coverage target (R6.2), by a choice seeded with the property, service and
  day, so a rerun chooses the same tickets. A huey task runs it for each day that is over.
- ``followup_record`` records a call (or an unreachable try, retried the next day);
  ``followup_review`` adds the supervisor's opinion, and an unsatisfactory result goes
  to the manager as a complaint linked to the ticket (R6.5).
"""

from __future__ import annotations

import datetime
import math
import random
import zoneinfo
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from base import validation
from base.errors import Forbidden, IllegalTransition, InvalidInput
from catalog.models import WarrantyTerm
from catalog.warranty import months_after
from complaints.kind import COMPLAINT
from estates.localtime import day_bounds, end_of_day
from estates.models import Building, Property
from followups.models import FollowUp, Service
from followups.policy import window_for
from notify.models import Notification
from notify.services import Words, notice_reporter, notice_role
from people.access import may_review_followups, staff_at
from people.models import Department, Role, User
from repairs.kind import REPAIR
from tickets.kinds import draft_from, kind_for
from tickets.models import Impact, Ticket, Urgency
from tickets.services import ticket_create
from tickets.workflow import event_append, on_close, on_step

if TYPE_CHECKING:
    from estates.models import Building, Property

RETRY_AFTER = datetime.timedelta(days=1)
DEPARTMENT_SUPERVISOR = {Department.ENGINEERING: Role.ENGINEERING_SUPERVISOR}


def service_of(ticket: Ticket) -> str:
    """The follow-up service of a closed ticket, as its kind names it (tickets.kinds)."""
    service = kind_for(ticket.kind).follow_up(ticket)
    return service if service in Service.values else Service.OTHER


def is_major_repair(ticket: Ticket) -> bool:
    """A major repair (R2.20: every one is called back): an emergency, or a fault that
    reaches beyond one household (R2.2)."""
    return ticket.kind == REPAIR and (ticket.urgency == Urgency.EMERGENCY or ticket.impact != Impact.HOUSEHOLD)


def _unsatisfied_at_sign_off(ticket: Ticket) -> bool:
    order = getattr(ticket, "work_order", None)
    return bool(order and (order.satisfied is False or (order.satisfaction or 5) <= 2))


def _specialist(property_id: int) -> User | None:
    """The customer specialist (service agent) at the property with the fewest calls to make."""
    return (
        staff_at(property_id, Role.AGENT)
        .annotate(load=Count("followups_assigned", filter=Q(followups_assigned__status=FollowUp.Status.PLANNED)))
        .order_by("load", "id")
        .first()
    )


def _assign(followup: FollowUp, ticket: Ticket | None) -> None:
    """R6.3: a major complaint: the property manager; another complaint: the supervisor of
    the department complained about with a customer specialist; everything else: a
    customer specialist."""
    complaint = getattr(ticket, "complaint", None) if ticket else None
    if complaint is not None and complaint.severity == "major":
        followup.assignee = staff_at(followup.property_id, Role.MANAGER).order_by("id").first()
        return
    followup.assignee = _specialist(followup.property_id)
    if complaint is not None:
        followup.with_role = DEPARTMENT_SUPERVISOR.get(complaint.department, Role.SERVICE_SUPERVISOR)


def followup_on_close(ticket: Ticket, now: datetime.datetime) -> FollowUp | None:
    """Plan the follow-up of a ticket that has just closed (a close hook)."""
    service = service_of(ticket)
    window = window_for(ticket.property_id, service)
    order = getattr(ticket, "work_order", None)
    base = (order.completed_at if order is not None and order.completed_at else None) or now
    reason = ""
    if window.coverage >= 100:
        reason = "required"
    elif is_major_repair(ticket):
        reason = "major"
    elif _unsatisfied_at_sign_off(ticket):
        reason = "unsatisfied"
    elif window.coverage <= 0:
        return None
    if ticket.kind == REPAIR and ticket.status != "closed":
        return None  # a cancelled or declined repair was not done: nothing to ask about
    due_from = base + datetime.timedelta(days=window.from_days)
    followup = FollowUp(
        property_id=ticket.property_id,
        ticket=ticket,
        service=service,
        status=FollowUp.Status.PLANNED if reason else FollowUp.Status.PENDING,
        reason=reason,
        due_from=due_from,
        due_by=base + datetime.timedelta(days=window.to_days),
        next_try_at=due_from,
        planned_at=now,
    )
    if reason:
        _assign(followup, ticket)
    followup.save()
    if reason:
        _followup_notice(ticket, followup)
    return followup


def _followup_notice(ticket: Ticket, followup: FollowUp) -> None:
    """R6: the resident hears that the office will call back, and when."""
    tz = zoneinfo.ZoneInfo(ticket.property.time_zone)
    span = {
        "number": ticket.number,
        "from": followup.due_from.astimezone(tz).strftime("%m-%d"),
        "to": followup.due_by.astimezone(tz).strftime("%m-%d"),
    }

    def words() -> Words:
        return Words(
            message=_("%(number)s is closed. We will call you between %(from)s and %(to)s to ask how it went.") % span,
            sms=_("%(number)s closed; we call back %(from)s-%(to)s") % span,
        )

    notice_reporter(ticket=ticket, wording=words, key=f"followup:{followup.pk}:reporter", at=followup.planned_at)


on_close(followup_on_close)


def followup_quick_call(ticket: Ticket, now: datetime.datetime) -> FollowUp:
    """S0 §3.4: the repair desk calls the customer the same day the technician reports back."""
    end = end_of_day(now, ticket.property.time_zone)
    followup, _created = FollowUp.objects.get_or_create(
        ticket=ticket,
        purpose=FollowUp.Purpose.QUICK_CALL,
        defaults={
            "property_id": ticket.property_id,
            "service": Service.REPAIR,
            "reason": "required",
            "due_from": now,
            "due_by": end,
            "next_try_at": now,
            "planned_at": now,
            "assignee": ticket.created_by if ticket.created_by and ticket.created_by.role == Role.AGENT else None,
        },
    )
    if followup.assignee_id is None:
        followup.assignee = _specialist(ticket.property_id)
        followup.save(update_fields=["assignee"])
    return followup


on_step(REPAIR, "report_back", followup_quick_call)


@transaction.atomic
def followups_sample(*, prop: Property, day: datetime.date) -> dict[str, int]:
    """Sample the follow-ups of the services closed on ``day`` (local) so that each
    service reaches exactly its coverage target (R6.2): the calls already planned
    (required ones) count first, then a seeded choice among the waiting ones makes up
    ``ceil(target × closed)``; the rest are not called. Returns the calls planned per service."""
    start, end = day_bounds(day, prop.time_zone)
    rows = list(
        FollowUp.objects.select_for_update(of=("self",))
        .filter(property=prop, purpose=FollowUp.Purpose.SERVICE, planned_at__gte=start, planned_at__lt=end)
        .exclude(status=FollowUp.Status.CANCELLED)
        .select_related("ticket")
        .order_by("id")
    )
    planned: dict[str, int] = {}
    for service in sorted({r.service for r in rows}):
        mine = [r for r in rows if r.service == service]
        target = math.ceil(window_for(prop.pk, service).coverage * len(mine) / 100)
        called = [r for r in mine if r.status in (FollowUp.Status.PLANNED, FollowUp.Status.DONE)]
        waiting = sorted((r for r in mine if r.status == FollowUp.Status.PENDING), key=lambda r: r.pk)
        need = max(0, target - len(called))
        chosen = set(random.Random(f"{prop.code}:{service}:{day:%Y%m%d}").sample(range(len(waiting)), need))
        for i, r in enumerate(waiting):
            if i in chosen:
                r.status, r.reason = FollowUp.Status.PLANNED, "sample"
                _assign(r, r.ticket)
            else:
                r.status = FollowUp.Status.NOT_SAMPLED
            r.save(update_fields=["status", "reason", "assignee", "with_role"])
        planned[service] = len(called) + need
    return planned


# --- Recording and review -----------------------------------------------------------------


@transaction.atomic
def followup_record(
    *,
    followup: FollowUp,
    by: User,
    reached: bool,
    method: str = FollowUp.Method.PHONE,
    satisfaction: int | None = None,
    quality: str = "",
    effect: str = "",
    shortcomings: str = "",
    suggestions: str = "",
    confirmed_by: str = "",
) -> FollowUp:
    """Record a follow-up call (R6.4), or an unreachable try, retried after a day."""
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if followup.status != FollowUp.Status.PLANNED:
        raise IllegalTransition(_("This follow-up is not waiting for a call."), code="followup_not_planned")
    now = timezone.now()
    if not reached:
        followup.attempts += 1
        followup.next_try_at = now + RETRY_AFTER
        followup.save(update_fields=["attempts", "next_try_at"])
        if followup.ticket_id:
            event_append(
                ticket=followup.ticket,  # type: ignore[arg-type]
                action="follow_up",
                by=by,
                at=now,
                note=_("Not reached (try %(n)s); to call again.") % {"n": followup.attempts},
                data={"reached": False, "attempts": followup.attempts},
            )
        return followup
    if satisfaction is None or not 1 <= satisfaction <= 5:
        raise InvalidInput(_("Satisfaction is a whole number from 1 to 5."), field="satisfaction")
    if method not in FollowUp.Method.values:
        raise InvalidInput(_("Choose how the resident was reached."), field="method")
    followup.status = FollowUp.Status.DONE
    followup.done_at, followup.done_by, followup.done_by_name = now, by, by.name_kept
    followup.method, followup.satisfaction = method, satisfaction
    followup.quality = validation.text_clean(quality, field="quality", required=False)
    followup.effect = validation.text_clean(effect, field="effect", required=False)
    followup.shortcomings = validation.text_clean(shortcomings, field="shortcomings", required=False)
    followup.suggestions = validation.text_clean(suggestions, field="suggestions", required=False)
    followup.confirmed_by = validation.text_clean(confirmed_by, field="confirmed_by", required=False, max_length=50)
    followup.save()
    if followup.ticket_id:
        event_append(
            ticket=followup.ticket,  # type: ignore[arg-type]
            action="follow_up",
            by=by,
            at=now,
            note="\n".join(t for t in (followup.quality, followup.shortcomings, followup.suggestions) if t),
            data={"reached": True, "method": method, "satisfaction": satisfaction, "purpose": followup.purpose},
        )
    if followup.unsatisfied and followup.ticket is not None:
        number = followup.ticket.number
        notice_role(  # R6.5: the supervisor reviews it
            ticket=followup.ticket,
            role=Role.SERVICE_SUPERVISOR,
            kind=Notification.Kind.REVIEW,
            wording=lambda: _("Follow-up of %(number)s: the resident is not satisfied.") % {"number": number},
            key=f"followup:{followup.pk}",
            at=now,
        )
    return followup


@transaction.atomic
def followup_review(*, followup: FollowUp, by: User, opinion: str) -> FollowUp:
    """R6.5: the supervisor reviews the record and adds an opinion; an unsatisfactory
    result goes to the manager and is handled as a complaint, linked to the ticket."""
    if not may_review_followups(by):
        raise Forbidden(_("Follow-ups are reviewed by the service supervisor or the manager."))
    followup = FollowUp.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=followup.pk)
    if followup.status != FollowUp.Status.DONE:
        raise IllegalTransition(_("Only a recorded follow-up can be reviewed."), code="followup_not_done")
    if followup.reviewed_at is not None:
        raise IllegalTransition(_("This follow-up was already reviewed."), code="followup_reviewed")
    opinion = validation.text_clean(opinion, field="opinion")
    now = timezone.now()
    followup.reviewed_at, followup.reviewed_by, followup.opinion = now, by, opinion
    if followup.unsatisfied and followup.ticket is not None:
        followup.complaint = _complaint_open(followup, by)
    followup.save(update_fields=["reviewed_at", "reviewed_by", "opinion", "complaint"])
    if followup.ticket is not None:
        event_append(
            ticket=followup.ticket,
            action="follow_up_review",
            by=by,
            at=now,
            note=opinion,
            data={"complaint": followup.complaint.number if followup.complaint else None},
        )
    return followup


def _complaint_open(followup: FollowUp, by: User) -> Ticket:
    ticket = followup.ticket
    assert ticket is not None
    complaint = getattr(ticket, "complaint", None)
    department = (
        complaint.department
        if complaint
        else (Department.ENGINEERING if ticket.kind == REPAIR else Department.SERVICE_DESK)
    )
    description = _("Unsatisfied at the follow-up of %(number)s: %(text)s") % {
        "number": ticket.number,
        "text": followup.shortcomings or followup.quality or str(followup.satisfaction),
    }
    draft = draft_from(
        {
            "kind": COMPLAINT,
            "property": ticket.property.code,
            "unit": ticket.unit.label if ticket.unit else None,
            "common_area": ticket.common_area.name if ticket.common_area else None,
            "reporter_name": ticket.reporter_name,
            "reporter_phone": ticket.reporter_phone,
            "description": description[:2000],
            "complaint": {"severity": "important", "department": department},  # the manager takes it (R6.5)
        }
    )
    return ticket_create(by=by, draft=draft, origin=ticket)


# --- Warranty visits (R3.5) ------------------------------------------------------------------

PERIOD_MONTHS = 6  # periodic visits every 6 months: at least twice a year
SEASONS = ((4, 1), (7, 1))  # the rainy season from April, typhoons from July: visit the month before
BEFORE_EXPIRY = datetime.timedelta(days=30)


def warranty_visits_plan(*, building: Building, today: datetime.date, horizon_days: int = 365) -> int:
    """Plan a building's warranty visits for the coming ``horizon_days``: periodic ones
    every 6 months from acceptance while any term runs, seasonal ones before the rainy
    and typhoon seasons while a roof-and-wall term runs, and one in the month before
    each term expires. Idempotent: a visit already planned is not planned again."""
    accepted = building.completion_date
    if accepted is None:
        return 0
    tz = zoneinfo.ZoneInfo(building.property.time_zone)
    end = today + datetime.timedelta(days=horizon_days)
    terms = list(WarrantyTerm.objects.filter(months__isnull=False))
    until = {t.pk: months_after(accepted, t.months) - datetime.timedelta(days=1) for t in terms if t.months is not None}
    last_day = max(until.values(), default=None)
    visits: list[tuple[str, datetime.date, datetime.date, str]] = []
    k = 1
    while last_day and (day := months_after(accepted, PERIOD_MONTHS * k)) <= min(end, last_day):
        if day >= today:
            visits.append((FollowUp.Purpose.WARRANTY_PERIODIC, day, day + datetime.timedelta(days=30), ""))
        k += 1
    seasonal_until = max((until[t.pk] for t in terms if t.seasonal), default=None)
    for year in range(today.year, end.year + 1):
        for month, day_of_month in SEASONS:
            season = datetime.date(year, month, day_of_month)
            start = months_after(season, -1)
            if seasonal_until and today <= start <= end and season <= seasonal_until:
                visits.append((FollowUp.Purpose.WARRANTY_SEASONAL, start, season, ""))
    for t in terms:
        start = until[t.pk] - BEFORE_EXPIRY
        if today <= start <= end:
            visits.append((FollowUp.Purpose.WARRANTY_EXPIRY, start, until[t.pk], t.name))
    now = timezone.now()
    made = 0
    for purpose, first, last, note in visits:
        due_from = datetime.datetime.combine(first, datetime.time(9), tzinfo=tz)
        followup, created = FollowUp.objects.get_or_create(
            building=building,
            purpose=purpose,
            due_from=due_from,
            defaults={
                "property_id": building.property_id,
                "service": Service.WARRANTY,
                "reason": "required",
                "due_by": datetime.datetime.combine(last, datetime.time(18), tzinfo=tz),
                "next_try_at": due_from,
                "planned_at": now,
                "note": note[:200],
                "assignee": _specialist(building.property_id),
            },
        )
        made += created
    return made


def warranty_visits_plan_all(*, today: datetime.date) -> int:
    return sum(
        warranty_visits_plan(building=b, today=today)
        for b in Building.objects.filter(completion_date__isnull=False).select_related("property")
    )


def followups_sample_due(*, now: datetime.datetime) -> int:
    """Sample every earlier local day that still has follow-ups waiting to be sampled
    (the hourly task; a day is sampled once it is over)."""
    days = 0
    for prop in Property.objects.all():
        tz = zoneinfo.ZoneInfo(prop.time_zone)
        today = now.astimezone(tz).date()
        pending = FollowUp.objects.filter(property=prop, status=FollowUp.Status.PENDING).values_list(
            "planned_at", flat=True
        )
        for day in sorted({p.astimezone(tz).date() for p in pending if p.astimezone(tz).date() < today}):
            followups_sample(prop=prop, day=day)
            days += 1
    return days


def followups_for_event(
    *,
    property_id: int,
    homes: list[tuple[int, int | None, str]],
    about: str,
    held_at: datetime.datetime,
    seed: int,
) -> int:
    """R6.1-R6.2: a community event or newsletter is followed up within its window (a
    month) with a sample of the households it reached (20 % by default, the property's
    policy): ``homes`` are (household id, building id, unit label). The sample is drawn
    with ``seed`` (the announcement), so planning again draws the same households."""
    window = window_for(property_id, Service.EVENT)
    if window.coverage <= 0 or not homes:
        return 0
    ordered = sorted(set(homes))
    chosen = random.Random(seed).sample(ordered, math.ceil(len(ordered) * window.coverage / 100))
    now = timezone.now()
    due_from = held_at + datetime.timedelta(days=window.from_days)
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                property_id=property_id,  # the unit is in the note: ``building`` marks warranty visits
                service=Service.EVENT,
                status=FollowUp.Status.PLANNED,
                reason="sample",
                due_from=due_from,
                due_by=held_at + datetime.timedelta(days=window.to_days),
                next_try_at=due_from,
                planned_at=now,
                note=f"{label} · {about}"[:200],
            )
            for _household, _building, label in chosen
        ]
    )
    return len(chosen)
