"""Staff and resident accounts, roles, trades and maintenance teams."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """One role per account (GLOSSARY). ``resident`` marks a resident's login."""

    AGENT = "agent", _("service agent")
    SERVICE_SUPERVISOR = "service_supervisor", _("service supervisor")
    ENGINEERING_SUPERVISOR = "engineering_supervisor", _("engineering supervisor")
    EQUIPMENT_SUPERVISOR = "equipment_supervisor", _("equipment supervisor")
    TECHNICIAN = "technician", _("technician")
    MANAGER = "manager", _("property manager")
    EXECUTIVE = "executive", _("company leadership")
    NIGHT_DUTY = "night_duty", _("night duty")
    FINANCE = "finance", _("finance")
    SECURITY = "security", _("security")
    ADMINISTRATOR = "administrator", _("company administrator")
    RESIDENT = "resident", _("resident")


class Department(models.TextChoices):
    """The property office's departments, e.g. the one a complaint is about (R4.2)."""

    SERVICE_DESK = "service_desk", _("service desk")
    ENGINEERING = "engineering", _("engineering")
    SECURITY = "security", _("security")
    CLEANING = "cleaning", _("cleaning")
    GREENING = "greening", _("landscaping")
    MANAGEMENT = "management", _("management office")
    FINANCE = "finance", _("finance")
    OTHER = "other", _("other")


class Trade(models.Model):
    """A technician's speciality (专长): plumbing, electrical, lifts ..."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("trade")
        verbose_name_plural = _("trades")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=50)
    trades = models.ManyToManyField(Trade, blank=True, related_name="teams", verbose_name=_("trades"))

    class Meta:
        verbose_name = _("maintenance team")
        verbose_name_plural = _("maintenance teams")
        constraints = [models.UniqueConstraint(fields=["property", "name"], name="team_name_unique")]

    def __str__(self) -> str:
        return self.name


# Sent with the ids of the accounts a queryset update changed (no post_save is sent for
# those): what each process remembers of them is forgotten (people.apps).
accounts_updated = Signal()


class AccountQuerySet(models.QuerySet):
    def update(self, **kwargs: object) -> int:
        """The update, announced with the ids it matched (read first: the update may
        change what the filter matches)."""
        ids = list(self.values_list("pk", flat=True))
        done = super().update(**kwargs)
        if ids:
            accounts_updated.send(sender=User, ids=ids)
        return done


class AccountManager(UserManager.from_queryset(AccountQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """An account. Staff are scoped to ``properties``; leadership to the whole company."""

    objects: ClassVar[AccountManager] = AccountManager()

    company = models.ForeignKey("estates.Company", models.PROTECT, null=True, blank=True, related_name="users")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, default=Role.AGENT)
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    properties = models.ManyToManyField(
        "estates.Property", blank=True, related_name="staff", verbose_name=_("properties")
    )
    team = models.ForeignKey(Team, models.SET_NULL, null=True, blank=True, related_name="members")
    trades = models.ManyToManyField(Trade, blank=True, related_name="technicians", verbose_name=_("trades"))
    on_duty = models.BooleanField(_("on duty"), default=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the pages and of every notice to this person."),
    )

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def name_kept(self) -> str:
        """The name written into the records that outlive the account (who took a call,
        dispatched, collected, decided ...): at most the 50 characters those columns hold."""
        return str(self)[:50]


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the key is shown once.
    Deleting the account deletes its tokens (credentials, not history)."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=50)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("prefix"), max_length=8, help_text=_("The first characters, to tell tokens apart."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_on = models.DateField(_("last used on"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
