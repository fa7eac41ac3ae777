"""The work order of a repair ticket (工程维修单): what is done on site, quotes and
consent, customer-supplied material checks, completion, sign-off and rework."""

from __future__ import annotations

import builtins
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class WorkOrder(models.Model):
    ticket = models.OneToOneField("tickets.Ticket", models.PROTECT, related_name="work_order")
    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+", db_index=False)  # see Meta
    rework_of = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="reworks", verbose_name=_("rework of")
    )
    is_paid = models.BooleanField(_("paid repair"), default=False)

    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    started_at = models.DateTimeField(_("work started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported back at"), null=True, blank=True)

    fault_note = models.TextField(_("fault found on site"), blank=True)
    result_note = models.TextField(_("result"), blank=True)
    materials_used = models.TextField(_("materials used"), blank=True)

    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    satisfied = models.BooleanField(_("accepted by the customer"), null=True, blank=True)
    signed_by = models.CharField(_("signed by"), max_length=50, blank=True)
    sign_off_note = models.TextField(_("customer's comment"), blank=True)

    deferred_reason = models.TextField(_("reason for deferral"), blank=True)
    promised_at = models.DateTimeField(_("promised time"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    # R3.4: damage from misuse, marked on site with a reason, is outside warranty.
    misuse_reason = models.CharField(_("misuse"), max_length=500, blank=True)
    misuse_marked_at = models.DateTimeField(_("misuse marked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        # The monthly pack reads the jobs completed in a month at a property; on PostgreSQL
        # the index carries every column its figures need, so the heap is not read.
        indexes = [
            models.Index(
                fields=["property", "completed_at"],
                include=["ticket", "is_paid", "satisfaction", "started_at", "arrived_at"],
                name="work_order_completed",
            )
        ]

    def __str__(self) -> str:
        return str(self.ticket_id)


class WorkOrderItem(models.Model):
    """An actual repair item recorded on site (R2.7), priced from the catalogue or,
    outside it, proposed by the technician and reviewed by the engineering supervisor."""

    class Review(models.TextChoices):
        NOT_NEEDED = "not_needed", _("in the catalogue")
        PENDING = "pending", _("waiting for review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    order = models.ForeignKey(WorkOrder, models.PROTECT, related_name="items")
    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+")
    service_item = models.ForeignKey("catalog.ServiceItem", models.PROTECT, null=True, blank=True, related_name="+")
    description = models.CharField(_("item"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2, default=Decimal("1"))
    labour_fee = models.DecimalField(_("labour fee"), max_digits=10, decimal_places=2, default=Decimal("0"))
    material_fee = models.DecimalField(_("material fee"), max_digits=10, decimal_places=2, default=Decimal("0"))
    service_fee = models.DecimalField(_("service fee"), max_digits=10, decimal_places=2, default=Decimal("0"))
    review = models.CharField(_("review"), max_length=12, choices=Review.choices, default=Review.NOT_NEEDED)
    review_note = models.CharField(_("review note"), max_length=500, blank=True)
    added_at = models.DateTimeField(_("added at"))
    removed_at = models.DateTimeField(
        _("removed at"), null=True, blank=True, help_text=_("Set when re-confirmed items replace it.")
    )

    class Meta:
        verbose_name = _("work order item")
        verbose_name_plural = _("work order items")
        ordering = ["id"]
        # The revenue of the month's paid jobs: one probe per order, the amounts in the index.
        indexes = [
            models.Index(
                fields=["order"],
                include=["labour_fee", "material_fee", "service_fee", "quantity", "review"],
                condition=Q(removed_at__isnull=True),
                name="item_billed",
            )
        ]

    def __str__(self) -> str:
        return self.description

    @builtins.property
    def total(self) -> Decimal:
        return (self.labour_fee + self.material_fee + self.service_fee) * self.quantity


class Quote(models.Model):
    """The amount shown to the customer before work starts (R2.9), with the lines as
    they were when shown. A grown job gets a new version; the old one is superseded."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for consent")
        CONSENTED = "consented", _("consented")
        DECLINED = "declined", _("declined")
        SUPERSEDED = "superseded", _("superseded")

    order = models.ForeignKey(WorkOrder, models.PROTECT, related_name="quotes")
    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+")
    version = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    lines = models.JSONField(_("lines"), default=list)
    labour_total = models.DecimalField(_("labour"), max_digits=12, decimal_places=2)
    material_total = models.DecimalField(_("material"), max_digits=12, decimal_places=2)
    service_total = models.DecimalField(_("service fee"), max_digits=12, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    # R3.4: why a service fee is or is not charged (repairs.fees): "misuse" with the
    # reason marked on site, "warranty_expired", or empty (the fee schedule applies).
    fee_basis = models.CharField(_("fee basis"), max_length=20, blank=True)
    fee_reason = models.CharField(_("misuse"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by_name = models.CharField(_("customer"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [models.UniqueConstraint(fields=["order", "version"], name="quote_version_unique")]
        ordering = ["version"]

    def __str__(self) -> str:
        return f"{self.order_id} v{self.version}"

    @builtins.property
    def fee_note(self) -> str:
        """Why a service fee is or is not charged, in the reader's language (R3.4)."""
        from repairs.fees import fee_note

        return fee_note(self.fee_basis, self.fee_reason)


class MaterialCheck(models.Model):
    """A customer-supplied material checked on site: pass or fail (R2.8)."""

    order = models.ForeignKey(WorkOrder, models.PROTECT, related_name="material_checks")
    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+")
    material = models.CharField(_("material"), max_length=100)
    passed = models.BooleanField(_("passed"))
    note = models.CharField(_("remarks"), max_length=500, blank=True)
    checked_at = models.DateTimeField(_("checked at"))
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("material check")
        verbose_name_plural = _("material checks")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.material


class Referral(models.Model):
    """A repair sent to the builder under warranty (tag Z, R2.22, R3.3) or to an outside
    provider (tag Q, R2.23). The desk chases it, records the party's status reports
    (timeline events), tells the customer and strikes it off."""

    class Update(models.TextChoices):
        CHASED = "chased", _("chased")
        ARRIVED = "arrived", _("on site")
        WAITING = "waiting", _("waiting (parts, access)")
        DONE = "done", _("fixed")

    ticket = models.ForeignKey("tickets.Ticket", models.PROTECT, related_name="referrals")
    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+")
    route = models.CharField(_("route"), max_length=2)
    builder = models.ForeignKey("catalog.Builder", models.PROTECT, null=True, blank=True, related_name="+")
    provider = models.ForeignKey("catalog.Provider", models.PROTECT, null=True, blank=True, related_name="+")
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    arrived_at = models.DateTimeField(_("on site at"), null=True, blank=True)
    fixed_at = models.DateTimeField(_("fixed at"), null=True, blank=True)
    last_update = models.CharField(_("last status"), max_length=10, choices=Update.choices, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(builder__isnull=False) | models.Q(provider__isnull=False),
                name="referral_has_party",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.route}"

    @builtins.property
    def party(self) -> object:
        return self.builder or self.provider
