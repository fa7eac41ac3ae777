"""When each kind of background work last ran, for the health endpoint."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """``worker`` (every minute), ``sweep`` (the promise sweep), ``backup`` (the last
    backup written), with the time it last happened and what it said."""

    name = models.CharField(_("name"), max_length=30, primary_key=True)
    at = models.DateTimeField(_("at"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M}"
