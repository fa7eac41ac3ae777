"""The periodic survey (R8.3 "periodic"): each property's plan opens a survey when a
period starts. Periods run from the start of the calendar year: every 3 months from
January, April, July and October; every 6 from January and July; every 12 from
January. The survey of a period is open for the plan's days from the period's first
day.

``surveys_open_due`` runs hourly (huey). Running it again opens nothing more: a survey
is opened only if the property has none over the period's days, and the unique
constraint on (property, period) stops a second worker racing the first.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.db import IntegrityError, transaction

from surveys.defaults import default_aspects, default_title
from surveys.models import Survey, SurveyPlan
from surveys.services import survey_open


def period_start(day: datetime.date, every_months: int) -> datetime.date:
    """The first day of the period ``day`` falls in."""
    return datetime.date(day.year, (day.month - 1) // every_months * every_months + 1, 1)


def period_label(start: datetime.date, every_months: int) -> str:
    """2026Q4, 2026H2 or 2026."""
    if every_months == 12:
        return f"{start.year}"
    if every_months == 6:
        return f"{start.year}H{(start.month - 1) // 6 + 1}"
    return f"{start.year}Q{(start.month - 1) // 3 + 1}"


def survey_open_planned(*, plan: SurveyPlan, today: datetime.date) -> Survey | None:
    """Open the survey of the period ``today`` falls in, from today to the end of the
    period's days open; nothing when those days are over, when the period has its
    survey, or when another survey of the property runs over those days."""
    start = period_start(today, plan.every_months)
    last = start + datetime.timedelta(days=plan.days_open - 1)
    if today > last:
        return None
    overlapping = Survey.objects.filter(property_id=plan.property_id, opens_on__lte=last, closes_on__gte=start)
    if overlapping.exists():  # this period's survey, or one opened by hand
        return None
    try:
        with transaction.atomic():
            return survey_open(
                prop=plan.property,
                by=None,
                title=default_title(period_label(start, plan.every_months)),
                opens_on=today,
                closes_on=last,
                aspects=default_aspects(),
                period_start=start,
            )
    except IntegrityError:  # another worker opened it a moment ago
        return None


def surveys_open_due(*, now: datetime.datetime) -> int:
    """Open the surveys whose period has started, for every active plan; returns how
    many were opened."""
    opened = 0
    for plan in SurveyPlan.objects.filter(active=True).select_related("property"):
        today = now.astimezone(zoneinfo.ZoneInfo(plan.property.time_zone)).date()
        opened += survey_open_planned(plan=plan, today=today) is not None
    return opened
