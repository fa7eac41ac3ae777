"""Paid repairs settled in the demo (R2.11-R2.12, R3.4): at 阳光嘉园, yesterday's
receipts reconciled by finance with the cash short by ten yuan, today's receipts waiting
for the day's reconciliation, and one signed-off paid job waiting to be charged, so the
finance page and the charge form have something to show in ``make run``."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.utils import timezone

from people.models import User
from repairs import services as work
from repairs.models import WorkOrder
from repairs.schemas import ItemIn
from settlement.models import HANDED_IN
from settlement.services import charge_record, expected_by_method, reconciliation_record
from tickets.kinds import draft_from
from tickets.models import Ticket
from tickets.services import ticket_create

# unit, category, item, misuse on site, how it was paid (None: not charged yet)
YESTERDAY = [
    ("1-301", "plumbing", "PL-03", "", "cash"),
    ("4-502", "doors_windows", "DW-01", "", "wechat"),
    ("5-1101", "electrical", "EL-01", "孩子用金属物插入插座导致短路", "alipay"),
]
TODAY = [
    ("2-702", "plumbing", "PL-04", "", "cash"),
    ("6-301", "hvac", "HV-01", "", "account"),
    ("4-1202", "plumbing", "PL-01", "", None),
]


def _paid_job(agent: User, tech: User, unit: str, category: str, item: str, misuse: str) -> Ticket:
    t = ticket_create(
        by=agent,
        draft=draft_from(
            {
                "kind": "repair",
                "property": "YGJY",
                "unit": unit,
                "category": category,
                "reporter_phone": "13800138000",
                "channel": "phone",
                "description": "有偿维修",
            }
        ),
    )
    work.work_order_dispatch(ticket=t, by=agent, assignee=tech.username)
    work.work_order_accept(ticket=t, by=tech)
    work.work_order_arrive(ticket=t, by=tech)
    if misuse:
        work.work_order_mark_misuse(ticket=t, by=tech, reason=misuse)
    work.work_order_confirm(ticket=t, by=tech, items=[ItemIn.model_validate({"item": item})])
    t.refresh_from_db()
    if t.status == "awaiting_consent":
        work.work_order_consent(ticket=t, by=tech)
    work.work_order_complete(ticket=t, by=tech, result_note="已修复，客户试用正常")
    work.work_order_sign_off(ticket=t, by=tech, satisfaction=5)
    work.work_order_report_back(ticket=t, by=tech, materials_used="见维修项目")
    return t


def _settle(rows: Sequence[tuple[str, str, str, str, str | None]], *, close: bool) -> None:
    agent, tech = User.objects.get(username="ygjy-agent"), User.objects.get(username="ygjy-tech1")
    for unit, category, item, misuse, method in rows:
        t = _paid_job(agent, tech, unit, category, item, misuse)
        if method is None:
            continue
        who = agent if method in ("cash", "account") else tech
        charge_record(by=who, order=WorkOrder.objects.select_related("ticket").get(ticket=t), method=method)
        if close:
            t.refresh_from_db()
            work.work_order_close(ticket=t, by=agent, note="已收费，已回访")


def demo_settlement() -> None:
    import time_machine  # a development requirement, as for the demo's history

    finance = User.objects.get(username="ygjy-finance")
    local = timezone.localtime(timezone.now(), ZoneInfo("Asia/Shanghai"))
    yesterday = local.date() - datetime.timedelta(days=1)
    with time_machine.travel(local.replace(hour=10, minute=0) - datetime.timedelta(days=1), tick=False) as t:
        _settle(YESTERDAY, close=True)
        t.move_to(local.replace(hour=18, minute=10) - datetime.timedelta(days=1))
        prop = finance.properties.get()
        expected, _count = expected_by_method(prop, yesterday)
        handed = {m.value: expected[m.value] for m in HANDED_IN}
        handed["cash"] -= 10  # ten yuan of cash short: flagged
        reconciliation_record(by=finance, property=prop, day=yesterday, handed=handed, note="现金短款待查")
    _settle(TODAY, close=False)
