"""The follow-up workbench in chromium (R6.3-R6.5): a specialist works through today's
calls, one unreachable and retried, one satisfied, one not; the supervisor's review of
the unsatisfied one opens a complaint linked to the ticket."""

from __future__ import annotations

import pytest

from conftest import recorded
from followups.models import FollowUp
from tickets.models import Ticket

pytestmark = pytest.mark.browser


def closed_complaint(api, description: str) -> str:
    desk = api("ygjy-agent")
    body = {"kind": "complaint", "property": "YGJY", "unit": "3-1202", "description": description}
    number = recorded(desk, body | {"complaint": {"department": "cleaning"}})
    desk.act(number, "forward")
    desk.act(number, "acknowledge")
    desk.act(number, "handle", {"handling": "已安排保洁返工"})
    assert desk.act(number, "close", {"result": "已告知业主"}).status_code == 200
    return number


def test_a_specialist_works_through_todays_follow_ups_and_an_unsatisfied_one_becomes_a_complaint(browser, api):
    numbers = [closed_complaint(api, f"楼道卫生差 {n}") for n in range(3)]
    ids = {n: FollowUp.objects.get(ticket__number=n).pk for n in numbers}
    desk = browser()
    page = desk.login("ygjy-agent")
    page.keyboard.press("f")  # from the queue page
    page.wait_for_url("**/followups/")
    assert page.locator("details.followup").count() == 3
    assert "解决了吗" in page.text_content(f"#f{ids[numbers[0]]} ol.script")  # the complaint's call script
    desk.shot("followups")

    def open_call(number: str) -> str:
        form = f"#f{ids[number]}"
        page.click(f"{form} > summary")
        return form

    form = open_call(numbers[0])
    page.click(f"{form} button[value=no]")  # not reached: tried again tomorrow
    page.wait_for_load_state("networkidle")
    unreachable = FollowUp.objects.get(pk=ids[numbers[0]])
    assert (unreachable.status, unreachable.attempts) == ("planned", 1)

    form = open_call(numbers[1])
    page.select_option(f"{form} [name=satisfaction]", "5")
    page.fill(f"{form} [name=quality]", "保洁及时返工")
    page.click(f"{form} button[value=yes]")
    page.wait_for_load_state("networkidle")

    form = open_call(numbers[2])
    page.select_option(f"{form} [name=satisfaction]", "1")
    page.fill(f"{form} [name=shortcomings]", "返工后两天又脏了")
    page.fill(f"{form} [name=confirmed_by]", "王芳")
    page.click(f"{form} button[value=yes]")
    page.wait_for_load_state("networkidle")
    assert FollowUp.objects.filter(pk__in=ids.values(), status="done").count() == 2

    supervisor = browser()
    page = supervisor.login("ygjy-supervisor")
    page.goto(f"{supervisor.base}/desk/YGJY/followups/")
    row = f"#r{ids[numbers[2]]}"
    page.fill(f"{row} [name=opinion]", "保洁主管跟进，按投诉处理")
    page.click(f"{row} button[type=submit]")
    page.wait_for_load_state("networkidle")
    followup = FollowUp.objects.get(pk=ids[numbers[2]])
    assert followup.complaint is not None
    complaint = Ticket.objects.get(pk=followup.complaint.pk)
    assert complaint.kind == "complaint" and complaint.origin is not None and complaint.origin.number == numbers[2]
    page.goto(f"{supervisor.base}/t/{complaint.number}/")
    assert numbers[2] in page.text_content("main")  # linked back to the ticket followed up


def test_the_manager_opens_a_corrective_action_from_the_quarterly_review(browser, api):
    """R6.6: the same repair three times at one unit is a finding; the manager opens a
    corrective and preventive action from the review page, linked to the three tickets."""
    from conftest import repair_draft
    from followups.models import CorrectiveAction

    numbers = [recorded(api("ygjy-agent"), repair_draft(unit="2-301")) for _ in range(3)]
    manager = browser()
    page = manager.login("ygjy-manager")
    page.goto(f"{manager.base}/desk/YGJY/review/")
    finding = page.locator("section.finding").first
    assert all(n in finding.text_content() for n in numbers)
    finding.locator("summary").click()
    finding.locator("input[name=decision][value=action]").check()
    finding.locator("select[name=owner]").select_option("ygjy-engineer")
    finding.locator("textarea[name=root_cause]").fill("2单元给水立管老化")
    finding.locator("textarea[name=action]").fill("更换立管并加装检修阀")
    finding.locator("input[name=due_on]").fill("2030-12-31")
    manager.shot("review")
    finding.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    ca = CorrectiveAction.objects.get()
    assert sorted(t.number for t in ca.tickets.all()) == sorted(numbers)
    page.click(f"a[href$='/actions/{ca.pk}/']")
    page.wait_for_load_state("networkidle")
    assert "更换立管并加装检修阀" in page.text_content("main")
