"""Periodic satisfaction surveys of residents (满意度调查, R8.3): a survey of one property
with its aspects rated 1-5, one answer per household, and the plan that opens one each
period."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

DAYS_OPEN_MAX = 90  # the shortest period (a quarter) has at least 90 days


class Period(models.IntegerChoices):
    QUARTER = 3, _("every 3 months")
    HALF_YEAR = 6, _("every 6 months")
    YEAR = 12, _("every 12 months")


class SurveyPlan(models.Model):
    """How often a property surveys its residents. Periods run from the start of the
    calendar year (every 3 months: January, April, July, October); the survey of a
    period is open for ``days_open`` days from its first day."""

    property = models.OneToOneField(
        "estates.Property", models.PROTECT, related_name="survey_plan", verbose_name=_("property")
    )
    every_months = models.PositiveSmallIntegerField(_("every"), choices=Period.choices, default=Period.HALF_YEAR)
    days_open = models.PositiveSmallIntegerField(
        _("days open"), default=30, validators=[MinValueValidator(1), MaxValueValidator(DAYS_OPEN_MAX)]
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("survey plan")
        verbose_name_plural = _("survey plans")
        constraints = [
            models.CheckConstraint(condition=Q(every_months__in=[3, 6, 12]), name="survey_plan_period"),
            models.CheckConstraint(
                condition=Q(days_open__gte=1, days_open__lte=DAYS_OPEN_MAX), name="survey_plan_days_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.property} {self.get_every_months_display()}"


class Survey(models.Model):
    """One survey of a property's residents, open from ``opens_on`` to ``closes_on``
    (both included, the property's local days)."""

    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="surveys")
    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    period_start = models.DateField(
        _("period"),
        null=True,
        blank=True,
        help_text=_("The first day of the plan's period it was opened for; empty when opened by hand."),
    )
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    opened_by_name = models.CharField(_("opened by"), max_length=50)
    # When the residents with an account were sent its link (on its first day).
    announced_at = models.DateTimeField(_("residents told"), null=True, blank=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-opens_on", "-id"]
        indexes = [models.Index(fields=["property", "closes_on"], name="survey_closes")]
        constraints = [
            # The periodic task opens one survey per period, however often it runs.
            models.UniqueConstraint(
                fields=["property", "period_start"],
                condition=Q(period_start__isnull=False),
                name="survey_once_per_period",
            ),
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="survey_dates_in_order"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, today: datetime.date) -> bool:
        return self.opens_on <= today <= self.closes_on

    def state_label(self, today: datetime.date) -> str:
        if today < self.opens_on:
            return str(_("not open yet"))
        return str(_("open for answers") if today <= self.closes_on else _("closed"))


class SurveyQuestion(models.Model):
    """One aspect rated 1-5. Its text is kept on the row, so editing the defaults never
    changes a survey already opened."""

    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+")
    survey = models.ForeignKey(Survey, models.PROTECT, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("aspect"), max_length=100)
    action = models.ForeignKey(
        "followups.CorrectiveAction",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("corrective action"),
        help_text=_("Opened from the survey's results for this aspect."),
    )

    class Meta:
        verbose_name = _("survey aspect")
        verbose_name_plural = _("survey aspects")
        ordering = ["survey_id", "position"]
        constraints = [models.UniqueConstraint(fields=["survey", "position"], name="survey_question_position")]

    def __str__(self) -> str:
        return self.text


class SurveyAnswer(models.Model):
    """A household's answer to a survey: given on the resident pages, or taken by the
    desk by phone, face to face or on paper."""

    class Method(models.TextChoices):
        ONLINE = "online", _("online")
        PHONE = "phone", _("phone")
        FACE_TO_FACE = "face_to_face", _("face to face")
        PAPER = "paper", _("on paper")

    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+")
    survey = models.ForeignKey(Survey, models.PROTECT, related_name="answers")
    household = models.ForeignKey("estates.Household", models.PROTECT, related_name="+", verbose_name=_("household"))
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    comment = models.TextField(_("comment"), blank=True)
    answered_on = models.DateField(_("answered on"))
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    recorded_by_name = models.CharField(_("recorded by"), max_length=50)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["survey_id", "answered_on", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "household"], name="survey_answer_once_per_household")]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.household_id}"


class SurveyScore(models.Model):
    property = models.ForeignKey("estates.Property", models.PROTECT, related_name="+")
    answer = models.ForeignKey(SurveyAnswer, models.PROTECT, related_name="scores")
    question = models.ForeignKey(SurveyQuestion, models.PROTECT, related_name="scores", verbose_name=_("aspect"))
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["answer", "question"], name="survey_score_once"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="survey_score_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.score}"
