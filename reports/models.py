"""A generated monthly pack, kept: its figures and the Excel and PDF files (R8.1)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReportPack(models.Model):
    company = models.ForeignKey("estates.Company", models.PROTECT, related_name="+")
    property = models.ForeignKey(
        "estates.Property", models.PROTECT, null=True, blank=True, related_name="+", help_text=_("Empty: company-wide.")
    )
    month = models.CharField(_("month"), max_length=7, help_text="2026-11")
    generated_at = models.DateTimeField(_("generated at"))
    figures = models.JSONField(_("figures"))
    xlsx = models.FileField(_("Excel"), upload_to="reports/%Y/")
    pdf = models.FileField(_("PDF"), upload_to="reports/%Y/")

    class Meta:
        verbose_name = _("monthly report pack")
        verbose_name_plural = _("monthly report packs")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "property", "month"], condition=Q(property__isnull=False), name="pack_property_month"
            ),
            models.UniqueConstraint(
                fields=["company", "month"], condition=Q(property__isnull=True), name="pack_company_month"
            ),
        ]
        ordering = ["-month", "property_id"]

    def __str__(self) -> str:
        return f"{self.month} {self.property or self.company}"


class TicketMonth(models.Model):
    """The tickets of one property recorded in one finished month, by kind: kept so that the
    12-month trend counts only the month it reports on. A finished month changes only when a
    matter is recorded late with a time in it, which forgets the row (``reports.tallies``)."""

    property = models.ForeignKey("estates.Property", models.CASCADE, related_name="+")
    month = models.CharField(_("month"), max_length=7, help_text="2026-11")
    counts = models.JSONField(_("tickets by kind"))
    counted_at = models.DateTimeField(_("counted at"))

    class Meta:
        verbose_name = _("tickets of a month")
        verbose_name_plural = _("tickets of a month")
        constraints = [models.UniqueConstraint(fields=["property", "month"], name="ticket_month_unique")]

    def __str__(self) -> str:
        return f"{self.month} {self.property_id}"
