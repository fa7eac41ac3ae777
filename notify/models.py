"""In-app notifications: escalations and requests to act, addressed to one account."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        BREACH = "breach", _("promise breached")
        ESCALATION = "escalation", _("escalation")
        REVIEW = "review", _("review needed")
        TELL_CUSTOMER = "tell_customer", _("tell the customer")

    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="notifications")
    ticket = models.ForeignKey("tickets.Ticket", models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    message = models.CharField(_("message"), max_length=300)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox")]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.message
