"""Who sees and does what with surveys (R8.3): staff see the surveys of the properties
they work at; only the manager, the service supervisor and leadership open one; the
desk records answers; residents see and answer only their household's property's
surveys, and the console is not theirs."""

from __future__ import annotations

import datetime

from conftest import login
from surveys.models import Survey, SurveyAnswer
from surveys.tests.conftest import form, household_of

OPEN_FORM = {
    "title": "2026年冬季满意度调查",
    "opens_on": "2026-11-23",
    "closes_on": "2026-12-20",
    "aspects": "维修服务\n\n 客服态度 \n",
}


def test_a_resident_of_another_property_gets_404_and_stores_nothing(survey):
    """R8.3: the office tenant (五凌办公楼) neither sees nor answers 阳光嘉园's survey."""
    tenant = login("tenant")
    url = f"/my/surveys/{survey.pk}/"
    assert tenant.get(url).status_code == 404
    assert tenant.post(url, form(survey, 5, 5, 5)).status_code == 404
    assert survey.title not in tenant.get("/my/").content.decode()
    assert SurveyAnswer.objects.count() == 0


def test_a_resident_sees_their_propertys_open_survey_and_answers_for_their_own_household(survey):
    """R8.3: the resident's home lists the open survey; a neighbour cannot answer for
    another household by changing the form."""
    home = login("resident").get("/my/").content.decode()
    assert survey.title in home and f'href="/my/surveys/{survey.pk}/"' in home
    neighbour = login("neighbour", lang="en")
    forged = neighbour.post(
        f"/my/surveys/{survey.pk}/", form(survey, 1, 1, 1, household=str(household_of("resident").pk))
    )
    assert forged.status_code == 422 and SurveyAnswer.objects.count() == 0
    assert neighbour.post(f"/my/surveys/{survey.pk}/", form(survey, 4, 4, 4)).status_code == 302
    assert SurveyAnswer.objects.get().household == household_of("neighbour")
    assert "Answered, thank you" in neighbour.get("/my/").content.decode()


def test_staff_are_refused_the_residents_survey_page_and_residents_the_console(survey):
    """R8.3: the resident pages are for residents; the console is for staff."""
    assert login("ygjy-agent").get(f"/my/surveys/{survey.pk}/").status_code == 403
    resident = login("resident")
    assert resident.get("/desk/YGJY/surveys/").status_code == 403
    assert resident.get(f"/desk/YGJY/surveys/{survey.pk}/").status_code == 403
    assert (
        resident.post(f"/desk/YGJY/surveys/{survey.pk}/record/", form(survey, 5, 5, 5, unit="3-1202")).status_code
        == 403
    )


def test_a_technician_sees_the_surveys_but_cannot_open_one_nor_record_answers(ygjy, survey):
    """R8.3: a technician of the property may read the list and the results, but opening a
    survey is refused (403, nothing stored) and the form is not offered; so for the desk
    agent; recording an answer is for the desk."""
    tech = login("ygjy-tech1")
    page = tech.get("/desk/YGJY/surveys/")
    assert page.status_code == 200 and survey.title in page.content.decode()
    assert 'action="/desk/YGJY/surveys/open/"' not in page.content.decode()
    assert tech.get(f"/desk/YGJY/surveys/{survey.pk}/").status_code == 200
    assert tech.post("/desk/YGJY/surveys/open/", OPEN_FORM).status_code == 403
    assert login("ygjy-agent").post("/desk/YGJY/surveys/open/", OPEN_FORM).status_code == 403
    assert Survey.objects.count() == 1
    refused = tech.post(f"/desk/YGJY/surveys/{survey.pk}/record/", form(survey, 5, 5, 5, unit="3-1202", method="phone"))
    assert refused.status_code == 403 and SurveyAnswer.objects.count() == 0


def test_the_manager_and_the_service_supervisor_open_a_survey_with_edited_aspects(ygjy):
    """R8.3: the opening form (title, dates, aspects one per line) opens the survey with the
    aspects as edited, blank lines dropped; a survey closing before it opens, or opening in
    the past, is refused."""
    supervisor = login("ygjy-supervisor", lang="en")
    form_page = supervisor.get("/desk/YGJY/surveys/").content.decode()
    assert 'action="/desk/YGJY/surveys/open/"' in form_page
    r = supervisor.post("/desk/YGJY/surveys/open/", OPEN_FORM)
    survey = Survey.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/desk/YGJY/surveys/{survey.pk}/"
    assert [q.text for q in survey.questions.order_by("position")] == ["维修服务", "客服态度"]
    assert (survey.opens_on, survey.closes_on, survey.opened_by_name) == (
        datetime.date(2026, 11, 23),
        datetime.date(2026, 12, 20),
        str(survey.opened_by),
    )
    backwards = supervisor.post("/desk/YGJY/surveys/open/", OPEN_FORM | {"closes_on": "2026-11-22"})
    assert backwards.status_code == 422 and "close before it opens" in backwards.content.decode()
    past = login("ygjy-manager").post("/desk/YGJY/surveys/open/", OPEN_FORM | {"opens_on": "2026-11-01"})
    no_aspects = login("ygjy-manager").post("/desk/YGJY/surveys/open/", OPEN_FORM | {"aspects": " \n"})
    assert past.status_code == 422 and no_aspects.status_code == 422
    assert Survey.objects.count() == 1


def test_staff_of_another_property_get_404_and_leadership_sees_both(survey):
    """R8.3: the office building's staff do not reach 阳光嘉园's surveys, not even through
    their own property's address; company leadership reads them."""
    other = login("wlbg-manager")
    assert other.get("/desk/YGJY/surveys/").status_code == 404
    assert other.get(f"/desk/YGJY/surveys/{survey.pk}/").status_code == 404
    assert other.get(f"/desk/WLBG/surveys/{survey.pk}/").status_code == 404
    assert other.post("/desk/WLBG/surveys/open/", OPEN_FORM).status_code == 302  # their own property, fine
    leader = login("leader")
    assert leader.get(f"/desk/YGJY/surveys/{survey.pk}/").status_code == 200
    assert survey.title in leader.get("/desk/YGJY/surveys/").content.decode()


def test_the_console_navigation_links_to_the_surveys(survey):
    """R8.3: the queue page links to the surveys beside the follow-ups and the review."""
    assert 'href="/desk/YGJY/surveys/"' in login("ygjy-agent").get("/desk/YGJY/new/").content.decode()


def test_r8_3_the_homes_open_surveys_are_those_of_the_residents_homes_each_with_who_is_still_to_answer(ygjy, survey):
    """R8.3: a resident's home lists the surveys open today at the properties of their
    households, each with their households still to answer: living there during the
    survey and without an answer. A household of theirs moving in after the survey
    closes is not asked; one they moved out of is no longer theirs; a survey not open
    yet, a closed one and another property's are not listed."""
    from django.utils import timezone

    from conftest import second_home
    from estates.models import Household, Property
    from surveys.selectors import households_for, open_surveys_for
    from surveys.services import survey_open
    from surveys.tests.conftest import ASPECTS, CLOSES, OPENS, user

    resident = user("resident")
    first, second = household_of("resident"), second_home(resident, "1-101")
    later, gone = second_home(resident, "1-102"), second_home(resident, "3-1201")
    Household.objects.filter(pk=later.pk).update(moved_in_on=datetime.date(2026, 12, 1))
    Household.objects.filter(pk=gone.pk).update(moved_out_on=datetime.date(2026, 11, 1))

    def another(title: str, opens_on: datetime.date, closes_on: datetime.date, prop: Property = ygjy) -> Survey:
        made = survey_open(
            prop=ygjy, by=user("ygjy-manager"), title=title, opens_on=OPENS, closes_on=CLOSES, aspects=ASPECTS
        )
        Survey.objects.filter(pk=made.pk).update(opens_on=opens_on, closes_on=closes_on, property=prop)
        return made

    another("下月", datetime.date(2026, 12, 7), datetime.date(2026, 12, 9))
    another("上月", datetime.date(2026, 10, 1), datetime.date(2026, 11, 22))
    elsewhere = another("五凌", OPENS, CLOSES, Property.objects.get(code="WLBG"))

    [listed] = open_surveys_for(resident, timezone.now())
    assert listed.survey == survey
    assert [h.pk for h in listed.pending] == sorted([first.pk, second.pk])
    assert [h.pk for h in listed.pending] == [h.pk for h in households_for(resident, survey)]
    answered = login("resident").post(f"/my/surveys/{survey.pk}/", form(survey, 4, 4, 4, household=str(second.pk)))
    assert answered.status_code == 302
    [listed] = open_surveys_for(resident, timezone.now())
    assert [h.pk for h in listed.pending] == [first.pk]
    assert login("resident").post(f"/my/surveys/{survey.pk}/", form(survey, 5, 5, 5, household=str(first.pk)))
    [listed] = open_surveys_for(resident, timezone.now())
    assert listed.pending == []
    [theirs] = open_surveys_for(user("tenant"), timezone.now())
    assert theirs.survey == elsewhere and len(theirs.pending) == 1
