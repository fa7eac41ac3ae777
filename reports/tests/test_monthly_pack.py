"""The monthly report pack (R8.1-R8.3, R2.19, R2.20, R6.2): every figure of a property
and of the whole company for November 2026, checked against a data set built by hand
from model rows (not through the workflow), so that each number is known by
construction; then the same figures in the Excel workbook, the PDF and the dashboard,
the kept packs of the 30th, who may read them, and that the selector's queries do not
grow with the data.

The data set (all times local, Asia/Shanghai), YGJY, November 2026:

====  ==========  ========  ======  =========================  ====  =====================
no.   category    channel   unit    urgency / impact           tech  work order
====  ==========  ========  ======  =========================  ====  =====================
Roct  plumbing    phone     1-101   emergency (Oct 31 23:30)   t1    done Nov 1, paid 130.00
R1    plumbing    phone     3-1202  routine  (Nov 1 00:00)     t1    60 min, paid 58.51
R2    plumbing    phone     3-1202  routine                    t1    61 min (arrival), paid 121.05
R3    plumbing    online    3-1202  routine                    t2    30 min, free, sat 2
R4    electrical  phone     2-801   routine                    t2    no times, free
R5    electrical  walk-in   2-801   routine                    t2    open
R6    doors       online    1-101   routine                    t1    done Dec 2 (excluded)
R7    hvac        written   1-102   routine (Nov 30 23:59:59)  --    open
R8    lift        phone     --      emergency, building        t2    120 min, free, sat 3
R9    public      patrol    --      routine, whole property    t3    no times, free
R10   plumbing    phone     3-1202  routine, rework of R2      t2    45 min, free, sat 5
Rdec  plumbing    phone     1-102   (Dec 1 00:00, excluded)    --    --
====  ==========  ========  ======  =========================  ====  =====================

plus 3 complaints, 2 help requests and 1 consultation in November, tickets in December
2025 and June 2026 for the 12-month trend, and at WLBG two repairs and a complaint.
"""

from __future__ import annotations

import datetime
import html
import io
import itertools
import json
import re
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

import assistance.kind
import complaints.kind
import repairs.kind
from catalog.models import Category
from conftest import SHANGHAI, login
from estates.models import CommonArea, Company, Property, Unit
from followups.models import FollowUp, FollowUpPolicy, Service
from people.models import User
from promises.models import Clock, Deadline
from repairs.models import WorkOrder, WorkOrderItem
from reports.export import pack_pdf, pack_xlsx
from reports.models import ReportPack
from reports.selectors import MonthlyPack, monthly_pack
from reports.services import (
    is_report_day,
    pack_for,
    pack_from_json,
    pack_generate,
    pack_to_json,
    packs_generate_due,
    previous_month,
)
from tickets.models import Channel, Impact, Ticket, Urgency

MONTH = "2026-11"
MIN = datetime.timedelta(minutes=1)
NUMBERS = itertools.count(1)

KEYS = [
    "by_category",
    "by_channel",
    "on_time",
    "quality",
    "follow_up",
    "satisfaction",
    "paid",
    "working_time",
    "top_categories",
    "repeat_units",
    "technicians",
    "follow_up_staff",
    "surveys",
    "trend",
]


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


# --- The hand-built data set ------------------------------------------------------------------


class Rows:
    """Makes model rows directly, each with only what the pack reads."""

    def __init__(self) -> None:
        self.ygjy = Property.objects.get(code="YGJY")
        self.wlbg = Property.objects.get(code="WLBG")
        self.categories = {c.code: c for c in Category.objects.all()}

    def ticket(
        self,
        prop: Property,
        kind: str,
        at: datetime.datetime,
        *,
        category: str | None = None,
        channel: str = Channel.PHONE,
        unit: str | None = None,
        area: str | None = None,
        urgency: str = Urgency.ROUTINE,
        impact: str = Impact.HOUSEHOLD,
        assignee: User | None = None,
        closed: datetime.datetime | None = None,
    ) -> Ticket:
        return Ticket.objects.create(
            number=f"RPT{next(NUMBERS):06d}",
            property=prop,
            kind=kind,
            status="closed" if closed else "in_progress",
            channel=channel,
            category=self.categories[category] if category else None,
            urgency=urgency,
            impact=impact,
            unit=Unit.objects.get(property=prop, label=unit) if unit else None,
            common_area=CommonArea.objects.get(property=prop, name=area) if area else None,
            reporter_name="王芳",
            reporter_phone="13800138000",
            description="月报测试",
            reported_at=at,
            created_at=at,
            updated_at=closed or at,
            assignee=assignee,
            closed_at=closed,
        )

    def order(
        self,
        ticket: Ticket,
        *,
        completed: datetime.datetime | None = None,
        started: datetime.datetime | None = None,
        arrived: datetime.datetime | None = None,
        paid: bool = False,
        satisfaction: int | None = None,
        rework_of: WorkOrder | None = None,
    ) -> WorkOrder:
        return WorkOrder.objects.create(
            ticket=ticket,
            property_id=ticket.property_id,
            is_paid=paid,
            arrived_at=arrived,
            started_at=started,
            completed_at=completed,
            satisfaction=satisfaction,
            rework_of=rework_of,
        )

    def item(
        self,
        order: WorkOrder,
        labour: str,
        material: str = "0",
        service: str = "0",
        quantity: str = "1",
        *,
        removed: bool = False,
        review: str = WorkOrderItem.Review.NOT_NEEDED,
    ) -> WorkOrderItem:
        at = order.completed_at or local(2026, 11, 1)
        return WorkOrderItem.objects.create(
            order=order,
            property_id=order.property_id,
            description="维修项目",
            labour_fee=Decimal(labour),
            material_fee=Decimal(material),
            service_fee=Decimal(service),
            quantity=Decimal(quantity),
            review=review,
            added_at=at,
            removed_at=at if removed else None,
        )

    def deadline(
        self,
        ticket: Ticket,
        clock: str,
        due: datetime.datetime,
        *,
        met: datetime.datetime | None = None,
        breached: bool = False,
        cancelled: bool = False,
    ) -> Deadline:
        status = Deadline.Status.CANCELLED if cancelled else Deadline.Status.MET if met else Deadline.Status.OPEN
        return Deadline.objects.create(
            ticket=ticket,
            property_id=ticket.property_id,
            clock=clock,
            status=status,
            started_at=due - 30 * MIN,
            due_at=due,
            met_at=met,
            breached_at=due if breached else None,
            # as deadline_meet and the sweep record it: whose promise it was
            assignee_id=ticket.assignee_id if met or breached else None,
        )

    def followup(
        self,
        ticket: Ticket,
        service: str,
        due_by: datetime.datetime,
        *,
        purpose: str = FollowUp.Purpose.SERVICE,
        status: str = FollowUp.Status.PLANNED,
        done: datetime.datetime | None = None,
        satisfaction: int | None = None,
        assignee: User | None = None,
        attempts: int = 0,
    ) -> FollowUp:
        return FollowUp.objects.create(
            property_id=ticket.property_id,
            ticket=ticket,
            purpose=purpose,
            service=service,
            status=FollowUp.Status.DONE if done else status,
            due_from=due_by - datetime.timedelta(days=3),
            due_by=due_by,
            next_try_at=due_by - datetime.timedelta(days=3),
            planned_at=due_by - datetime.timedelta(days=3),
            done_at=done,
            satisfaction=satisfaction,
            assignee=assignee,
            attempts=attempts,
        )


def build() -> None:
    """The data set of the module docstring; called twice, it doubles every figure's rows."""
    d = Rows()
    y, w = d.ygjy, d.wlbg
    t1, t2, t3, wt1 = (User.objects.get(username=u) for u in ("ygjy-tech1", "ygjy-tech2", "ygjy-tech3", "wlbg-tech1"))
    desk = User.objects.get(username="ygjy-agent")
    R, C, H = repairs.kind.REPAIR, complaints.kind.COMPLAINT, assistance.kind.HELP
    Q, SVC = FollowUp.Purpose.QUICK_CALL, FollowUp.Status

    # October 31 23:30 local (15:30 UTC): an October ticket, but its job was done, paid,
    # closed and followed up in November. A major repair (emergency).
    r_oct = d.ticket(
        y,
        R,
        local(2026, 10, 31, 23, 30),
        category="plumbing",
        unit="1-101",
        urgency=Urgency.EMERGENCY,
        assignee=t1,
        closed=local(2026, 11, 2, 9),
    )
    o = d.order(r_oct, started=local(2026, 11, 1, 9), completed=local(2026, 11, 1, 10), paid=True, satisfaction=5)
    d.item(o, "80", "30", "20")  # 130.00
    d.deadline(r_oct, Clock.RECORD, local(2026, 10, 31, 23, 45), met=local(2026, 10, 31, 23, 40))  # October
    d.followup(r_oct, Service.REPAIR, local(2026, 11, 5), done=local(2026, 11, 2, 12), satisfaction=5)

    # R1: the first instant of November; 60 minutes from the start of work (not from arrival).
    r1 = d.ticket(
        y, R, local(2026, 11, 1), category="plumbing", unit="3-1202", assignee=t1, closed=local(2026, 11, 2, 10)
    )
    o1 = d.order(
        r1,
        arrived=local(2026, 11, 1, 0, 40),
        started=local(2026, 11, 1, 1),
        completed=local(2026, 11, 1, 2),
        paid=True,
        satisfaction=5,
    )
    d.item(o1, "30", "0", "10")  # 40.00
    d.item(o1, "7.00", "3.34", "2.00", quantity="1.5")  # 18.51
    d.item(o1, "100", removed=True)  # replaced: not revenue
    d.deadline(r1, Clock.RECORD, local(2026, 11, 1, 0, 30), met=local(2026, 11, 1, 0, 10))
    d.deadline(r1, Clock.NOTIFY, local(2026, 11, 1, 0, 45), met=local(2026, 11, 1, 0, 20))
    d.deadline(r1, Clock.ARRIVE, local(2026, 11, 1, 1), met=local(2026, 11, 1, 0, 40))
    d.deadline(r1, Clock.REPORT_BACK, local(2026, 12, 1), met=local(2026, 11, 2, 9))  # due in December
    d.followup(r1, Service.REPAIR, local(2026, 11, 20), status=SVC.NOT_SAMPLED)

    # R2: 61 minutes counted from arrival (no start recorded); reworked by R10.
    r2 = d.ticket(y, R, local(2026, 11, 3, 10), category="plumbing", unit="3-1202", assignee=t1)
    o2 = d.order(
        r2, arrived=local(2026, 11, 3, 10, 30), completed=local(2026, 11, 3, 11, 31), paid=True, satisfaction=4
    )
    d.item(o2, "50", "0", "10")  # 60.00
    d.item(o2, "20.05", "0.10", "0.20", quantity="3", review=WorkOrderItem.Review.APPROVED)  # 61.05
    d.item(o2, "200", review=WorkOrderItem.Review.REJECTED)  # rejected: not revenue
    d.deadline(r2, Clock.NOTIFY, local(2026, 11, 3, 10, 15), met=local(2026, 11, 3, 10, 5))
    d.deadline(r2, Clock.ARRIVE, local(2026, 11, 3, 10, 20), met=local(2026, 11, 3, 10, 30), breached=True)

    # R3: 30 minutes, free (its item is no revenue), unhappy at sign-off; followed up in
    # November although its window ends in December.
    r3 = d.ticket(y, R, local(2026, 11, 8, 8), category="plumbing", channel=Channel.ONLINE, unit="3-1202", assignee=t2)
    o3 = d.order(r3, started=local(2026, 11, 8, 9), completed=local(2026, 11, 8, 9, 30), satisfaction=2)
    d.item(o3, "999")
    d.deadline(r3, Clock.RECORD, local(2026, 11, 8, 8, 30), met=local(2026, 11, 8, 8, 20))
    d.deadline(r3, Clock.ARRIVE, local(2026, 11, 8, 9), met=local(2026, 11, 8, 8, 55))
    d.followup(r3, Service.REPAIR, local(2026, 12, 5), done=local(2026, 11, 25, 10), satisfaction=5)

    # R4: completed without times, no satisfaction; its report-back breached and still open.
    r4 = d.ticket(y, R, local(2026, 11, 6, 14), category="electrical", unit="2-801", assignee=t2)
    d.order(r4, completed=local(2026, 11, 6, 16))
    d.deadline(r4, Clock.RECORD, local(2026, 11, 6, 14, 30), met=local(2026, 11, 6, 14, 30))  # exactly on time
    d.deadline(r4, Clock.REPORT_BACK, local(2026, 11, 7, 16), breached=True)
    d.followup(r4, Service.REPAIR, local(2026, 11, 25), status=SVC.CANCELLED)

    # R5: still being worked on; recorded late.
    r5 = d.ticket(
        y, R, local(2026, 11, 12, 9), category="electrical", channel=Channel.WALK_IN, unit="2-801", assignee=t2
    )
    d.order(r5)
    d.deadline(r5, Clock.RECORD, local(2026, 11, 12, 9, 30), met=local(2026, 11, 12, 9, 40), breached=True)

    # R6: completed (paid, unhappy) on December 2: none of its job counts in November.
    r6 = d.ticket(
        y, R, local(2026, 11, 15, 9), category="doors_windows", channel=Channel.ONLINE, unit="1-101", assignee=t1
    )
    o6 = d.order(r6, started=local(2026, 12, 2, 9), completed=local(2026, 12, 2, 10), paid=True, satisfaction=1)
    d.item(o6, "500")
    d.deadline(r6, Clock.RECORD, local(2026, 11, 15, 9, 30), breached=True)
    d.followup(r6, Service.REPAIR, local(2026, 12, 2, 23, 59), purpose=Q, done=local(2026, 12, 2, 11), satisfaction=1)

    # R7: the last second of November; nobody assigned yet.
    r7 = d.ticket(y, R, local(2026, 11, 30, 23, 59, 59), category="hvac", channel=Channel.WRITTEN, unit="1-102")
    d.order(r7)
    d.deadline(r7, Clock.RECORD, local(2026, 12, 1, 0, 29, 59), met=local(2026, 12, 1, 0, 1))  # December
    d.deadline(r7, Clock.ARRIVE, local(2026, 11, 30, 12), met=local(2026, 11, 30, 11))

    # R8: a major repair (emergency, a whole building), 120 minutes (an emergency: not a
    # routine job); quick call and service follow-up both done.
    r8 = d.ticket(
        y,
        R,
        local(2026, 11, 20, 19, 30),
        category="lift",
        area="3栋电梯",
        urgency=Urgency.EMERGENCY,
        impact=Impact.BUILDING,
        assignee=t2,
        closed=local(2026, 11, 21, 10),
    )
    d.order(r8, started=local(2026, 11, 20, 20), completed=local(2026, 11, 20, 22), satisfaction=3)
    d.deadline(r8, Clock.RECORD, local(2026, 11, 20, 19, 35), met=local(2026, 11, 20, 19, 50))  # late, unswept
    d.deadline(r8, Clock.ARRIVE, local(2026, 11, 30, 12))  # still running, not breached
    d.followup(
        r8,
        Service.REPAIR,
        local(2026, 11, 21, 23, 59),
        purpose=Q,
        done=local(2026, 11, 21, 9),
        satisfaction=4,
        assignee=desk,
    )
    d.followup(r8, Service.REPAIR, local(2026, 11, 28), done=local(2026, 11, 22, 10), satisfaction=4)

    # R9: a major repair (the whole property), closed; only the quick call was made.
    r9 = d.ticket(
        y,
        R,
        local(2026, 11, 22, 8),
        category="public",
        channel=Channel.PATROL,
        area="小区大门",
        impact=Impact.PROPERTY,
        assignee=t3,
        closed=local(2026, 11, 24, 9),
    )
    d.order(r9, completed=local(2026, 11, 23, 12))
    d.deadline(r9, Clock.RECORD, local(2026, 11, 22, 8, 30), cancelled=True)
    d.followup(
        r9,
        Service.REPAIR,
        local(2026, 11, 24, 23, 59),
        purpose=Q,
        done=local(2026, 11, 24, 10),
        satisfaction=2,
        assignee=desk,
    )
    d.followup(r9, Service.REPAIR, local(2026, 11, 29))

    # R10: the rework of R2's job (blamed on t1, done by t2): 45 minutes, free.
    r10 = d.ticket(y, R, local(2026, 11, 20, 13), category="plumbing", unit="3-1202", assignee=t2)
    d.order(r10, started=local(2026, 11, 20, 14, 15), completed=local(2026, 11, 20, 15), satisfaction=5, rework_of=o2)
    d.deadline(r10, Clock.RECORD, local(2026, 11, 30, 13))  # still running
    d.deadline(r10, Clock.REPORT_BACK, local(2026, 11, 20, 16), met=local(2026, 11, 20, 15, 30))

    # Rdec: the first instant of December.
    d.ticket(y, R, local(2026, 12, 1), category="plumbing", unit="1-102")

    # Complaints, help requests, a consultation.
    c1 = d.ticket(y, C, local(2026, 11, 4, 10), unit="1-101")
    d.deadline(c1, Clock.NOTIFY, local(2026, 11, 4, 10, 15), cancelled=True)
    d.deadline(c1, Clock.ANSWER, local(2026, 11, 4, 12), met=local(2026, 11, 4, 11))
    d.deadline(c1, Clock.RESOLVE, local(2026, 11, 6, 12), cancelled=True)
    d.followup(c1, Service.COMPLAINT, local(2026, 11, 10), done=local(2026, 11, 10, 9), satisfaction=5, assignee=desk)
    c2 = d.ticket(y, C, local(2026, 11, 9, 10), channel=Channel.WALK_IN, unit="2-801")
    d.deadline(c2, Clock.ANSWER, local(2026, 11, 9, 12), met=local(2026, 11, 9, 12))  # exactly on time
    d.deadline(c2, Clock.RESOLVE, local(2026, 11, 11, 12), breached=True)
    d.followup(c2, Service.COMPLAINT, local(2026, 11, 15), done=local(2026, 11, 12, 9), satisfaction=1, assignee=desk)
    c3 = d.ticket(y, C, local(2026, 11, 16, 10), channel=Channel.ONLINE, unit="3-1202")
    d.deadline(c3, Clock.ANSWER, local(2026, 11, 16, 12), met=local(2026, 11, 16, 13))
    d.followup(c3, Service.COMPLAINT, local(2026, 11, 22), attempts=2)
    h1 = d.ticket(y, H, local(2026, 11, 7, 10), unit="3-1201")
    d.followup(h1, Service.HELP, local(2026, 11, 14), done=local(2026, 11, 8, 10), satisfaction=4)
    h2 = d.ticket(y, H, local(2026, 11, 19, 10), unit="3-1201")
    d.followup(h2, Service.MEDICAL, local(2026, 11, 26))
    d.ticket(y, assistance.kind.CONSULTATION, local(2026, 11, 21, 10), channel=Channel.WRITTEN, unit="2-801")

    # For the 12-month trend: its first instant, a second before it, and June.
    d.ticket(y, assistance.kind.CONSULTATION, local(2025, 12, 1))
    d.ticket(y, C, local(2025, 11, 30, 23, 59, 59))
    d.ticket(y, assistance.kind.SUGGESTION, local(2026, 6, 15, 10))

    # WLBG: two repairs at A-101 (one paid, 90 minutes, unhappy) and a complaint.
    w1 = d.ticket(w, R, local(2026, 11, 10, 9), category="plumbing", unit="A-101", assignee=wt1)
    ow1 = d.order(w1, started=local(2026, 11, 10, 10), completed=local(2026, 11, 10, 11, 30), paid=True, satisfaction=1)
    d.item(ow1, "100")
    d.deadline(w1, Clock.RECORD, local(2026, 11, 10, 9, 30), met=local(2026, 11, 10, 9, 5))
    d.deadline(w1, Clock.ARRIVE, local(2026, 11, 10, 9, 45), breached=True)
    w2 = d.ticket(w, R, local(2026, 11, 11, 9), category="plumbing", channel=Channel.ONLINE, unit="A-101", assignee=wt1)
    d.order(w2, completed=local(2026, 11, 11, 15))
    w3 = d.ticket(w, C, local(2026, 11, 12, 9), unit="A-102")
    d.followup(w3, Service.COMPLAINT, local(2026, 11, 25), done=local(2026, 11, 20, 9), satisfaction=3)


# --- What the pack must say -----------------------------------------------------------------

REPAIR, COMPLAINT, HELP, CONSULTATION = "repair request", "complaint", "help request", "consultation"
DASH = "—"


def expected_ygjy(names: dict[str, str]) -> dict[str, list[list[Any]]]:
    t1, t2, t3 = names["ygjy-tech1"], names["ygjy-tech2"], names["ygjy-tech3"]
    return {
        "by_category": [
            [COMPLAINT, DASH, 3],
            [CONSULTATION, DASH, 1],
            [HELP, DASH, 2],
            [REPAIR, "给排水", 4],
            [REPAIR, "电气", 2],
            [REPAIR, "公共设施", 1],
            [REPAIR, "电梯", 1],
            [REPAIR, "空调暖通", 1],
            [REPAIR, "门窗", 1],
        ],
        "by_channel": [
            [COMPLAINT, "online", 1],
            [COMPLAINT, "phone", 1],
            [COMPLAINT, "walk-in", 1],
            [CONSULTATION, "written", 1],
            [HELP, "phone", 2],
            [REPAIR, "phone", 5],
            [REPAIR, "online", 2],
            [REPAIR, "patrol", 1],
            [REPAIR, "walk-in", 1],
            [REPAIR, "written", 1],
        ],
        "on_time": [
            ["record the request", 6, 3, 3, 50.0, 100.0],
            ["notify the team", 2, 2, 0, 100.0, 100.0],
            ["arrive on site", 4, 3, 1, 75.0, 100.0],
            ["report the result back", 2, 1, 1, 50.0, 100.0],
            ["a clear answer to the customer", 3, 2, 1, 66.7, 100.0],
            ["resolved", 1, 0, 1, 0.0, 100.0],
        ],
        "follow_up": [
            ["complaint", 3, 2, 66.7, 100],
            ["help request", 1, 1, 100.0, 80],
            ["medical emergency", 1, 0, 0.0, 80],
            ["repair", 4, 2, 50.0, 80],
        ],
        "satisfaction": [["sign-off", 6, 4.0, 1], ["follow-up", 8, 3.75, 2]],
        "paid": [["paid", 3, Decimal("309.56")], ["free", 5, Decimal("0.00")]],
        "working_time": [[4, 1, 25.0]],
        "top_categories": [["给排水", 4], ["电气", 2], ["公共设施", 1], ["电梯", 1], ["空调暖通", 1]],
        "repeat_units": [["3-1202", 4], ["2-801", 2]],
        "technicians": [[t2, 4, 0, 66.7, 3.33], [t1, 3, 1, 50.0, 4.67], [t3, 1, 0, None, None]],
        # c1 was called on the 10th at 9:00, after its window closed at midnight.
        "surveys": [],  # see test_the_pack_lists_the_surveys_closed_in_the_month
        "follow_up_staff": [
            ["unassigned", 6, 3, 3, 3, 2, 50.0, 4.33],
            [names["ygjy-agent"], 4, 4, 3, 0, 0, 75.0, 3.0],
        ],
        "trend": trend({"2025-12": [0, 0, 0, 1, 0], "2026-06": [0, 0, 0, 0, 1], "2026-10": [1, 0, 0, 0, 0]})
        + [["2026-11", 10, 3, 2, 1, 0]],
    }


def expected_company(names: dict[str, str]) -> dict[str, list[list[Any]]]:
    t1, t2, t3, w1 = (names[u] for u in ("ygjy-tech1", "ygjy-tech2", "ygjy-tech3", "wlbg-tech1"))
    return {
        "by_category": [
            [COMPLAINT, DASH, 4],
            [CONSULTATION, DASH, 1],
            [HELP, DASH, 2],
            [REPAIR, "给排水", 6],
            [REPAIR, "电气", 2],
            [REPAIR, "公共设施", 1],
            [REPAIR, "电梯", 1],
            [REPAIR, "空调暖通", 1],
            [REPAIR, "门窗", 1],
        ],
        "by_channel": [
            [COMPLAINT, "phone", 2],
            [COMPLAINT, "online", 1],
            [COMPLAINT, "walk-in", 1],
            [CONSULTATION, "written", 1],
            [HELP, "phone", 2],
            [REPAIR, "phone", 6],
            [REPAIR, "online", 3],
            [REPAIR, "patrol", 1],
            [REPAIR, "walk-in", 1],
            [REPAIR, "written", 1],
        ],
        "on_time": [
            ["record the request", 7, 4, 3, 57.1, 100.0],
            ["notify the team", 2, 2, 0, 100.0, 100.0],
            ["arrive on site", 5, 3, 2, 60.0, 100.0],
            ["report the result back", 2, 1, 1, 50.0, 100.0],
            ["a clear answer to the customer", 3, 2, 1, 66.7, 100.0],
            ["resolved", 1, 0, 1, 0.0, 100.0],
        ],
        "follow_up": [
            ["complaint", 4, 3, 75.0, 100],
            ["help request", 1, 1, 100.0, 80],
            ["medical emergency", 1, 0, 0.0, 80],
            ["repair", 4, 2, 50.0, 80],
        ],
        "satisfaction": [["sign-off", 7, 3.57, 2], ["follow-up", 9, 3.67, 2]],
        "paid": [["paid", 4, Decimal("409.56")], ["free", 6, Decimal("0.00")]],
        "working_time": [[5, 2, 40.0]],
        "top_categories": [["给排水", 6], ["电气", 2], ["公共设施", 1], ["电梯", 1], ["空调暖通", 1]],
        # Company-wide, a unit goes with its property's code: labels repeat across properties.
        "repeat_units": [["YGJY 3-1202", 4], ["WLBG A-101", 2], ["YGJY 2-801", 2]],
        "technicians": [
            [t2, 4, 0, 66.7, 3.33],
            [t1, 3, 1, 50.0, 4.67],
            [w1, 2, 0, 0.0, 1.0],
            [t3, 1, 0, None, None],
        ],
        "surveys": [],  # see test_the_pack_lists_the_surveys_closed_in_the_month
        "follow_up_staff": [
            ["unassigned", 7, 4, 4, 3, 2, 57.1, 4.0],
            [names["ygjy-agent"], 4, 4, 3, 0, 0, 75.0, 3.0],
        ],
        "trend": trend({"2025-12": [0, 0, 0, 1, 0], "2026-06": [0, 0, 0, 0, 1], "2026-10": [1, 0, 0, 0, 0]})
        + [["2026-11", 12, 4, 2, 1, 0]],
    }


def trend(counts: dict[str, list[int]]) -> list[list[Any]]:
    """December 2025 to October 2026 (November is added by the caller)."""
    months = ["2025-12"] + [f"2026-{m:02d}" for m in range(1, 11)]
    return [[m, *counts.get(m, [0, 0, 0, 0, 0])] for m in months]


REWORK = {"ygjy": ["rework rate", 1, 10, 10.0, 1.0], "all": ["rework rate", 1, 12, 8.3, 1.0]}
# Major repairs closed in November: Roct (followed up), R8 (followed up; it also had a
# quick call) and R9 (only a quick call, the service follow-up still planned).
MAJOR = {
    "ygjy": ["major repairs followed up", 2, 3, 66.7, 100.0],
    "all": ["major repairs followed up", 2, 3, 66.7, 100.0],
}
FIGURE_KEYS = [k for k in KEYS if k != "quality"]


# --- Fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def dataset(estate: None) -> None:
    build()


@pytest.fixture
def names(estate: None) -> dict[str, str]:
    return {u.username: str(u) for u in User.objects.filter(username__regex=r"-(tech|agent)")}


def ygjy_pack() -> MonthlyPack:
    prop = Property.objects.get(code="YGJY")
    return monthly_pack(property_ids=[prop.pk], scope=prop.name, month=MONTH, time_zone="Asia/Shanghai")


def company_pack() -> MonthlyPack:
    ids = list(Property.objects.order_by("id").values_list("id", flat=True))
    return monthly_pack(property_ids=ids, scope="长沙友元物业", month=MONTH, time_zone="Asia/Shanghai")


@pytest.fixture
def packs(dataset: None) -> dict[str, MonthlyPack]:
    """The two packs with English labels (the msgids), so the rows read as written above."""
    with translation.override("en"):
        return {"ygjy": ygjy_pack(), "all": company_pack()}


def expected(scope: str, names: dict[str, str]) -> dict[str, list[list[Any]]]:
    return expected_ygjy(names) if scope == "ygjy" else expected_company(names)


# --- The figures ------------------------------------------------------------------------------


def test_the_pack_has_its_tables_in_order(packs):
    for pack in packs.values():
        assert [t.key for t in pack.tables] == KEYS
        assert pack.month == MONTH
        for table in pack.tables:
            assert table.title and table.headers
            assert all(len(row) == len(table.headers) for row in table.rows), table.key
    assert packs["ygjy"].scope == "阳光嘉园小区"
    assert packs["ygjy"].table("on_time").headers == [
        "promise",
        "due",
        "kept",
        "missed",
        "on-time rate (%)",
        "target (%)",
    ]
    assert packs["ygjy"].table("working_time").headers == ["routine jobs", "over 60 minutes", "share (%)"]
    assert packs["ygjy"].table("trend").headers == [
        "month",
        REPAIR,
        COMPLAINT,
        HELP,
        CONSULTATION,
        "suggestion",
    ]


@pytest.mark.parametrize("scope", ["ygjy", "all"])
@pytest.mark.parametrize("key", FIGURE_KEYS)
def test_each_figure_against_the_hand_built_data(packs, names, scope, key):
    """R8.1/R8.2: every row of every table, for the property and for the whole company
    (which adds WLBG's rows), equals the figure known by construction."""
    assert packs[scope].table(key).rows == expected(scope, names)[key]


@pytest.mark.parametrize("scope", ["ygjy", "all"])
def test_rework_rate_against_the_target(packs, scope):
    """R2.20: reworks among the repairs reported in the month, against at most 1 %."""
    assert packs[scope].table("quality").rows[0] == REWORK[scope]


@pytest.mark.parametrize("scope", ["ygjy", "all"])
def test_major_repairs_followed_up_counts_each_repair_once(packs, scope):
    """R2.20: every major repair (an emergency, or beyond one household) closed in the month
    is called back; a repair with a quick call and a service follow-up is still one repair."""
    assert packs[scope].table("quality").rows[1] == MAJOR[scope]


def test_company_wide_repeat_units_keep_units_of_different_properties_apart(estate):
    """Two estates may both have a unit 1-102; one repair at each is no repeated repair."""
    d = Rows()
    tower = Unit.objects.filter(property=d.wlbg).first()
    assert tower is not None
    Unit.objects.create(property=d.wlbg, building_id=tower.building_id, code="102", label="1-102", floor=1)
    d.ticket(d.ygjy, repairs.kind.REPAIR, local(2026, 11, 5, 9), category="plumbing", unit="1-102")
    d.ticket(d.wlbg, repairs.kind.REPAIR, local(2026, 11, 6, 9), category="plumbing", unit="1-102")
    with translation.override("en"):
        assert ygjy_pack().table("repeat_units").rows == []
        assert company_pack().table("repeat_units").rows == []


def test_a_technician_whose_job_was_reworked_is_listed(estate, names):
    """R8.2: the rework counted in the quality table is charged to the technician of the
    original job, even when that technician completed nothing else this month."""
    d = Rows()
    t1, t3 = (User.objects.get(username=u) for u in ("ygjy-tech1", "ygjy-tech3"))
    old = d.ticket(
        d.ygjy, repairs.kind.REPAIR, local(2026, 10, 20, 9), unit="1-101", assignee=t3, closed=local(2026, 10, 21, 9)
    )
    first = d.order(old, completed=local(2026, 10, 20, 11), satisfaction=5)
    redo = d.ticket(d.ygjy, repairs.kind.REPAIR, local(2026, 11, 5, 9), unit="1-101", assignee=t1)
    d.order(redo, rework_of=first)  # not completed yet
    with translation.override("en"):
        pack = ygjy_pack()
    assert pack.table("quality").rows[0] == ["rework rate", 1, 1, 100.0, 1.0]
    assert pack.table("technicians").rows == [[names["ygjy-tech3"], 0, 1, None, None]]


def test_revenue_is_exact_to_the_cent(packs):
    """R8.1 (工程报修[免费]统计表): a Decimal, removed and rejected items and free jobs left out."""
    revenue = packs["ygjy"].table("paid").rows[0][2]
    assert isinstance(revenue, Decimal)
    assert str(revenue) == "309.56"


def test_the_charts_are_the_tables_figures(packs, names):
    charts = packs["ygjy"].charts
    figures = expected_ygjy(names)
    assert charts["on_time"] == [[r[0], r[4]] for r in figures["on_time"]]
    assert charts["categories"] == figures["top_categories"]
    assert charts["technicians"] == [[r[0], r[1], r[3]] for r in figures["technicians"]]
    assert charts["trend"]["months"][0] == "2025-12"
    assert charts["trend"]["months"][-1] == "2026-11"
    assert charts["trend"]["series"][REPAIR][-2:] == [1, 10]
    assert charts["trend"]["series"][CONSULTATION][0] == 1


def test_follow_up_target_is_the_propertys_policy(dataset):
    """R6.2: a property may set its own coverage; the company-wide pack keeps RULES' defaults."""
    ygjy = Property.objects.get(code="YGJY")
    FollowUpPolicy.objects.create(
        property=ygjy, service=Service.REPAIR, window_from_days=30, window_to_days=60, coverage_percent=90
    )
    with translation.override("en"):
        assert ygjy_pack().table("follow_up").rows[-1] == ["repair", 4, 2, 50.0, 90]
        assert company_pack().table("follow_up").rows[-1] == ["repair", 4, 2, 50.0, 80]


def test_an_empty_month_has_no_rates(estate):
    """No data: counts are zero and rates empty (None), never a division by zero."""
    with translation.override("en"):
        pack = ygjy_pack()
    assert pack.table("by_category").rows == []
    assert pack.table("on_time").rows == []
    assert pack.table("quality").rows == [
        ["rework rate", 0, 0, None, 1.0],
        ["major repairs followed up", 0, 0, None, 100.0],
    ]
    assert pack.table("satisfaction").rows == [["sign-off", 0, None, 0], ["follow-up", 0, None, 0]]
    assert pack.table("paid").rows == [["paid", 0, Decimal("0.00")], ["free", 0, Decimal("0.00")]]
    assert pack.table("working_time").rows == [[0, 0, None]]
    assert pack.table("technicians").rows == []
    assert [r[1:] for r in pack.table("trend").rows] == [[0, 0, 0, 0, 0]] * 12


def test_queries_do_not_grow_with_the_data(estate):
    """Each figure is an aggregate query: doubling the data set keeps the number of queries."""
    build()
    with CaptureQueriesContext(connection) as once:
        single = ygjy_pack()
    build()
    with CaptureQueriesContext(connection) as twice:
        double = ygjy_pack()
    assert len(twice.captured_queries) == len(once.captured_queries) <= 30
    assert double.table("paid").rows[0][1:] == [6, Decimal("619.12")]
    assert double.table("by_category").rows[3] == [single.table("by_category").rows[3][0], "给排水", 8]


# --- The Excel workbook, the PDF, the dashboard ----------------------------------------------


def cells(value: Any) -> Any:
    """A figure as a cell compares: money (a Decimal live, its exact text when kept) as a number."""
    if value is None or value == "":
        return ""
    if isinstance(value, str) and value.replace(".", "", 1).isdigit() and "." in value:
        return float(value)
    return float(value) if isinstance(value, Decimal) else value


def test_the_workbook_has_one_sheet_per_table_with_the_selectors_rows(dataset):
    """Excel (R8.1): a sheet per table, a title line, the headers in the default language
    (Chinese), then exactly the selector's rows."""
    with translation.override("zh-hans"):
        pack = ygjy_pack()
        book = load_workbook(io.BytesIO(pack_xlsx(pack)))
    assert len(book.worksheets) == len(pack.tables) == len(KEYS)
    for sheet, table in zip(book.worksheets, pack.tables, strict=True):
        values = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert sheet.title == table.title[:31]
        assert values[0][0] == f"阳光嘉园小区 · {MONTH} · {table.title}"
        assert values[1] == table.headers
        assert [[cells(v) for v in r] for r in values[2:]] == [[cells(v) for v in r] for r in table.rows], table.key


CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_workbook_headers_are_chinese(dataset):
    """The issue: Chinese headers in the workbook. Every sheet title and header reads in Chinese."""
    with translation.override("zh-hans"):
        pack = ygjy_pack()
        book = load_workbook(io.BytesIO(pack_xlsx(pack)))
    english = [t.title for t in pack.tables if not CJK.search(t.title)]
    english += [h for t in pack.tables for h in t.headers if not CJK.search(h)]
    assert english == []
    for sheet in book.worksheets:
        assert CJK.search(sheet.title), sheet.title
        assert all(CJK.search(str(h)) for h in next(sheet.iter_rows(min_row=2, max_row=2, values_only=True)))


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in reader.pages))


def test_the_pdf_holds_every_table_and_its_figures(dataset, names):
    with translation.override("zh-hans"):
        pack = ygjy_pack()
        pdf = pack_pdf(pack)
    assert pdf.startswith(b"%PDF")
    text = text_of(pdf)
    assert "阳光嘉园小区" in text
    for table in pack.tables:
        assert re.sub(r"\s+", "", table.title) in text, table.title
    for figure in ("309.56", "3-1202", "给排水", "66.7", "3.75", names["ygjy-tech2"], "2026-11"):
        assert figure in text, figure


def table_cells(page: str, key: str) -> list[list[str]]:
    section = re.search(rf'<section class="card report-table" id="t-{key}">(.*?)</section>', page, re.S)
    assert section, key
    body = section.group(1).split("<tbody>", 1)[1]
    return [
        [html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_the_dashboard_shows_the_same_numbers_and_embeds_the_charts(dataset):
    """The dashboard renders the one selector's pack: each table's cells, and the chart data."""
    response = login("ygjy-manager").get(f"/reports/YGJY/{MONTH}/")
    assert response.status_code == 200
    page = response.content.decode()
    with translation.override("zh-hans"):
        pack = ygjy_pack()
    for table in pack.tables:
        shown = table_cells(page, table.key)
        if table.rows:
            assert shown == [[DASH if v is None else str(v) for v in row] for row in table.rows], table.key
        else:
            assert shown == [[DASH]], table.key
    charts = re.search(r'<script id="pack-charts" type="application/json">(.*?)</script>', page, re.S)
    assert charts
    assert json.loads(charts.group(1)) == pack_to_json(pack)["charts"]
    assert "309.56" in page and "3-1202" in page


def test_the_dashboard_downloads_the_same_workbook_and_pdf(dataset):
    manager = login("ygjy-manager")
    xlsx = manager.get(f"/reports/YGJY/{MONTH}/", {"format": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"] == f'attachment; filename="YGJY-{MONTH}.xlsx"'
    with translation.override("zh-hans"):
        pack = ygjy_pack()
    book = load_workbook(io.BytesIO(xlsx.content))
    paid = [list(r) for r in book.worksheets[6].iter_rows(values_only=True)][2:]
    assert [[cells(v) for v in r] for r in paid] == [[cells(v) for v in r] for r in pack.table("paid").rows]
    pdf = manager.get(f"/reports/YGJY/{MONTH}/", {"format": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "309.56" in text_of(pdf.content)


def test_leadership_sees_the_company_wide_pack(dataset):
    response = login("leader").get(f"/reports/all/{MONTH}/")
    assert response.status_code == 200
    page = response.content.decode()
    with translation.override("zh-hans"):
        pack = company_pack()
    assert table_cells(page, "paid")[0][1:] == ["4", "409.56"]
    assert table_cells(page, "repeat_units") == [["YGJY 3-1202", "4"], ["WLBG A-101", "2"], ["YGJY 2-801", "2"]]
    assert table_cells(page, "technicians") == [
        [DASH if v is None else str(v) for v in r] for r in pack.table("technicians").rows
    ]


# --- Kept packs and the 30th ------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_generated_pack_is_kept_with_its_files_and_read_back(dataset, media):
    company = Company.objects.get()
    ygjy = Property.objects.get(code="YGJY")
    with translation.override("zh-hans"):
        live = ygjy_pack()
        row = pack_generate(company=company, prop=ygjy, month=MONTH)
    assert (row.property, row.month) == (ygjy, MONTH)
    assert str(row.xlsx.name).endswith(".xlsx") and str(row.pdf.name).endswith(".pdf")
    with row.xlsx.open("rb") as f:
        assert len(load_workbook(f).worksheets) == len(KEYS)
    with row.pdf.open("rb") as f:
        assert f.read(4) == b"%PDF"
    kept = pack_for(company, ygjy, MONTH)
    assert pack_to_json(kept) == pack_to_json(live)
    for key in KEYS:
        assert [[cells(v) for v in r] for r in kept.table(key).rows] == [
            [cells(v) for v in r] for r in live.table(key).rows
        ], key
    assert pack_from_json(pack_to_json(live)).table("paid").rows[0][2] == "309.56"  # to the cent

    # Kept means kept: later data changes the live figures, not the kept pack.
    Ticket.objects.filter(number__startswith="RPT", property=ygjy, kind=assistance.kind.CONSULTATION).update(
        kind=complaints.kind.COMPLAINT
    )
    assert pack_to_json(pack_for(company, ygjy, MONTH)) == pack_to_json(live)
    assert pack_to_json(ygjy_pack()) != pack_to_json(live)

    # A rerun replaces the row; the company-wide pack is a second row.
    pack_generate(company=company, prop=ygjy, month=MONTH)
    pack_generate(company=company, prop=None, month=MONTH)
    assert ReportPack.objects.filter(month=MONTH).count() == 2


def test_kept_files_are_offered_on_the_dashboard_to_readers_only(dataset, media):
    company = Company.objects.get()
    ygjy = Property.objects.get(code="YGJY")
    row = pack_generate(company=company, prop=ygjy, month=MONTH)
    manager = login("ygjy-manager")
    page = manager.get(f"/reports/YGJY/{MONTH}/").content.decode()
    assert f"/reports/kept/{row.pk}/xlsx/" in page
    download = manager.get(f"/reports/kept/{row.pk}/xlsx/")
    assert download.status_code == 200
    assert len(load_workbook(io.BytesIO(download.getvalue())).worksheets) == len(KEYS)
    assert login("ygjy-agent").get(f"/reports/kept/{row.pk}/pdf/").status_code == 403
    assert login("wlbg-manager").get(f"/reports/kept/{row.pk}/pdf/").status_code == 404


@pytest.mark.parametrize(
    "day, due",
    [
        (datetime.date(2026, 11, 30), True),
        (datetime.date(2026, 11, 29), False),
        (datetime.date(2026, 12, 1), False),
        (datetime.date(2026, 12, 30), True),
        (datetime.date(2026, 12, 31), False),
        (datetime.date(2027, 1, 30), True),
        (datetime.date(2027, 2, 27), False),
        (datetime.date(2027, 2, 28), True),
        (datetime.date(2028, 2, 28), False),
        (datetime.date(2028, 2, 29), True),
        (datetime.date(2027, 4, 30), True),
    ],
)
def test_the_report_day_is_the_30th_or_the_end_of_february(day, due):
    assert is_report_day(day) is due


@pytest.mark.parametrize(
    "day, month",
    [
        (datetime.date(2026, 11, 30), "2026-10"),
        (datetime.date(2027, 1, 30), "2026-12"),
        (datetime.date(2027, 2, 28), "2027-01"),
        (datetime.date(2028, 3, 30), "2028-02"),
    ],
)
def test_the_report_is_for_the_previous_month(day, month):
    assert previous_month(day) == month


def test_packs_are_generated_due_on_the_30th_for_last_month(dataset, media, monkeypatch):
    """R8.1 'by the 30th': every property's pack and the company's, of the previous month."""
    import reports.services

    monkeypatch.setattr(reports.services, "pack_pdf", lambda pack: b"%PDF-1.7 stub")
    assert packs_generate_due(today=datetime.date(2026, 11, 29)) == 0
    assert packs_generate_due(today=datetime.date(2026, 12, 31)) == 0
    assert not ReportPack.objects.exists()
    assert packs_generate_due(today=datetime.date(2026, 11, 30)) == 3
    kept = {(r.property.code if r.property else None): r for r in ReportPack.objects.select_related("property")}
    assert set(kept) == {"YGJY", "WLBG", None}
    assert {r.month for r in kept.values()} == {"2026-10"}
    # October at YGJY: one repair (Oct 31 23:30 local); at WLBG none.
    trend = {r[0]: r[1:] for r in pack_from_json(kept["YGJY"].figures).table("trend").rows}
    assert trend["2026-10"] == [1, 0, 0, 0, 0]
    assert pack_from_json(kept["WLBG"].figures).table("by_category").rows == []
    assert packs_generate_due(today=datetime.date(2027, 2, 28)) == 3
    assert ReportPack.objects.filter(month="2027-01").count() == 3


# --- Who may read the reports ---------------------------------------------------------------


@pytest.mark.parametrize(
    "username, code, status",
    [
        ("ygjy-agent", "YGJY", 403),
        ("ygjy-tech1", "YGJY", 403),
        ("ygjy-finance", "YGJY", 403),
        ("resident", "YGJY", 403),
        ("wlbg-agent", "YGJY", 403),
        ("wlbg-manager", "YGJY", 404),
        ("wlbg-supervisor", "YGJY", 404),
        ("ygjy-manager", "all", 403),
        ("ygjy-supervisor", "all", 403),
        ("ygjy-supervisor", "YGJY", 200),
        ("ygjy-engineer", "YGJY", 200),
        ("ygjy-equipment", "YGJY", 200),
        ("ygjy-manager", "YGJY", 200),
        ("leader", "YGJY", 200),
        ("leader", "WLBG", 200),
        ("leader", "all", 200),
    ],
)
def test_who_may_read_the_monthly_reports(estate, username, code, status):
    """Supervisors, the manager and leadership read; agents and technicians do not; staff
    of another property do not see this one; only leadership sees the whole company."""
    client = login(username)
    assert client.get(f"/reports/{code}/{MONTH}/").status_code == status
    assert client.get(f"/reports/{code}/{MONTH}/", {"format": "xlsx"}).status_code == status


def test_anonymous_is_sent_to_log_in_and_a_bad_month_is_not_found(estate):
    from django.test import Client

    assert Client().get(f"/reports/YGJY/{MONTH}/").status_code == 302
    manager = login("ygjy-manager")
    for month in ("2026-13", "2026", "nov-2026", "2026-00"):
        assert manager.get(f"/reports/YGJY/{month}/").status_code == 404, month


def test_the_pack_lists_the_surveys_closed_in_the_month(clock, persona):
    """R8.3: a survey that closed in November is in November's pack with its response rate,
    average and weakest aspect; one closing in December is not."""
    from estates.models import Household
    from surveys.services import survey_answer, survey_open

    ygjy = Property.objects.get(code="YGJY")
    manager, desk = persona("ygjy-manager"), persona("ygjy-agent")
    clock.move_to(local(2026, 11, 16, 9))
    november = survey_open(
        prop=ygjy,
        by=manager,
        title="十一月调查",
        opens_on=datetime.date(2026, 11, 16),
        closes_on=datetime.date(2026, 11, 23),
        aspects=["维修服务", "绿化养护"],
    )
    clock.move_to(local(2026, 11, 23, 9))
    survey_open(
        prop=ygjy,
        by=manager,
        title="十二月调查",
        opens_on=datetime.date(2026, 11, 23),
        closes_on=datetime.date(2026, 12, 1),
        aspects=["维修服务"],
    )
    households = list(Household.objects.filter(property=ygjy).order_by("id")[:2])
    questions = list(november.questions.order_by("position"))
    for household, (repair, green) in zip(households, [(5, 2), (4, 3)], strict=True):
        survey_answer(
            survey=november,
            household=household,
            by=desk,
            scores={questions[0].pk: repair, questions[1].pk: green},
            method="phone",
        )
    asked = Household.objects.filter(property=ygjy).count()
    assert ygjy_pack().table("surveys").rows == [
        [ygjy.name, "十一月调查", "2026-11-23", asked, 2, round(200.0 / asked, 1), 3.5, "绿化养护", 2.5]
    ]


def test_the_dashboard_opens_on_the_month_just_ended_on_the_propertys_calendar(estate):
    """R8.1: without a month the dashboard shows the previous month of the property's own
    calendar: at 23:30 on 30 November in Shanghai it is already 1 December in Tokyo, so a
    property there opens on November (Shanghai's would still be October)."""
    Property.objects.filter(code="YGJY").update(time_zone="Asia/Tokyo")
    with time_machine.travel(datetime.datetime(2026, 11, 30, 23, 30, tzinfo=SHANGHAI), tick=False):
        response = login("ygjy-manager").get("/reports/YGJY/")
    assert response.status_code == 200
    assert response.context["month"] == "2026-11"
