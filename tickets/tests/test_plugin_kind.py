"""A kind of ticket is a plug-in: a kind made up here, outside every app, registers with
the core and is then recorded through the API and at the console's intake, acted on,
listed, counted in its queue and shown on the ticket page, with its own number prefix,
promise clock, labels and options, without a line of the core changed."""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from base.schemas import Input
from conftest import intake_post, login, raised_number, recorded
from people.models import Role
from people.roles import DESK
from promises.models import Clock, Deadline
from promises.policy import Limit, limits_for
from tickets.actions import ActionSpec
from tickets.kinds import FormOptions, TicketKind, kind_for, register, unregister
from tickets.models import Ticket
from tickets.workflow import Queue, Workflow, ticket_transition, transition

LOST = "lost_item"  # 失物招领: a found or lost item brought to the desk


class LostStatus(models.TextChoices):
    KEPT = "kept", "kept at the desk"
    RETURNED = "returned", "returned to its owner"


class ReturnForm(Input):
    owner: str
    shelf: str = ""


def lost_return(*, ticket: Ticket, by: Any, owner: str, shelf: str = "") -> None:
    with transaction.atomic():
        ticket_transition(ticket=ticket, action="give_back", by=by, note=f"{owner} {shelf}".strip())


def lost_options(ticket: Ticket, action: str, fields: Mapping[str, Any]) -> FormOptions:
    return FormOptions(choices={"shelf": [("", "—"), ("A1", "shelf A1"), ("B2", "shelf B2")]})


LOST_KIND = TicketKind(
    code=LOST,
    label="lost item",
    prefix="SW",
    workflow=Workflow(
        states=LostStatus,
        initial=LostStatus.KEPT,
        closed=frozenset({LostStatus.RETURNED}),
        opening_clocks=(Clock.REPLY,),
        queues=(Queue("kept", _("kept"), frozenset({LostStatus.KEPT})),),
        transitions={
            "give_back": transition("give_back", "give it back", {LostStatus.KEPT}, {LostStatus.RETURNED}, DESK)
        },
    ),
    actions={"give_back": ActionSpec(ReturnForm, lost_return)},
    promises={LOST: {Clock.REPLY: Limit(3 * 24 * 60, None, Role.SERVICE_SUPERVISOR)}},
    options=lost_options,
    labels={"owner": "owner's name", "shelf": "kept on shelf"},
)


@pytest.fixture
def lost_kind() -> Iterator[TicketKind]:
    register(LOST_KIND)
    yield LOST_KIND
    unregister(LOST)


def test_a_kind_registered_from_outside_is_recorded_acted_on_and_listed_through_the_api(api, lost_kind):
    desk = api("ygjy-agent")
    number = recorded(
        desk,
        {
            "kind": LOST,
            "property": "YGJY",
            "common_area": "小区大门",
            "description": "黑色钱包",
            "reporter_phone": "13812345678",
        },
    )
    assert number.startswith("SW-")
    ticket = Ticket.objects.get(number=number)
    assert (ticket.kind, ticket.status, ticket.kind_label, ticket.status_label) == (
        LOST,
        "kept",
        "lost item",
        "kept at the desk",
    )
    # Its promise default applies at a property with no rows for it.
    assert limits_for(ticket.property_id, LOST)[Clock.REPLY].minutes == 3 * 24 * 60
    assert Deadline.objects.filter(ticket=ticket, clock=Clock.REPLY, status=Deadline.Status.OPEN).exists()

    actions = desk.get(f"/tickets/{number}/actions").json()
    assert [a["action"] for a in actions] == ["give_back"]
    assert actions[0]["fields"]["required"] == ["owner"]
    assert desk.get("/tickets", kind=LOST).json()["items"][0]["number"] == number

    refused = api("ygjy-tech1").act(number, "give_back", {"owner": "王"})
    assert refused.status_code == 404  # a technician does not see the desk's matters

    done = desk.act(number, "give_back", {"owner": "王先生", "shelf": "A1"})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "returned" and done.json()["closed_at"]
    assert done.json()["timeline"][-1]["note"] == "王先生 A1"


def test_a_kind_registered_from_outside_shows_in_the_console(estate, lost_kind):
    client = login("ygjy-agent")
    intake = client.get("/desk/YGJY/intake/").content.decode()
    assert f'value="{LOST}"' in intake and "lost item" in intake

    number = raised_number(intake_post(client, kind=LOST, place="3-1202", description="捡到钥匙一串"))
    assert number.startswith("SW-")

    queue = client.get(f"/desk/YGJY/{LOST}/kept/").content.decode()
    assert number in queue and "lost item" in queue

    page = client.get(f"/t/{number}/").content.decode()
    assert "kept at the desk" in page and "give it back" in page
    assert "owner's name" in html.unescape(page)  # the kind's own label
    assert "shelf A1" in page  # and its options

    back = client.post(f"/t/{number}/act/give_back/", {"owner": "李女士", "shelf": "B2"})
    assert back.status_code == 302
    assert Ticket.objects.get(number=number).status == "returned"


def test_a_kind_gone_is_refused_clearly(api, lost_kind):
    unregister(LOST)
    r = api("ygjy-agent", lang="en").post("/tickets", {"kind": LOST, "property": "YGJY", "unit": "3-1202"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "kind" and "Choose one of" in r.json()["detail"]
    register(LOST_KIND)  # the fixture forgets it again


def test_every_kind_brings_its_own_number_prefix():
    prefixes = [kind_for(code).prefix for code in ("repair", "complaint", "help", "consultation", "suggestion")]
    assert prefixes == ["BX", "TS", "QZ", "ZX", "JY"]
    with pytest.raises(RuntimeError, match="prefix BX"):
        register(
            TicketKind(code="other", label="x", prefix="BX", workflow=LOST_KIND.workflow, actions=LOST_KIND.actions)
        )
