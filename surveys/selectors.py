"""What the survey pages and the monthly report read (R8.3): who may answer, the
results of one survey, the open surveys of a resident, and the summary per survey."""

from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from base.rates import rate
from base.reads import select
from estates.localtime import day_bounds, local_today
from estates.models import Household, Property
from estates.selectors import units_said
from people.access import HOUSEHOLD_IDS_SQL, household_ids
from surveys.defaults import UNSATISFIED_AT_MOST, WEAK_BELOW
from surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyScore

if TYPE_CHECKING:
    from people.models import User

SCORES = range(1, 6)


def _living_there(opens_on: object, closes_on: object) -> Q:
    """Households at the property at some time during the survey: not moved out before
    it opened, not moved in after it closed."""
    return (Q(moved_out_on__isnull=True) | Q(moved_out_on__gte=opens_on)) & (
        Q(moved_in_on__isnull=True) | Q(moved_in_on__lte=closes_on)
    )


def eligible_households(survey: Survey) -> QuerySet[Household]:
    """The households asked: the denominator of the response rate and who may answer."""
    return Household.objects.filter(_living_there(survey.opens_on, survey.closes_on), property_id=survey.property_id)


def with_counts(surveys: QuerySet[Survey]) -> QuerySet[Survey]:
    """Each survey with ``households`` (asked) and ``answered`` (answers), in one query."""
    households = (
        Household.objects.filter(_living_there(OuterRef("opens_on"), OuterRef("closes_on")))
        .filter(property_id=OuterRef("property_id"))
        .order_by()
        .values("property_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    answers = (
        SurveyAnswer.objects.filter(survey_id=OuterRef("pk"))
        .order_by()
        .values("survey_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    zero = Value(0, output_field=IntegerField())
    return surveys.annotate(
        households=Coalesce(Subquery(households, output_field=IntegerField()), zero),
        answered=Coalesce(Subquery(answers, output_field=IntegerField()), zero),
    )


def _average(total: int, n: int) -> float | None:
    return round(total / n, 2) if n else None


def surveys_of(prop: Property) -> list[Survey]:
    """The property's surveys, the latest first, with their counts."""
    return list(with_counts(Survey.objects.filter(property=prop))[:200])


# --- One survey's results -------------------------------------------------------------


@dataclass
class AspectResult:
    question: SurveyQuestion
    distribution: list[int]  # how many gave 1, 2, 3, 4, 5
    answers: int = 0
    average: float | None = None
    unsatisfied: int = 0  # scores of 1 or 2
    weak: bool = False


@dataclass
class SurveyResults:
    survey: Survey
    households: int
    answers: int
    response_rate: float | None
    average: float | None  # of every score given, all aspects together
    aspects: list[AspectResult]
    comments: list[SurveyAnswer] = field(default_factory=list)


def survey_results(survey: Survey) -> SurveyResults:
    """Households asked, answers, response rate, and per aspect the average, the
    distribution 1-5 and the unsatisfied; then the comments. One query for all scores."""
    questions = list(survey.questions.select_related("action").order_by("position"))
    counts = (
        SurveyScore.objects.filter(question__survey=survey)
        .order_by()
        .values_list("question_id", "score")
        .annotate(n=Count("id"))
    )
    dist: dict[int, list[int]] = defaultdict(lambda: [0] * 5)
    for question_id, score, n in counts:
        dist[question_id][score - 1] = n
    aspects, total, given = [], 0, 0
    for q in questions:
        row = AspectResult(q, dist[q.pk])
        row.answers = sum(row.distribution)
        points = sum(s * n for s, n in zip(SCORES, row.distribution, strict=True))
        row.average = _average(points, row.answers)
        row.unsatisfied = sum(row.distribution[:UNSATISFIED_AT_MOST])
        row.weak = row.average is not None and row.average < WEAK_BELOW
        total, given = total + points, given + row.answers
        aspects.append(row)
    households = eligible_households(survey).count()
    answers = survey.answers.count()
    comments = list(survey.answers.exclude(comment="").select_related("household__unit").order_by("answered_on", "id"))
    return SurveyResults(
        survey=survey,
        households=households,
        answers=answers,
        response_rate=rate(answers, households),
        average=_average(total, given),
        aspects=aspects,
        comments=comments,
    )


def survey_answers(survey: Survey, limit: int = 500) -> list[SurveyAnswer]:
    return list(survey.answers.select_related("household__unit").order_by("-recorded_at", "-id")[:limit])


def households_to_ask(survey: Survey) -> list[Household]:
    """Households that have not answered yet, for the desk's form (by unit)."""
    answered = SurveyAnswer.objects.filter(survey=survey).values("household_id")
    return list(
        eligible_households(survey).exclude(pk__in=answered).select_related("unit").order_by("unit__label", "id")
    )


def household_at(survey: Survey, unit_label: str) -> Household | None:
    """The household living at the unit during the survey (the latest to move in, if
    the unit changed hands)."""
    return (
        eligible_households(survey)
        .filter(unit__in=units_said([survey.property_id], unit_label))
        .order_by("-moved_in_on", "-id")
        .select_related("unit")
        .first()
    )


# --- The resident's pages ---------------------------------------------------------------


def resident_households(user: User) -> QuerySet[Household]:
    return Household.objects.filter(pk__in=household_ids(user)).select_related("unit", "property")


def resident_survey(user: User, pk: int) -> Survey | None:
    """A survey of a property where the resident's household lives, else None."""
    properties = resident_households(user).values("property_id")
    return Survey.objects.filter(pk=pk, property_id__in=properties).select_related("property").first()


def households_for(user: User, survey: Survey) -> list[Household]:
    """The resident's households asked in this survey (usually one)."""
    return list(resident_households(user).filter(pk__in=eligible_households(survey).values("pk")).order_by("id"))


@dataclass
class OpenSurvey:
    survey: Survey
    pending: list[Household]  # the resident's households that have not answered


# _living_there, said in SQL for the household ``h`` and the survey ``s``.
_LIVING_THERE = "(h.moved_out_on IS NULL OR h.moved_out_on >= s.opens_on) AND (h.moved_in_on IS NULL OR h.moved_in_on <= s.closes_on)"


def open_surveys_for(user: User, now: datetime.datetime) -> list[OpenSurvey]:
    """The surveys open today at the properties of the resident's households, each with
    the households still to answer. Two hand-written statements (the second only when a
    survey is open): through the ORM, building the four statements this took cost
    several times running them (docs/performance.md)."""
    around = now.date()
    candidates = select(
        Survey,
        f"s.property_id IN (SELECT h.property_id FROM estates_household h WHERE h.id IN ({HOUSEHOLD_IDS_SQL}))"  # noqa: S608
        " AND s.opens_on <= %s AND s.closes_on >= %s",
        [user.pk, around + datetime.timedelta(days=1), around - datetime.timedelta(days=1)],
        alias="s",
        extra=(("time_zone", "(SELECT p.time_zone FROM estates_property p WHERE p.id = s.property_id)"),),
    )
    surveys = [s for s in candidates if s.is_open(local_today(s.time_zone, now))]  # type: ignore[attr-defined]
    if not surveys:
        return []
    pending: dict[int, list[Household]] = defaultdict(list)
    for h in Household.objects.raw(
        "SELECT h.*, s.id AS survey_id FROM surveys_survey s"  # noqa: S608 - values are parameters
        " JOIN estates_household h ON h.property_id = s.property_id"
        f" WHERE s.id IN ({', '.join(['%s'] * len(surveys))}) AND h.id IN ({HOUSEHOLD_IDS_SQL}) AND {_LIVING_THERE}"
        " AND NOT EXISTS (SELECT 1 FROM surveys_surveyanswer a WHERE a.survey_id = s.id AND a.household_id = h.id)"
        " ORDER BY h.id",
        [*(s.pk for s in surveys), user.pk],
    ):
        pending[h.survey_id].append(h)  # type: ignore[attr-defined]
    return [OpenSurvey(s, pending[s.pk]) for s in surveys]


# --- The summary for the monthly report -----------------------------------------------------


@dataclass
class SurveySummaryRow:
    survey_id: int
    property: str
    title: str
    closes_on: datetime.date
    households: int
    answers: int
    response_rate: float | None  # percent
    average: float | None  # of every score given, 1-5
    weakest: str  # the aspect with the lowest average ("" without answers)
    weakest_average: float | None


def first_day_from(moment: datetime.datetime, time_zone: str) -> datetime.date:
    """The first local day that starts at or after ``moment``."""
    day = moment.astimezone(zoneinfo.ZoneInfo(time_zone)).date()
    return day if day_bounds(day, time_zone)[0] >= moment else day + datetime.timedelta(days=1)


def survey_summary(property_ids: list[int], start: datetime.datetime, end: datetime.datetime) -> list[SurveySummaryRow]:
    """One row per survey of these properties whose closing date (the property's local
    day) falls in [start, end): households asked, answers, response rate, the average of
    every score, and the weakest aspect with its average. Three queries, whatever the data."""
    zones: dict[str, list[int]] = defaultdict(list)
    for pk, time_zone in Property.objects.filter(pk__in=property_ids).values_list("pk", "time_zone"):
        zones[time_zone].append(pk)
    if not zones:
        return []
    closing = Q()
    for time_zone, ids in zones.items():
        closing |= Q(
            property_id__in=ids,
            closes_on__gte=first_day_from(start, time_zone),
            closes_on__lt=first_day_from(end, time_zone),
        )
    surveys = list(
        with_counts(Survey.objects.filter(closing))
        .select_related("property")
        .order_by("closes_on", "property_id", "id")
    )
    per_aspect = (
        SurveyScore.objects.filter(question__survey__in=[s.pk for s in surveys])
        .order_by()
        .values_list("question__survey_id", "question__position", "question__text")
        .annotate(points=Sum("score"), n=Count("id"))
    )
    aspects: dict[int, list[tuple[int, str, int, int]]] = defaultdict(list)
    for survey_id, position, text, points, n in per_aspect:
        aspects[survey_id].append((position, text, points, n))
    rows = []
    for s in surveys:
        mine = sorted(aspects[s.pk])
        weakest = min(mine, key=lambda a: (a[2] / a[3], a[0]), default=None)
        rows.append(
            SurveySummaryRow(
                survey_id=s.pk,
                property=s.property.name,
                title=s.title,
                closes_on=s.closes_on,
                households=s.households,  # type: ignore[attr-defined]
                answers=s.answered,  # type: ignore[attr-defined]
                response_rate=rate(s.answered, s.households),  # type: ignore[attr-defined]
                average=_average(sum(a[2] for a in mine), sum(a[3] for a in mine)),
                weakest=weakest[1] if weakest else "",
                weakest_average=_average(weakest[2], weakest[3]) if weakest else None,
            )
        )
    return rows
