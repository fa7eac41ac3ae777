"""Answering a survey (R8.3): one answer per household, only within the survey's dates,
every aspect scored 1-5; on the resident pages or taken by the desk by phone, face to
face or on paper. Time is frozen at T0 (Monday 23 November 2026, 09:00 in Shanghai)."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from base.errors import Conflict, IllegalTransition, InvalidInput
from conftest import SHANGHAI, T0, login
from surveys.models import SurveyAnswer, SurveyScore
from surveys.services import survey_answer
from surveys.tests.conftest import CLOSES, OPENS, form, household_at, household_of, scores, user


def answer_url(survey) -> str:
    return f"/my/surveys/{survey.pk}/"


def test_a_household_answers_once_and_a_retried_submission_changes_nothing(survey):
    """R8.3: the resident's answer is stored once; the same form sent again (a retry, a
    second tap) is refused with a clear message in the user's language and the first
    answer stays as it was; the database refuses a second row for the household too."""
    resident = login("resident", lang="en")
    first = form(survey, 5, 4, 2, comment="绿化带杂草多")
    r = resident.post(answer_url(survey), first)
    assert r.status_code == 302 and r["Location"] == answer_url(survey)
    answer = SurveyAnswer.objects.get()
    assert (answer.household, answer.method, answer.answered_on) == (household_of("resident"), "online", OPENS)
    assert answer.comment == "绿化带杂草多" and answer.recorded_by == user("resident")

    again = resident.post(answer_url(survey), form(survey, 1, 1, 1, comment="改主意了"))
    assert again.status_code == 409
    assert "already answered this survey" in again.content.decode()
    assert SurveyAnswer.objects.count() == 1 and SurveyScore.objects.count() == 3
    assert sorted(SurveyScore.objects.values_list("score", flat=True)) == [2, 4, 5]
    assert SurveyAnswer.objects.get().comment == "绿化带杂草多"

    # The desk cannot take a second answer from the same household either.
    with pytest.raises(Conflict):
        survey_answer(
            survey=survey,
            household=household_of("resident"),
            by=user("ygjy-agent"),
            scores=scores(survey, 3, 3, 3),
            method="phone",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyAnswer.objects.create(
            property=survey.property,
            survey=survey,
            household=household_of("resident"),
            method="phone",
            answered_on=OPENS,
            recorded_at=answer.recorded_at,
            recorded_by_name="x",
        )
    assert SurveyAnswer.objects.count() == 1

    page = resident.get(answer_url(survey)).content.decode()
    assert "Thank you for your answer." in page and 'type="radio"' not in page  # no form any more


def test_answers_are_taken_only_within_the_surveys_dates(survey, clock):
    """R8.3: before the opening day and after the closing day (the property's local
    days) an answer is refused with a clear message and nothing is stored; on the closing
    day, until local midnight, it is taken."""
    resident = login("resident", lang="en")
    clock.move_to(datetime.datetime(2026, 11, 22, 23, 59, tzinfo=SHANGHAI))  # the evening before it opens
    r = resident.post(answer_url(survey), form(survey, 4, 4, 4))
    assert r.status_code == 409 and "opens on 2026-11-23" in r.content.decode()

    clock.move_to(datetime.datetime(2026, 11, 30, 0, 1, tzinfo=SHANGHAI))  # just after the closing day
    r = resident.post(answer_url(survey), form(survey, 4, 4, 4))
    assert r.status_code == 409 and "closed on 2026-11-29" in r.content.decode()
    assert "closed on 2026-11-29" in resident.get(answer_url(survey)).content.decode()  # the page says so
    with pytest.raises(IllegalTransition):  # the desk cannot backdate past the dates either
        survey_answer(
            survey=survey,
            household=household_at("1-101"),
            by=user("ygjy-agent"),
            scores=scores(survey, 3, 3, 3),
            method="paper",
            answered_on=CLOSES + datetime.timedelta(days=1),
        )
    assert SurveyAnswer.objects.count() == 0

    clock.move_to(datetime.datetime(2026, 11, 29, 23, 59, tzinfo=SHANGHAI))  # the last minute of the closing day
    assert resident.post(answer_url(survey), form(survey, 4, 4, 4)).status_code == 302
    assert SurveyAnswer.objects.get().answered_on == CLOSES


@pytest.mark.parametrize(
    ("values", "bad"),
    [((0, 4, 4), 0), ((4, 6, 4), 1), ((4, 4, None), 2), (("x", 4, 4), 0), ((-1, 4, 4), 0)],
    ids=["zero", "six", "missing", "not-a-number", "negative"],
)
def test_every_aspect_needs_a_score_from_1_to_5(survey, values, bad):
    """R8.3: a score of 0 or 6, a missing aspect or garbage is refused, naming the aspect,
    and nothing at all is stored (no answer, no partial scores)."""
    resident = login("resident", lang="en")
    r = resident.post(answer_url(survey), form(survey, *values, comment="好"))
    assert r.status_code == 422
    aspect = survey.questions.order_by("position")[bad]
    assert f"Rate “{aspect.text}” from 1 to 5." in r.content.decode()
    assert SurveyAnswer.objects.count() == 0 and SurveyScore.objects.count() == 0
    # The choices already made are kept on the form.
    assert r.content.decode().count("checked") == sum(1 for v in values if v in (1, 2, 3, 4, 5))


def test_the_service_refuses_scores_out_of_range_and_the_database_too(survey):
    """R8.3: the service refuses 0, 6, True and a missing aspect; the database's check
    refuses a score outside 1-5 written by any other path."""
    agent, home = user("ygjy-agent"), household_at("1-101")
    for bad in [(0, 3, 3), (3, 6, 3), (3, 3, None), (True, 3, 3)]:
        with pytest.raises(InvalidInput):
            survey_answer(survey=survey, household=home, by=agent, scores=scores(survey, *bad), method="phone")
    with pytest.raises(InvalidInput):  # an aspect of another survey
        survey_answer(survey=survey, household=home, by=agent, scores={**scores(survey, 3, 3, 3), 0: 3}, method="phone")
    assert SurveyAnswer.objects.count() == 0
    answer = survey_answer(survey=survey, household=home, by=agent, scores=scores(survey, 3, 3, 3), method="phone")
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyScore.objects.filter(answer=answer).update(score=6)


def test_the_desk_records_an_answer_taken_by_phone_for_a_unit(survey, clock):
    """R8.3: the desk records an answer taken by phone, face to face or on paper for the
    household at the unit typed, with who recorded it, when, and how; a paper form is
    typed in after the survey closed, dated the day it was filled in."""
    agent = login("ygjy-agent", lang="en")
    url = f"/desk/YGJY/surveys/{survey.pk}/record/"
    r = agent.post(url, form(survey, 2, 3, 4, comment="电话回访：维修太慢", unit="3-1202", method="phone"))
    assert r.status_code == 302
    answer = SurveyAnswer.objects.get()
    assert (answer.household, answer.method, answer.recorded_by) == (
        household_of("resident"),
        "phone",
        user("ygjy-agent"),
    )
    assert answer.recorded_at == T0
    assert answer.answered_on == OPENS and answer.recorded_by_name == str(user("ygjy-agent"))

    # The resident's own form now says the household has answered.
    assert 'type="radio"' not in login("resident").get(f"/my/surveys/{survey.pk}/").content.decode()

    clock.move_to(datetime.datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI))
    paper = form(survey, 5, 5, 5, unit="1-101", method="paper", answered_on="2026-11-28")
    assert agent.post(url, paper).status_code == 302
    late = SurveyAnswer.objects.get(household=household_at("1-101"))
    assert (late.method, late.answered_on) == ("paper", datetime.date(2026, 11, 28))
    assert late.recorded_at.astimezone(SHANGHAI).date() == datetime.date(2026, 12, 2)

    refused = agent.post(url, form(survey, 5, 5, 5, unit="1-102", method="paper", answered_on="2026-12-01"))
    assert refused.status_code == 409 and "closed on 2026-11-29" in refused.content.decode()
    nobody = agent.post(url, form(survey, 5, 5, 5, unit="9-999", method="phone", answered_on="2026-11-28"))
    assert nobody.status_code == 422 and "No household lives at “9-999”" in nobody.content.decode()
    online = agent.post(url, form(survey, 5, 5, 5, unit="1-102", method="online", answered_on="2026-11-28"))
    assert online.status_code == 422  # the desk does not pretend the resident answered online
    assert SurveyAnswer.objects.count() == 2
