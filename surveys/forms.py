"""Reading the survey forms' fields from a POST (the services validate the values)."""

from __future__ import annotations

import datetime

from django.http import QueryDict

from surveys.models import SurveyQuestion


def date_or_none(value: str | None) -> datetime.date | None:
    """A date typed in a form, or None when there is none, it cannot be read, or it lies
    outside the years a survey can (2000-2100)."""
    try:
        day = datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return day if day and 2000 <= day.year <= 2100 else None


def scores_from(post: QueryDict, questions: list[SurveyQuestion]) -> dict[int, int | None]:
    """The score chosen for each aspect (field ``q<id>``), None where none or not a number."""
    values = {q.pk: post.get(f"q{q.pk}", "").strip() for q in questions}
    return {pk: int(v) if v.isdigit() else None for pk, v in values.items()}
