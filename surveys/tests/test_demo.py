"""The demo's survey (R8.3): ``make run`` shows a survey with answers, a weak aspect to act
on, and ``resident`` still able to answer it."""

from __future__ import annotations

from demo import seed as demo
from surveys.models import Survey, SurveyPlan
from surveys.selectors import open_surveys_for, survey_results
from surveys.tests.conftest import user


def test_the_demo_has_a_plan_per_property_and_an_answered_survey(clock):
    demo.demo_surveys()
    assert SurveyPlan.objects.count() == 2
    survey = Survey.objects.get()
    results = survey_results(survey)
    assert results.answers == 21 and results.comments
    assert [a.question.position for a in results.aspects if a.weak] == [6]  # greening
    [open_survey] = open_surveys_for(user("resident"), survey.opened_at)
    assert open_survey.survey == survey and open_survey.pending
