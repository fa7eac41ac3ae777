"""The duty log in chromium: the agent starts the service desk's shift, writes a patrol
in its log and hands over with an open item; the next agent, on a phone, receives the
handover and their shift starts (the handover received by the next person). The page
passes the accessibility audit."""

from __future__ import annotations

import pytest

from duty.models import Entry, Shift

pytestmark = pytest.mark.browser


def test_the_desk_starts_a_shift_writes_in_its_log_hands_over_and_the_next_agent_receives(browser, axe):
    screen = browser()
    desk = screen.login("ygjy-agent")
    desk.goto(f"{screen.base}/desk/YGJY/duty/")
    assert desk.locator("#on-duty").get_attribute("data-post") in ("service_desk", "monitoring_room")
    post = desk.locator("#post-service_desk")
    post.locator(".start-form button[type=submit]").click()
    desk.wait_for_load_state("networkidle")
    shift = Shift.objects.get(post="service_desk", ended_at__isnull=True)
    assert "ygjy-agent" in [u.username for u in shift.staff.all()]
    axe(desk, "duty page")

    post = desk.locator("#post-service_desk")
    post.locator(".entry-add summary").click()
    post.locator(".entry-form select[name=kind]").select_option("patrol")
    post.locator(".entry-form textarea[name=text]").fill("巡查大堂与电梯厅，正常")
    post.locator(".entry-form button[type=submit]").click()
    desk.wait_for_load_state("networkidle")
    assert Entry.objects.get(shift=shift).text == "巡查大堂与电梯厅，正常"
    assert "巡查大堂与电梯厅，正常" in desk.locator(f"#entries-{shift.pk}").inner_text()

    post = desk.locator("#post-service_desk")
    post.locator(".handover-add summary").click()
    post.locator(".handover-form textarea[name=handover_note]").fill("3栋漏水已派工，下午回访")
    post.locator(".handover-form textarea[name=open_items]").fill("2栋801插座没电，待回访")
    post.locator(".handover-form button[type=submit]").click()
    desk.wait_for_load_state("networkidle")
    shift.refresh_from_db()
    assert shift.handed_over_at is not None and shift.open_items == ["2栋801插座没电，待回访"]
    assert desk.locator("#post-service_desk .receive-form").count() == 0  # not for the one handing over
    screen.shot("duty-handed-over")

    phone = browser(phone=True)
    nxt = phone.login("ygjy-agent2")
    nxt.goto(f"{phone.base}/desk/YGJY/duty/")
    assert "3栋漏水已派工" in nxt.locator(f"#handover-{shift.pk}").inner_text()
    nxt.locator("#post-service_desk .receive-form button[type=submit]").click()
    nxt.wait_for_load_state("networkidle")
    shift.refresh_from_db()
    assert shift.ended_at is not None and shift.received_by is not None and shift.received_by.username == "ygjy-agent2"
    new = Shift.objects.get(post="service_desk", ended_at__isnull=True)
    assert new.previous_id == shift.pk and [u.username for u in new.staff.all()] == ["ygjy-agent2"]
    assert "2栋801插座没电，待回访" in nxt.locator(f"#from-{new.pk}").inner_text()
    axe(nxt, "duty page on a phone")
    phone.shot("duty-received")
