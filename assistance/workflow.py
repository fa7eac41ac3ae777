"""The workflows of help requests (R5.1-R5.4), consultations (R5.5) and suggestions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from people.roles import DESK, HELPERS, LEADS
from promises.models import Clock
from tickets.workflow import Queue, Workflow, transition


class HelpStatus(models.TextChoices):
    NEW = "new", _("recorded")
    IN_HAND = "in_hand", _("help under way")
    DONE = "done", _("done")


H = HelpStatus
HELP_WORKFLOW = Workflow(
    states=HelpStatus,
    initial=H.NEW,
    closed=frozenset({H.DONE}),
    # R5.2: reply at once; within 5 minutes even when the supervisor must be asked.
    opening_clocks=(Clock.REPLY,),
    queues=(
        Queue("new", _("to reply"), frozenset({H.NEW})),
        Queue("in_hand", _("help under way"), frozenset({H.IN_HAND})),
    ),
    transitions={
        t.action: t
        for t in [
            transition("reply", _("reply to the caller"), {H.NEW}, {H.IN_HAND}, HELPERS),
            transition("check_step", _("tick a checklist step"), {H.NEW, H.IN_HAND}, {H.IN_HAND}, HELPERS),
            transition(
                "spawn", _("raise a linked repair or complaint"), {H.NEW, H.IN_HAND}, {H.NEW, H.IN_HAND}, HELPERS
            ),
            transition("resolve", _("close with the report back"), {H.IN_HAND}, {H.DONE}, HELPERS),
        ]
    },
)


class ConsultationStatus(models.TextChoices):
    NEW = "new", _("recorded")
    REFERRED = "referred", _("with the supervisor")
    ANSWERED = "answered", _("answered")


C = ConsultationStatus


CONSULTATION_WORKFLOW = Workflow(
    states=ConsultationStatus,
    initial=C.NEW,
    closed=frozenset({C.ANSWERED}),
    # R5.5: oral, answered at once (5 minutes with the supervisor); written, in writing within 2 days.
    opening_clocks=(Clock.REPLY,),
    queues=(
        Queue("new", _("to answer"), frozenset({C.NEW})),
        Queue("referred", _("with the supervisor"), frozenset({C.REFERRED})),
    ),
    transitions={
        t.action: t
        for t in [
            transition("refer", _("ask the supervisor"), {C.NEW}, {C.REFERRED}, DESK),
            transition("answer", _("answer"), {C.NEW, C.REFERRED}, {C.ANSWERED}, DESK | LEADS),
        ]
    },
)


class SuggestionStatus(models.TextChoices):
    NEW = "new", _("recorded")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    ANSWERED = "answered", _("answered")


G = SuggestionStatus
SUGGESTION_WORKFLOW = Workflow(
    states=SuggestionStatus,
    initial=G.NEW,
    closed=frozenset({G.ANSWERED}),
    opening_clocks=(Clock.REPLY,),
    queues=(
        Queue("new", _("to acknowledge"), frozenset({G.NEW})),
        Queue("acknowledged", _("to answer"), frozenset({G.ACKNOWLEDGED})),
    ),
    transitions={
        t.action: t
        for t in [
            transition("acknowledge", _("acknowledge"), {G.NEW}, {G.ACKNOWLEDGED}, DESK | LEADS),
            transition("answer", _("answer"), {G.NEW, G.ACKNOWLEDGED}, {G.ANSWERED}, DESK | LEADS),
        ]
    },
)
