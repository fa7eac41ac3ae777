"""An account's name as the records keep it (who recorded, found, received): at most the
50 characters those columns hold, so an account with a longer name (a long username and
no display name) still works, on PostgreSQL too, which enforces the width."""

from __future__ import annotations

from conftest import repair_draft
from people.models import User
from tickets.kinds import draft_from
from tickets.models import Ticket, TicketEvent
from tickets.services import ticket_create

LONG_NAME = "名" * 60


def long_named(persona, username: str) -> User:  # type: ignore[no-untyped-def]
    user = persona(username)
    User.objects.filter(pk=user.pk).update(display_name="", username=LONG_NAME)
    user.refresh_from_db()
    return user


def test_r8_4_a_step_by_an_account_with_a_long_name_keeps_50_characters_of_it(clock, persona):
    """R8.4 (every step records who): the timeline keeps the first 50 characters; a defect
    found on patrol names the finder as the reporter the same way (R1.3)."""
    agent = long_named(persona, "ygjy-agent")
    assert agent.name_kept == LONG_NAME[:50]
    draft = repair_draft(channel="patrol", unit=None, common_area="1栋大堂", reporter_name="")
    found = ticket_create(by=agent, draft=draft_from(draft))
    row = Ticket.objects.get(pk=found.pk)
    assert row.reporter_name == LONG_NAME[:50]
    assert TicketEvent.objects.get(ticket=row, action="create").actor_name == LONG_NAME[:50]
