"""Two people changing one ticket at once (R8.4: every step recorded, none lost): each
change advances the ticket's version, and a change made from a stale copy is refused
as a conflict even when the status it read is still the status in the database."""

from __future__ import annotations

import pytest
from django.db import transaction

from base.errors import Conflict
from people.models import User
from tickets.models import Ticket
from tickets.workflow import ticket_transition


def dispatched(api, draft) -> str:
    desk = api("ygjy-agent")
    number = desk.post("/tickets", draft()).json()["number"]
    assert desk.act(number, "dispatch", {"assignee": "ygjy-tech1"}).status_code == 200
    return number


def test_a_change_from_a_stale_copy_is_refused_and_the_first_change_stands(clock, api, draft):
    number = dispatched(api, draft)
    supervisor = User.objects.get(username="ygjy-supervisor")
    tech2 = User.objects.get(username="ygjy-tech2")
    first, second = Ticket.objects.get(number=number), Ticket.objects.get(number=number)
    version = first.version

    with transaction.atomic():
        ticket_transition(ticket=first, action="reassign", by=supervisor, changes={"assignee_id": tech2.pk})
    assert first.version == version + 1 == Ticket.objects.get(number=number).version

    # The same status ("dispatched") but an older version: someone changed it meanwhile.
    with pytest.raises(Conflict), transaction.atomic():
        ticket_transition(ticket=second, action="reassign", by=supervisor, note="from a stale copy")
    stored = Ticket.objects.get(number=number)
    assert (stored.version, stored.assignee_id) == (version + 1, tech2.pk)
    assert not stored.events.filter(note="from a stale copy").exists()

    # The copy that made the change knows its new version: its next change goes through.
    with transaction.atomic():
        ticket_transition(ticket=first, action="reassign", by=supervisor, note="again")
    assert Ticket.objects.get(number=number).version == version + 2
