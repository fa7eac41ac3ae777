"""The results of a survey and what they drive (R8.3): households asked, answers,
response rate, per aspect the average, the distribution 1-5 and the unsatisfied, the
comments; a corrective and preventive action opened from a weak aspect.

The data set, built by hand at 阳光嘉园 (survey open 23-29 November 2026):

- households asked: 7. Every household of the property is first moved out in January;
  then six chosen ones live there (never moved out) and one moved out on 25 November,
  during the survey (still asked). One moved in on 30 November, after the survey closed
  (not asked), and the moved-out ones are not asked.
- four answers (A repair service, B cleanliness, C greening):

  ====  ===  ===  ===  ==============
  unit   A    B    C   comment
  ====  ===  ===  ===  ==============
  h1     5    4    2   绿化带杂草多
  h2     4    4    1
  h3     3    5    2
  h4     5    3    4   维修很及时
  ====  ===  ===  ===  ==============

  A: average 17/4 = 4.25, distribution [0, 0, 1, 1, 2], unsatisfied 0
  B: average 16/4 = 4.0,  distribution [0, 0, 1, 2, 1], unsatisfied 0
  C: average  9/4 = 2.25, distribution [1, 2, 0, 1, 0], unsatisfied 3, weak
  overall 42/12 = 3.5; response rate 4/7 = 57.1 %.

An answer to another survey of the same property is noise that must not count.
"""

from __future__ import annotations

import datetime

import pytest

from conftest import login
from estates.models import Household
from followups.models import CorrectiveAction
from surveys.models import SurveyQuestion
from surveys.selectors import survey_results
from surveys.services import survey_answer, survey_open
from surveys.tests.conftest import ASPECTS, CLOSES, OPENS, scores, user

ROWS = [((5, 4, 2), "绿化带杂草多"), ((4, 4, 1), ""), ((3, 5, 2), ""), ((5, 3, 4), "维修很及时")]


@pytest.fixture
def answered(survey, ygjy):
    """The data set above; returns the households that answered."""
    households = list(Household.objects.filter(property=ygjy).select_related("unit").order_by("id"))
    Household.objects.filter(property=ygjy).update(moved_out_on=datetime.date(2026, 1, 31))
    living, leaving, arriving = households[:6], households[6], households[7]
    Household.objects.filter(pk__in=[h.pk for h in living]).update(moved_out_on=None)
    Household.objects.filter(pk=leaving.pk).update(moved_out_on=datetime.date(2026, 11, 25))
    Household.objects.filter(pk=arriving.pk).update(moved_out_on=None, moved_in_on=datetime.date(2026, 11, 30))
    agent = user("ygjy-agent")
    for household, (values, comment) in zip([*living[:3], leaving], ROWS, strict=True):
        survey_answer(
            survey=survey,
            household=household,
            by=agent,
            scores=scores(survey, *values),
            comment=comment,
            method="phone",
        )
    other = survey_open(
        prop=ygjy, by=user("ygjy-manager"), title="专项调查", opens_on=OPENS, closes_on=CLOSES, aspects=ASPECTS
    )
    survey_answer(survey=other, household=living[5], by=agent, scores=scores(other, 1, 1, 1), method="phone")
    return [*living[:3], leaving]


def test_the_results_count_households_answers_averages_and_the_distribution(survey, answered):
    """R8.3: the results of the data set, figure by figure, as worked out by hand above."""
    r = survey_results(survey)
    assert (r.households, r.answers, r.response_rate, r.average) == (7, 4, 57.1, 3.5)
    got = [(a.question.text, a.average, a.distribution, a.unsatisfied, a.weak) for a in r.aspects]
    assert got == [
        ("维修服务", 4.25, [0, 0, 1, 1, 2], 0, False),
        ("环境卫生", 4.0, [0, 0, 1, 2, 1], 0, False),
        ("绿化养护", 2.25, [1, 2, 0, 1, 0], 3, True),
    ]
    assert [(c.household, c.comment) for c in r.comments] == [
        (answered[0], "绿化带杂草多"),
        (answered[3], "维修很及时"),
    ]


def test_the_results_page_shows_the_figures_and_the_comments(survey, answered):
    """R8.3: the console's results page shows the same figures to the staff of the property."""
    page = login("ygjy-supervisor").get(f"/desk/YGJY/surveys/{survey.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="households">7<' in html and 'id="answer-count">4<' in html and 'id="response-rate">57.1%<' in html
    greening = SurveyQuestion.objects.get(survey=survey, text="绿化养护")
    row = html[html.index(f'id="aspect-{greening.pk}"') :].split("</tr>")[0]
    assert 'class="average">2.25<' in row and 'class="unsatisfied">3<' in row
    assert [f'data-score="{n}">{n}:<b>{c}</b>' in row for n, c in zip(range(1, 6), [1, 2, 0, 1, 0], strict=True)] == [
        True
    ] * 5
    assert "绿化带杂草多" in html and "维修很及时" in html


def test_an_empty_survey_has_no_averages_and_a_zero_rate(survey):
    """R8.3: before any answer: every household asked, no answers, a 0 % rate, no averages."""
    r = survey_results(survey)
    asked = Household.objects.filter(property=survey.property, moved_out_on__isnull=True).count()
    assert (r.households, r.answers, r.response_rate, r.average) == (asked, 0, 0.0, None)
    assert all(a.average is None and a.distribution == [0] * 5 and not a.weak for a in r.aspects)


def test_the_manager_opens_a_corrective_action_from_a_weak_aspect(survey, answered):
    """R8.3 "results drive improvement": from the results page the manager opens a
    corrective and preventive action for the weak aspect (greening), with an owner, root
    cause, action and due date, and no tickets behind it; it is tracked on the existing
    corrective-action pages and shown against the aspect. One per aspect; the desk agent
    cannot open one."""
    greening = SurveyQuestion.objects.get(survey=survey, text="绿化养护")
    url = f"/desk/YGJY/surveys/{survey.pk}/aspects/{greening.pk}/action/"
    body = {
        "owner": "ygjy-supervisor",
        "root_cause": "绿化外包合同未约定修剪频次",
        "action": "与绿化公司补充约定每月两次修剪，客服每周巡查",
        "due_on": "2026-12-31",
    }
    refused = login("ygjy-agent", lang="en").post(url, body)
    assert refused.status_code == 403 and CorrectiveAction.objects.count() == 0

    manager = login("ygjy-manager", lang="en")
    results = manager.get(f"/desk/YGJY/surveys/{survey.pk}/").content.decode()
    assert f'action="{url}"' in results  # the form is offered for the aspect
    r = manager.post(url, body | {"title": ""})
    ca = CorrectiveAction.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/desk/YGJY/actions/{ca.pk}/"
    assert (ca.property, ca.owner.username, ca.status, ca.due_on) == (
        survey.property,
        "ygjy-supervisor",
        "open",
        datetime.date(2026, 12, 31),
    )
    assert ca.title == f"{survey.title} · 绿化养护" and ca.tickets.count() == 0
    assert ca.events.get().action == "open"
    greening.refresh_from_db()
    assert greening.action == ca

    assert body["action"] in manager.get(f"/desk/YGJY/actions/{ca.pk}/").content.decode()
    assert ca.title in manager.get("/desk/YGJY/actions/").content.decode()
    assert f'href="/desk/YGJY/actions/{ca.pk}/"' in manager.get(f"/desk/YGJY/surveys/{survey.pk}/").content.decode()

    again = manager.post(url, body)
    assert again.status_code == 409 and CorrectiveAction.objects.count() == 1
    missing_owner = manager.post(
        f"/desk/YGJY/surveys/{survey.pk}/aspects/{survey.questions.get(position=1).pk}/action/",
        body | {"owner": ""},
    )
    assert missing_owner.status_code == 422 and "Choose the owner" in missing_owner.content.decode()
    assert CorrectiveAction.objects.count() == 1
