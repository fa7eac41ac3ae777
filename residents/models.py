"""Residents' own access: the one-time codes they sign in with, and their requests to
join a household that the desk confirms (业主认证). See docs/residents.md."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from estates.models import Resident


class SignInCode(models.Model):
    """A one-time code asked for a mobile number. Every request writes a row, whether
    or not the number belongs to anyone (the rate limits count them; the answer is the
    same); only a number that may sign in gets a code sent. Only a keyed digest of the
    code is stored."""

    class Purpose(models.TextChoices):
        SIGN_IN = "sign_in", _("sign in")
        JOIN = "join", _("join a household")

    phone = models.CharField(_("phone"), max_length=20)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.SIGN_IN)
    digest = models.CharField(max_length=64)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        indexes = [
            models.Index(fields=["phone", "-created_at"], name="code_phone"),
            models.Index(fields=["address", "-created_at"], name="code_address"),
        ]

    def __str__(self) -> str:
        return f"{self.phone} {self.created_at:%Y-%m-%d %H:%M}"


class JoinRequest(models.Model):
    """A person asks to be registered as a resident of a unit; the desk checks who they
    are (业主认证) and confirms, which makes them a resident of the household living
    there, or refuses with a reason. Until then they see nothing of the household."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the desk")
        CONFIRMED = "confirmed", _("confirmed")
        REFUSED = "refused", _("refused")

    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+")
    unit = models.ForeignKey("estates.Unit", models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="join_requests")
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20)
    role = models.CharField(_("role"), max_length=10, choices=Resident.Role.choices, default=Resident.Role.OWNER)
    note = models.CharField(
        _("note"), max_length=200, blank=True, help_text=_("What the person adds, e.g. 'I am the owner's daughter'.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("asked at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    decided_by_name = models.CharField(_("decided by"), max_length=50, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    resident = models.ForeignKey(Resident, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("request to join a household")
        verbose_name_plural = _("requests to join a household")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["property", "status", "-created_at"], name="join_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit"], condition=Q(status="pending"), name="join_one_pending_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.unit}"
