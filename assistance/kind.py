"""Help requests (求助), consultations (咨询) and suggestions (建议): registered with the
core as kinds of ticket (tickets.kinds)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assistance.actions import CONSULTATION_ACTIONS, HELP_ACTIONS, SUGGESTION_ACTIONS
from assistance.checklists import MEDICAL_OPTIONS, steps_for
from assistance.models import ContingencyPlan, HelpCategory
from assistance.schemas import HelpIn
from assistance.services import help_check, help_checklist, help_open
from assistance.workflow import CONSULTATION_WORKFLOW, HELP_WORKFLOW, SUGGESTION_WORKFLOW
from catalog.models import Category
from people.models import Role
from promises.models import Clock
from promises.policy import DAY, Limit, limit_text, limits_for
from tickets.choices import Channel
from tickets.kinds import DraftPart, FormOptions, Intake, TicketKind, kind_label, register
from tickets.models import Ticket
from tickets.schemas import TicketDraft

HELP = "help"
CONSULTATION = "consultation"
SUGGESTION = "suggestion"
# The kinds a help request may raise as linked tickets (R5.3).
SPAWNED = ("repair", "complaint")

S, M = Role.SERVICE_SUPERVISOR, Role.MANAGER


# --- Help requests ------------------------------------------------------------------------


def help_followup(ticket: Ticket) -> str:
    """R6.1: a medical emergency is followed up as such; other help as help."""
    request = getattr(ticket, "help_request", None)
    return "medical" if request and request.category == HelpCategory.MEDICAL else "help"


def help_page(ticket: Ticket) -> dict[str, Any]:
    return {
        "checklist": help_checklist(ticket),
        "plans": ContingencyPlan.objects.filter(
            property_id=ticket.property_id,
            category=ticket.help_request.category,  # type: ignore[attr-defined]
        )[:3],
    }


def help_options(ticket: Ticket, action: str, fields: Mapping[str, Any]) -> FormOptions:
    out = FormOptions()
    if "step" in fields:
        category = ticket.help_request.category  # type: ignore[attr-defined]
        out.choices["step"] = [(code, str(label)) for code, label in steps_for(category).items()]
    if "option" in fields:
        out.choices["option"] = [("", "—")] + [(k, str(v)) for k, v in MEDICAL_OPTIONS.items()]
    if "kind" in fields:
        out.choices["kind"] = [(code, kind_label(code)) for code in SPAWNED]
    if "category" in fields:
        out.choices["category"] = [("", "—")] + [(c.code, c.name) for c in Category.objects.order_by("code")]
    return out


def help_intake_draft(values: dict[str, str], local: Any) -> dict[str, Any]:
    return {"help": {"category": values["help_category"] or None}}


register(
    TicketKind(
        code=HELP,
        label=gettext_lazy("help request"),
        prefix="QZ",  # 求助
        workflow=HELP_WORKFLOW,
        actions=HELP_ACTIONS,
        part=DraftPart("help", HelpIn, "Required for a help request."),
        check=help_check,
        open=help_open,
        # R5.2: a help request is answered within 5 minutes.
        promises={HELP: {Clock.REPLY: Limit(5, None, S)}},
        followup_service=help_followup,
        related=("help_request",),
        row_mark="help_request__category",
        page_template="assistance/help.html",
        page_context=help_page,
        options=help_options,
        labels={"step": gettext_lazy("step"), "option": gettext_lazy("course chosen")},
        told=frozenset({"reply", "resolve"}),
        intake=Intake(
            fields=("help_category",),
            template="assistance/intake_help.html",
            context=lambda prop: {"help_categories": HelpCategory.choices},
            draft=help_intake_draft,
            errors={"help": "help_category", "help.category": "help_category"},
        ),
    )
)


# --- Consultations and suggestions --------------------------------------------------------


def consultation_policy(draft: TicketDraft | Ticket) -> str:
    """R5.5: an oral consultation is answered at once, a written one in writing; a
    question a resident types on their own pages is a written one."""
    written = draft.channel in (Channel.WRITTEN, Channel.ONLINE)
    return "consultation:written" if written else "consultation:oral"


def answer_page(ticket: Ticket) -> dict[str, Any]:
    """How the matter is answered and by when, from the property's promise policy (R5.5)."""
    key = consultation_policy(ticket)
    reply = limits_for(ticket.property_id, key).get(Clock.REPLY)
    when = limit_text(reply) if reply else ""
    if key == "consultation:written":
        terms = _("Written matter: answered in writing %(when)s") % {"when": when}
    else:
        terms = _("Oral: answered at once, or by the supervisor %(when)s") % {"when": when}
    return {"reply_terms": terms}


register(
    TicketKind(
        code=CONSULTATION,
        label=gettext_lazy("consultation"),
        prefix="ZX",  # 咨询
        workflow=CONSULTATION_WORKFLOW,
        actions=CONSULTATION_ACTIONS,
        policy_key=consultation_policy,
        # R5.5: an oral consultation is answered at once (the supervisor within 5
        # minutes); a written one in writing within 2 days.
        promises={
            "consultation:oral": {Clock.REPLY: Limit(5, None, S)},
            "consultation:written": {Clock.REPLY: Limit(2 * DAY, None, M)},
        },
        related=("answer",),
        page_template="assistance/consultation.html",
        page_context=answer_page,
        told=frozenset({"answer"}),
    )
)

register(
    TicketKind(
        code=SUGGESTION,
        label=gettext_lazy("suggestion"),
        prefix="JY",  # 建议
        workflow=SUGGESTION_WORKFLOW,
        actions=SUGGESTION_ACTIONS,
        # Suggestions: acknowledged and answered; 2 days, as written consultations.
        promises={SUGGESTION: {Clock.REPLY: Limit(2 * DAY, None, M)}},
        related=("answer",),
        page_template="assistance/suggestion.html",
        page_context=answer_page,
        told=frozenset({"acknowledge", "answer"}),
    )
)
