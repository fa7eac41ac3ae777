"""A complaint's own record (R4.2): what happened, to whom, what the customer asks,
how serious it is, and the handling form's way through the department."""

from __future__ import annotations

import builtins

from django.db import models
from django.utils.translation import gettext_lazy as _

from people.models import Department, Role


class Severity(models.TextChoices):
    MINOR = "minor", _("minor")
    IMPORTANT = "important", _("important")
    MAJOR = "major", _("major")


# R4.1: what each severity means, shown beside each choice at the moment of choosing,
# followed by its time limits as the property's promise policy has them
# (complaints.services.severity_definitions).
MEANINGS = {
    Severity.MINOR: _("Inconvenience from the limits of the service, not anyone's fault, easily put right."),
    Severity.IMPORTANT: _("Caused by a fault of our management or service."),
    Severity.MAJOR: _(
        "A promised or contracted service not delivered or clearly wrong after repeated requests; "
        "a fault of ours causing major economic loss or injury; or a valid complaint unresolved for a month."
    ),
}

# R4.3: who takes each severity up, and R4.5: who approves a longer deadline.
OWNER = {Severity.MINOR: Role.SERVICE_SUPERVISOR, Severity.IMPORTANT: Role.MANAGER, Severity.MAJOR: Role.EXECUTIVE}
APPROVER = {Severity.MINOR: Role.MANAGER, Severity.IMPORTANT: Role.EXECUTIVE, Severity.MAJOR: Role.EXECUTIVE}


class Complaint(models.Model):
    ticket = models.OneToOneField("tickets.Ticket", models.PROTECT, related_name="complaint")
    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+")
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.MINOR)
    department = models.CharField(_("department complained about"), max_length=20, choices=Department.choices)
    person = models.CharField(_("person complained about"), max_length=50, blank=True)
    event_at = models.DateTimeField(_("when it happened"), null=True, blank=True)
    event_place = models.CharField(_("where it happened"), max_length=100, blank=True)
    demand = models.TextField(_("what the customer asks for"), blank=True)
    damage_ongoing = models.BooleanField(
        _("damage ongoing"), default=False, help_text=_("Stop the damage first, then handle the complaint.")
    )
    damage_stopped_at = models.DateTimeField(_("damage stopped at"), null=True, blank=True)
    receiver = models.CharField(_("received by"), max_length=50, blank=True)
    acknowledged_at = models.DateTimeField(_("received at"), null=True, blank=True)
    handling = models.TextField(_("handling"), blank=True)
    returned_at = models.DateTimeField(_("form returned at"), null=True, blank=True)
    answer = models.TextField(_("answer to the customer"), blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [models.Index(fields=["property", "department"], name="complaint_department")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.severity}"

    @builtins.property
    def must_stop_damage(self) -> bool:
        return self.damage_ongoing and self.damage_stopped_at is None
