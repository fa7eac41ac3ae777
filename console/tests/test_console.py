"""The staff console in a browser's place (Django's test client): login and homes,
scoping, queues, the ticket page and its action forms, CSRF and POST-only actions."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext

from conftest import SHANGHAI, help_draft, login, repair_draft
from estates.models import Property
from followups.models import CorrectiveAction
from tickets.models import Ticket

PASSWORD = "demo-2026"


def record(api, **over) -> str:
    r = api("ygjy-agent").post("/tickets", repair_draft(**over))
    assert r.status_code == 201, r.content
    return r.json()["number"]


def test_login_page_is_chinese_by_default_and_english_on_request(estate):
    assert "登录" in Client().get("/login/").content.decode()
    assert "Log in" in Client(HTTP_ACCEPT_LANGUAGE="en").get("/login/").content.decode()


def test_anonymous_is_sent_to_login_and_the_desk_lands_on_its_queue(estate):
    assert Client().get("/")["Location"].startswith("/login/")
    c = Client()
    r = c.post("/login/", {"username": "ygjy-agent", "password": PASSWORD})
    assert r.status_code == 302
    home = c.get("/")
    assert home["Location"] == "/desk/YGJY/new/"
    assert c.get(home["Location"]).status_code == 200


def test_wrong_password_is_refused_with_a_message(estate):
    r = Client().post("/login/", {"username": "ygjy-agent", "password": "nope"})
    assert r.status_code == 200 and 'role="alert"' in r.content.decode()


def test_residents_are_refused_and_other_property_is_not_found(api):
    number = record(api)
    resident = login("resident")
    assert resident.get("/")["Location"] == "/my/"
    assert resident.get("/desk/YGJY/new/").status_code == 403
    # The ticket's address (the printed QR code) leads a resident to their own page for it.
    assert resident.get(f"/t/{number}/")["Location"] == f"/my/m/{number}/"
    assert resident.get(f"/t/{number}/act/dispatch/").status_code == 405
    assert resident.post(f"/t/{number}/act/dispatch/", {"assignee": "ygjy-tech1"}).status_code == 403
    other = login("wlbg-agent")
    assert other.get("/desk/YGJY/new/").status_code == 404
    assert other.get(f"/t/{number}/").status_code == 404


def test_queue_lists_new_tickets_by_due_time_with_counts(api):
    first = record(api, urgency="emergency", description="水管爆裂")
    second = record(api)
    page = login("ygjy-agent").get("/desk/YGJY/new/").content.decode()
    assert page.index(first) < page.index(second)
    assert 'data-queue="new">2<' in page and 'data-queue="overdue">0<' in page
    assert '<time class="due"' in page


def test_queue_polling_answers_with_the_fragment_only(api):
    record(api)
    r = login("ygjy-agent").get("/desk/YGJY/new/", HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert r.status_code == 200 and body.lstrip().startswith('<div id="queue"') and "<html" not in body


def test_queue_page_queries_do_not_grow_with_the_tickets(api, persona):
    from tickets.schemas import TicketDraft
    from tickets.services import ticket_create

    agent = persona("ygjy-agent")
    c = login("ygjy-agent")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/desk/YGJY/new/").status_code == 200
        return len(ctx.captured_queries)

    for _ in range(10):
        ticket_create(by=agent, draft=TicketDraft(**repair_draft()))
    small = count()
    for _ in range(990):
        ticket_create(by=agent, draft=TicketDraft(**repair_draft()))
    assert Ticket.objects.count() == 1000
    assert count() == small
    page = c.get("/desk/YGJY/new/").content.decode()
    assert page.count('<time class="due"') == 50 and "共 1000 条" in page


def test_dispatch_from_the_ticket_page_suggests_and_assigns(api):
    number = record(api)
    c = login("ygjy-agent")
    page = c.get(f"/t/{number}/").content.decode()
    assert "★" in page and 'name="assignee"' in page
    r = c.post(f"/t/{number}/act/dispatch/", {"assignee": "ygjy-tech1"})
    assert r.status_code == 302
    ticket = Ticket.objects.get(number=number)
    assert ticket.status == "dispatched" and ticket.assignee is not None
    assert ticket.assignee.username == "ygjy-tech1"
    page = c.get(f"/t/{number}/").content.decode()
    assert "派单 → 已派单" in page  # the timeline names the step and the state


def test_a_refused_action_shows_the_error_by_the_field_and_changes_nothing(api):
    number = record(api)
    c = login("ygjy-agent")
    c.post(f"/t/{number}/act/dispatch/", {"assignee": "ygjy-tech1"})
    r = c.post(f"/t/{number}/act/defer/", {"reason": ""})
    assert r.status_code in (403, 409, 422)
    assert Ticket.objects.get(number=number).status == "dispatched"
    tech = login("ygjy-tech1")
    tech.post(f"/t/{number}/act/accept/", {})
    r = tech.post(f"/t/{number}/act/defer/", {"reason": "", "promised_at": ""})
    assert r.status_code == 422
    body = r.content.decode()
    assert 'aria-invalid="true"' in body and "必填" in body
    assert Ticket.objects.get(number=number).status == "accepted"


def test_actions_are_post_only_and_need_the_csrf_token(api):
    number = record(api)
    c = Client(enforce_csrf_checks=True)
    c.login(username="ygjy-agent", password=PASSWORD)
    assert c.get(f"/t/{number}/act/dispatch/").status_code == 405
    assert c.post(f"/t/{number}/act/dispatch/", {"assignee": "ygjy-tech1"}).status_code == 403
    assert Ticket.objects.get(number=number).status == "new"


@pytest.mark.parametrize("username", ["ygjy-night", "ygjy-supervisor"])
def test_night_duty_and_supervisor_see_the_same_queues(api, username):
    """R1.4: after hours the night duty works the same intake and queues."""
    number = record(api)
    assert number in login(username).get("/desk/YGJY/new/").content.decode()


def test_intake_finds_the_unit_by_label_name_or_phone(api, persona):
    from estates.models import Resident

    c = login("ygjy-agent")
    resident = Resident.objects.filter(household__unit__label="3-1202", household__moved_out_on__isnull=True)[0]
    for typed in ("3-1202", "3 1202", resident.name, resident.phone, resident.phone[-4:]):
        body = c.get("/desk/YGJY/intake/places/", {"place": typed}).content.decode()
        assert 'data-unit="3-1202"' in body, typed
    assert "3栋大堂" in c.get("/desk/YGJY/intake/places/", {"place": "大堂"}).content.decode()
    # Another property's units are not offered.
    assert "data-unit" not in c.get("/desk/YGJY/intake/places/", {"place": "A-"}).content.decode()


def test_intake_shows_the_places_recent_tickets_before_saving(api):
    number = record(api)
    body = login("ygjy-agent").get("/desk/YGJY/intake/history/", {"unit": "3-1202"}).content.decode()
    assert number in body
    assert "暂无" in login("ygjy-agent").get("/desk/YGJY/intake/history/", {"unit": "3-1201"}).content.decode()


def test_intake_records_once_even_when_submitted_twice(estate):
    c = login("ygjy-agent")
    form = c.get("/desk/YGJY/intake/").content.decode()
    key = form.split('name="key" value="')[1].split('"')[0]
    post = {
        "key": key,
        "place": "3-1202",
        "unit": "3-1202",
        "category": "plumbing",
        "urgency": "emergency",
        "description": "厨房水管爆裂",
        "reporter_phone": "13800138000",
    }
    first = c.post("/desk/YGJY/intake/", post)
    second = c.post("/desk/YGJY/intake/", post)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    ticket = Ticket.objects.get()
    assert (ticket.urgency, ticket.unit.label if ticket.unit else None) == ("emergency", "3-1202")


def test_intake_errors_stay_by_their_field_and_record_nothing(estate):
    c = login("ygjy-agent")
    r = c.post("/desk/YGJY/intake/", {"key": "k1", "place": "9-9999", "description": "漏水", "reporter_phone": "123"})
    assert r.status_code == 422
    body = r.content.decode()
    assert 'id="place-error"' in body and "9-9999" in body
    assert Ticket.objects.count() == 0
    r = c.post("/desk/YGJY/intake/", {"key": "k2", "place": "3-1202", "description": "漏水", "reporter_phone": "123"})
    assert r.status_code == 422 and 'id="phone-error"' in r.content.decode()
    assert Ticket.objects.count() == 0


def test_dispatch_board_assigns_the_suggested_technician_in_one_click(api):
    numbers = [record(api) for _ in range(3)]
    c = login("ygjy-agent")
    page = c.get("/desk/YGJY/board/").content.decode()
    assert all(n in page for n in numbers) and "★" in page
    suggested = page.split('name="assignee" value="')[1].split('"')[0]
    r = c.post(f"/t/{numbers[0]}/act/dispatch/", {"assignee": suggested, "next": "/desk/YGJY/board/"})
    assert r.status_code == 302 and r["Location"] == "/desk/YGJY/board/"
    ticket = Ticket.objects.get(number=numbers[0])
    assert ticket.status == "dispatched" and ticket.assignee is not None and ticket.assignee.username == suggested
    # An outside address in "next" is not followed.
    r = c.post(f"/t/{numbers[1]}/act/dispatch/", {"assignee": suggested, "next": "https://evil.example/"})
    assert r["Location"].startswith(f"/t/{numbers[1]}/")


def test_dispatch_board_queries_do_not_grow_with_the_waiting_tickets(api):
    c = login("ygjy-agent")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/desk/YGJY/board/").status_code == 200
        return len(ctx.captured_queries)

    record(api)
    small = count()
    for i in range(8):
        record(api, category=["plumbing", "electrical"][i % 2], urgency=["routine", "emergency"][i % 2])
    assert count() == small


def test_the_engineering_supervisor_reviews_an_item_from_the_ticket_page(api):
    """R2.6 in the console: the pending item is offered by name, approved with a form."""
    number = record(api)
    api("ygjy-agent").act(number, "dispatch", {"assignee": "ygjy-tech1"})
    tech = api("ygjy-tech1")
    tech.act(number, "accept")
    tech.act(number, "arrive")
    item = {"description": "定做橱柜门", "labour_fee": "120", "material_fee": "300"}
    item_id = tech.act(number, "confirm", {"items": [item]}).json()["work_order"]["items"][0]["id"]
    c = login("ygjy-engineer")
    page = c.get(f"/t/{number}/").content.decode()
    assert "定做橱柜门" in page and f'name="decisions-0-item_id" value="{item_id}"' in page
    assert 'value="120.00"' in page  # the technician's fee, to correct if need be
    r = c.post(f"/t/{number}/act/review/", {"decisions-0-item_id": str(item_id), "decisions-0-decision": "approve"})
    assert r.status_code == 302, r.content.decode()[-2000:]
    assert Ticket.objects.get(number=number).status == "awaiting_consent"


@pytest.mark.parametrize("username", ["ygjy-tech1", "ygjy-finance", "ygjy-security"])
def test_only_the_desk_searches_residents_and_dispatches(estate, username):
    """Residents' names and phones are for the desk, not every account at the property."""
    c = login(username)
    for url in ("/desk/YGJY/intake/", "/desk/YGJY/intake/places/?place=3-12", "/desk/YGJY/board/"):
        assert c.get(url).status_code == 403, url


def test_a_refused_intake_comes_back_with_a_fresh_key_and_is_not_cached(estate):
    c = login("ygjy-agent")
    form = c.get("/desk/YGJY/intake/")
    assert form["Cache-Control"] == "no-store"
    key = form.content.decode().split('name="key" value="')[1].split('"')[0]
    post = {"key": key, "place": "3-1202", "unit": "3-1202", "description": "漏水", "reporter_phone": "13800138000"}
    assert c.post("/desk/YGJY/intake/", post).status_code == 302
    # Back, edit, submit again with the used key: refused, and the form comes back ready to record.
    r = c.post("/desk/YGJY/intake/", post | {"description": "另一处漏水"})
    assert r.status_code == 422
    fresh = r.content.decode().split('name="key" value="')[1].split('"')[0]
    assert fresh != key
    another = post | {"key": fresh, "description": "另一处漏水", "anyway": "1"}  # not the open leak: a new one
    assert c.post("/desk/YGJY/intake/", another).status_code == 302
    assert Ticket.objects.count() == 2


def test_review_offers_a_row_per_pending_item_and_puts_errors_on_the_right_row(api):
    number = record(api)
    api("ygjy-agent").act(number, "dispatch", {"assignee": "ygjy-tech1"})
    tech = api("ygjy-tech1")
    tech.act(number, "accept")
    tech.act(number, "arrive")
    items = [{"description": f"定做配件{i}", "labour_fee": "10"} for i in range(4)]
    assert tech.act(number, "confirm", {"items": items}).status_code == 200
    c = login("ygjy-engineer")
    page = c.get(f"/t/{number}/").content.decode()
    assert 'name="decisions-3-item_id"' in page  # four pending items, four rows
    ids = [page.split(f'name="decisions-{i}-item_id" value="')[1].split('"')[0] for i in range(4)]
    form = {f"decisions-{i}-item_id": ids[i] for i in range(4)}
    form |= {f"decisions-{i}-decision": "approve" for i in (0, 2, 3)}  # row 1 left undecided
    r = c.post(f"/t/{number}/act/review/", form)
    assert r.status_code == 422 and "error" in r.content.decode()
    assert Ticket.objects.get(number=number).status == "awaiting_review"  # nothing decided


def test_times_typed_in_a_form_are_the_propertys_local_time(api):
    import datetime
    import zoneinfo

    number = record(api)
    api("ygjy-agent").act(number, "dispatch", {"assignee": "ygjy-tech1"})
    api("ygjy-tech1").act(number, "accept")
    from estates.models import Property

    Property.objects.filter(code="YGJY").update(time_zone="Asia/Urumqi")  # UTC+6
    local = (datetime.datetime.now() + datetime.timedelta(days=2)).replace(hour=9, minute=30, second=0, microsecond=0)
    c = login("ygjy-tech1")
    r = c.post(f"/t/{number}/act/defer/", {"reason": "等待配件", "promised_at": local.strftime("%Y-%m-%dT%H:%M")})
    assert r.status_code == 302, r.content.decode()[-1500:]
    promised = Ticket.objects.get(number=number).work_order.promised_at
    assert promised == local.replace(tzinfo=zoneinfo.ZoneInfo("Asia/Urumqi"))


def test_r6_6_a_corrective_action_is_overdue_by_the_propertys_own_calendar(estate, persona):
    """R6.6: the actions page marks an open action whose due day has passed on the
    property's calendar. At 23:30 on the 23rd in Shanghai it is the 24th in Tokyo: an
    action due on the 23rd is overdue there, one due on the 24th is not yet."""
    prop = Property.objects.get(code="YGJY")
    Property.objects.filter(pk=prop.pk).update(time_zone="Asia/Tokyo")
    at = datetime.datetime(2026, 11, 23, 23, 30, tzinfo=SHANGHAI)
    for title, day in (("昨日到期的整改", 23), ("今日到期的整改", 24)):
        CorrectiveAction.objects.create(
            property=prop,
            title=title,
            owner=persona("ygjy-manager"),
            root_cause="原因",
            action="措施",
            due_on=datetime.date(2026, 11, day),
            opened_at=at,
        )
    with time_machine.travel(at, tick=False):
        page = login("ygjy-manager").get("/desk/YGJY/actions/").content.decode()
    rows = {
        title: row for row in page.split("<tr")[1:] for title in ("昨日到期的整改", "今日到期的整改") if title in row
    }
    assert rows["昨日到期的整改"].startswith(' class="emergency"')
    assert not rows["今日到期的整改"].startswith(' class="emergency"')


@pytest.mark.parametrize("kind", ["repair", "complaint", "help"])
def test_each_kinds_queue_shows_its_mark_with_the_same_queries_for_two_rows_or_six(api, kind):
    """A queue reads only what its rows show (the ticket's row columns and the kind's own
    mark: a complaint's severity, a help request's category): the rows and their marks
    are on the page, and six rows cost the queries two cost (nothing read row by row)."""
    from complaints.tests.test_complaints import complaint_draft

    desk, c = api("ygjy-agent"), login("ygjy-agent")
    body = {"repair": repair_draft(), "complaint": complaint_draft("major"), "help": help_draft("medical")}[kind]

    def count() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            r = c.get(f"/desk/YGJY/{kind}/new/")
        assert r.status_code == 200
        return len(ctx.captured_queries), r.content.decode()

    numbers = [desk.post("/tickets", body).json()["number"] for _ in range(2)]
    small, _page = count()
    numbers += [desk.post("/tickets", body).json()["number"] for _ in range(4)]
    many, page = count()
    assert many == small
    assert all(n in page for n in numbers)
    mark = {"repair": None, "complaint": gettext("major"), "help": gettext("medical emergency")}[kind]
    if mark:
        assert page.count(f">{mark}</span>") == 6
