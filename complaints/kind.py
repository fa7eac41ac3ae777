"""The complaint (投诉): registered with the core as a kind of ticket (tickets.kinds)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from complaints.actions import ACTIONS
from complaints.models import Severity
from complaints.schemas import ComplaintIn
from complaints.services import complaint_check, complaint_guard, complaint_open, policy_key, severity_definitions
from complaints.workflow import WORKFLOW
from people.models import Department, Role
from promises.models import Clock
from promises.policy import DAY, END_OF_DAY, Limit
from tickets.kinds import DraftPart, Intake, TicketKind, part_of, register
from tickets.models import Ticket
from tickets.schemas import TicketDraft

COMPLAINT = "complaint"

M, X = Role.MANAGER, Role.EXECUTIVE
PROMISES: dict[str, dict[str, Limit]] = {
    # R4.3, R4.5: minor complaints: the service supervisor, resolved within 2 days.
    policy_key(Severity.MINOR): {Clock.RESOLVE: Limit(2 * DAY, None, M), Clock.MONTH: Limit(30 * DAY, None, X)},
    # Important: the property manager within 1 hour, resolved within 3 days.
    policy_key(Severity.IMPORTANT): {
        Clock.TAKE_UP: Limit(60, None, X),
        Clock.RESOLVE: Limit(3 * DAY, None, X),
        Clock.MONTH: Limit(30 * DAY, None, X),
    },
    # Major: leadership the same day, a clear answer within 2 days, resolved within 10.
    policy_key(Severity.MAJOR): {
        Clock.TAKE_UP: Limit(END_OF_DAY, None, X),
        Clock.ANSWER: Limit(2 * DAY, None, X),
        Clock.RESOLVE: Limit(10 * DAY, None, X),
    },
}

LABELS = {
    "measures": _("what was done to stop the damage"),
    "receiver": _("received by"),
    "handling": _("handling"),
    "resolve_by": _("new deadline"),
    "help_given": _("help given"),
}


def draft_policy(draft: TicketDraft) -> str:
    """A complaint's limits follow its severity (R4.1)."""
    part = part_of(draft)
    return policy_key(part.severity if part else Severity.MINOR)


def page_context(ticket: Ticket) -> dict[str, Any]:
    return {"definitions": [(s.label, text) for s, text in severity_definitions(ticket.property_id).items()]}


def intake_context(prop: Any) -> dict[str, Any]:
    definitions = severity_definitions(prop.pk)
    return {"severities": [(s.value, s.label, definitions[s]) for s in Severity], "departments": Department.choices}


def intake_draft(values: dict[str, str], local: Any) -> dict[str, Any]:
    """R4.2 from the intake form; a minor complaint's deadline is the customer's (R4.5)."""
    return {
        "appointment_at": local(values["deadline"]),
        "complaint": {
            "severity": values["severity"] or Severity.MINOR,
            "department": values["department"] or None,
            "person": values["person"],
            "event_at": local(values["event_at"]),
            "event_place": values["event_place"],
            "demand": values["demand"],
            "damage_ongoing": values["damage_ongoing"] == "on",
        },
    }


register(
    TicketKind(
        code=COMPLAINT,
        label=_("complaint"),
        prefix="TS",  # 投诉
        workflow=WORKFLOW,
        actions=ACTIONS,
        part=DraftPart("complaint", ComplaintIn, "Required for a complaint."),
        check=complaint_check,
        open=complaint_open,
        guard=complaint_guard,
        policy_key=draft_policy,
        promises=PROMISES,
        followup_service="complaint",
        related=("complaint",),
        row_mark="complaint__severity",
        page_template="complaints/page.html",
        page_context=page_context,
        labels=LABELS,
        told=frozenset({"answer", "close"}),  # R4.5: the clear answer
        intake=Intake(
            fields=(
                "severity",
                "department",
                "person",
                "event_at",
                "event_place",
                "demand",
                "deadline",
                "damage_ongoing",
            ),
            template="complaints/intake.html",
            context=intake_context,
            draft=intake_draft,
            errors={"complaint": "department"},
            initial={"severity": Severity.MINOR},
        ),
    )
)
