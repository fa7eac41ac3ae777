"""Bad input through the real API: every mistake gets a clear 4xx (422 for an invalid
value, 403/404/409 where those fit) in the uniform error body of api/errors.py
({"detail", "code", "errors": [{"field", "message"}]}) with a message in the caller's
language, and changes nothing: the rows of Ticket, TicketEvent, Deadline and the work
order tables are counted before and after.

Translations may not be compiled yet, so for callers in the default language (zh-hans)
only the status, the code, the field and a non-empty message are asserted; for callers
with ``Accept-Language: en`` the English message is checked for meaningful words.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone

from promises.models import Deadline
from repairs.models import Quote, WorkOrder, WorkOrderItem
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


# --- helpers -------------------------------------------------------------------------


def row_counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Ticket, TicketEvent, Deadline, WorkOrder, WorkOrderItem, Quote)}


@pytest.fixture
def unchanged(estate) -> Callable[[], None]:
    """Call the returned function after the bad request: it fails if any row appeared."""
    before = row_counts()

    def check() -> None:
        assert row_counts() == before

    return check


def rejected(r, status: int, *, code: str | None = None, field: str | None = None, words: tuple[str, ...] = ()) -> dict:
    """The uniform error body with a non-empty message; ``field`` is named in ``errors``;
    each of ``words`` appears in the message (for English callers)."""
    assert r.status_code == status, (r.status_code, r.content)
    body = r.json()
    assert isinstance(body.get("detail"), str) and body["detail"].strip(), body
    assert body.get("code"), body
    if code:
        assert body["code"] == code, body
    if field is not None:
        fields = [e["field"] for e in body.get("errors") or []]
        assert field in fields, body
        assert all(e["message"].strip() for e in body["errors"]), body
    for word in words:
        assert word.lower() in body["detail"].lower(), (word, body["detail"])
    return body


def iso(delta: datetime.timedelta) -> str:
    return (timezone.now() + delta).isoformat()


LONG = "漏" * 10_000
DAY = datetime.timedelta(days=1)


# --- intake (R2.1) -------------------------------------------------------------------

# (overrides of the draft, field at fault, words of the English message or None for zh-hans)
CREATE_CASES = [
    pytest.param({"unit": "9-9999"}, "unit", ("unit", "9-9999"), id="unknown-unit-en"),
    pytest.param({"unit": "A-101"}, "unit", None, id="unit-of-other-property"),
    pytest.param({"property": "NOPE"}, "property", ("property", "NOPE"), id="unknown-property-en"),
    pytest.param({"property": None}, "property", ("property",), id="missing-property-en"),
    pytest.param({"category": "teleport"}, "category", None, id="unknown-category"),
    pytest.param({"category": "teleport"}, "category", ("category",), id="unknown-category-en"),
    pytest.param({"common_area": "3栋电梯"}, "common_area", None, id="unit-and-common-area"),
    pytest.param({"common_area": "3栋电梯"}, "common_area", ("unit", "common area"), id="unit-and-common-area-en"),
    pytest.param({"unit": None}, "unit", ("unit", "common area"), id="no-location-en"),
    pytest.param({"unit": None, "common_area": ""}, "unit", None, id="no-location-empty-area"),
    pytest.param({"unit": None, "common_area": "火星基地"}, "common_area", ("common area",), id="unknown-area-en"),
    pytest.param({"reporter_phone": "12345"}, "reporter_phone", ("phone", "12345"), id="phone-short-en"),
    pytest.param({"reporter_phone": "1380013800"}, "reporter_phone", None, id="phone-10-digits"),
    pytest.param({"reporter_phone": "abc"}, "reporter_phone", ("phone",), id="phone-letters-en"),
    pytest.param({"reporter_phone": "23800138000"}, "reporter_phone", None, id="phone-bad-prefix"),
    pytest.param({"reporter_phone": "138001380001"}, "reporter_phone", None, id="phone-12-digits"),
    pytest.param({"reporter_phone": "+1 13800138000"}, "reporter_phone", ("phone",), id="phone-foreign-prefix-en"),
    pytest.param({"description": ""}, "description", ("empty",), id="description-empty-en"),
    pytest.param({"description": "   \n\t "}, "description", None, id="description-whitespace"),
    pytest.param({"description": "\u3000\u3000"}, "description", None, id="description-ideographic-space"),
    pytest.param({"description": LONG}, "description", ("too long", "10000"), id="description-10000-en"),
    pytest.param({"reporter_name": "王" * 51}, "reporter_name", ("too long",), id="reporter-name-long-en"),
]


@pytest.mark.parametrize(("over", "field", "words"), CREATE_CASES)
def test_create_rejects_invalid_value(api, draft, unchanged, over, field, words):
    """R2.1 (a complete, valid record: location, category, phone, description), R1.5 (no
    tracking number is spent on a rejected draft): 422 naming the field, nothing stored."""
    desk = api("ygjy-agent", lang="en" if words else "zh-hans")
    rejected(desk.post("/tickets", draft(**over)), 422, code="invalid_input", field=field, words=words or ())
    unchanged()


@pytest.mark.parametrize(
    ("over", "field", "words"),
    [
        pytest.param({"reported_at": iso(DAY)}, "reported_at", ("future",), id="reported-tomorrow-en"),
        pytest.param({"reported_at": iso(datetime.timedelta(minutes=10))}, "reported_at", None, id="reported-in-10m"),
        pytest.param({"appointment_at": iso(-DAY)}, "appointment_at", ("past",), id="appointment-yesterday-en"),
        pytest.param({"appointment_at": iso(-datetime.timedelta(hours=1))}, "appointment_at", None, id="appt-1h-ago"),
    ],
)
def test_create_rejects_impossible_times(api, draft, unchanged, over, field, words):
    """R2.1 (time of report; the customer's requested time), R2.16-R2.17 (the clocks run
    from these times): a report from the future or an appointment in the past is 422."""
    desk = api("ygjy-agent", lang="en" if words else "zh-hans")
    rejected(desk.post("/tickets", draft(**over)), 422, code="invalid_input", field=field, words=words or ())
    unchanged()


def test_create_accepts_times_within_bounds(api, draft):
    """R2.1: a call made an hour ago and an appointment tomorrow are recorded as given
    (the check above is a bound, not a refusal of every time)."""
    r = api("ygjy-agent").post(
        "/tickets", draft(reported_at=iso(-datetime.timedelta(hours=1)), appointment_at=iso(DAY))
    )
    assert r.status_code == 201, r.content
    assert r.json()["appointment_at"] is not None


@pytest.mark.parametrize(
    ("phone", "normalized"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 13800138000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("0731-88888888", "0731-88888888"),
        ("073188888888", "0731-88888888"),
        (" 0731 8888 8888 ", "0731-88888888"),
    ],
)
def test_create_accepts_and_normalizes_valid_phones(api, draft, phone, normalized):
    """R2.1 (contact phone): a mainland mobile or a landline with its area code, written
    the usual ways, is accepted and stored in one normal form."""
    r = api("ygjy-agent").post("/tickets", draft(reporter_phone=phone))
    assert r.status_code == 201, r.content
    assert r.json()["reporter_phone"] == normalized
    number = r.json()["number"]
    assert Ticket.objects.get(number=number).reporter_phone == normalized


@pytest.mark.parametrize(
    ("over", "field", "lang"),
    [
        pytest.param({"urgency": "urgent"}, "urgency", "en", id="urgency-en"),
        pytest.param({"urgency": "urgent"}, "urgency", "zh-hans", id="urgency"),
        pytest.param({"kind": "nonsense"}, "kind", "en", id="kind-en"),
        pytest.param({"impact": "galaxy"}, "impact", "zh-hans", id="impact"),
        pytest.param({"channel": "pigeon"}, "channel", "zh-hans", id="channel"),
        pytest.param({"reported_at": "yesterday"}, "reported_at", "en", id="reported-at-not-a-time-en"),
        pytest.param({"unit": 1202}, "unit", "zh-hans", id="unit-number"),
        pytest.param({"description": ["漏水"]}, "description", "zh-hans", id="description-list"),
    ],
)
def test_create_rejects_wrong_types(api, draft, unchanged, over, field, lang):
    """R2.1, R2.2 (urgency is emergency or routine), R1.2 (a known channel): a value of
    the wrong type or outside the choices is 422 naming the field; in English the
    message says what to give."""
    r = api("ygjy-agent", lang=lang).post("/tickets", draft(**over))
    body = rejected(r, 422, code="invalid_input")
    assert [e["field"] for e in body["errors"]] == [field], body
    if lang == "en":
        assert any(w in body["detail"].lower() for w in ("choose", "give")), body["detail"]
    unchanged()


def test_create_type_error_names_the_field_as_sent(api, draft, unchanged):
    """R2.1 via the uniform error body: ``errors[].field`` names the field the client sent
    (``urgency``), as the services' own errors do (``property``, ``unit``), not the
    server's parameter name."""
    body = rejected(api("ygjy-agent").post("/tickets", draft(urgency="urgent")), 422, code="invalid_input")
    assert [e["field"] for e in body["errors"]] == ["urgency"]
    unchanged()


def test_create_rejects_malformed_json(api, unchanged):
    """Uniform error handling of intake: a body that is not JSON is a 4xx with a message,
    and nothing is stored."""
    r = api("ygjy-agent", lang="en").post("/tickets", '{"kind": "repair", "unit": ')
    assert r.status_code in (400, 422), r.content
    assert r.json()["detail"].strip()
    unchanged()


def test_malformed_json_gets_the_uniform_error_body(api, unchanged):
    """Uniform error body (api/errors.py) in the caller's language for malformed JSON:
    a ``code`` and the message errors.py already has for it ("not valid JSON")."""
    r = api("ygjy-agent", lang="en").post("/tickets", "{not json")
    assert r.status_code in (400, 422), r.content
    rejected(r, r.status_code, words=("json",))
    unchanged()


@pytest.mark.parametrize("body", [[{"property": "YGJY", "unit": "3-1202"}], 123, '"text"'], ids=["list", "int", "str"])
def test_create_body_not_an_object(api, unchanged, body):
    """Uniform error handling of intake: a body that is not a JSON object is told so
    ("Give an object."), as the action endpoint does, not blamed on a missing field."""
    r = api("ygjy-agent", lang="en").post("/tickets", body)
    rejected(r, 422, code="invalid_input", words=("object",))
    unchanged()


def test_create_at_unknown_property_for_resident_is_not_a_leak(api, draft, unchanged):
    """Scoping rule on intake with a bad value: a resident naming an unknown property
    gets 422, one naming another property 403; nothing is stored."""
    resident = api("resident", lang="en")
    rejected(resident.post("/tickets", draft(property="NOPE")), 422, field="property", words=("property",))
    rejected(resident.post("/tickets", draft(property="WLBG", unit="A-101")), 403, code="forbidden")
    unchanged()


# --- actions -------------------------------------------------------------------------


@pytest.fixture
def on_site(api, draft) -> str:
    """A repair at 3-1202 driven to on_site: created by ygjy-agent, dispatched to
    ygjy-tech1, accepted and checked in by ygjy-tech1."""
    desk, tech = api("ygjy-agent"), api("ygjy-tech1")
    r = desk.post("/tickets", draft())
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    assert desk.act(number, "dispatch", {"assignee": "ygjy-tech1"}).status_code == 200
    assert tech.act(number, "accept").status_code == 200
    r = tech.act(number, "arrive")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "on_site"
    return number


def status_and_timeline(api, number: str) -> tuple[str, int]:
    r = api("ygjy-agent").get(f"/tickets/{number}")
    assert r.status_code == 200, r.content
    return r.json()["status"], len(r.json()["timeline"])


CONFIRM_CASES = [
    pytest.param(
        [{"description": "更换进水阀", "labour_fee": "-5"}], "items.0.labour_fee", ("negative",), id="negative-fee-en"
    ),
    pytest.param([{"description": "更换进水阀", "material_fee": "-0.01"}], "items.0.material_fee", None, id="neg-mat"),
    pytest.param(
        [{"description": "更换进水阀", "labour_fee": 1e9}], "items.0.labour_fee", ("1000000000",), id="absurd-fee-en"
    ),
    pytest.param([{"description": "更换进水阀", "service_fee": "1e9"}], "items.0.service_fee", None, id="absurd-str"),
    pytest.param(
        [{"description": "更换进水阀", "labour_fee": "12.345"}], "items.0.labour_fee", ("decimal",), id="3-decimals-en"
    ),
    pytest.param([{"description": "更换进水阀", "labour_fee": "0.001"}], "items.0.labour_fee", None, id="3-decimals"),
    pytest.param([{"item": "ZZ-99"}], "items.0.item", ("catalogue", "ZZ-99"), id="unknown-code-en"),
    pytest.param([{"item": "PL-01", "quantity": 0}], "items.0.quantity", ("quantity",), id="quantity-0-en"),
    pytest.param([{"item": "PL-01", "quantity": "-1"}], "items.0.quantity", None, id="quantity-negative"),
    pytest.param([{"item": "PL-01", "quantity": 100000}], "items.0.quantity", None, id="quantity-absurd"),
    pytest.param([{"description": "   ", "labour_fee": "10"}], "items.0.description", None, id="no-description"),
    pytest.param([], "items", ("item",), id="no-items-en"),
    pytest.param(
        [{"item": "PL-01"}, {"description": "更换进水阀", "labour_fee": "-5"}],
        "items.1.labour_fee",
        None,
        id="second-item-bad",
    ),
]


@pytest.mark.parametrize(("items", "field", "words"), CONFIRM_CASES)
def test_confirm_rejects_bad_items(api, on_site, items, field, words):
    """R2.7 (the technician records the actual items), R2.9 and R8.5 (fees priced from
    the published schedule; an out-of-catalogue fee is a real amount of money: not
    negative, not absurd, at most two decimals), R2.6 (a catalogue code must exist):
    422 naming the item's field; the ticket stays on site and no item, quote, event or
    deadline is written."""
    before_rows, before = row_counts(), status_and_timeline(api, on_site)
    tech = api("ygjy-tech1", lang="en" if words else "zh-hans")
    r = tech.act(on_site, "confirm", {"items": items, "fault_note": "进水阀老化"})
    rejected(r, 422, code="invalid_input", field=field, words=words or ())
    assert row_counts() == before_rows
    assert status_and_timeline(api, on_site) == before


@pytest.mark.parametrize(
    "fee", [pytest.param("NaN", id="nan"), pytest.param("Infinity", id="inf"), pytest.param("abc", id="text")]
)
def test_confirm_rejects_non_numbers(api, on_site, fee):
    """R2.9, R8.5: a fee that is not a finite number is 422 on that fee, nothing written."""
    before_rows, before = row_counts(), status_and_timeline(api, on_site)
    r = api("ygjy-tech1").act(on_site, "confirm", {"items": [{"description": "更换进水阀", "labour_fee": fee}]})
    body = rejected(r, 422, code="invalid_input")
    assert any("labour_fee" in e["field"] for e in body["errors"]), body
    assert row_counts() == before_rows
    assert status_and_timeline(api, on_site) == before


def test_confirm_valid_items_go_through(api, on_site):
    """R2.7, R2.9: the same route with sound items works (so the refusals above are about
    the values): a paid catalogue job awaits the customer's consent with a quote."""
    r = api("ygjy-tech1").act(on_site, "confirm", {"items": [{"item": "PL-01", "quantity": "1"}]})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "awaiting_consent"
    assert r.json()["work_order"]["quotes"][0]["total"] in ("40", "40.00")


@pytest.mark.parametrize(
    ("body", "field", "lang", "words"),
    [
        pytest.param(
            {"reason": "等配件", "promised_at": "past"}, "promised_at", "en", ("past",), id="promised-yesterday-en"
        ),
        pytest.param(
            {"reason": "等配件", "promised_at": "past"}, "promised_at", "zh-hans", (), id="promised-yesterday"
        ),
        pytest.param(
            {"reason": "等配件", "promised_at": "far"}, "promised_at", "en", ("90 days",), id="promised-far-en"
        ),
        pytest.param({"reason": "   ", "promised_at": "soon"}, "reason", "zh-hans", (), id="reason-blank"),
    ],
)
def test_defer_rejects_bad_promise(api, on_site, body, field, lang, words):
    """R2.13 (a job that cannot be done now gets a reason and a promised time the customer
    can hold us to): a promise in the past, more than 90 days ahead, or without a reason
    is 422 and the job is not deferred, no promise clock is started."""
    when = {"past": iso(-DAY), "far": iso(100 * DAY), "soon": iso(DAY)}[body["promised_at"]]
    before_rows, before = row_counts(), status_and_timeline(api, on_site)
    r = api("ygjy-tech1", lang=lang).act(on_site, "defer", {**body, "promised_at": when})
    rejected(r, 422, code="invalid_input", field=field, words=words)
    assert row_counts() == before_rows
    assert status_and_timeline(api, on_site) == before


def test_defer_missing_promised_at(api, on_site):
    """R2.13: a deferral without a promised time is 422 on ``promised_at``."""
    before = status_and_timeline(api, on_site)
    body = rejected(api("ygjy-tech1", lang="en").act(on_site, "defer", {"reason": "等配件"}), 422)
    assert any(e["field"].endswith("promised_at") for e in body["errors"]), body
    assert "required" in body["detail"].lower()
    assert status_and_timeline(api, on_site) == before


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_unknown_action_name(api, on_site, lang):
    """Workflow table (R8.4, every step is a named action): an action that does not exist
    is a 4xx (409 ``unknown_action``) with a message naming it; nothing changes."""
    before_rows, before = row_counts(), status_and_timeline(api, on_site)
    r = api("ygjy-tech1", lang=lang).act(on_site, "teleport", {})
    body = rejected(r, 409, code="unknown_action")
    assert "teleport" in body["detail"]
    if lang == "en":
        assert "no action" in body["detail"].lower()
    assert row_counts() == before_rows
    assert status_and_timeline(api, on_site) == before


def test_unknown_action_on_invisible_ticket_is_404(api, on_site):
    """Scoping rule before anything else: an unknown action on a ticket the caller cannot
    see is 404, so the answer does not reveal that the ticket exists."""
    rejected(api("wlbg-agent").act(on_site, "teleport", {}), 404, code="not_found")
    rejected(api("ygjy-agent").act("BX-19990101-9999", "dispatch", {}), 404, code="not_found")


@pytest.mark.parametrize("body", [[1, 2], '"confirm"', "42"], ids=["list", "string", "number"])
def test_action_body_not_an_object(api, on_site, body):
    """Uniform error body for actions: a body that is not a JSON object is 422 "Give an
    object." and nothing changes."""
    before_rows, before = row_counts(), status_and_timeline(api, on_site)
    r = api("ygjy-tech1", lang="en").post(f"/tickets/{on_site}/actions/confirm", body)
    rejected(r, 422, code="invalid_input", words=("object",))
    assert row_counts() == before_rows
    assert status_and_timeline(api, on_site) == before


def test_action_malformed_json(api, on_site):
    """Uniform error handling for actions: a body that is not JSON is a 4xx with a
    message; nothing changes."""
    before_rows, before = row_counts(), status_and_timeline(api, on_site)
    r = api("ygjy-tech1", lang="en").post(f"/tickets/{on_site}/actions/confirm", '{"items": [')
    assert r.status_code in (400, 422), r.content
    assert r.json()["detail"].strip()
    assert row_counts() == before_rows
    assert status_and_timeline(api, on_site) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"items": "PL-01"}, "items", id="items-not-a-list"),
        pytest.param({"items": [{"item": "PL-01", "quantity": "lots"}]}, "items.0.quantity", id="quantity-text"),
        pytest.param({}, "items", id="items-missing"),
        pytest.param({"items": ["PL-01"]}, "items.0", id="item-not-an-object"),
    ],
)
def test_confirm_rejects_wrong_shapes(api, on_site, body, field):
    """R2.7: the confirm form's types are checked: 422 naming the field, nothing written."""
    before_rows, before = row_counts(), status_and_timeline(api, on_site)
    r = api("ygjy-tech1").act(on_site, "confirm", body)
    body_out = rejected(r, 422, code="invalid_input")
    assert field in [e["field"] for e in body_out["errors"]], body_out
    assert row_counts() == before_rows
    assert status_and_timeline(api, on_site) == before


def test_action_in_wrong_state_is_409(api, on_site):
    """Workflow table: a known action that does not apply now (accept when already on
    site) is 409 with the state in the message, and changes nothing."""
    before_rows, before = row_counts(), status_and_timeline(api, on_site)
    body = rejected(api("ygjy-tech1", lang="en").act(on_site, "accept"), 409, code="illegal_transition")
    assert "on site" in body["detail"]
    assert row_counts() == before_rows
    assert status_and_timeline(api, on_site) == before


def test_dispatch_without_anyone(api, draft, unchanged):
    """R2.4, R2.5 (the service centre notifies a technician or team): a dispatch naming
    nobody, or an unknown technician, is 422 and the ticket stays new."""
    desk = api("ygjy-agent", lang="en")
    r = desk.post("/tickets", draft())
    assert r.status_code == 201
    number = r.json()["number"]
    before_rows = row_counts()
    rejected(desk.act(number, "dispatch", {}), 422, field="assignee", words=("technician",))
    rejected(desk.act(number, "dispatch", {"assignee": "nobody"}), 422, field="assignee", words=("nobody",))
    rejected(desk.act(number, "dispatch", {"assignee": "ygjy-agent2"}), 422, field="assignee")
    rejected(desk.act(number, "dispatch", {"team": 999999}), 422, field="team", words=("team",))
    rejected(desk.act(number, "dispatch", {"team": "water"}), 422, code="invalid_input")
    assert row_counts() == before_rows
    assert status_and_timeline(api, number) == ("new", 1)


def test_nul_characters_are_refused_not_a_server_error(api, draft):
    """PostgreSQL cannot store NUL; the caller gets a 4xx, the pages a 400."""
    from django.test import Client

    from tickets.models import Ticket

    desk = api("ygjy-agent")
    assert desk.post("/tickets", draft(unit="3-1202\x00")).status_code == 422
    assert desk.post("/tickets", draft(description="漏水\x00")).status_code in (201, 422)
    c = Client()
    c.login(username="ygjy-agent", password="demo-2026")
    assert c.get("/desk/YGJY/intake/places/", {"place": "3\x00"}).status_code == 400
    assert c.get("/t/AB%00C/").status_code == 400
    assert all("\x00" not in d for d in Ticket.objects.values_list("description", flat=True))
