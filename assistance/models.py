"""Help requests (求助, R5.1-R5.4) with their checklists and contingency plans, and the
answers to consultations and suggestions (R5.5)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HelpCategory(models.TextChoices):
    """R5.1. A repair, complaint or consultation asked for as help is raised as its own
    kind from the help request (the ``spawn`` action)."""

    MEDICAL = "medical", _("medical emergency")
    SECURITY = "security", _("public security")
    DISASTER = "disaster", _("disaster: fire, flooding, typhoon")
    OTHER = "other", _("other everyday help")


class HelpRequest(models.Model):
    ticket = models.OneToOneField("tickets.Ticket", models.PROTECT, related_name="help_request")
    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=20, choices=HelpCategory.choices)
    option = models.CharField(
        _("course chosen"), max_length=20, blank=True, help_text=_("Medical: hospital, call 120 or short-term care.")
    )

    class Meta:
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.category}"


class ContingencyPlan(models.Model):
    """A property's plan for a kind of help (security incidents, fire and flooding,
    medical emergencies, R5.4), linked from every help request of that kind."""

    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="contingency_plans")
    category = models.CharField(_("category"), max_length=20, choices=HelpCategory.choices)
    title = models.CharField(_("title"), max_length=100)
    file = models.FileField(_("file"), upload_to="plans/%Y/")
    content_type = models.CharField(max_length=80)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("contingency plan")
        verbose_name_plural = _("contingency plans")
        ordering = ["category", "-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Answer(models.Model):
    """The answer to a consultation or a suggestion; a written one is printable (R5.5)."""

    ticket = models.OneToOneField("tickets.Ticket", models.PROTECT, related_name="answer")
    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+")
    text = models.TextField(_("answer"))
    written = models.BooleanField(_("in writing"), default=False)
    answered_at = models.DateTimeField(_("answered at"))
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    answered_by_name = models.CharField(_("answered by"), max_length=50)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.ticket_id}"
