"""R8.3: on its first day a survey is announced to every resident with an account at
its property, once, with its link; a survey that opens later waits for its day."""

from __future__ import annotations

import datetime

from conftest import T0
from notify.models import Notification
from surveys.services import survey_open, surveys_announce_due


def test_a_survey_is_announced_on_its_first_day_once_to_the_propertys_residents(clock, survey, persona):
    assert surveys_announce_due(now=T0) == 2  # resident and neighbour live at 阳光嘉园; tenant does not
    told = Notification.objects.filter(link=f"/my/surveys/{survey.pk}/")
    assert sorted(n.recipient.username for n in told if n.recipient) == ["neighbour", "resident"]
    assert all("11-29" in n.message and survey.title in n.message for n in told)
    assert surveys_announce_due(now=T0 + datetime.timedelta(minutes=10)) == 0
    assert told.count() == 2


def test_a_survey_opening_later_waits_for_its_day(clock, ygjy, persona):
    later = survey_open(
        prop=ygjy,
        by=persona("ygjy-manager"),
        title="十二月调查",
        opens_on=datetime.date(2026, 12, 1),
        closes_on=datetime.date(2026, 12, 7),
        aspects=["维修服务"],
    )
    assert surveys_announce_due(now=T0) == 0
    assert surveys_announce_due(now=datetime.datetime(2026, 12, 1, 8, tzinfo=T0.tzinfo)) == 2
    assert Notification.objects.filter(link=f"/my/surveys/{later.pk}/").count() == 2
