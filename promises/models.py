"""Service promises as data: a per-property policy of clocks and one Deadline row per
running clock. On-time rates are counts over Deadline rows."""

from __future__ import annotations

import builtins

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from people.models import Role


class Clock(models.TextChoices):
    RECORD = "record", _("record the request")
    NOTIFY = "notify", _("notify the team")
    ARRIVE = "arrive", _("arrive on site")
    REPORT_BACK = "report_back", _("report the result back")
    PROMISE = "promise", _("promised time")
    TAKE_UP = "take_up", _("taken up by the responsible manager")
    ANSWER = "answer", _("a clear answer to the customer")
    RESOLVE = "resolve", _("resolved")
    MONTH = "month", _("unresolved after one month becomes major")
    REPLY = "reply", _("reply to the customer")
    PARTY_ARRIVE = "party_arrive", _("outside party on site")
    PARTY_FIX = "party_fix", _("outside party fixed it")


# The clocks of promises made to the customer, which a resident sees on their matter's
# page; the others (recording, notifying the team, reporting back, taking up, the
# one-month rule) are the office's own.
CUSTOMER_CLOCKS = frozenset(
    {Clock.ARRIVE, Clock.PROMISE, Clock.ANSWER, Clock.RESOLVE, Clock.REPLY, Clock.PARTY_ARRIVE, Clock.PARTY_FIX}
)


class PromisePolicy(models.Model):
    """The time limit of one clock for one kind of ticket at one property. Rows override
    the defaults in ``promises.policy.DEFAULTS`` (RULES R2.16-R2.18)."""

    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="promise_policies")
    kind = models.CharField(
        _("kind"), max_length=30, help_text=_("A kind of ticket, or a kind and its variant, e.g. complaint:major.")
    )
    clock = models.CharField(_("clock"), max_length=20, choices=Clock.choices)
    minutes = models.PositiveIntegerField(_("minutes"))
    emergency_minutes = models.PositiveIntegerField(_("minutes for emergencies"), null=True, blank=True)
    escalate_to = models.CharField(_("escalate to"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("promise policy")
        verbose_name_plural = _("promise policies")
        constraints = [models.UniqueConstraint(fields=["property", "kind", "clock"], name="promise_policy_unique")]

    def __str__(self) -> str:
        return f"{self.property} {self.kind} {self.clock}"


class Deadline(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("running")
        MET = "met", _("met")
        CANCELLED = "cancelled", _("cancelled")

    # Each looked up by the composite index that leads with it (deadline_ticket, deadline_stats).
    ticket = models.ForeignKey("tickets.Ticket", models.PROTECT, related_name="deadlines", db_index=False)
    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+", db_index=False)
    clock = models.CharField(_("clock"), max_length=20, choices=Clock.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    breached_at = models.DateTimeField(
        _("breach recorded at"), null=True, blank=True, help_text=_("Set once, when the promise is missed.")
    )
    escalate_to = models.CharField(
        _("escalate to"), max_length=30, blank=True, default="", help_text=_("Taken from the policy when it started.")
    )
    # Whose promise it was: the ticket's assignee when the clock was met or first missed,
    # so a technician's on-time rate (R8.2) neither moves with later reassignments nor
    # needs the ticket joined in.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("held by"),
        help_text=_("The ticket's assignee when the promise was kept or missed."),
    )

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        indexes = [
            # The sweep reads only open, not yet breached rows by due time.
            models.Index(
                fields=["due_at"],
                condition=Q(status="open", breached_at__isnull=True),
                name="deadline_sweep",
            ),
            models.Index(fields=["ticket", "status"], name="deadline_ticket"),
            models.Index(fields=["property", "clock", "due_at"], name="deadline_stats"),
        ]
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.clock} {self.due_at:%Y-%m-%d %H:%M}"

    @builtins.property
    def on_time(self) -> bool | None:
        if self.status == self.Status.MET and self.met_at is not None:
            return self.met_at <= self.due_at
        return None
