"""The periodic survey (R8.3 "periodic"): a property's plan opens one survey when a
period starts, however often the hourly task runs; a survey opened by hand over the
period stands in for it; the aspects are copied, so editing the defaults later leaves
old surveys as they were."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from conftest import SHANGHAI
from surveys import defaults
from surveys.models import Survey, SurveyPlan
from surveys.plans import period_label, period_start, surveys_open_due
from surveys.services import survey_open
from surveys.tasks import open_planned_surveys
from surveys.tests.conftest import user


def at(year: int, month: int, day: int, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def plan(ygjy) -> SurveyPlan:
    return SurveyPlan.objects.create(property=ygjy, every_months=3, days_open=30)


def test_periods_run_from_the_start_of_the_year():
    """R8.3: every 3 months from January, April, July and October; every 6 from January and
    July; every 12 from January."""
    day = datetime.date(2026, 11, 23)
    assert [(period_start(day, n), period_label(period_start(day, n), n)) for n in (3, 6, 12)] == [
        (datetime.date(2026, 10, 1), "2026Q4"),
        (datetime.date(2026, 7, 1), "2026H2"),
        (datetime.date(2026, 1, 1), "2026"),
    ]


def test_the_hourly_task_opens_exactly_one_survey_per_period(plan, clock):
    """R8.3: shortly after midnight on 1 October (local) the task opens the quarter's survey
    for the plan's 30 days with the default aspects; running it again that day, or later in
    the quarter, opens nothing more; the next quarter gets its own."""
    clock.move_to(at(2026, 10, 1, 0, 47))
    assert open_planned_surveys.call_local() == 1
    assert open_planned_surveys.call_local() == 0
    clock.move_to(at(2026, 10, 1, 23, 47))
    assert surveys_open_due(now=at(2026, 10, 1, 23, 47)) == 0
    survey = Survey.objects.get()
    assert (survey.period_start, survey.opens_on, survey.closes_on) == (
        datetime.date(2026, 10, 1),
        datetime.date(2026, 10, 1),
        datetime.date(2026, 10, 30),
    )
    assert "2026Q4" in survey.title and survey.opened_by is None
    assert [q.text for q in survey.questions.order_by("position")] == defaults.default_aspects()
    assert len(defaults.default_aspects()) == 7

    clock.move_to(at(2026, 11, 23, 9, 47))  # later in the quarter: nothing more
    assert surveys_open_due(now=at(2026, 11, 23, 9, 47)) == 0
    clock.move_to(at(2027, 1, 1, 0, 47))
    assert surveys_open_due(now=at(2027, 1, 1, 0, 47)) == 1
    assert list(Survey.objects.order_by("opens_on").values_list("period_start", flat=True)) == [
        datetime.date(2026, 10, 1),
        datetime.date(2027, 1, 1),
    ]


def test_the_period_is_the_propertys_local_day(plan, clock):
    """R8.3: at 23:30 on 31 December in Shanghai (15:30 UTC) the new quarter has not begun."""
    clock.move_to(at(2026, 12, 31, 23, 30))
    assert surveys_open_due(now=at(2026, 12, 31, 23, 30)) == 0
    clock.move_to(at(2027, 1, 1, 0, 30))
    assert surveys_open_due(now=at(2027, 1, 1, 0, 30)) == 1


def test_a_late_run_opens_the_rest_of_the_period_and_none_once_its_days_are_over(plan, clock):
    """R8.3: if the worker was down on the first day, the survey opens on the day it runs,
    still closing on the period's last day open; after those days it waits for the next
    period."""
    clock.move_to(at(2026, 10, 5, 8, 0))
    assert surveys_open_due(now=at(2026, 10, 5, 8, 0)) == 1
    survey = Survey.objects.get()
    assert (survey.opens_on, survey.closes_on) == (datetime.date(2026, 10, 5), datetime.date(2026, 10, 30))
    plan.every_months, plan.days_open = 6, 10  # now every half year: July's days are long over
    plan.save()
    clock.move_to(at(2026, 11, 23, 9, 0))
    assert surveys_open_due(now=at(2026, 11, 23, 9, 0)) == 0


def test_a_survey_opened_by_hand_stands_in_for_the_periods_and_inactive_plans_open_nothing(ygjy, plan, clock):
    """R8.3: when the manager has already opened a survey over the period's days, the plan
    opens none; a plan switched off opens nothing; the database refuses a second survey for
    the same period however it is written."""
    clock.move_to(at(2026, 9, 28, 10, 0))
    survey_open(
        prop=ygjy,
        by=user("ygjy-manager"),
        title="国庆前专项调查",
        opens_on=datetime.date(2026, 9, 28),
        closes_on=datetime.date(2026, 10, 8),
        aspects=["安全秩序"],
    )
    clock.move_to(at(2026, 10, 1, 0, 47))
    assert surveys_open_due(now=at(2026, 10, 1, 0, 47)) == 0
    assert Survey.objects.count() == 1

    plan.active = False
    plan.save()
    clock.move_to(at(2027, 1, 1, 0, 47))
    assert surveys_open_due(now=at(2027, 1, 1, 0, 47)) == 0

    plan.active = True
    plan.save()
    assert surveys_open_due(now=at(2027, 1, 1, 0, 47)) == 1
    planned = Survey.objects.get(period_start=datetime.date(2027, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.create(
            property=ygjy,
            title="重复",
            opens_on=planned.opens_on,
            closes_on=planned.closes_on,
            period_start=planned.period_start,
            opened_at=planned.opened_at,
            opened_by_name="x",
        )


def test_editing_the_default_aspects_leaves_old_surveys_unchanged(plan, clock, monkeypatch):
    """R8.3: each survey keeps the texts of its aspects; a new default list applies to the
    surveys opened after it only."""
    clock.move_to(at(2026, 10, 1, 0, 47))
    surveys_open_due(now=at(2026, 10, 1, 0, 47))
    before = defaults.default_aspects()
    monkeypatch.setattr(defaults, "ASPECTS", ["停车管理", "电梯运行"])
    clock.move_to(at(2027, 1, 1, 0, 47))
    surveys_open_due(now=at(2027, 1, 1, 0, 47))
    old, new = Survey.objects.order_by("opens_on")
    assert [q.text for q in old.questions.order_by("position")] == before
    assert [q.text for q in new.questions.order_by("position")] == ["停车管理", "电梯运行"]


def test_the_plan_is_edited_in_the_admin_and_answers_are_read_only(ygjy, clock):
    """R8.3: an administrator sets a property's plan in the Django admin; surveys and
    answers are shown there but only written by the pages."""
    from django.contrib import admin
    from django.test import Client

    from people.models import User
    from surveys.models import SurveyAnswer

    root = User.objects.create_superuser("root", "root@example.com", "pw-root-2026")
    c = Client()
    c.force_login(root)
    r = c.post(
        "/admin/surveys/surveyplan/add/", {"property": ygjy.pk, "every_months": 6, "days_open": 21, "active": "on"}
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert SurveyPlan.objects.get(property=ygjy).days_open == 21
    bad = c.post("/admin/surveys/surveyplan/add/", {"property": ygjy.pk, "every_months": 4, "days_open": 200})
    assert bad.status_code == 200 and SurveyPlan.objects.count() == 1  # refused with the form's errors
    request = type("R", (), {"user": root})()
    for model in (SurveyAnswer, Survey):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request) and not model_admin.has_change_permission(request)
