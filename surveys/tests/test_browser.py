"""A resident answers the satisfaction survey on a 360 px phone in chromium (R8.3), and
the manager then reads the answer on the survey's results page."""

from __future__ import annotations

import datetime

import pytest

from estates.localtime import local_today
from estates.models import Property
from people.models import User
from surveys.models import SurveyAnswer
from surveys.services import survey_open

pytestmark = pytest.mark.browser


def test_a_resident_answers_on_a_phone_and_the_results_page_shows_it(browser):
    ygjy = Property.objects.get(code="YGJY")
    today = local_today(ygjy.time_zone)
    survey = survey_open(
        prop=ygjy,
        by=User.objects.get(username="ygjy-manager"),
        title="业户满意度调查（手机测试）",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=6),
        aspects=["维修服务", "环境卫生", "绿化养护"],
    )
    scores = [5, 4, 2]

    phone = browser(phone=True)
    page = phone.login("resident")
    assert page.url.endswith("/my/")
    page.click(f"#survey-{survey.pk} a.answer")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # the form fits the phone
    buttons = page.locator("form.survey fieldset.rate").first.locator("label")
    assert buttons.count() == 5
    box = buttons.nth(4).bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44  # big enough for a thumb
    for fieldset, score in zip(page.locator("fieldset.rate").all(), scores, strict=True):
        fieldset.locator(f"label:has(input[value='{score}'])").click()
    page.fill("#s-comment", "绿化带的杂草希望尽快清理")
    phone.shot("survey-answer")
    page.click("form.survey button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "绿化带的杂草希望尽快清理" in page.text_content("section.answered")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    answer = SurveyAnswer.objects.get(survey=survey)
    assert answer.method == "online"
    assert sorted(answer.scores.values_list("score", flat=True)) == sorted(scores)

    manager = browser(phone=True)
    page = manager.login("ygjy-manager")
    page.goto(f"{manager.base}/desk/YGJY/surveys/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # the list and its opening form
    page.click(f"a[href='/desk/YGJY/surveys/{survey.pk}/']")
    page.wait_for_load_state("networkidle")
    assert page.text_content("#answer-count") == "1"
    assert page.text_content("#average") == "3.67"  # (5 + 4 + 2) / 3
    assert "绿化带的杂草希望尽快清理" in page.text_content("#comments")
    assert "3-1202" in page.text_content("#answers")
    greening = page.locator("#aspects tbody tr").nth(2)
    assert greening.locator(".average").text_content() == "2.0"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    manager.shot("survey-results")
