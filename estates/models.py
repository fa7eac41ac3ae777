"""The places a property company runs: company, property, building, unit, common area,
and the people who live or work there (household, resident)."""

from __future__ import annotations

import builtins
import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Company(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("property company")
        verbose_name_plural = _("property companies")

    def __str__(self) -> str:
        return self.name


class Property(models.Model):
    class Kind(models.TextChoices):
        RESIDENTIAL = "residential", _("residential")
        OFFICE = "office", _("office")

    company = models.ForeignKey(Company, models.PROTECT, related_name="properties")
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    time_zone = models.CharField(_("time zone"), max_length=50, default="Asia/Shanghai")
    address = models.CharField(_("address"), max_length=200, blank=True)
    desk_phone = models.CharField(
        _("service desk phone"),
        max_length=20,
        blank=True,
        help_text=_("The number residents call, shown on their pages."),
    )
    office_opens = models.TimeField(_("office opens"), default=datetime.time(8, 30))
    office_closes = models.TimeField(_("office closes"), default=datetime.time(17, 30))
    after_hours_phone = models.CharField(
        _("after-hours phone"),
        max_length=20,
        blank=True,
        help_text=_("Outside office hours the monitoring room takes the service phone at this number (R1.4)."),
    )
    sign_off_days = models.PositiveSmallIntegerField(
        _("days to sign off"),
        default=7,
        help_text=_(
            "A completed repair the customer has neither signed off nor refused within these days "
            "is taken as signed off (R2.11); 0: never."
        ),
    )
    labour_and_material_after_warranty = models.BooleanField(
        _("after warranty: labour and material only"),
        default=True,
        help_text=_(
            "Once a repair's warranty has expired, only labour and material are charged, no service fee (R3.4)."
        ),
    )

    class Meta:
        verbose_name = _("property")
        verbose_name_plural = _("properties")
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="property_name_unique")]

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    property = models.ForeignKey(Property, models.PROTECT, related_name="buildings")
    code = models.CharField(_("code"), max_length=20, help_text=_("As residents say it, e.g. 3"))
    name = models.CharField(_("name"), max_length=100)
    completion_date = models.DateField(_("completion-acceptance date"), null=True, blank=True)
    builder = models.ForeignKey(
        "catalog.Builder",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="buildings",
        verbose_name=_("builder"),
        help_text=_("Takes repairs still under warranty."),
    )

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        constraints = [models.UniqueConstraint(fields=["property", "code"], name="building_code_unique")]
        ordering = ["property_id", "code"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    class Kind(models.TextChoices):
        HOME = "home", _("home")
        SHOP = "shop", _("shop")
        OFFICE = "office", _("office")
        PARKING = "parking", _("parking space")
        OTHER = "other", _("other")

    property = models.ForeignKey(Property, models.PROTECT, related_name="units")
    building = models.ForeignKey(Building, models.PROTECT, related_name="units")
    code = models.CharField(_("room"), max_length=20, help_text=_("Room number, e.g. 1202"))
    label = models.CharField(_("unit"), max_length=50, help_text=_("Building-room, e.g. 3-1202"))
    floor = models.SmallIntegerField(_("floor"), null=True, blank=True)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.HOME)
    area = models.DecimalField(_("floor area (m²)"), max_digits=8, decimal_places=2, null=True, blank=True)
    completion_date = models.DateField(
        _("completion-acceptance date"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the building's date."),
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [models.UniqueConstraint(fields=["property", "label"], name="unit_label_unique")]
        ordering = ["property_id", "label"]

    def __str__(self) -> str:
        return f"{self.property.name} {self.label}" if self.property_id else self.label

    @builtins.property
    def accepted_on(self) -> datetime.date | None:
        """The date warranty periods run from (R3.1)."""
        return self.completion_date or self.building.completion_date


class CommonArea(models.Model):
    property = models.ForeignKey(Property, models.PROTECT, related_name="common_areas")
    building = models.ForeignKey(Building, models.PROTECT, null=True, blank=True, related_name="common_areas")
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("common area")
        verbose_name_plural = _("common areas")
        constraints = [models.UniqueConstraint(fields=["property", "name"], name="common_area_name_unique")]

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    property = models.ForeignKey(Property, models.PROTECT, related_name="households")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="households")
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. the owner's family name or company"))
    moved_in_on = models.DateField(_("moved in on"), null=True, blank=True)
    moved_out_on = models.DateField(_("moved out on"), null=True, blank=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [models.Index(fields=["unit", "moved_out_on"])]

    def __str__(self) -> str:
        return self.name


class Resident(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("owner")
        TENANT = "tenant", _("tenant")
        FAMILY = "family", _("family member")

    property = models.ForeignKey(Property, models.PROTECT, related_name="residents")
    household = models.ForeignKey(Household, models.PROTECT, related_name="residents")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="residencies"
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.OWNER)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        indexes = [models.Index(fields=["phone"])]

    def __str__(self) -> str:
        return self.name
