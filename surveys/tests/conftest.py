"""Fixtures of the survey tests: 阳光嘉园's survey opened by the manager on T0 (Monday
23 November 2026) for a week, with three aspects, and helpers to answer it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from estates.models import Household, Property
from people.models import User
from surveys.models import Survey
from surveys.services import survey_open

OPENS = datetime.date(2026, 11, 23)
CLOSES = datetime.date(2026, 11, 29)
ASPECTS = ["维修服务", "环境卫生", "绿化养护"]


@pytest.fixture
def ygjy(clock) -> Property:
    return Property.objects.get(code="YGJY")


@pytest.fixture
def survey(ygjy, persona) -> Survey:
    return survey_open(
        prop=ygjy,
        by=persona("ygjy-manager"),
        title="2026年11月业户满意度调查",
        opens_on=OPENS,
        closes_on=CLOSES,
        aspects=ASPECTS,
    )


def household_of(username: str) -> Household:
    return Household.objects.get(residents__user__username=username)


def household_at(label: str) -> Household:
    return Household.objects.get(unit__label=label, moved_out_on__isnull=True)


def scores(survey: Survey, *values: int | None) -> dict[int, int | None]:
    """The aspects' ids in order, with the given scores."""
    return dict(zip(survey.questions.order_by("position").values_list("pk", flat=True), values, strict=True))


def form(survey: Survey, *values: Any, comment: str = "", **extra: str) -> dict[str, Any]:
    """The resident's (or the desk's) form: ``q<id>`` per aspect, blank where None."""
    fields = {f"q{pk}": "" if v is None else str(v) for pk, v in scores(survey, *values).items()}
    return fields | {"comment": comment} | extra


def user(username: str) -> User:
    return User.objects.get(username=username)
