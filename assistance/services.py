"""Services of help requests (R5.1-R5.4), consultations (R5.5) and suggestions."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance.checklists import MEDICAL_OPTIONS, required_steps, steps_for
from assistance.models import Answer, ContingencyPlan, HelpCategory, HelpRequest
from assistance.schemas import HelpIn
from base import validation
from base.documents import document_type
from base.errors import Forbidden, IllegalTransition, InvalidInput, NotFound
from base.history import history_record
from notify.models import Notification
from notify.services import notice_role
from people.access import may_decide, may_edit_directory, works_at
from people.models import Department, Role
from promises.models import Clock
from promises.services import deadline_meet
from tickets.kinds import draft_from, part_of
from tickets.models import Channel, Ticket, TicketEvent
from tickets.services import next_due_refresh, ticket_create
from tickets.workflow import ticket_transition

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from estates.models import Property
    from people.models import User
    from tickets.schemas import TicketDraft


# --- Help requests ----------------------------------------------------------------------


def help_check(draft: TicketDraft) -> None:
    if part_of(draft) is None:
        raise InvalidInput(_("Choose what kind of help is needed."), field="help")


def help_open(
    *, ticket: Ticket, by: User, now: datetime.datetime, draft: TicketDraft, rework_of: Ticket | None = None
) -> None:
    part: HelpIn = part_of(draft)  # help_check ran first
    HelpRequest.objects.create(ticket=ticket, property_id=ticket.property_id, category=part.category)


def _replied(ticket: Ticket, at: datetime.datetime) -> None:
    deadline_meet(ticket=ticket, clock=Clock.REPLY, at=at)
    next_due_refresh(ticket)


@transaction.atomic
def help_reply(*, ticket: Ticket, by: User, note: str = "") -> None:
    """The first answer to the caller (R5.2: within 5 minutes)."""
    now = timezone.now()
    ticket_transition(ticket=ticket, action="reply", by=by, at=now, note=validation.note_clean(note))
    _replied(ticket, now)


def ticked_steps(ticket: Ticket) -> dict[str, TicketEvent]:
    """Each ticked step of the checklist and the event that ticked it (its time and who)."""
    events = TicketEvent.objects.filter(ticket=ticket, action="check_step").order_by("at", "id")
    return {e.data.get("step", ""): e for e in events}


def help_checklist(ticket: Ticket) -> list[dict[str, Any]]:
    """The checklist as the desk sees it: every step, whether it must be done for the
    course chosen, and when and by whom it was ticked."""
    request = ticket.help_request  # type: ignore[attr-defined]
    done = ticked_steps(ticket)
    required = set(required_steps(request.category, request.option))
    return [
        {
            "code": code,
            "label": label,
            "required": code in required,
            "event": done.get(code),
            "option": MEDICAL_OPTIONS.get(done[code].data.get("option", "")) if code in done else None,
        }
        for code, label in steps_for(request.category).items()
    ]


@transaction.atomic
def help_check_step(*, ticket: Ticket, by: User, step: str, option: str | None = None, note: str = "") -> None:
    """Tick one step; its event is the record of when it was done (R5.3)."""
    request = HelpRequest.objects.select_for_update().get(ticket=ticket)
    steps = steps_for(request.category)
    if step not in steps:
        raise InvalidInput(_("There is no step “%(step)s” in this checklist.") % {"step": step[:30]}, field="step")
    done = ticked_steps(ticket)
    if step in done:
        raise IllegalTransition(
            _("“%(step)s” was already ticked at %(at)s.")
            % {"step": steps[step], "at": timezone.localtime(done[step].at).strftime("%H:%M")},
            code="already_ticked",
        )
    if step == "decide" and request.category == HelpCategory.MEDICAL:
        if not option:
            raise InvalidInput(_("Choose the course: hospital, call 120 or short-term care."), field="option")
        HelpRequest.objects.filter(pk=request.pk).update(option=option)
    elif option:
        option = None  # only the decision carries a course
    now = timezone.now()
    data: dict[str, Any] = {"step": step}
    if option:
        data["option"] = option
    label = str(steps[step]) + (f": {MEDICAL_OPTIONS[option]}" if option else "")
    note = validation.note_clean(note)
    ticket_transition(ticket=ticket, action="check_step", by=by, at=now, note=f"{label}\n{note}".strip(), data=data)
    _replied(ticket, now)


@transaction.atomic
def help_spawn(
    *,
    ticket: Ticket,
    by: User,
    kind: str,
    description: str,
    category: str | None = None,
    department: Department | None = None,
    severity: str = "minor",
) -> Ticket:
    """Raise a repair or a complaint from the help request, at the same place and for
    the same caller; each ticket links to the other (Ticket.origin / spawned)."""
    if kind == "complaint" and department is None:
        raise InvalidInput(_("Give the department complained about."), field="department")
    draft = draft_from(
        {
            "kind": kind,
            "property": ticket.property.code,
            "unit": ticket.unit.label if ticket.unit else None,
            "common_area": ticket.common_area.name if ticket.common_area else None,
            "category": category,
            "urgency": ticket.urgency,
            "channel": ticket.channel,
            "reporter_name": ticket.reporter_name,
            "reporter_phone": ticket.reporter_phone,
            "description": description,
            "complaint": {"severity": severity, "department": department} if kind == "complaint" else None,
        }
    )
    child = ticket_create(by=by, draft=draft, origin=ticket)
    ticket_transition(
        ticket=ticket,
        action="spawn",
        by=by,
        note=_("Raised %(number)s.") % {"number": child.number},
        data={"ticket": child.number, "kind": kind},
    )
    return child


@transaction.atomic
def help_resolve(*, ticket: Ticket, by: User, result: str) -> None:
    """Close with the report back, once every step the course needs is ticked."""
    result = validation.text_clean(result, field="result")
    request = HelpRequest.objects.get(ticket=ticket)
    done = ticked_steps(ticket)
    labels = steps_for(request.category)
    missing = [str(labels[s]) for s in required_steps(request.category, request.option) if s not in done]
    if missing:
        raise IllegalTransition(
            _("Not yet done: %(steps)s.") % {"steps": "; ".join(missing)}, code="checklist_incomplete"
        )
    now = timezone.now()
    ticket_transition(ticket=ticket, action="resolve", by=by, at=now, note=result)
    _replied(ticket, now)


# --- Consultations and suggestions -------------------------------------------------------


@transaction.atomic
def consultation_refer(*, ticket: Ticket, by: User, note: str = "") -> None:
    """Ask the supervisor rather than guess (R5.5)."""
    now = timezone.now()
    note = validation.note_clean(note)
    event = ticket_transition(ticket=ticket, action="refer", by=by, at=now, note=note)
    notice_role(
        ticket=ticket,
        # A written matter is answered in writing by the property manager (R5.5).
        role=Role.MANAGER if ticket.channel == Channel.WRITTEN else Role.SERVICE_SUPERVISOR,
        kind=Notification.Kind.REVIEW,
        wording=lambda: _("Consultation %(number)s needs your answer.") % {"number": ticket.number},
        key=f"event:{event.pk}",
        at=now,
    )


@transaction.atomic
def answer_give(*, ticket: Ticket, by: User, answer: str) -> Answer:
    """Answer a consultation or a suggestion. A written matter is answered in writing by
    the property manager (R5.5), and the answer is kept for printing."""
    text = validation.text_clean(answer, field="answer")
    written = ticket.channel == Channel.WRITTEN
    if written and not may_decide(by):
        raise Forbidden(_("A written matter is answered in writing by the property manager."), code="manager_answers")
    now = timezone.now()
    ticket_transition(ticket=ticket, action="answer", by=by, at=now, note=text)
    row = Answer.objects.create(
        ticket=ticket,
        property_id=ticket.property_id,
        text=text,
        written=written,
        answered_at=now,
        answered_by=by,
        answered_by_name=by.name_kept,
    )
    _replied(ticket, now)
    return row


@transaction.atomic
def suggestion_acknowledge(*, ticket: Ticket, by: User, note: str = "") -> None:
    now = timezone.now()
    ticket_transition(
        ticket=ticket,
        action="acknowledge",
        by=by,
        at=now,
        note=validation.note_clean(note),
    )


# --- Contingency plans (R5.4) -------------------------------------------------------------

PLAN_MAX = 20 * 1024 * 1024


@transaction.atomic
def contingency_plan_add(*, prop: Property, by: User, category: str, title: str, file: UploadedFile) -> ContingencyPlan:
    """A plan for one kind of help, linked from every help request of that kind; kept by
    supervisors and managers. The file is checked by what it is, not what it claims."""
    if not works_at(by, prop):
        raise NotFound(_("There is no property %(code)s you work at.") % {"code": prop.code})
    if not may_edit_directory(by):
        raise Forbidden(_("Only supervisors and managers upload contingency plans."))
    if category not in HelpCategory.values:
        raise InvalidInput(_("Choose the kind of help the plan is for."), field="category")
    title = validation.text_clean(title, field="title", max_length=100)
    if (file.size or 0) > PLAN_MAX:
        raise InvalidInput(_("A plan is a PDF, Word or picture file of at most 20 MB."), field="file")
    content_type = document_type(file)
    if content_type is None:
        raise InvalidInput(_("A plan is a PDF, Word or picture file of at most 20 MB."), field="file")
    plan = ContingencyPlan.objects.create(
        property=prop,
        category=category,
        title=title,
        file=file,
        content_type=content_type,
        uploaded_at=timezone.now(),
        uploaded_by=by,
    )
    history_record(by=by, obj=plan, action="add", message=f"{plan.get_category_display()}: {title}")
    return plan
