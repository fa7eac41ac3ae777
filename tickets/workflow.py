"""The workflow machinery shared by every kind of ticket.

A kind declares a :class:`Workflow`: its states, its terminal states and one table of
:class:`Transition` rows (action, from-states, possible to-states, roles). Every status
change goes through :func:`ticket_transition`, which checks the table, writes the new
status with a conditional update (so of two people racing, exactly one wins) and
appends the timeline event. Nothing else writes ``Ticket.status``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from base.errors import Conflict, DomainError, Forbidden, IllegalTransition
from base.writes import insert
from people.access import holds
from people.models import Role
from tickets.kinds import kind_for
from tickets.models import Ticket, TicketEvent

if TYPE_CHECKING:
    import datetime

    from django.utils.functional import Promise

    from people.models import User

# How a role relates to a ticket, beyond seeing it.
ANY = "any"  # any account of the role that can see the ticket
ASSIGNED = "assigned"  # only the assignee or a member of the assigned team


@dataclass(frozen=True)
class Transition:
    action: str
    label: Promise | str
    sources: frozenset[str]
    targets: frozenset[str]
    roles: frozenset[str]
    assigned_roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def target(self) -> str | None:
        return next(iter(self.targets)) if len(self.targets) == 1 else None


def transition(
    action: str,
    label: Promise | str,
    sources: Iterable[str],
    targets: Iterable[str],
    roles: Iterable[str],
    *,
    assigned: Iterable[str] = (),
) -> Transition:
    """A row of a workflow table. Roles in ``assigned`` act only on their own orders."""
    assigned_roles = frozenset(assigned)
    return Transition(
        action, label, frozenset(sources), frozenset(targets), frozenset(roles) | assigned_roles, assigned_roles
    )


@dataclass(frozen=True)
class Queue:
    """A work queue of the console: open tickets of a kind in some states."""

    code: str
    label: Promise | str
    states: frozenset[str]


@dataclass(frozen=True)
class Workflow:
    """A kind's state machine: its states, the one table of allowed transitions, the
    clocks a new ticket starts, and the console's work queues. The kind registers it
    (``tickets.kinds.TicketKind``)."""

    states: type[models.TextChoices]
    initial: str
    closed: frozenset[str]
    transitions: dict[str, Transition]
    # The promise clocks started when a ticket is recorded (see promises.services.opening_deadlines);
    # a clock the policy gives no limit for is skipped.
    opening_clocks: tuple[str, ...] = ()
    # The console's work queues, in the order the desk works through them.
    queues: tuple[Queue, ...] = ()
    # Timeline entries that are not transitions (a system step, a ticked checklist point).
    event_labels: dict[str, Any] = field(default_factory=dict)

    def action_label(self, action: str) -> str:
        """How the timeline names a step: a transition's label, or the steps every kind shares."""
        if action in self.transitions:
            return str(self.transitions[action].label)
        shared = {
            "create": _("record"),
            "follow_up": _("follow-up"),
            "follow_up_review": _("follow-up reviewed"),
            "breach": _("promise missed"),
            "spawned": _("raised a linked ticket"),
            "contact": _("contact logged"),
        }
        return str(self.event_labels.get(action) or shared.get(action, action))

    def state_label(self, state: str) -> str:
        try:
            return str(self.states(state).label)
        except ValueError:
            return state


# What else happens, in the same transaction, when a ticket reaches a closed state: e.g.
# its follow-up is planned (followups). Registered by the app that owns the rule.
_CLOSE_HOOKS: list[Callable[[Ticket, datetime.datetime], object]] = []


# What else happens, in the same transaction, when a ticket of a kind takes a step: e.g.
# the desk's same-day call after a repair is reported back (followups). Registered by
# the app that owns the rule, by kind and action.
_STEP_HOOKS: dict[tuple[str, str], list[Callable[[Ticket, datetime.datetime], object]]] = {}


def on_close(hook: Callable[[Ticket, datetime.datetime], object]) -> None:
    if hook not in _CLOSE_HOOKS:
        _CLOSE_HOOKS.append(hook)


def on_step(kind: str, action: str, hook: Callable[[Ticket, datetime.datetime], object]) -> None:
    hooks = _STEP_HOOKS.setdefault((kind, action), [])
    if hook not in hooks:
        hooks.append(hook)


def workflow_for(kind: str) -> Workflow:
    return kind_for(kind).workflow


def is_assigned_to(ticket: Ticket, user: User) -> bool:
    if ticket.assignee_id == user.pk:
        return True
    return bool(ticket.team_id and ticket.team_id == user.team_id)


def _refused(ticket: Ticket, t: Transition, user: User) -> str | DomainError | None:
    """Which rule refuses ``user`` taking ``t`` on ``ticket`` now: the code of one of
    the workflow's own rules, the kind's guard's refusal, or None if none does. Assumes
    the caller already checked the ticket is visible to the user."""
    if ticket.archived_at is not None:
        return "archived"
    if not holds(user, t.roles):
        return "role_not_allowed"
    if user.role in t.assigned_roles and not is_assigned_to(ticket, user):
        return "not_assigned"
    if ticket.status not in t.sources:
        return "not_now"
    guard = kind_for(ticket.kind).guard
    return guard(ticket, t.action, user) if guard else None


def refusal(ticket: Ticket, t: Transition, user: User) -> DomainError | None:
    """Why ``user`` may not take ``t`` on ``ticket`` now, said to them, or None if they may."""
    found = _refused(ticket, t, user)
    if found is None or isinstance(found, DomainError):
        return found
    if found == "archived":
        return IllegalTransition(
            _("Ticket %(number)s is archived: it is kept read-only.") % {"number": ticket.number}, code="archived"
        )
    if found == "role_not_allowed":
        return Forbidden(
            _("Your role (%(role)s) may not %(action)s.") % {"role": Role(user.role).label, "action": str(t.label)},
            code="role_not_allowed",
        )
    if found == "not_assigned":
        return Forbidden(
            _("Ticket %(number)s is not assigned to you or your team.") % {"number": ticket.number},
            code="not_assigned",
        )
    if found != "not_now":
        raise ValueError(f"no words for the refusal {found!r}")
    return IllegalTransition(
        _("Cannot %(action)s: ticket %(number)s is %(state)s.")
        % {
            "action": str(t.label),
            "number": ticket.number,
            "state": workflow_for(ticket.kind).state_label(ticket.status),
        }
    )


def check(ticket: Ticket, action: str, user: User) -> Transition:
    wf = workflow_for(ticket.kind)
    t = wf.transitions.get(action)
    if t is None:
        raise IllegalTransition(
            _("There is no action “%(action)s” for this kind of ticket.") % {"action": action},
            code="unknown_action",
        )
    problem = refusal(ticket, t, user)
    if problem:
        raise problem
    return t


def allowed_actions(ticket: Ticket, user: User) -> list[Transition]:
    wf = workflow_for(ticket.kind)
    # Only whether: the words of a refusal are not worked out for every action the page leaves out.
    return [t for t in wf.transitions.values() if _refused(ticket, t, user) is None]


def event_append(
    *,
    ticket: Ticket,
    action: str,
    by: User | None,
    at: datetime.datetime | None = None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> TicketEvent:
    event = TicketEvent(
        ticket=ticket,
        property_id=ticket.property_id,
        at=at or timezone.now(),
        actor=by,
        actor_name=by.name_kept if by else "",
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
    )
    insert(event)
    return event


def ticket_transition(
    *,
    ticket: Ticket,
    action: str,
    by: User,
    to: str | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
    at: datetime.datetime | None = None,
) -> TicketEvent:
    """Move ``ticket`` by ``action`` (checked against its workflow table) and record it.

    Call inside ``transaction.atomic``. The status write is conditional on the status
    and version read earlier, so when two requests race, the second gets
    :class:`Conflict` and its transaction rolls back whole.
    """
    t = check(ticket, action, by)
    target = to or t.target or ticket.status
    if target not in t.targets:
        raise ValueError(f"{action} cannot lead to {target}")
    now = at or timezone.now()
    wf = workflow_for(ticket.kind)
    fields: dict[str, Any] = {"status": target, "updated_at": now, **(changes or {})}
    if target in wf.closed and ticket.closed_at is None:
        fields["closed_at"] = now
    won = Ticket.objects.filter(pk=ticket.pk, status=ticket.status, version=ticket.version).update(
        version=F("version") + 1, **fields
    )
    if not won:
        raise Conflict(
            _("Ticket %(number)s was changed by someone else just now; reload it and try again.")
            % {"number": ticket.number}
        )
    from_status = ticket.status
    for name, value in fields.items():
        setattr(ticket, name, value)
    ticket.version += 1
    event = event_append(
        ticket=ticket, action=action, by=by, at=now, from_status=from_status, to_status=target, note=note, data=data
    )
    for step_hook in _STEP_HOOKS.get((ticket.kind, action), ()):
        step_hook(ticket, now)
    if target in wf.closed and from_status not in wf.closed:
        for hook in _CLOSE_HOOKS:
            hook(ticket, now)
    return event
