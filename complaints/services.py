"""One service per action of the complaint workflow (R4), the routing by severity
(R4.3) and the automatic escalation of a complaint unresolved after a month (R4.1)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from base import validation
from base.errors import Forbidden, IllegalTransition, InvalidInput
from complaints.models import APPROVER, MEANINGS, OWNER, Complaint, Severity
from complaints.schemas import ComplaintIn
from notify.models import Notification
from notify.services import Words, notice_role
from people.access import outranks
from people.models import Department, Role
from promises.models import Clock, Deadline
from promises.policy import limit_text, limits_for
from promises.services import deadline_meet, deadline_start, deadlines_cancel, on_breach
from tickets.escalation import breach_key
from tickets.kinds import part_of
from tickets.models import Ticket
from tickets.services import next_due_refresh
from tickets.workflow import event_append, ticket_transition

if TYPE_CHECKING:
    from people.models import User
    from tickets.schemas import TicketDraft

SEVERITY_CLOCKS = [Clock.TAKE_UP, Clock.ANSWER, Clock.RESOLVE, Clock.MONTH]
RANK = {Severity.MINOR: 0, Severity.IMPORTANT: 1, Severity.MAJOR: 2}


def policy_key(severity: str) -> str:
    return f"complaint:{severity}"


def severity_definitions(property_id: int) -> dict[Severity, str]:
    """What each severity means (R4.1) and who takes it up and by when, from the
    property's promise policy (R4.3, R4.5): the words the desk reads when choosing."""
    out = {}
    for severity in Severity:
        limits = limits_for(property_id, policy_key(severity))
        role = capfirst(Role(OWNER[severity]).label)
        take_up, answer, resolve = limits.get(Clock.TAKE_UP), limits.get(Clock.ANSWER), limits.get(Clock.RESOLVE)
        terms = [
            _("%(role)s takes it up %(when)s") % {"role": role, "when": limit_text(take_up)}
            if take_up
            else _("%(role)s takes it up") % {"role": role}
        ]
        if answer:
            terms.append(_("a clear answer %(when)s") % {"when": limit_text(answer)})
        if resolve and severity == Severity.MINOR:
            terms.append(_("resolved %(when)s or by the customer's deadline") % {"when": limit_text(resolve)})
        elif resolve:
            terms.append(_("resolved %(when)s") % {"when": limit_text(resolve)})
        out[severity] = _("%(meaning)s %(terms)s.") % {"meaning": MEANINGS[severity], "terms": _("; ").join(terms)}
    return out


def _complaint(ticket: Ticket) -> Complaint:
    return Complaint.objects.get(ticket=ticket)


# --- Intake --------------------------------------------------------------------------


def complaint_check(draft: TicketDraft) -> None:
    c: ComplaintIn | None = part_of(draft)
    if c is None:
        raise InvalidInput(
            _("Give the complaint's details: at least the department complained about."), field="complaint"
        )
    now = timezone.now()
    if c.event_at:
        validation.not_in_future(validation.aware(c.event_at), field="complaint.event_at", now=now)
    for name, value, size in (
        ("person", c.person, 50),
        ("event_place", c.event_place, 100),
        ("demand", c.demand, 2000),
    ):
        validation.text_clean(value, field=f"complaint.{name}", required=False, max_length=size)


def complaint_open(
    *, ticket: Ticket, by: User, now: datetime.datetime, draft: TicketDraft, rework_of: Ticket | None = None
) -> None:
    """The complaint's record, its route to the owner of its severity (R4.3) and, for a
    minor one, the customer's own deadline in place of the 2 days (R4.5)."""
    c: ComplaintIn = part_of(draft)  # complaint_check ran first
    Complaint.objects.create(
        ticket=ticket,
        property_id=ticket.property_id,
        severity=c.severity,
        department=c.department,
        person=c.person.strip(),
        event_at=validation.aware(c.event_at) if c.event_at else None,
        event_place=c.event_place.strip(),
        demand=c.demand.strip(),
        damage_ongoing=c.damage_ongoing,
    )
    customer_due = customer_deadline(ticket, c.severity)
    if customer_due:
        Deadline.objects.filter(ticket=ticket, clock=Clock.RESOLVE, status=Deadline.Status.OPEN).update(
            due_at=customer_due
        )
        next_due_refresh(ticket)
    _route(ticket, c.severity, now, key=f"complaint:{ticket.pk}:{c.severity}")


def customer_deadline(ticket: Ticket, severity: str) -> datetime.datetime | None:
    """R4.5: a minor complaint is resolved by the customer's own deadline when they gave one."""
    return ticket.appointment_at if severity == Severity.MINOR else None


def _route(ticket: Ticket, severity: str, now: datetime.datetime, *, key: str, kind: str = "") -> None:
    """Tell the complaint's owner (R4.3: the manager within the hour for an important
    one, the leadership the same day for a major one), never held for quiet hours."""

    def words() -> Words:
        what = {"severity": Severity(severity).label, "number": ticket.number, "text": ticket.description[:80]}
        return Words(
            message=_("%(severity)s complaint %(number)s: %(text)s") % what,
            sms=_("%(severity)s complaint %(number)s") % what,
        )

    notice_role(
        ticket=ticket,
        role=OWNER[Severity(severity)],
        kind=kind or Notification.Kind.ESCALATION,
        wording=words,
        key=key,
        urgent=severity != Severity.MINOR,
        at=now,
    )


def _clocks_restart(ticket: Ticket, severity: str, *, now: datetime.datetime, resolve_from: datetime.datetime) -> None:
    """The clocks of a new severity: taken up and answered from now, resolved from
    ``resolve_from``; the one-month clock keeps running from the recording and is
    never started again once it has fired."""
    deadlines_cancel(ticket=ticket, clocks=SEVERITY_CLOCKS)
    limits = limits_for(ticket.property_id, policy_key(severity))
    starts = {Clock.TAKE_UP: now, Clock.ANSWER: now, Clock.RESOLVE: resolve_from, Clock.MONTH: ticket.created_at}
    fired = Deadline.objects.filter(ticket=ticket, clock=Clock.MONTH, breached_at__isnull=False).exists()
    customer_due = customer_deadline(ticket, severity)
    for clock, start in starts.items():
        if clock in limits and not (clock == Clock.MONTH and fired):
            due = customer_due if clock == Clock.RESOLVE else None
            deadline_start(ticket=ticket, clock=clock, start=start, due=due, policy=policy_key(severity))
    next_due_refresh(ticket)


# --- Actions -------------------------------------------------------------------------


def complaint_guard(ticket: Ticket, action: str, user: User) -> Forbidden | None:
    """Who may take charge and who may extend depend on the severity (R4.3, R4.5): the
    owner of the severity or someone above takes it up; the approver R4.5 names, or
    someone above, extends it. Checked with the workflow table, so the list of actions a
    user may take leaves out what they would be refused."""
    if action not in ("take_up", "extend"):
        return None
    severity = Severity(Complaint.objects.filter(ticket=ticket).values_list("severity", flat=True).get())
    needed = (OWNER if action == "take_up" else APPROVER)[severity]
    if outranks(user, needed):
        return None
    if action == "take_up":
        return Forbidden(
            _("A %(severity)s complaint is taken up by the %(role)s.")
            % {"severity": severity.label, "role": Role(needed).label}
        )
    return Forbidden(
        _("Extending a %(severity)s complaint needs the approval of the %(role)s.")
        % {"severity": severity.label, "role": Role(needed).label},
        code="approval_needed",
    )


def _damage_stopped(c: Complaint) -> None:
    """R4.7: where damage is ongoing, stop it first, then handle the complaint."""
    if c.must_stop_damage:
        raise IllegalTransition(
            _("Damage is still going on: stop it first, then handle the complaint."), code="damage_ongoing"
        )


@transaction.atomic
def complaint_take_up(*, ticket: Ticket, by: User, note: str = "") -> None:
    """The owner of the severity, or someone above, takes charge (R4.3)."""
    now = timezone.now()
    ticket_transition(ticket=ticket, action="take_up", by=by, at=now, note=validation.note_clean(note))
    deadline_meet(ticket=ticket, clock=Clock.TAKE_UP, at=now)
    next_due_refresh(ticket)


@transaction.atomic
def complaint_classify(*, ticket: Ticket, by: User, severity: Severity, reason: str) -> None:
    """Change the severity, with the reason (R4.1); the new owner is told and the
    clocks of the new severity replace the old ones, counted from the recording."""
    reason = validation.text_clean(reason, field="reason")
    c = _complaint(ticket)
    if severity == c.severity:
        raise InvalidInput(_("The complaint is already %(severity)s.") % {"severity": severity.label}, field="severity")
    now = timezone.now()
    event = ticket_transition(
        ticket=ticket, action="classify", by=by, at=now, note=reason, data={"from": c.severity, "to": severity.value}
    )
    Complaint.objects.filter(pk=c.pk).update(severity=severity)
    _clocks_restart(ticket, severity, now=now, resolve_from=ticket.created_at)
    _route(ticket, severity, now, key=f"event:{event.pk}")


@transaction.atomic
def complaint_stop_damage(*, ticket: Ticket, by: User, measures: str) -> None:
    measures = validation.text_clean(measures, field="measures")
    now = timezone.now()
    ticket_transition(ticket=ticket, action="stop_damage", by=by, at=now, note=measures)
    Complaint.objects.filter(ticket=ticket).update(damage_stopped_at=now)


@transaction.atomic
def complaint_forward(*, ticket: Ticket, by: User, department: Department | None = None, note: str = "") -> None:
    """Send the handling form to the department complained about (R4.4), once any
    ongoing damage is stopped (R4.7)."""
    c = _complaint(ticket)
    _damage_stopped(c)
    department = department or Department(c.department)
    now = timezone.now()
    ticket_transition(
        ticket=ticket,
        action="forward",
        by=by,
        at=now,
        note=validation.note_clean(note),
        data={"department": department.value},
    )
    Complaint.objects.filter(pk=c.pk).update(department=department)


@transaction.atomic
def complaint_acknowledge(*, ticket: Ticket, by: User, receiver: str = "", note: str = "") -> None:
    receiver = validation.text_clean(receiver or by.name_kept, field="receiver", max_length=50)
    now = timezone.now()
    ticket_transition(
        ticket=ticket,
        action="acknowledge",
        by=by,
        at=now,
        note=validation.note_clean(note),
        data={"receiver": receiver},
    )
    Complaint.objects.filter(ticket=ticket).update(receiver=receiver, acknowledged_at=now)


@transaction.atomic
def complaint_handle(*, ticket: Ticket, by: User, handling: str) -> None:
    handling = validation.text_clean(handling, field="handling")
    now = timezone.now()
    ticket_transition(ticket=ticket, action="handle", by=by, at=now, note=handling)
    Complaint.objects.filter(ticket=ticket).update(handling=handling, returned_at=now)


@transaction.atomic
def complaint_answer(*, ticket: Ticket, by: User, answer: str) -> None:
    """A clear answer to the customer (R4.5: within 2 days for a major complaint)."""
    answer = validation.text_clean(answer, field="answer")
    now = timezone.now()
    ticket_transition(ticket=ticket, action="answer", by=by, at=now, note=answer)
    Complaint.objects.filter(ticket=ticket).update(answer=answer)
    deadline_meet(ticket=ticket, clock=Clock.ANSWER, at=now)
    next_due_refresh(ticket)


@transaction.atomic
def complaint_extend(*, ticket: Ticket, by: User, resolve_by: datetime.datetime, reason: str) -> None:
    """A longer deadline, approved by the role R4.5 names: the property manager for a
    minor complaint, company leadership for an important or major one."""
    c = _complaint(ticket)
    reason = validation.text_clean(reason, field="reason")
    now = timezone.now()
    resolve_by = validation.in_future(validation.aware(resolve_by), field="resolve_by", now=now)
    current = Deadline.objects.filter(ticket=ticket, clock=Clock.RESOLVE, status=Deadline.Status.OPEN).first()
    if current and resolve_by <= current.due_at:
        raise InvalidInput(_("The new deadline must be later than the current one."), field="resolve_by")
    ticket_transition(
        ticket=ticket,
        action="extend",
        by=by,
        at=now,
        note=reason,
        data={
            "from": current.due_at.isoformat() if current else None,
            "to": resolve_by.isoformat(),
            "approved_by": by.username,
        },
    )
    deadlines_cancel(ticket=ticket, clocks=[Clock.RESOLVE])
    deadline_start(ticket=ticket, clock=Clock.RESOLVE, start=now, due=resolve_by, policy=policy_key(c.severity))
    next_due_refresh(ticket)


def _end(ticket: Ticket) -> None:
    """Stop the handling clocks; closing plans the follow-up call (R4.6, followups)."""
    deadlines_cancel(ticket=ticket, clocks=[Clock.TAKE_UP, Clock.MONTH])
    next_due_refresh(ticket)


@transaction.atomic
def complaint_close(*, ticket: Ticket, by: User, result: str) -> None:
    result = validation.text_clean(result, field="result")
    now = timezone.now()
    ticket_transition(ticket=ticket, action="close", by=by, at=now, note=result)
    deadline_meet(ticket=ticket, clock=Clock.ANSWER, at=now)
    deadline_meet(ticket=ticket, clock=Clock.RESOLVE, at=now)
    _end(ticket)


@transaction.atomic
def complaint_invalidate(*, ticket: Ticket, by: User, help_given: str) -> None:
    """Not a valid complaint, but answered helpfully all the same (R4.7)."""
    help_given = validation.text_clean(help_given, field="help_given")
    _damage_stopped(_complaint(ticket))
    now = timezone.now()
    ticket_transition(ticket=ticket, action="invalidate", by=by, at=now, note=help_given)
    deadline_meet(ticket=ticket, clock=Clock.ANSWER, at=now)
    deadlines_cancel(ticket=ticket, clocks=[Clock.RESOLVE])
    _end(ticket)


# --- The sweep ------------------------------------------------------------------------


def complaints_month_overdue(deadlines: list[Deadline], now: datetime.datetime) -> None:
    """R4.1: a valid complaint unresolved after one month becomes major. Called by the
    sweep for each one-month clock it has just marked breached, so exactly once; the
    conditional update keeps a complaint made major meanwhile as it is."""
    for d in deadlines:
        ticket = Ticket.objects.select_related("property").get(pk=d.ticket_id)
        if ticket.closed_at is not None:
            continue
        old = Complaint.objects.filter(ticket=ticket).values_list("severity", flat=True).first()
        changed = (
            Complaint.objects.filter(ticket=ticket).exclude(severity=Severity.MAJOR).update(severity=Severity.MAJOR)
        )
        if not changed:
            continue
        event_append(
            ticket=ticket,
            action="auto_major",
            by=None,
            at=now,
            note=_("Unresolved one month after it was recorded: now a major complaint."),
            data={"from": old, "to": Severity.MAJOR.value},
        )
        _clocks_restart(ticket, Severity.MAJOR, now=now, resolve_from=now)
        # The same notice as the missed promise's: whoever is told of both hears it once.
        _route(ticket, Severity.MAJOR, now, key=breach_key(d), kind=Notification.Kind.BREACH)


on_breach(complaints_month_overdue, clock=Clock.MONTH)
