"""The survey summary the monthly report pack reads (R8.3, R8.1): one row per survey whose
closing date, a local day of its property, falls in [start, end), with households asked,
answers, response rate, the average of every score and the weakest aspect.

The data set, built from model rows (November 2026, Asia/Shanghai):

========  =====================  ==========  ===========  ===================================
property  survey                 closes on   counted?     answers (aspects A, B)
========  =====================  ==========  ===========  ===================================
YGJY      十月调查                2026-10-31  no (before)  one: 1, 1
YGJY      秋季调查                2026-11-01  yes (first)  two: (4, 2), (5, 3)  → A 4.5, B 2.5
WLBG      办公楼调查               2026-11-30  yes (last)   none
YGJY      十二月调查               2026-12-01  no (after)   one: 2, 2
========  =====================  ==========  ===========  ===================================

秋季调查: households asked = every household of YGJY (none moved out), answers 2,
average (4+2+5+3)/4 = 3.5, weakest B with 2.5. 办公楼调查: the WLBG households, 0
answers, rate 0.0, no average, no weakest aspect.
"""

from __future__ import annotations

import datetime

import pytest

from conftest import SHANGHAI, T0
from estates.models import Household, Property
from surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyScore
from surveys.selectors import survey_summary

NOV = (datetime.datetime(2026, 11, 1, tzinfo=SHANGHAI), datetime.datetime(2026, 12, 1, tzinfo=SHANGHAI))


def make(prop: Property, title: str, closes: datetime.date, answers: list[tuple[int, int]]) -> Survey:
    survey = Survey.objects.create(
        property=prop,
        title=title,
        opens_on=closes - datetime.timedelta(days=10),
        closes_on=closes,
        opened_at=T0,
        opened_by_name="经理",
    )
    a, b = (
        SurveyQuestion.objects.create(property=prop, survey=survey, position=n, text=t)
        for n, t in ((1, "维修服务"), (2, "收费透明"))
    )
    for household, (x, y) in zip(Household.objects.filter(property=prop).order_by("id"), answers, strict=False):
        answer = SurveyAnswer.objects.create(
            property=prop,
            survey=survey,
            household=household,
            method="paper",
            answered_on=closes,
            recorded_at=T0,
            recorded_by_name="客服",
        )
        SurveyScore.objects.create(property=prop, answer=answer, question=a, score=x)
        SurveyScore.objects.create(property=prop, answer=answer, question=b, score=y)
    return survey


@pytest.fixture
def data(clock):
    ygjy, wlbg = Property.objects.get(code="YGJY"), Property.objects.get(code="WLBG")
    make(ygjy, "十月调查", datetime.date(2026, 10, 31), [(1, 1)])
    make(ygjy, "秋季调查", datetime.date(2026, 11, 1), [(4, 2), (5, 3)])
    make(wlbg, "办公楼调查", datetime.date(2026, 11, 30), [])
    make(ygjy, "十二月调查", datetime.date(2026, 12, 1), [(2, 2)])
    return ygjy, wlbg


def test_the_summary_has_one_row_per_survey_closing_in_the_month(data, django_assert_max_num_queries):
    """R8.3: the two surveys closing in November, with their figures as worked out above,
    in a fixed number of queries."""
    ygjy, wlbg = data
    with django_assert_max_num_queries(3):
        rows = survey_summary([ygjy.pk, wlbg.pk], *NOV)
    households = {p: Household.objects.filter(property=p).count() for p in (ygjy, wlbg)}
    got = [
        (r.property, r.title, r.households, r.answers, r.response_rate, r.average, r.weakest, r.weakest_average)
        for r in rows
    ]
    assert got == [
        ("阳光嘉园小区", "秋季调查", households[ygjy], 2, round(200 / households[ygjy], 1), 3.5, "收费透明", 2.5),
        ("五凌办公楼", "办公楼调查", households[wlbg], 0, 0.0, None, "", None),
    ]


def test_the_month_is_counted_in_the_propertys_local_days_and_for_the_properties_asked(data):
    """R8.3: the same bounds given in UTC select the same surveys (a closing date is a local
    day); only the properties asked for are summarised."""
    ygjy, wlbg = data
    start, end = (moment.astimezone(datetime.UTC) for moment in NOV)
    assert [r.title for r in survey_summary([ygjy.pk, wlbg.pk], start, end)] == ["秋季调查", "办公楼调查"]
    assert [r.title for r in survey_summary([wlbg.pk], *NOV)] == ["办公楼调查"]
    assert survey_summary([], *NOV) == []
    # From noon on 1 November: the first whole local day is the 2nd, so 秋季调查 is left out.
    noon = datetime.datetime(2026, 11, 1, 12, tzinfo=SHANGHAI)
    assert [r.title for r in survey_summary([ygjy.pk, wlbg.pk], noon, NOV[1])] == ["办公楼调查"]
