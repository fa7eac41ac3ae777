"""The repair workflow: states and the one table of allowed transitions (R2).

``docs/workflow.md`` shows this table for people; ``tests/test_workflow_doc.py`` keeps
the two in step.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from people.models import Role
from people.roles import DESK, DISPATCHERS, FIELD_SUPERVISORS, TECHNICIANS
from promises.models import Clock
from tickets.workflow import Queue, Workflow, transition


class RepairStatus(models.TextChoices):
    NEW = "new", _("recorded")
    DISPATCHED = "dispatched", _("dispatched")
    ACCEPTED = "accepted", _("accepted")
    ON_SITE = "on_site", _("on site")
    AWAITING_REVIEW = "awaiting_review", _("awaiting supervisor review")
    AWAITING_CONSENT = "awaiting_consent", _("awaiting customer consent")
    IN_PROGRESS = "in_progress", _("in progress")
    DEFERRED = "deferred", _("deferred")
    REFERRED = "referred", _("with the builder or provider")
    COMPLETED = "completed", _("completed")
    SIGNED_OFF = "signed_off", _("signed off")
    REPORTED = "reported", _("reported back")
    CLOSED = "closed", _("closed")
    DECLINED = "declined", _("not done")
    CANCELLED = "cancelled", _("cancelled")


REPAIR = "repair"  # the kind's code (repairs.kind registers it)
S = RepairStatus
WORKING = {S.ON_SITE, S.AWAITING_CONSENT, S.IN_PROGRESS}

WORKFLOW = Workflow(
    states=RepairStatus,
    initial=S.NEW,
    closed=frozenset({S.CLOSED, S.DECLINED, S.CANCELLED}),
    # R2.16: recorded within 2 minutes of the call, the team notified within 2 minutes.
    opening_clocks=(Clock.RECORD, Clock.NOTIFY),
    # Steps on the timeline that are not transitions: the charge of a paid job (settlement).
    event_labels={"charge": _("charged, receipt issued")},
    queues=(
        Queue("new", _("to dispatch"), frozenset({S.NEW})),
        Queue("dispatched", _("waiting for the technician"), frozenset({S.DISPATCHED})),
        Queue(
            "in_progress",
            _("in progress"),
            frozenset({S.ACCEPTED, S.ON_SITE, S.AWAITING_REVIEW, S.AWAITING_CONSENT, S.IN_PROGRESS}),
        ),
        Queue("deferred", _("deferred"), frozenset({S.DEFERRED})),
        Queue("referred", _("with the builder or provider"), frozenset({S.REFERRED})),
        Queue("sign_off", _("waiting for sign-off"), frozenset({S.COMPLETED})),
        Queue("report_back", _("to report back and close"), frozenset({S.SIGNED_OFF, S.REPORTED})),
    ),
    transitions={
        t.action: t
        for t in [
            transition("dispatch", _("dispatch"), {S.NEW}, {S.DISPATCHED}, DISPATCHERS),
            transition("reassign", _("reassign"), {S.DISPATCHED, S.ACCEPTED, S.DEFERRED}, {S.DISPATCHED}, DISPATCHERS),
            transition("accept", _("accept"), {S.DISPATCHED}, {S.ACCEPTED}, FIELD_SUPERVISORS, assigned=TECHNICIANS),
            transition(
                "arrive",
                _("check in on arrival"),
                {S.ACCEPTED},
                {S.ON_SITE},
                FIELD_SUPERVISORS,
                assigned=TECHNICIANS,
            ),
            transition(
                "confirm",
                _("confirm the fault and items"),
                {S.ON_SITE},
                {S.AWAITING_REVIEW, S.AWAITING_CONSENT, S.IN_PROGRESS},
                FIELD_SUPERVISORS,
                assigned=TECHNICIANS,
            ),
            transition(
                "review",
                _("review out-of-catalogue items"),
                {S.AWAITING_REVIEW},
                {S.AWAITING_CONSENT, S.IN_PROGRESS, S.DECLINED},
                {Role.ENGINEERING_SUPERVISOR},
            ),
            transition(
                "consent",
                _("record the customer's consent"),
                {S.AWAITING_CONSENT},
                {S.IN_PROGRESS},
                DESK | FIELD_SUPERVISORS | {Role.RESIDENT},
                assigned=TECHNICIANS,
            ),
            transition(
                "decline_quote",
                _("record that the customer declines the quote"),
                {S.AWAITING_CONSENT},
                {S.DECLINED},
                DESK | FIELD_SUPERVISORS | {Role.RESIDENT},
                assigned=TECHNICIANS,
            ),
            transition(
                "revise",
                _("add items to a grown job"),
                {S.IN_PROGRESS},
                {S.AWAITING_REVIEW, S.AWAITING_CONSENT, S.IN_PROGRESS},
                FIELD_SUPERVISORS,
                assigned=TECHNICIANS,
            ),
            transition(
                "check_material",
                _("check customer-supplied material"),
                WORKING,
                WORKING,
                FIELD_SUPERVISORS,
                assigned=TECHNICIANS,
            ),
            transition(
                "mark_misuse",
                _("mark damage from misuse"),
                {S.ACCEPTED, S.ON_SITE},
                {S.ACCEPTED, S.ON_SITE},
                {Role.ENGINEERING_SUPERVISOR},
                assigned=TECHNICIANS,
            ),
            transition(
                "defer",
                _("defer with a promised time"),
                {S.DISPATCHED, S.ACCEPTED, S.ON_SITE, S.AWAITING_CONSENT, S.IN_PROGRESS, S.DEFERRED},
                {S.DEFERRED},
                DISPATCHERS,
                assigned=TECHNICIANS,
            ),
            transition(
                "resume",
                _("resume"),
                {S.DEFERRED},
                {S.DISPATCHED, S.ACCEPTED, S.AWAITING_CONSENT, S.IN_PROGRESS},
                DISPATCHERS,
                assigned=TECHNICIANS,
            ),
            transition(
                "escalate",
                _("escalate to the equipment supervisor"),
                {S.ACCEPTED, S.ON_SITE, S.AWAITING_REVIEW, S.AWAITING_CONSENT, S.IN_PROGRESS, S.DEFERRED},
                {S.ACCEPTED, S.ON_SITE, S.AWAITING_REVIEW, S.AWAITING_CONSENT, S.IN_PROGRESS, S.DEFERRED},
                DESK | {Role.ENGINEERING_SUPERVISOR},
                assigned=TECHNICIANS,
            ),
            transition(
                "complete", _("complete"), {S.IN_PROGRESS}, {S.COMPLETED}, FIELD_SUPERVISORS, assigned=TECHNICIANS
            ),
            transition(
                "sign_off",
                _("record the customer's sign-off"),
                {S.COMPLETED, S.REPORTED},
                {S.SIGNED_OFF, S.REPORTED},
                DESK | FIELD_SUPERVISORS | {Role.RESIDENT},
                assigned=TECHNICIANS,
            ),
            transition(
                "report_back",
                _("report the result back"),
                {S.COMPLETED, S.SIGNED_OFF},
                {S.REPORTED},
                FIELD_SUPERVISORS,
                assigned=TECHNICIANS,
            ),
            transition(
                "refer",
                _("send to the builder or provider"),
                {S.NEW, S.DISPATCHED, S.DEFERRED},
                {S.REFERRED},
                DISPATCHERS,
            ),
            transition(
                "party_update",
                _("record the builder's or provider's report"),
                {S.REFERRED},
                {S.REFERRED, S.REPORTED},
                DISPATCHERS,
            ),
            transition("close", _("close"), {S.REPORTED}, {S.CLOSED}, DESK),
            transition(
                "release",
                _("return to dispatch"),
                {S.DISPATCHED, S.ACCEPTED, S.ON_SITE, S.AWAITING_REVIEW, S.AWAITING_CONSENT, S.IN_PROGRESS, S.DEFERRED},
                {S.NEW},
                DISPATCHERS,
            ),
            transition(
                "cancel",
                _("cancel"),
                {S.NEW, S.DISPATCHED, S.ACCEPTED, S.DEFERRED},
                {S.CANCELLED},
                DESK | {Role.MANAGER},
            ),
            # R2.6, R2.13, R2.23: the desk records that it told the customer what it was
            # asked to (offered while such a reminder is open: repairs.services).
            transition("tell_customer", _("record that the customer was told"), set(S), set(S), DESK),
            transition(
                "rework",
                _("open a rework order"),
                {S.SIGNED_OFF, S.REPORTED, S.CLOSED},
                {S.SIGNED_OFF, S.REPORTED, S.CLOSED},
                DESK | {Role.ENGINEERING_SUPERVISOR},
            ),
        ]
    },
)
