"""Notices that reach people: the in-app notice of one account (the bell), the outbox of
deliveries on the other channels (e-mail, SMS through the office's gateway, group robots
of WeCom, DingTalk or Feishu), each person's choices, and the robots an office sets up
per property for a role or a team. See docs/notifications.md."""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from notify.addresses import url_problem
from people.models import Role


class Notification(models.Model):
    """What one account is told, shown under the bell; opening it opens its ticket."""

    class Kind(models.TextChoices):
        BREACH = "breach", _("promise missed")
        ESCALATION = "escalation", _("escalation")
        REVIEW = "review", _("review needed")
        TELL_CUSTOMER = "tell_customer", _("tell the customer")
        JOB = "job", _("your job")
        UPDATE = "update", _("about your matter")
        ANNOUNCEMENT = "announcement", _("announcement")

    # Indexes are kept to what the pages ask (the inbox below, a ticket's notices): each
    # one more is written with every notice.
    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+", db_index=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="notifications", db_index=False
    )
    ticket = models.ForeignKey("tickets.Ticket", models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    message = models.CharField(_("message"), max_length=300)
    link = models.CharField(_("link"), max_length=200, blank=True, help_text=_("The page the notice opens."))
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # One notice per event and person ("each once"): e.g. ``event:812:user:33``.
    key = models.CharField(max_length=100, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox")]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.message


class ChannelRoute(models.Model):
    """A group robot (WeCom, DingTalk, Feishu) or a JSON webhook that also gets the
    notices of a property's role or team, e.g. the engineering team's WeCom group."""

    # The kinds of address an office may give (apprise's names for them).
    SCHEMES = {
        "wecombot": _("WeCom group robot"),
        "dingtalk": _("DingTalk group robot"),
        "feishu": _("Feishu group robot"),
        "json": _("JSON webhook (http)"),
        "jsons": _("JSON webhook (https)"),
    }

    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="channel_routes")
    name = models.CharField(_("name"), max_length=100)
    url = models.CharField(
        _("address"),
        max_length=500,
        help_text=_(
            "wecombot://KEY, dingtalk://TOKEN/, feishu://TOKEN or json(s)://host/path. Kept secret: never shown "
            "in logs or errors."
        ),
    )
    role = models.CharField(_("for the role"), max_length=30, choices=Role.choices, blank=True)
    team = models.ForeignKey(
        "people.Team", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("for the team")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("group robot or webhook")
        verbose_name_plural = _("group robots and webhooks")
        constraints = [
            models.CheckConstraint(condition=~Q(role="") | Q(team__isnull=False), name="route_for_role_or_team")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        problem = url_problem(self.url.strip(), self.SCHEMES)
        if problem:
            raise ValidationError({"url": problem})
        self.url = self.url.strip()
        if not self.role and not self.team_id:
            raise ValidationError(_("Choose the role or the team the robot is for."))
        if self.team is not None and self.property_id and self.team.property_id != self.property_id:
            raise ValidationError({"team": _("The team works at another property.")})


class NoticePreference(models.Model):
    """One person's choices: the channels beside the bell, and quiet hours in which a
    resident's routine notices wait (never a missed promise or an emergency)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notice_preference")
    by_email = models.BooleanField(_("by e-mail"), default=False)
    by_sms = models.BooleanField(_("by SMS"), default=False)
    quiet_from = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_to = models.TimeField(_("quiet until"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")

    def __str__(self) -> str:
        return str(self.user)

    def quiet_until(self, local: datetime.datetime) -> datetime.datetime | None:
        """The end of the quiet hours ``local`` falls in, or None."""
        if self.quiet_from is None or self.quiet_to is None or self.quiet_from == self.quiet_to:
            return None
        now = local.time()
        if self.quiet_from < self.quiet_to:  # e.g. 13:00-14:00
            inside = self.quiet_from <= now < self.quiet_to
            end_day = local.date()
        else:  # across midnight, e.g. 22:00-07:00
            inside = now >= self.quiet_from or now < self.quiet_to
            end_day = local.date() + datetime.timedelta(days=1 if now >= self.quiet_from else 0)
        if not inside:
            return None
        return datetime.datetime.combine(end_day, self.quiet_to, tzinfo=local.tzinfo)


# Deliveries whose key starts so carry a secret (a resident's sign-in code).
SECRET_KEY_PREFIX = "code:"


class Delivery(models.Model):
    """One message on one channel: the outbox. Written with the change that caused it,
    sent by the worker after the commit, claimed by a conditional update, retried with
    backoff, then failed with the channel's error (docs/notifications.md)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")
        ROBOT = "robot", _("group robot or webhook")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        HELD = "held", _("held for quiet hours")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        KEPT = "kept", _("kept in the local outbox")
        FAILED = "failed", _("failed")

    # As few indexes as the outbox's pass and page need: each is written with every message.
    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+", db_index=False)
    notification = models.ForeignKey(
        Notification, models.SET_NULL, null=True, blank=True, related_name="deliveries", db_index=False
    )
    ticket = models.ForeignKey("tickets.Ticket", models.PROTECT, null=True, blank=True, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    recipient_name = models.CharField(_("to"), max_length=100, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=200, blank=True, help_text=_("E-mail or phone."))
    route = models.ForeignKey(ChannelRoute, models.PROTECT, null=True, blank=True, related_name="+", db_index=False)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    urgent = models.BooleanField(_("urgent"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))
    key = models.CharField(max_length=120, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The worker's pass: what is due or was claimed and never finished.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(status__in=["pending", "held", "sending"]),
                name="delivery_due",
            ),
            models.Index(fields=["property", "status", "-created_at"], name="delivery_page"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.recipient_name or self.address}"

    def is_secret(self) -> bool:
        return (self.key or "").startswith(SECRET_KEY_PREFIX)

    def shown_text(self) -> str:
        """The text as the outbox shows it to staff: a sign-in code on its way through a
        real channel is masked (only the phone's owner may read it; once sent, the row
        keeps only the masked text); one kept in the local outbox (no gateway, the demo)
        is where it is read."""
        if self.is_secret() and self.status != self.Status.KEPT:
            return re.sub(r"\d{4,}", "******", self.text)
        return self.text
