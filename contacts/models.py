"""The contact log (来电来访记录, R1.6): every call or visit, whether or not it raised a
ticket, linked to the tickets it raised or concerned; and the quick-response
directory of emergency contacts (R1.7)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models import Channel


class Contact(models.Model):
    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="contacts")
    at = models.DateTimeField(_("time"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.PHONE)
    caller_name = models.CharField(_("caller"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    unit = models.ForeignKey("estates.Unit", models.PROTECT, null=True, blank=True, related_name="+")
    summary = models.TextField(_("what was said"))
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    staff_name = models.CharField(_("taken by"), max_length=50, help_text=_("Kept if the account goes."))
    key = models.CharField(max_length=100, blank=True, help_text="The form's one-time key: a resubmission logs once.")
    fingerprint = models.CharField(max_length=64, blank=True, help_text="Of what was submitted under the key.")
    tickets = models.ManyToManyField("tickets.Ticket", through="ContactTicket", related_name="contacts")

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contact log")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["property", "at"], name="contact_day")]
        constraints = [
            models.UniqueConstraint(fields=["staff", "key"], condition=~models.Q(key=""), name="contact_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.caller_name}"


class ContactTicket(models.Model):
    contact = models.ForeignKey(Contact, models.PROTECT)
    ticket = models.ForeignKey("tickets.Ticket", models.PROTECT)
    raised = models.BooleanField(_("raised it"), default=False, help_text=_("Else the contact concerned it."))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact", "ticket"], name="contact_ticket_unique")]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.ticket_id}"


class DirectoryEntry(models.Model):
    """One line of the quick-response directory (紧急联系电话, R1.7)."""

    class Group(models.TextChoices):
        PUBLIC = "public", _("public services")
        RESIDENT = "resident", _("residents' emergency contacts")
        SUPPLIER = "supplier", _("suppliers")
        SUBCONTRACTOR = "subcontractor", _("subcontractors")

    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="directory")
    group = models.CharField(_("group"), max_length=20, choices=Group.choices)
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("directory entry")
        verbose_name_plural = _("quick-response directory")
        ordering = ["group", "name"]

    def __str__(self) -> str:
        return f"{self.name} {self.phone}"
