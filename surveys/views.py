"""The survey pages of the staff console (R8.3): the property's surveys with the form to
open one, and each survey's results, where the desk records answers taken by phone, face
to face or on paper and the manager opens a corrective action for a weak aspect."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from base.errors import DomainError, InvalidInput
from base.rates import rate
from estates.localtime import local_today
from estates.models import Property
from people.access import (
    may_decide,
    may_open_surveys,
    may_record_survey_answers,
    property_of,
    staff_at,
    staff_member,
)
from people.models import User
from surveys.defaults import default_aspects, default_title
from surveys.forms import date_or_none, scores_from
from surveys.models import Survey, SurveyAnswer
from surveys.selectors import household_at, households_to_ask, survey_answers, survey_results, surveys_of
from surveys.services import TAKEN_BY_STAFF, survey_action_open, survey_answer, survey_open

DAYS_OPEN = 30  # the default length of a survey opened by hand
RECORD = "record"  # the form that failed: the desk's answer form, or an aspect's action (its id)


def _list_page(request: HttpRequest, user: User, prop: Property, error: str = "", status: int = 200) -> HttpResponse:
    today = local_today(prop.time_zone)
    values: Any = (
        request.POST
        if error
        else {
            "title": default_title(f"{today:%Y-%m}"),
            "opens_on": today.isoformat(),
            "closes_on": (today + datetime.timedelta(days=DAYS_OPEN - 1)).isoformat(),
            "aspects": "\n".join(default_aspects()),
        }
    )
    rows = surveys_of(prop)
    for s in rows:
        s.state = s.state_label(today)  # type: ignore[attr-defined]
        s.rate = rate(s.answered, s.households)  # type: ignore[attr-defined]
    context = {
        "property": prop,
        "rows": rows,
        "can_open": may_open_surveys(user),
        "values": values,
        "error": error,
    }
    return render(request, "surveys/list.html", context, status=status)


@login_required
@require_GET
def surveys(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_member(request.user)
    return _list_page(request, user, property_of(user, code))


@login_required
@require_POST
def open_survey(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_member(request.user)
    prop = property_of(user, code)
    post = request.POST
    try:
        survey = survey_open(
            prop=prop,
            by=user,
            title=post.get("title", ""),
            opens_on=date_or_none(post.get("opens_on")),
            closes_on=date_or_none(post.get("closes_on")),
            aspects=post.get("aspects", "").splitlines(),
        )
    except DomainError as e:
        return _list_page(request, user, prop, error=e.message, status=e.status)
    return redirect("surveys:results", code=code, pk=survey.pk)


def _survey(user: User, code: str, pk: int) -> Survey:
    prop = property_of(user, code)
    survey = Survey.objects.filter(pk=pk, property=prop).select_related("property").first()
    if survey is None:
        raise Http404(_("There is no such survey."))
    return survey


def _results_page(
    request: HttpRequest,
    user: User,
    survey: Survey,
    error: tuple[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """``error``: which form failed ("record", or the aspect's id) and the message."""
    prop = survey.property
    today = local_today(prop.time_zone)
    can_record = may_record_survey_answers(user) and today >= survey.opens_on
    can_decide = may_decide(user)
    results = survey_results(survey)
    values: Any = request.POST if error else {}
    for a in results.aspects:
        a.error = error[1] if error and error[0] == str(a.question.pk) else ""  # type: ignore[attr-defined]
        a.values = values if a.error else {}  # type: ignore[attr-defined]
        a.action_title = _("%(survey)s: %(aspect)s averaged %(average)s") % {  # type: ignore[attr-defined]
            "survey": survey.title,
            "aspect": a.question.text,
            "average": a.average,
        }
    context = {
        "property": prop,
        "survey": survey,
        "state": survey.state_label(today),
        "results": results,
        "answers": survey_answers(survey),
        "can_record": can_record,
        "can_decide": can_decide,
        "to_ask": households_to_ask(survey) if can_record else [],
        "methods": [(m.value, m.label) for m in SurveyAnswer.Method if m in TAKEN_BY_STAFF],
        "staff": staff_at(prop.pk).order_by("role", "id") if can_decide else [],
        "answered_on": values.get("answered_on") or today.isoformat(),
        "record_questions": [(a.question, values.get(f"q{a.question.pk}", "")) for a in results.aspects],
        "scale": ["1", "2", "3", "4", "5"],
        "record_error": error[1] if error and error[0] == RECORD else "",
        "values": values,
    }
    return render(request, "surveys/results.html", context, status=status)


@login_required
@require_GET
def results(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    user = staff_member(request.user)
    return _results_page(request, user, _survey(user, code, pk))


@login_required
@require_POST
def record(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """An answer the desk took by phone, face to face or on paper, for the household at
    the unit typed."""
    user = staff_member(request.user)
    survey = _survey(user, code, pk)
    post = request.POST
    unit = post.get("unit", "")
    try:
        household = household_at(survey, unit)
        if household is None:
            raise InvalidInput(_("No household lives at “%(unit)s”.") % {"unit": unit[:20]}, field="unit")
        survey_answer(
            survey=survey,
            household=household,
            by=user,
            scores=scores_from(post, list(survey.questions.all())),
            comment=post.get("comment", ""),
            method=post.get("method", ""),
            answered_on=date_or_none(post.get("answered_on")),
        )
    except DomainError as e:
        return _results_page(request, user, survey, error=(RECORD, e.message), status=e.status)
    return redirect(reverse("surveys:results", args=[code, pk]) + "#answers")


@login_required
@require_POST
def open_action(request: HttpRequest, code: str, pk: int, question: int) -> HttpResponse:
    """A corrective and preventive action for one aspect, tracked on the actions pages."""
    user = staff_member(request.user)
    survey = _survey(user, code, pk)
    q = survey.questions.filter(pk=question).first()
    if q is None:
        raise Http404(_("There is no such aspect in this survey."))
    post = request.POST
    try:
        ca = survey_action_open(
            question=q,
            by=user,
            title=post.get("title", ""),
            owner=post.get("owner", ""),
            root_cause=post.get("root_cause", ""),
            action=post.get("action", ""),
            due_on=date_or_none(post.get("due_on")),
        )
    except DomainError as e:
        return _results_page(request, user, survey, error=(str(q.pk), e.message), status=e.status)
    return redirect("console:action", code=code, pk=ca.pk)
