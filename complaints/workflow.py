"""The complaint workflow (R4): the handling form goes to the department complained
about, its receiver signs for it, the department records its handling and returns it,
and the desk closes the complaint; the follow-up call comes within 3 days (R4.6)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from people.roles import DECIDERS, DEPARTMENTS, DESK, LEADS
from promises.models import Clock
from tickets.workflow import Queue, Workflow, transition


class ComplaintStatus(models.TextChoices):
    NEW = "new", _("recorded")
    FORWARDED = "forwarded", _("handling form sent")
    ACKNOWLEDGED = "acknowledged", _("received by the department")
    HANDLED = "handled", _("handled, form returned")
    CLOSED = "closed", _("closed")
    INVALID = "invalid", _("closed as invalid")


S = ComplaintStatus
OPEN = {S.NEW, S.FORWARDED, S.ACKNOWLEDGED, S.HANDLED}
ENDED = {S.CLOSED, S.INVALID}


WORKFLOW = Workflow(
    states=ComplaintStatus,
    initial=S.NEW,
    closed=frozenset(ENDED),
    opening_clocks=(Clock.TAKE_UP, Clock.ANSWER, Clock.RESOLVE, Clock.MONTH),
    queues=(
        Queue("new", _("to forward"), frozenset({S.NEW})),
        Queue("forwarded", _("with the department"), frozenset({S.FORWARDED, S.ACKNOWLEDGED})),
        Queue("handled", _("to close"), frozenset({S.HANDLED})),
    ),
    event_labels={"auto_major": _("became major: unresolved after one month")},
    transitions={
        t.action: t
        for t in [
            transition("take_up", _("take charge"), OPEN, OPEN, LEADS),
            transition("classify", _("change the severity"), OPEN, OPEN, DESK | LEADS),
            transition(
                "stop_damage",
                _("record that the damage is stopped"),
                {S.NEW, S.FORWARDED, S.ACKNOWLEDGED},
                {S.NEW, S.FORWARDED, S.ACKNOWLEDGED},
                DEPARTMENTS,
            ),
            transition("forward", _("send the handling form"), {S.NEW}, {S.FORWARDED}, DESK | LEADS),
            transition("acknowledge", _("sign for the handling form"), {S.FORWARDED}, {S.ACKNOWLEDGED}, DEPARTMENTS),
            transition(
                "handle", _("record the handling and return the form"), {S.ACKNOWLEDGED}, {S.HANDLED}, DEPARTMENTS
            ),
            transition("answer", _("give the customer a clear answer"), OPEN, OPEN, DESK | LEADS),
            transition("extend", _("extend the deadline"), OPEN, OPEN, DECIDERS),
            transition("close", _("close"), {S.HANDLED}, {S.CLOSED}, DESK | LEADS),
            transition(
                "invalidate",
                _("close as invalid, with the help given"),
                {S.NEW, S.FORWARDED, S.ACKNOWLEDGED},
                {S.INVALID},
                DESK | LEADS,
            ),
        ]
    },
)
