"""The service catalogue (维修服务项目表) with its fee schedule, repair categories,
their warranty terms, and the outside parties a repair can be sent to: builders under
warranty (tag Z) and providers of equipment the property does not own (tag Q)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class WarrantyTerm(models.Model):
    """How long the builder's warranty runs for a kind of work (R3.1)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    months = models.PositiveIntegerField(
        _("months"),
        null=True,
        blank=True,
        help_text=_("From the completion-acceptance date. Empty means the design life of the structure."),
    )
    seasonal = models.BooleanField(
        _("checked before the rainy and typhoon seasons"),
        default=False,
        help_text=_("Roofs and outside walls."),
    )

    class Meta:
        verbose_name = _("warranty term")
        verbose_name_plural = _("warranty terms")

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """A repair category (水电, 燃气, 门窗 ...), the trade that does it and its warranty."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)
    trade = models.ForeignKey("people.Trade", models.PROTECT, related_name="categories")
    warranty_term = models.ForeignKey(WarrantyTerm, models.PROTECT, null=True, blank=True, related_name="categories")
    emergency_words = models.CharField(
        _("emergency words"), max_length=200, blank=True, help_text=_("Comma-separated, e.g. 爆裂,漏水")
    )

    class Meta:
        verbose_name = _("repair category")
        verbose_name_plural = _("repair categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ServiceItem(models.Model):
    """A line of the catalogue with its fees, split as R2.9 requires."""

    company = models.ForeignKey("estates.Company", models.PROTECT, related_name="service_items")
    category = models.ForeignKey(Category, models.PROTECT, related_name="items")
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    unit_name = models.CharField(_("unit of measure"), max_length=10, default="次")
    labour_fee = models.DecimalField(_("labour fee"), max_digits=10, decimal_places=2, default=Decimal("0"))
    material_fee = models.DecimalField(_("material fee"), max_digits=10, decimal_places=2, default=Decimal("0"))
    service_fee = models.DecimalField(_("service fee"), max_digits=10, decimal_places=2, default=Decimal("0"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="service_item_code_unique")]
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_paid(self) -> bool:
        return (self.labour_fee + self.material_fee + self.service_fee) > 0


class OutsideParty(models.Model):
    """What builders and providers share: who to call and how fast they promised to come."""

    company = models.ForeignKey("estates.Company", models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20)
    response_hours = models.PositiveIntegerField(_("on site within (hours)"), default=24)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Builder(OutsideParty):
    """The developer or contractor whose designated engineer takes warranty repairs
    (R2.22, R3.3: on site within 24 hours, fixed within 15 days)."""

    fix_days = models.PositiveIntegerField(_("fixed within (days)"), default=15)

    class Meta(OutsideParty.Meta):
        verbose_name = _("builder")
        verbose_name_plural = _("builders")
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="builder_code_unique")]


class Provider(OutsideParty):
    """An outside provider: telecom, broadband, water heaters, video intercom, security
    doors (R2.23). Chased to come within its own promised time."""

    service = models.CharField(_("service"), max_length=50, help_text=_("e.g. broadband, video intercom"))

    class Meta(OutsideParty.Meta):
        verbose_name = _("outside provider")
        verbose_name_plural = _("outside providers")
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="provider_code_unique")]
