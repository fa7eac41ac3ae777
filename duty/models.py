"""The duty log (值班记录, S0 篇2 §3.2, S4 §3.4; docs/records.md): each shift at the
service desk (服务中心) and in the monitoring room (监控室) of a property, who is on duty,
what happened (the entries the duty staff write; the calls and tickets of the shift's
time are read from the contact log and the tickets), and what is handed over to the next
shift and who received it."""

from __future__ import annotations

import builtins

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from estates.hours import Post


class Shift(models.Model):
    """One shift on one post. At most one is open per post of a property; the next one
    starts when someone of it receives the handover, which ends this one."""

    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+", verbose_name=_("property"))
    post = models.CharField(_("post"), max_length=20, choices=Post.choices)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("on duty"))
    staff_names = models.CharField(_("on duty"), max_length=200, help_text=_("Kept if an account goes."))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    # The handover to the next shift: written by the outgoing shift, received by the next.
    handover_note = models.TextField(_("handed over"), blank=True)
    open_items = models.JSONField(_("open items"), default=list, blank=True)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    handed_over_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    handed_over_by_name = models.CharField(_("handed over by"), max_length=50, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    received_by_name = models.CharField(_("received by"), max_length=50, blank=True)
    previous = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="next", verbose_name=_("previous shift")
    )
    form_key = models.CharField(max_length=100, blank=True, help_text="The form's one-time key: a retry starts once.")

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("duty log")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["property", "post", "started_at"], name="shift_history")]
        constraints = [
            models.UniqueConstraint(
                fields=["property", "post"], condition=Q(ended_at__isnull=True), name="shift_open_once"
            ),
            models.UniqueConstraint(
                fields=["started_by", "form_key"], condition=~Q(form_key=""), name="shift_form_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_post_display()} {self.started_at:%Y-%m-%d %H:%M}"

    @builtins.property
    def is_open(self) -> bool:
        return self.ended_at is None


class Entry(models.Model):
    """A line of the shift's log written by the duty staff: a patrol, something out of
    the ordinary, an instruction received, anything else, with its time."""

    class Kind(models.TextChoices):
        PATROL = "patrol", _("patrol")
        INCIDENT = "incident", _("incident")
        INSTRUCTION = "instruction", _("instruction")
        OTHER = "other", _("other")

    shift = models.ForeignKey(Shift, models.PROTECT, related_name="entries", verbose_name=_("shift"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    at = models.DateTimeField(_("time"))
    text = models.TextField(_("what happened"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    by_name = models.CharField(_("written by"), max_length=50)
    written_at = models.DateTimeField(_("written at"))
    form_key = models.CharField(max_length=100, blank=True, help_text="The form's one-time key: a retry writes once.")

    class Meta:
        verbose_name = _("duty log entry")
        verbose_name_plural = _("duty log entries")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["by", "form_key"], condition=~Q(form_key=""), name="entry_form_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.at:%H:%M} {self.text[:30]}"
