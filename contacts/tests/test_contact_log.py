"""The call/visit log (来电来访记录): every contact is logged whether or not it raises a
matter, and linked to the matters it raised or concerned (R1.6); each day's log has
subtotals per routing tag and per kind (R2.25), exports to Excel, and strikes off what
is done (R2.26)."""

from __future__ import annotations

import datetime
import io
import re
import uuid

import pytest
from django.test import Client
from openpyxl import load_workbook

from conftest import SHANGHAI, T0, intake_post, login, raised_number
from contacts.models import Contact, ContactTicket
from contacts.selectors import daily_log
from estates.models import Property
from tickets.models import Ticket, TicketEvent

DAY = datetime.date(2026, 11, 23)


@pytest.fixture
def desk(clock) -> Client:
    return login("ygjy-agent")


# --- Helpers ------------------------------------------------------------------------------


def counts() -> tuple[int, int, int, int]:
    return Contact.objects.count(), Ticket.objects.count(), ContactTicket.objects.count(), TicketEvent.objects.count()


def subtotals(page: str, attr: str) -> dict[str, int]:
    return {
        code: int(n) for code, n in re.findall(rf'data-{attr}="([^"]*)"><td>[^<]*</td><td class="num">(\d+)<', page)
    }


def log_of(day: datetime.date):
    return daily_log(Property.objects.get(code="YGJY"), day)


# --- R1.6: every contact is logged and linked ------------------------------------------------


def test_a_log_only_contact_is_logged_without_a_ticket(desk, persona):
    """R1.6: a call that raises no matter is still logged in the call/visit log."""
    before = counts()
    r = intake_post(desk, description="询问快递柜位置", channel="walk_in")
    assert r.status_code == 302, r.content.decode()[:2000]
    contact = Contact.objects.get()
    assert r["Location"] == f"/desk/YGJY/log/?day=2026-11-23#c{contact.pk}"
    assert Ticket.objects.count() == before[1]
    assert (contact.at, contact.channel, contact.summary) == (T0, "walk_in", "询问快递柜位置")
    assert ((contact.unit and contact.unit.label), contact.caller_name, contact.phone) == (
        "3-1202",
        "王芳",
        "13800138000",
    )
    assert contact.staff == persona("ygjy-agent") and not contact.tickets.exists()
    assert f'id="c{contact.pk}"' in desk.get(r["Location"]).content.decode()


def test_a_contact_that_raises_a_complaint_is_linked_to_it(desk):
    """R1.6: the contact is linked to the matter it raised."""
    number = raised_number(
        intake_post(desk, kind="complaint", department="security", description="保安夜间巡逻睡觉", severity="minor")
    )
    contact = Contact.objects.get()
    link = ContactTicket.objects.get(contact=contact)
    assert link.raised is True and link.ticket.number == number
    assert link.ticket.kind == "complaint" and link.ticket.complaint.department == "security"
    assert contact.summary == "保安夜间巡逻睡觉" and (contact.unit and contact.unit.label) == "3-1202"


def test_a_contact_about_existing_tickets_links_them_and_adds_to_their_timeline(desk, api, draft):
    """R1.6: a call chasing earlier matters is linked to them, and each timeline shows the contact."""
    first = api("ygjy-agent").post("/tickets", draft()).json()["number"]
    second = api("ygjy-agent").post("/tickets", draft(unit="3-1201")).json()["number"]
    r = intake_post(desk, description="催问维修进度", concerns=f"{first}，{second}")
    assert r.status_code == 302, r.content.decode()[:2000]
    contact = Contact.objects.get()
    links = {link.ticket.number: link.raised for link in ContactTicket.objects.filter(contact=contact)}
    assert links == {first: False, second: False}
    for number in (first, second):
        event = TicketEvent.objects.get(ticket__number=number, action="contact")
        assert event.data == {"contact": contact.pk} and event.note == "催问维修进度" and event.at == T0


def test_a_contact_can_raise_one_ticket_and_concern_another(desk, api, draft):
    """R1.6: raised and concerned links are told apart."""
    old = api("ygjy-agent").post("/tickets", draft()).json()["number"]
    new = raised_number(intake_post(desk, kind="repair", category="electrical", description="插座没电", concerns=old))
    links = {link.ticket.number: link.raised for link in ContactTicket.objects.all()}
    assert links == {old: False, new: True}
    assert not TicketEvent.objects.filter(ticket__number=new, action="contact").exists()


def test_an_unknown_concerned_ticket_is_refused_and_nothing_is_written(clock, api, draft):
    """R1.6: a link to a ticket that does not exist (or is not ours) is an error at the field; the
    contact and the matter it would have raised are not recorded."""
    desk = login("ygjy-agent", lang="en")
    known = api("ygjy-agent").post("/tickets", draft()).json()["number"]
    wlbg = api("wlbg-agent").post("/tickets", draft(property="WLBG", unit="A-101")).json()["number"]
    unknown = "BX-20261123-9999"
    for concerns, missing in ((unknown, unknown), (f"{known} {unknown}", unknown), (wlbg, wlbg)):
        before = counts()
        r = intake_post(desk, kind="repair", category="plumbing", description="漏水", concerns=concerns)
        assert r.status_code == 422
        assert counts() == before
        assert f">No ticket {missing} here.</p>" in r.content.decode()


def test_the_same_form_submitted_twice_logs_once(desk):
    """R1.6: a double click or a resubmitted page logs the contact (and its matter) once."""
    key = uuid.uuid4().hex
    first = raised_number(intake_post(desk, key=key, kind="repair", category="plumbing", description="马桶堵塞"))
    before = counts()
    second = raised_number(intake_post(desk, key=key, kind="repair", category="plumbing", description="马桶堵塞"))
    assert first == second and counts() == before
    key = uuid.uuid4().hex
    intake_post(desk, key=key)
    intake_post(desk, key=key)
    assert Contact.objects.count() == before[0] + 1


# --- R2.25: the day's log with subtotals --------------------------------------------------------


def build_day(clock, desk) -> dict[str, str]:
    """A hand-built day: at 09:00 and on, one contact every 10 minutes."""
    numbers: dict[str, str] = {}

    def at(n: int) -> None:
        clock.move_to(T0 + datetime.timedelta(minutes=10 * n))

    at(0)
    intake_post(desk, description="询问停车费")  # log only
    at(1)
    intake_post(desk, reporter_name="赵六", description="快递柜在哪", channel="walk_in")  # log only
    at(2)
    numbers["own"] = raised_number(intake_post(desk, kind="repair", category="electrical", description="插座没电"))
    at(3)
    numbers["z"] = raised_number(
        intake_post(
            desk, kind="repair", category="plumbing", description="卫生间下水管漏水", route="Z", party_z="ZJ-YG"
        )
    )
    at(4)
    numbers["q"] = raised_number(
        intake_post(desk, kind="repair", category="low_voltage", description="宽带断网", route="Q", party_q="DX-KD")
    )
    at(5)
    numbers["gt"] = raised_number(
        intake_post(desk, kind="complaint", department="management", description="楼上噪音扰民", route="GT")
    )
    at(6)
    numbers["consult"] = raised_number(intake_post(desk, kind="consultation", description="物业费怎么缴"))
    at(7)
    intake_post(desk, description="催问宽带维修", concerns=numbers["q"])  # concerns a Q ticket: tag Q, kind repair
    return numbers


def test_the_daily_log_has_subtotals_per_tag_and_kind(clock, desk):
    """R2.25: each day's log shows subtotals per tag (Z, Q, GT, our own) and per kind,
    contacts that raised nothing counted as 'none'."""
    build_day(clock, desk)
    log = log_of(DAY)
    assert len(log.rows) == 8
    assert {code: n for code, _label, n in log.by_tag} == {"": 4, "Z": 1, "Q": 2, "GT": 1}
    kinds = {code: n for code, _label, n in log.by_kind}
    assert kinds == {"repair": 4, "complaint": 1, "help": 0, "consultation": 1, "suggestion": 0, "none": 2}
    page = desk.get("/desk/YGJY/log/", {"day": "2026-11-23"}).content.decode()
    assert subtotals(page, "tag") == {"": 4, "Z": 1, "Q": 2, "GT": 1}
    assert subtotals(page, "kind") == kinds
    assert '<span class="tag route">GT</span>' in page and '<span class="tag route">Z</span>' in page


def test_the_day_is_the_propertys_local_day(clock, desk):
    """R2.25: a day runs from local midnight to midnight (Asia/Shanghai), not UTC."""
    moments = {
        "前一天最后一刻": datetime.datetime(2026, 11, 22, 23, 59, 59, tzinfo=SHANGHAI),
        "当天零点": datetime.datetime(2026, 11, 23, 0, 0, 0, tzinfo=SHANGHAI),
        "当天上午": datetime.datetime(2026, 11, 23, 7, 59, 0, tzinfo=SHANGHAI),  # 23:59 UTC of the 22nd
        "当天最后一刻": datetime.datetime(2026, 11, 23, 23, 59, 59, tzinfo=SHANGHAI),
        "次日零点": datetime.datetime(2026, 11, 24, 0, 0, 0, tzinfo=SHANGHAI),
    }
    for summary, moment in moments.items():
        clock.move_to(moment)
        assert intake_post(desk, description=summary).status_code == 302
    summaries = {d: [c.summary for c in log_of(d).rows] for d in (DAY - datetime.timedelta(days=1), DAY)}
    assert summaries[DAY - datetime.timedelta(days=1)] == ["前一天最后一刻"]
    assert summaries[DAY] == ["当天零点", "当天上午", "当天最后一刻"]
    assert [c.summary for c in log_of(DAY + datetime.timedelta(days=1)).rows] == ["次日零点"]
    page = desk.get("/desk/YGJY/log/", {"day": "2026-11-23"}).content.decode()
    assert "当天上午" in page and "前一天最后一刻" not in page and "次日零点" not in page
    assert subtotals(page, "kind")["none"] == 3


def test_the_excel_export_has_the_rows_and_the_subtotals(clock, desk):
    """R2.25: the day's log exports to Excel with every row and the subtotals per tag and kind."""
    numbers = build_day(clock, desk)
    r = login("ygjy-agent", lang="en").get("/desk/YGJY/log/", {"day": "2026-11-23", "format": "xlsx"})
    assert r.status_code == 200
    assert r["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="contacts-YGJY-20261123.xlsx"' in r["Content-Disposition"]
    rows = [list(row) for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True)]
    assert rows[1][:3] == ["Time", "Channel", "Caller"]
    body = rows[2:10]
    assert [row[0] for row in body] == [f"09:{m}0" for m in range(6)] + ["10:00", "10:10"]
    assert body[1][2] == "赵六" and body[1][5] == "快递柜在哪"
    tickets_and_tags = [(row[6] or "", row[7] or "") for row in body]  # empty cells read as None
    assert tickets_and_tags == [
        ("", ""),
        ("", ""),
        (numbers["own"], ""),
        (numbers["z"], "Z"),
        (numbers["q"], "Q"),
        (numbers["gt"], "GT"),
        (numbers["consult"], ""),
        (numbers["q"], "Q"),
    ]
    tag_at = next(i for i, row in enumerate(rows) if row[0] == "Subtotals per tag")
    kind_at = next(i for i, row in enumerate(rows) if row[0] == "Subtotals per kind")
    assert {row[0]: row[2] for row in rows[tag_at + 1 : kind_at]} == {"—": 4, "Z": 1, "Q": 2, "GT": 1}
    kinds = {row[1]: row[2] for row in rows[kind_at + 1 :] if row and row[1]}
    assert kinds == {
        "repair request": 4,
        "complaint": 1,
        "help request": 0,
        "consultation": 1,
        "suggestion": 0,
        "no ticket": 2,
    }


# --- R2.26: done items are struck off -------------------------------------------------------------


def test_a_closed_ticket_is_struck_off_in_the_log(clock, desk, api):
    """R2.26: a done item is marked done and struck off; an open one is not."""
    open_number = raised_number(intake_post(desk, kind="repair", category="electrical", description="插座没电"))
    done_number = raised_number(
        intake_post(desk, kind="repair", category="plumbing", description="下水管漏水", route="Z", party_z="ZJ-YG")
    )
    agent = api("ygjy-agent")
    r = agent.act(done_number, "party_update", {"update": "done", "signed_by": "王芳", "customer_told": True})
    assert r.status_code == 200, r.content
    assert agent.act(done_number, "close", {"note": "已回访"}).status_code == 200
    page = login("ygjy-agent", lang="en").get("/desk/YGJY/log/", {"day": "2026-11-23"}).content.decode()
    struck = re.findall(r'<div class="struck"><a href="/t/([^/]+)/">', page)
    assert struck == [done_number]
    assert re.search(rf'<div class="struck"><a href="/t/{done_number}/">.*?· done</div>', page)
    assert re.search(rf'<div><a href="/t/{open_number}/">', page)
    xlsx = login("ygjy-agent", lang="en").get("/desk/YGJY/log/", {"day": "2026-11-23", "format": "xlsx"})
    statuses = {row[6]: row[8] for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True)}
    assert statuses[done_number].endswith("(done)") and "(done)" not in statuses[open_number]


def test_the_log_finds_a_units_or_a_phones_contacts_across_days(clock, api):
    """R1.6: what a caller said before, whenever it was: by the unit in any form or the
    phone's last four digits, on the page and in the API."""
    desk = login("ygjy-agent")
    intake_post(desk, description="第一次来电：询问停水", reporter_phone="13812340001")
    clock.shift(3 * 86400)
    intake_post(desk, description="第二次来电：水还没来", reporter_phone="13812340001")
    intake_post(desk, place="1-101", description="别的住户", reporter_phone="13700000000")
    page = desk.get("/desk/YGJY/log/", {"find": "3栋1202"}).content.decode()
    assert "第一次来电" in page and "第二次来电" in page and "别的住户" not in page
    page = desk.get("/desk/YGJY/log/", {"find": "0001"}).content.decode()
    assert "第一次来电" in page and "别的住户" not in page
    found = api("ygjy-agent").get("/contacts/find", property="YGJY", q="3-1202").json()
    assert [c["summary"] for c in found][:2] == ["第二次来电：水还没来", "第一次来电：询问停水"]
    assert api("ygjy-tech1").get("/contacts/find", property="YGJY", q="3-1202").status_code == 403
    assert 'type="date"' in desk.get("/desk/YGJY/log/").content.decode()
