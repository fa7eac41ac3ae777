"""Paid repairs settled (R2.11, R2.12): the charge recorded after the customer's
sign-off, with its receipt number from the property's series, and finance's daily
reconciliation of the receipts against what was handed in."""

from __future__ import annotations

import builtins
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Method(models.TextChoices):
    """How a charge is paid: collected by the office's own means, or billed."""

    CASH = "cash", _("cash")
    CARD = "card", _("bank card")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    ACCOUNT = "account", _("billed to the household's account")


# What is handed in to finance at the end of the day; a charge billed to the household's
# account is collected later with the property fees, so nothing is handed in for it.
HANDED_IN = (Method.CASH, Method.CARD, Method.WECHAT, Method.ALIPAY)


class Charge(models.Model):
    """The charge of a paid repair and its receipt (收据): one per work order, for the
    amounts of the quote the customer consented to, by line."""

    order = models.OneToOneField("repairs.WorkOrder", models.PROTECT, related_name="charge")
    ticket = models.ForeignKey("tickets.Ticket", models.PROTECT, related_name="+")
    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+")
    quote = models.ForeignKey("repairs.Quote", models.PROTECT, related_name="+")
    receipt_no = models.CharField(_("receipt number"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    seq = models.PositiveIntegerField(_("number in the series"))
    day = models.DateField(_("day"), help_text=_("The property's date of the charge: the day finance reconciles."))
    place = models.CharField(_("unit"), max_length=100)
    customer_name = models.CharField(_("customer"), max_length=50, blank=True)
    lines = models.JSONField(_("lines"), default=list)
    labour = models.DecimalField(_("labour"), max_digits=12, decimal_places=2)
    material = models.DecimalField(_("material"), max_digits=12, decimal_places=2)
    service = models.DecimalField(_("service fee"), max_digits=12, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    fee_basis = models.CharField(_("fee basis"), max_length=20, blank=True)  # as on the quote (R3.4)
    fee_reason = models.CharField(_("misuse"), max_length=500, blank=True)
    method = models.CharField(_("paid by"), max_length=10, choices=Method.choices)
    collected_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    collected_by_name = models.CharField(_("collected by"), max_length=50)
    charged_at = models.DateTimeField(_("charged at"))
    form_key = models.CharField(max_length=100, blank=True, help_text="The form's or request's one-time key.")

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        ordering = ["receipt_no"]
        constraints = [
            models.UniqueConstraint(fields=["property", "year", "seq"], name="receipt_series_unique"),
            models.UniqueConstraint(
                fields=["collected_by", "form_key"], condition=~Q(form_key=""), name="charge_form_key_unique"
            ),
        ]
        indexes = [models.Index(fields=["property", "day"], name="charge_day")]

    def __str__(self) -> str:
        return self.receipt_no

    @builtins.property
    def fee_note(self) -> str:
        from repairs.fees import fee_note

        return fee_note(self.fee_basis, self.fee_reason)


class AppendOnly(models.Model):
    """A row that is written once: a correction is a new row, the first one is kept."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("a reconciliation is never changed; record a correction")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("a reconciliation is never deleted")


class Reconciliation(AppendOnly):
    """Finance's reconciliation of a day's receipts at a property (对账): per payment
    method, what the receipts say was taken and what was handed in, and the differences.
    Saved once; a correction is a new version with its reason, the earlier kept."""

    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    expected = models.JSONField(_("by the receipts"), default=dict)
    handed = models.JSONField(_("handed in"), default=dict)
    differences = models.JSONField(_("differences"), default=dict)
    receipts = models.PositiveIntegerField(_("receipts"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    corrects = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("corrects")
    )
    correction_reason = models.CharField(_("reason for the correction"), max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    by_name = models.CharField(_("reconciled by"), max_length=50)
    at = models.DateTimeField(_("reconciled at"))

    class Meta:
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        ordering = ["day", "version"]
        constraints = [
            models.UniqueConstraint(fields=["property", "day", "version"], name="reconciliation_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.property_id} {self.day} v{self.version}"

    @builtins.property
    def balanced(self) -> bool:
        return not self.differences  # only the methods that differ are kept
