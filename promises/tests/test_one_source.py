"""One source for each time limit: what the desk reads at intake and on the ticket page
is the property's promise policy, so changing a property's row changes the words too;
the admin puts a property's rows back to the defaults the kinds register."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.utils import translation

from conftest import login, recorded
from estates.models import Property
from promises.models import Clock, PromisePolicy
from promises.policy import DAY, DEFAULTS, END_OF_DAY, Limit, limit_text


@pytest.mark.parametrize(
    ("minutes", "en", "zh"),
    [
        (5, "within 5 minutes", "5分钟内"),
        (60, "within 1 hour", "1小时内"),
        (3 * DAY, "within 3 days", "3天内"),
        (END_OF_DAY, "the same day", "当天"),
    ],
)
def test_a_limit_is_said_as_people_say_it(minutes, en, zh):
    limit = Limit(minutes, None, "manager")
    with translation.override("en"):
        assert limit_text(limit) == en
    with translation.override("zh-hans"):
        assert limit_text(limit) == zh


def test_the_severity_definitions_at_intake_follow_the_property_s_policy(estate):
    """R4.1, R4.3, R4.5: the words beside each severity are the property's limits."""
    before = login("ygjy-agent").get("/desk/YGJY/intake/?kind=complaint").content.decode()
    assert "3天内解决" in before and "1小时内由管理处经理处理" in before
    PromisePolicy.objects.filter(property__code="YGJY", kind="complaint:important", clock=Clock.RESOLVE).update(
        minutes=5 * DAY
    )
    PromisePolicy.objects.filter(property__code="YGJY", kind="complaint:important", clock=Clock.TAKE_UP).update(
        minutes=30
    )
    after = login("ygjy-agent").get("/desk/YGJY/intake/?kind=complaint").content.decode()
    assert "5天内解决" in after and "30分钟内由管理处经理处理" in after and "3天内解决" not in after
    other = login("wlbg-agent").get("/desk/WLBG/intake/?kind=complaint").content.decode()
    assert "3天内解决" in other  # another property keeps its own rows


def test_the_complaint_page_reads_the_same_definitions(api):
    number = recorded(
        api("ygjy-agent"),
        {
            "kind": "complaint",
            "property": "YGJY",
            "unit": "3-1202",
            "description": "保洁不到位",
            "complaint": {"severity": "major", "department": "cleaning"},
        },
    )
    PromisePolicy.objects.filter(property__code="YGJY", kind="complaint:major", clock=Clock.RESOLVE).update(
        minutes=7 * DAY
    )
    page = login("ygjy-agent", lang="en").get(f"/t/{number}/").content.decode()
    assert "resolved within 7 days" in page and "a clear answer within 2 days" in page


def test_the_consultation_page_says_the_property_s_reply_limit(api):
    number = recorded(
        api("ygjy-agent"),
        {"kind": "consultation", "property": "YGJY", "unit": "2-801", "channel": "written", "description": "来函"},
    )
    assert "书面事项：2天内书面答复" in login("ygjy-agent").get(f"/t/{number}/").content.decode()
    PromisePolicy.objects.filter(property__code="YGJY", kind="consultation:written").update(minutes=3 * DAY)
    assert "书面事项：3天内书面答复" in login("ygjy-agent").get(f"/t/{number}/").content.decode()


def test_the_admin_puts_a_property_s_limits_back_to_the_defaults(persona):
    root = persona("ygjy-manager")
    root.is_superuser = root.is_staff = True
    root.save()
    ygjy = Property.objects.get(code="YGJY")
    rows = PromisePolicy.objects.filter(property=ygjy)
    rows.filter(kind="repair", clock=Clock.ARRIVE).update(minutes=45, emergency_minutes=20)
    rows.filter(kind="help").delete()
    wlbg_arrive = PromisePolicy.objects.filter(property__code="WLBG", kind="repair", clock=Clock.ARRIVE)
    wlbg_arrive.update(minutes=30)
    one = rows.filter(kind="repair", clock=Clock.ARRIVE).get()
    r = login("ygjy-manager").post(
        "/admin/promises/promisepolicy/", {"action": "apply_defaults", "_selected_action": [one.pk]}
    )
    assert r.status_code == 302
    default = DEFAULTS[("repair", Clock.ARRIVE)]
    assert rows.filter(kind="repair", clock=Clock.ARRIVE).values_list("minutes", "emergency_minutes").get() == (
        default.minutes,
        default.emergency_minutes,
    )
    assert rows.filter(kind="help", clock=Clock.REPLY).exists()  # the missing row is back
    assert wlbg_arrive.get().minutes == 30  # only the selected properties
    log = LogEntry.objects.get(object_id=str(ygjy.pk), content_type__model="property")
    assert log.action_flag == CHANGE and "2" in log.change_message
