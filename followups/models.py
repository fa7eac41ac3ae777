"""Follow-up calls and visits (回访, R6): planned when a ticket closes (or per building for
warranty), recorded by a customer specialist, reviewed by the supervisor."""

from __future__ import annotations

import builtins
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from people.models import Role


class Service(models.TextChoices):
    """What a follow-up policy row is for (R6.1, R6.2)."""

    COMPLAINT = "complaint", _("complaint")
    REPAIR = "repair", _("repair")
    MEDICAL = "medical", _("medical emergency")
    HELP = "help", _("help request")
    SPECIAL = "special", _("special paid service")
    EVENT = "event", _("newsletter or community event")
    OTHER = "other", _("other services")
    WARRANTY = "warranty", _("warranty visit")


class FollowUpPolicy(models.Model):
    """When a follow-up is due after a service and what share of services get one, per
    property. Rows override ``followups.policy.DEFAULTS``."""

    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="followup_policies")
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    window_from_days = models.PositiveIntegerField(_("from (days after)"))
    window_to_days = models.PositiveIntegerField(_("to (days after)"))
    coverage_percent = models.PositiveIntegerField(_("coverage (%)"))

    class Meta:
        verbose_name = _("follow-up policy")
        verbose_name_plural = _("follow-up policies")
        constraints = [models.UniqueConstraint(fields=["property", "service"], name="followup_policy_unique")]

    def __str__(self) -> str:
        return f"{self.property} {self.service}"


class FollowUp(models.Model):
    class Purpose(models.TextChoices):
        SERVICE = "service", _("after the service")
        QUICK_CALL = "quick_call", _("quick call after report-back")
        WARRANTY_PERIODIC = "warranty_periodic", _("periodic warranty visit")
        WARRANTY_SEASONAL = "warranty_seasonal", _("seasonal warranty visit")
        WARRANTY_EXPIRY = "warranty_expiry", _("before the warranty expires")

    class Status(models.TextChoices):
        PENDING = "pending", _("to be sampled")
        PLANNED = "planned", _("to call")
        DONE = "done", _("done")
        NOT_SAMPLED = "not_sampled", _("not sampled")
        CANCELLED = "cancelled", _("cancelled")

    class Method(models.TextChoices):
        PHONE = "phone", _("phone")
        FACE_TO_FACE = "face_to_face", _("face to face")
        ON_SITE = "on_site", _("on site")

    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+")
    ticket = models.ForeignKey("tickets.Ticket", models.PROTECT, null=True, blank=True, related_name="followups")
    building = models.ForeignKey("estates.Building", models.PROTECT, null=True, blank=True, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.SERVICE)
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    reason = models.CharField(_("why"), max_length=30, blank=True, help_text=_("required, major, unsatisfied, sample"))
    due_from = models.DateTimeField(_("window from"))
    due_by = models.DateTimeField(_("window to"))
    next_try_at = models.DateTimeField(_("next try"), help_text=_("When to call; later after an unreachable try."))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="followups_assigned"
    )
    with_role = models.CharField(
        _("together with"),
        max_length=30,
        choices=Role.choices,
        blank=True,
        help_text=_("e.g. the supervisor of the department"),
    )
    note = models.CharField(_("what to ask"), max_length=200, blank=True)
    attempts = models.PositiveIntegerField(_("unreachable tries"), default=0)
    planned_at = models.DateTimeField(_("planned at"))

    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    done_by_name = models.CharField(_("done by"), max_length=50, blank=True)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices, blank=True)
    quality = models.TextField(_("quality of the service"), blank=True)
    effect = models.TextField(_("effect"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    shortcomings = models.TextField(_("shortcomings"), blank=True)
    suggestions = models.TextField(_("suggestions"), blank=True)
    confirmed_by = models.CharField(_("confirmed by the resident"), max_length=50, blank=True)

    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    opinion = models.TextField(_("supervisor's opinion"), blank=True)
    complaint = models.ForeignKey(
        "tickets.Ticket", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("complaint opened")
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [
            # The workbench: planned calls of a property by when to call.
            models.Index(fields=["property", "next_try_at"], condition=Q(status="planned"), name="followup_todo"),
            models.Index(fields=["property", "service", "planned_at"], name="followup_stats"),
            # The monthly pack: follow-ups whose window ended, and those done, in a month.
            models.Index(fields=["property", "due_by"], name="followup_window_end"),
            models.Index(fields=["property", "done_at"], name="followup_done"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "purpose"], condition=Q(ticket__isnull=False), name="followup_once_per_ticket"
            ),
            models.UniqueConstraint(
                fields=["building", "purpose", "due_from"],
                condition=Q(building__isnull=False),
                name="followup_once_per_building_visit",
            ),
        ]
        ordering = ["next_try_at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id or self.building_id} {self.purpose}"

    def overdue(self, now: datetime.datetime) -> bool:
        """Still to call after its window closed (shown as overdue on the console)."""
        return self.status == self.Status.PLANNED and self.due_by < now

    @builtins.property
    def unsatisfied(self) -> bool:
        return self.satisfaction is not None and self.satisfaction <= 2


class Finding(models.TextChoices):
    """What the quarterly review looks for (R6.6)."""

    UNSATISFIED = "unsatisfied", _("unsatisfactory follow-up")
    REPEAT_COMPLAINT = "repeat_complaint", _("the same matter complained about twice or more")
    REPEAT_REPAIR = "repeat_repair", _("the same repair three times or more")


class ReviewDecision(models.Model):
    """The manager's decision on one finding of a quarter: no action, or a corrective
    and preventive action (R6.6)."""

    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+")
    quarter = models.CharField(_("quarter"), max_length=6, help_text="e.g. 2026Q4")
    finding = models.CharField(_("finding"), max_length=20, choices=Finding.choices)
    key = models.CharField(_("what"), max_length=100, help_text=_("Identifies the finding within the quarter."))
    action = models.ForeignKey(
        "CorrectiveAction", models.PROTECT, null=True, blank=True, related_name="decisions", verbose_name=_("action")
    )
    note = models.TextField(_("note"), blank=True)
    decided_at = models.DateTimeField(_("decided at"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    decided_by_name = models.CharField(_("decided by"), max_length=50)

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        constraints = [
            models.UniqueConstraint(fields=["property", "quarter", "finding", "key"], name="review_decision_once")
        ]

    def __str__(self) -> str:
        return f"{self.quarter} {self.finding} {self.key}"


class CorrectiveAction(models.Model):
    """A nonconformity and its corrective and preventive action (不合格 / 纠正预防),
    tracked to closure with events."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done, to verify")
        CLOSED = "closed", _("verified and closed")

    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="corrective_actions")
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("owner"))
    root_cause = models.TextField(_("root cause"))
    action = models.TextField(_("action"))
    due_on = models.DateField(_("due on"))
    verification = models.TextField(_("verification"), blank=True)
    tickets = models.ManyToManyField("tickets.Ticket", related_name="+", verbose_name=_("tickets behind it"))
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return self.title


class CorrectiveActionEvent(models.Model):
    class Step(models.TextChoices):
        OPEN = "open", _("opened")
        NOTE = "note", _("progress note")
        DONE = "done", _("reported done")
        VERIFY = "verify", _("verified and closed")
        REOPEN = "reopen", _("reopened: not effective")

    corrective_action = models.ForeignKey(CorrectiveAction, models.PROTECT, related_name="events")
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    actor_name = models.CharField(_("by"), max_length=50)
    action = models.CharField(_("action"), max_length=20, choices=Step.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.corrective_action_id} {self.action}"
