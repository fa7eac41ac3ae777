"""Announcements (公告) the service desk publishes to the residents of a property, or of
some of its buildings: a water or power cut, a lift's maintenance, a community event.
Each resident with an account is told once through the notices (the bell and their
channels); the desk sees how many were told, how the messages went and how many read
it. Nothing is deleted: a withdrawn announcement is hidden from residents and kept,
with its counts, for the desk. See docs/announcements.md."""

from __future__ import annotations

import builtins

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Announcement(models.Model):
    class Kind(models.TextChoices):
        OUTAGE = "outage", _("water or power cut")
        MAINTENANCE = "maintenance", _("equipment maintenance")
        EVENT = "event", _("community event")
        OTHER = "other", _("other")

    property = models.ForeignKey(
        "estates.Property", models.PROTECT, related_name="announcements", verbose_name=_("property")
    )
    buildings = models.ManyToManyField(
        "estates.Building",
        blank=True,
        related_name="+",
        verbose_name=_("buildings"),
        help_text=_("Leave empty for the whole property."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"))
    starts_at = models.DateTimeField(_("from"), null=True, blank=True, help_text=_("e.g. when the cut starts"))
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    published_by_name = models.CharField(_("published by"), max_length=50, help_text=_("Kept if the account goes."))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    withdrawn_by_name = models.CharField(_("withdrawn by"), max_length=50, blank=True)
    key = models.CharField(
        max_length=100, blank=True, help_text="The form's one-time key: a resubmission publishes once."
    )
    fingerprint = models.CharField(max_length=64, blank=True, help_text="Of what was submitted under the key.")

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["property", "-published_at", "-id"], name="announcement_board")]
        constraints = [
            models.UniqueConstraint(
                fields=["published_by", "key"], condition=~Q(key=""), name="announcement_key_unique"
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="announcement_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @builtins.property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @builtins.property
    def link(self) -> str:
        """The resident's page of it; also the link of every notice it sent."""
        return f"/my/news/{self.pk}/"

    @builtins.property
    def notice_key(self) -> str:
        """The key its notices are written under (each resident's is ``<this>:user:<id>``);
        their deliveries' keys start with ``<this>:`` too."""
        return f"announcement:{self.pk}"
