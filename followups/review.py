"""The quarterly review (R6.6) and corrective actions.

Each quarter (or on demand) the review lists what needs a decision: unsatisfactory
follow-ups, the same matter complained about twice or more (same place, same
department), and the same repair three times or more (same unit or common area, same
category), each with the tickets behind it. The manager decides per finding: no action,
or a corrective and preventive action with an owner, root cause, action and due date,
tracked to closure with events.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from base import validation
from base.errors import Conflict, Forbidden, IllegalTransition, InvalidInput
from complaints.kind import COMPLAINT
from followups.models import CorrectiveAction, CorrectiveActionEvent, Finding, FollowUp, ReviewDecision
from people.access import may_decide
from people.models import Department, User
from repairs.kind import REPAIR
from tickets.models import Ticket

if TYPE_CHECKING:
    from estates.models import Property

REPEAT_COMPLAINTS = 2
REPEAT_REPAIRS = 3


def quarter_of(day: datetime.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(quarter: str, time_zone: str) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of the quarter and of the next one, in the property's time zone."""
    match = re.fullmatch(r"(\d{4})Q([1-4])", quarter)
    if match is None:
        raise InvalidInput(_("A quarter is written like 2026Q4."), field="quarter")
    year, q = int(match.group(1)), int(match.group(2))
    tz = zoneinfo.ZoneInfo(time_zone)
    start = datetime.datetime(year, 3 * q - 2, 1, tzinfo=tz)
    end = datetime.datetime(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1, tzinfo=tz)
    return start, end


@dataclass
class FindingRow:
    finding: str
    key: str
    label: str
    tickets: list[Ticket]
    decision: ReviewDecision | None = None

    @property
    def finding_label(self) -> str:
        return str(Finding(self.finding).label)


def _place_key(unit_id: int | None, area_id: int | None) -> str:
    return f"u{unit_id}" if unit_id else f"a{area_id}"


def quarterly_findings(prop: Property, quarter: str) -> list[FindingRow]:
    start, end = quarter_bounds(quarter, prop.time_zone)
    rows: list[FindingRow] = []
    unhappy = (
        FollowUp.objects.filter(
            property=prop, status=FollowUp.Status.DONE, satisfaction__lte=2, done_at__gte=start, done_at__lt=end
        )
        .select_related("ticket")
        .order_by("done_at", "id")
    )
    for f in unhappy:
        tickets = [f.ticket] if f.ticket else []
        label = f"{f.ticket.number if f.ticket else f.building}: {f.shortcomings or f.quality or f.satisfaction}"
        rows.append(FindingRow(Finding.UNSATISFIED, f"followup:{f.pk}", label[:200], tickets))

    in_quarter = Ticket.objects.filter(property=prop, reported_at__gte=start, reported_at__lt=end)
    complaints = (
        in_quarter.filter(kind=COMPLAINT)
        .values("unit_id", "common_area_id", "complaint__department")
        .annotate(n=Count("id"))
        .filter(n__gte=REPEAT_COMPLAINTS)
    )
    for g in complaints:
        place = Q(unit_id=g["unit_id"], common_area_id=g["common_area_id"])
        tickets = list(
            in_quarter.filter(place, kind=COMPLAINT, complaint__department=g["complaint__department"])
            .select_related("unit", "common_area")
            .order_by("reported_at", "id")
        )
        key = f"complaint:{_place_key(g['unit_id'], g['common_area_id'])}:{g['complaint__department']}"
        rows.append(
            FindingRow(Finding.REPEAT_COMPLAINT, key, _label(tickets, _department(g["complaint__department"])), tickets)
        )

    repairs = (
        in_quarter.filter(kind=REPAIR, category__isnull=False)
        .values("unit_id", "common_area_id", "category_id")
        .annotate(n=Count("id"))
        .filter(n__gte=REPEAT_REPAIRS)
    )
    for r in repairs:
        place = Q(unit_id=r["unit_id"], common_area_id=r["common_area_id"])
        tickets = list(
            in_quarter.filter(place, kind=REPAIR, category_id=r["category_id"])
            .select_related("unit", "common_area", "category")
            .order_by("reported_at", "id")
        )
        key = f"repair:{_place_key(r['unit_id'], r['common_area_id'])}:{r['category_id']}"
        category = tickets[0].category.name if tickets and tickets[0].category else ""
        rows.append(FindingRow(Finding.REPEAT_REPAIR, key, _label(tickets, category), tickets))

    decisions = {
        (d.finding, d.key): d
        for d in ReviewDecision.objects.filter(property=prop, quarter=quarter).select_related("action")
    }
    for row in rows:
        row.decision = decisions.get((row.finding, row.key))
    return rows


def _department(code: str) -> str:
    """The department's name in the reader's language (its code is for the database)."""
    return str(dict(Department.choices).get(code, code))


def _label(tickets: list[Ticket], what: str) -> str:
    place = tickets[0].location_label if tickets else ""
    return f"{place} · {what} × {len(tickets)}"


def _decider(by: User) -> None:
    if not may_decide(by):
        raise Forbidden(_("The property manager decides on the findings of the review."))


@transaction.atomic
def finding_decide(
    *,
    prop: Property,
    quarter: str,
    finding: str,
    key: str,
    by: User,
    note: str = "",
    open_action: bool = False,
    title: str = "",
    owner: str = "",
    root_cause: str = "",
    action: str = "",
    due_on: datetime.date | None = None,
) -> ReviewDecision:
    """Record the manager's decision on one finding: no action, or a corrective action
    linked to the tickets behind the finding."""
    _decider(by)
    row = next((r for r in quarterly_findings(prop, quarter) if (r.finding, r.key) == (finding, key)), None)
    if row is None:
        raise InvalidInput(_("There is no such finding in %(quarter)s.") % {"quarter": quarter}, field="key")
    if row.decision is not None:
        raise Conflict(_("This finding was already decided."), code="already_decided")
    now = timezone.now()
    ca = None
    if open_action:
        ca = corrective_action_open(
            prop=prop,
            by=by,
            title=title or row.label,
            owner=owner,
            root_cause=root_cause,
            action=action,
            due_on=due_on,
            tickets=row.tickets,
        )
    try:
        with transaction.atomic():
            return ReviewDecision.objects.create(
                property=prop,
                quarter=quarter,
                finding=finding,
                key=key,
                action=ca,
                note=validation.note_clean(note),
                decided_at=now,
                decided_by=by,
                decided_by_name=by.name_kept,
            )
    except IntegrityError:
        raise Conflict(_("This finding was already decided."), code="already_decided") from None


def corrective_action_open(
    *,
    prop: Property,
    by: User,
    title: str,
    owner: str,
    root_cause: str,
    action: str,
    due_on: datetime.date | None,
    tickets: list[Ticket],
) -> CorrectiveAction:
    _decider(by)
    person = User.objects.filter(username=owner, is_active=True, properties=prop).first()
    if person is None:
        raise InvalidInput(_("Choose the owner among the staff of this property."), field="owner")
    if due_on is None:
        raise InvalidInput(_("Give the due date."), field="due_on")
    with timezone.override(prop.time_zone):
        if due_on < timezone.localdate():
            raise InvalidInput(_("The due date is in the past."), field="due_on")
    now = timezone.now()
    ca = CorrectiveAction.objects.create(
        property=prop,
        title=validation.text_clean(title, field="title", max_length=200),
        owner=person,
        root_cause=validation.text_clean(root_cause, field="root_cause"),
        action=validation.text_clean(action, field="action"),
        due_on=due_on,
        opened_at=now,
    )
    ca.tickets.set(tickets)
    _event(ca, by, "open", ca.action, now)
    return ca


def _event(ca: CorrectiveAction, by: User, action: str, note: str, at: datetime.datetime) -> None:
    CorrectiveActionEvent.objects.create(
        corrective_action=ca, at=at, actor=by, actor_name=by.name_kept, action=action, note=note
    )


@transaction.atomic
def corrective_action_progress(*, ca: CorrectiveAction, by: User, step: str, note: str = "") -> CorrectiveAction:
    """``note``: a progress note by the owner or the manager; ``done``: the owner reports
    it done; ``verify``: the manager checks the effect and closes it (the note is the
    verification); ``reopen``: the manager sends it back."""
    ca = CorrectiveAction.objects.select_for_update().get(pk=ca.pk)
    manager = may_decide(by)
    if not manager and by.pk != ca.owner_id:
        raise Forbidden(_("Only the owner or the property manager updates this action."))
    allowed = {
        "note": {CorrectiveAction.Status.OPEN, CorrectiveAction.Status.DONE},
        "done": {CorrectiveAction.Status.OPEN},
        "verify": {CorrectiveAction.Status.DONE},
        "reopen": {CorrectiveAction.Status.DONE},
    }
    if step not in allowed:
        raise InvalidInput(_("Unknown step."), field="step")
    if ca.status not in allowed[step]:
        raise IllegalTransition(_("This action is %(status)s.") % {"status": ca.get_status_display()})
    if step in ("verify", "reopen") and not manager:
        raise Forbidden(_("The property manager verifies the action."))
    note = validation.text_clean(note, field="note", required=step in ("note", "verify", "reopen"))
    now = timezone.now()
    if step == "done":
        ca.status = CorrectiveAction.Status.DONE
    elif step == "verify":
        ca.status, ca.verification, ca.closed_at = CorrectiveAction.Status.CLOSED, note, now
    elif step == "reopen":
        ca.status = CorrectiveAction.Status.OPEN
    ca.save()
    _event(ca, by, step, note, now)
    return ca
