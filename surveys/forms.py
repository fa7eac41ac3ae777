"""Reading the survey forms' fields from a POST (the services validate the values)."""

from __future__ import annotations

import datetime

from django.http import QueryDict

from surveys.models import SurveyQuestion


def date_or_none(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def scores_from(post: QueryDict, questions: list[SurveyQuestion]) -> dict[int, int | None]:
    """The score chosen for each aspect (field ``q<id>``), None where none or not a number."""
    values = {q.pk: post.get(f"q{q.pk}", "").strip() for q in questions}
    return {pk: int(v) if v.isdigit() else None for pk, v in values.items()}
