"""The survey on the resident's pages (R8.3): a phone-sized form with big buttons 1-5 per
aspect and a comment; one answer per household."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from base.errors import DomainError
from estates.localtime import local_today
from estates.models import Household
from people.access import is_resident
from people.models import User
from surveys.forms import scores_from
from surveys.models import Survey, SurveyAnswer
from surveys.selectors import households_for, resident_survey
from surveys.services import survey_answer


def _resident(request: HttpRequest) -> User:
    if not is_resident(request.user):
        raise PermissionDenied(_("These pages are for residents."))
    return request.user


def _page(
    request: HttpRequest,
    survey: Survey,
    households: list[Household],
    error: str = "",
    field: str = "",
    status: int = 200,
) -> HttpResponse:
    answers = {
        a.household_id: a
        for a in SurveyAnswer.objects.filter(survey=survey, household__in=households).prefetch_related(
            "scores__question"
        )
    }
    pending = [h for h in households if h.pk not in answers]
    values = request.POST if error else {}
    questions = list(survey.questions.order_by("position"))
    for q in questions:
        q.chosen = values.get(f"q{q.pk}", "")  # type: ignore[attr-defined]
        q.invalid = field == f"q{q.pk}"  # type: ignore[attr-defined]
    today = local_today(survey.property.time_zone)
    context = {
        "survey": survey,
        "questions": questions,
        "is_open": survey.is_open(today),
        "today": today,
        "pending": pending,
        "answered": [answers[h.pk] for h in households if h.pk in answers],
        "error": error,
        "field": field,
        "values": values,
        "scale": ["1", "2", "3", "4", "5"],
    }
    return render(request, "surveys/answer.html", context, status=status)


@login_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the form (or the answer already given); POST: answer it."""
    user = _resident(request)
    survey = resident_survey(user, pk)
    households = households_for(user, survey) if survey is not None else []
    if survey is None or not households:
        raise Http404(_("There is no such survey for your household."))
    if request.method != "POST":
        return _page(request, survey, households)
    chosen = request.POST.get("household", "")
    only = households[0] if len(households) == 1 and not chosen else None
    household = next((h for h in households if str(h.pk) == chosen), only)
    if household is None:
        return _page(request, survey, households, error=_("Choose your household."), field="household", status=422)
    try:
        survey_answer(
            survey=survey,
            household=household,
            by=user,
            scores=scores_from(request.POST, list(survey.questions.all())),
            comment=request.POST.get("comment", ""),
            method=SurveyAnswer.Method.ONLINE,
        )
    except DomainError as e:
        return _page(request, survey, households, error=e.message, field=e.field or "", status=e.status)
    return redirect("surveys:answer", pk=pk)
