"""Tickets: every matter the service desk handles, its timeline and its number."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from people.access import visible_tickets
from tickets.choices import Channel, Impact, Route, Urgency
from tickets.kinds import kind_for, kind_label

if TYPE_CHECKING:
    from people.models import User


class TicketQuerySet(models.QuerySet["Ticket"]):
    def visible_to(self, user: User) -> TicketQuerySet:
        """The one scoping rule for every face (API, admin, pages); see people.access."""
        return visible_tickets(self, user)

    def open(self) -> TicketQuerySet:
        return self.filter(closed_at__isnull=True)


class Ticket(models.Model):
    # A foreign key that leads one of the composite indexes below has no index of its
    # own (db_index=False): the composite serves its look-ups and the checks of a
    # delete, and every index costs each insert and update of a ticket.
    number = models.CharField(_("ticket number"), max_length=32, unique=True)
    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="tickets", db_index=False)
    kind = models.CharField(_("kind"), max_length=20, help_text=_("One of the registered kinds (tickets.kinds)."))
    status = models.CharField(_("status"), max_length=30)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.PHONE)
    category = models.ForeignKey("catalog.Category", models.PROTECT, null=True, blank=True, related_name="+")
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    impact = models.CharField(_("impact"), max_length=10, choices=Impact.choices, default=Impact.HOUSEHOLD)

    building = models.ForeignKey(
        "estates.Building", models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    unit = models.ForeignKey(
        "estates.Unit", models.PROTECT, null=True, blank=True, related_name="tickets", db_index=False
    )
    common_area = models.ForeignKey("estates.CommonArea", models.PROTECT, null=True, blank=True, related_name="tickets")
    household = models.ForeignKey(
        "estates.Household", models.PROTECT, null=True, blank=True, related_name="tickets", db_index=False
    )
    resident = models.ForeignKey("estates.Resident", models.SET_NULL, null=True, blank=True, related_name="+")
    reporter_name = models.CharField(_("reporter"), max_length=50)
    reporter_phone = models.CharField(_("contact phone"), max_length=20)
    description = models.TextField(_("description"))

    reported_at = models.DateTimeField(_("reported at"), help_text=_("When the customer called or came."))
    created_at = models.DateTimeField(_("recorded at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        db_index=False,
    )
    team = models.ForeignKey(
        "people.Team", models.SET_NULL, null=True, blank=True, related_name="tickets", db_index=False
    )
    route = models.CharField(_("route"), max_length=2, choices=Route.choices, default=Route.OWN, blank=True)
    origin = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="spawned",
        verbose_name=_("raised from"),
        help_text=_("The ticket this one was raised from, e.g. a repair from a help request."),
    )

    next_due_at = models.DateTimeField(
        _("next due"), null=True, blank=True, help_text=_("The earliest open service-promise deadline.")
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    archived_at = models.DateTimeField(
        _("archived at"), null=True, blank=True, help_text=_("Closed over two years ago: kept, read-only.")
    )
    updated_at = models.DateTimeField(_("updated at"))
    version = models.PositiveIntegerField(default=1, help_text="Bumped by every status write; see workflow.")

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            # The work queues: open tickets of one property and kind by the next due promise.
            models.Index(
                fields=["property", "kind", "next_due_at", "id"],
                condition=Q(closed_at__isnull=True),
                include=["status"],  # the queues' counts read the index alone
                name="ticket_open_queue",
            ),
            models.Index(fields=["property", "-reported_at", "-id"], name="ticket_property_recent"),
            # The monthly pack: tickets of a property closed in a month.
            models.Index(
                fields=["property", "closed_at"], condition=Q(closed_at__isnull=False), name="ticket_property_closed"
            ),
            models.Index(fields=["-reported_at", "-id"], name="ticket_recent"),
            models.Index(fields=["assignee", "closed_at"], name="ticket_assignee"),
            # A technician's open jobs and their team's, each in the order of their list
            # (tickets.selectors.jobs_open), read from the index alone on PostgreSQL.
            models.Index(
                fields=["assignee", "urgency", "appointment_at", "next_due_at", "id"],
                condition=Q(closed_at__isnull=True),
                include=["property", "team"],
                name="ticket_open_jobs_own",
            ),
            models.Index(
                fields=["team", "urgency", "appointment_at", "next_due_at", "id"],
                condition=Q(closed_at__isnull=True),
                include=["property", "assignee"],
                name="ticket_open_jobs_team",
            ),
            models.Index(fields=["team", "closed_at"], name="ticket_team"),
            models.Index(fields=["unit", "-reported_at"], name="ticket_unit"),
            models.Index(fields=["household", "-reported_at"], name="ticket_household"),
            models.Index(fields=["building", "-reported_at"], name="ticket_building"),
            # The monthly pack joins the month's jobs to their tickets for the technician
            # and the urgency: from this index alone, on PostgreSQL.
            models.Index(fields=["id"], include=["assignee", "urgency"], name="ticket_jobs"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~(Q(unit__isnull=False) & Q(common_area__isnull=False)),
                name="ticket_one_location",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @builtins.property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @builtins.property
    def status_label(self) -> str:
        return kind_for(self.kind).workflow.state_label(self.status)

    @builtins.property
    def location_label(self) -> str:
        if self.unit:
            return self.unit.label
        if self.common_area:
            return self.common_area.name
        return ""


class TicketEvent(models.Model):
    """One step in a ticket's life: the timeline, the audit trail and the follow-up
    record (R8.4) in one. Appended only, never edited."""

    ticket = models.ForeignKey(Ticket, models.PROTECT, related_name="events", db_index=False)  # event_timeline
    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    actor_name = models.CharField(_("by"), max_length=50, blank=True, help_text=_("Kept if the account goes."))
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=30, blank=True)
    to_status = models.CharField(_("to"), max_length=30, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [models.Index(fields=["ticket", "at", "id"], name="event_timeline")]
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.action}"


class Attachment(models.Model):
    """A photo or a signature taken with a ticket's step, stored through Django's
    storage API (local files by default, object storage if a deployment configures it)."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("photo")
        SIGNATURE = "signature", _("signature")

    ticket = models.ForeignKey(Ticket, models.PROTECT, related_name="attachments")
    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+")
    event = models.ForeignKey(TicketEvent, models.PROTECT, null=True, blank=True, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="tickets/%Y/%m/")
    content_type = models.CharField(max_length=30)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"


class NumberCounter(models.Model):
    """The last sequence number given for one prefix and day, e.g. ``BX20261123``."""

    key = models.CharField(max_length=20, primary_key=True)
    value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.value}"


class IdempotencyKey(models.Model):
    """Remembers which ticket a client's ``Idempotency-Key`` created, so a retried
    create returns the first result. Tied to the account that sent it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", db_index=False)  # the unique
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    ticket = models.ForeignKey(Ticket, models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique")]

    def __str__(self) -> str:
        return self.key


__all__ = [
    "Attachment",
    "Channel",
    "IdempotencyKey",
    "Impact",
    "NumberCounter",
    "Route",
    "Ticket",
    "TicketEvent",
    "Urgency",
]
