"""New rows written by a kept statement (base.writes.insert) are the rows ``save`` writes:
the same values read back, the database's ids on the instances in order (across several
statements too), ``auto_now_add`` filled, the same signals sent, and a row pointing at an
unsaved one, or a value the database would work out, refused."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Model
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from base import writes
from base.writes import insert
from conftest import recorded, repair_draft
from notify.models import Delivery
from people.models import ApiToken, User
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def _event(ticket: Ticket, by: User, note: str) -> TicketEvent:
    return TicketEvent(
        ticket=ticket,
        property_id=ticket.property_id,
        at=datetime.datetime(2026, 11, 23, 9, 7, 30, 123456, tzinfo=datetime.UTC),
        actor=by,
        actor_name="白勇（客服）",
        action="note",
        note=note,
        data={"items": [{"code": "PL-01", "qty": 2}], "说明": "含“引号”", "amount": "12.50"},
    )


def _row(model: type[Model], pk: int) -> dict:
    row = model._default_manager.filter(pk=pk).values().get()
    row.pop("id")
    return row


def test_an_inserted_row_reads_back_as_the_one_save_writes(api, persona):
    agent = persona("ygjy-agent")
    ticket = Ticket.objects.get(number=recorded(api("ygjy-agent"), repair_draft()))
    saved, inserted = _event(ticket, agent, "保存"), _event(ticket, agent, "保存")
    saved.save()
    insert(inserted)
    assert inserted.pk is not None and inserted.pk != saved.pk
    assert _row(TicketEvent, inserted.pk) == _row(TicketEvent, saved.pk)
    assert inserted._state.adding is False and inserted._state.db == "default"

    # Defaults of the model (status, attempts) and empty foreign keys.
    at = timezone.now()
    fields = {"property_id": ticket.property_id, "ticket": ticket, "channel": "sms", "text": "短信", "created_at": at}
    one, other = Delivery(next_attempt_at=at, **fields), Delivery(next_attempt_at=at, **fields)
    one.save()
    insert(other)
    assert _row(Delivery, other.pk) == _row(Delivery, one.pk)
    assert Delivery.objects.get(pk=other.pk).status == Delivery.Status.PENDING


def test_several_rows_get_their_ids_in_order_and_the_signals_of_save(api, persona):
    agent = persona("ygjy-agent")
    ticket = Ticket.objects.get(number=recorded(api("ygjy-agent"), repair_draft()))
    heard: list[tuple[str, str, bool | None]] = []

    def before(sender, instance, **kwargs):
        heard.append(("pre", instance.note, None))

    def after(sender, instance, created, **kwargs):
        assert instance.pk is not None
        heard.append(("post", instance.note, created))

    events = [_event(ticket, agent, f"第{n}条") for n in range(3)]
    pre_save.connect(before, sender=TicketEvent)
    post_save.connect(after, sender=TicketEvent)
    try:
        insert(*events)
    finally:
        pre_save.disconnect(before, sender=TicketEvent)
        post_save.disconnect(after, sender=TicketEvent)
    assert [TicketEvent.objects.get(pk=e.pk).note for e in events] == ["第0条", "第1条", "第2条"]
    assert events[0].pk < events[1].pk < events[2].pk
    assert heard == [("pre", f"第{n}条", None) for n in range(3)] + [("post", f"第{n}条", True) for n in range(3)]


def test_an_instance_with_its_id_is_written_under_it_and_auto_now_add_is_filled(persona):
    agent = persona("ygjy-agent")
    free = (ApiToken.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 100
    before = timezone.now()
    token = ApiToken(pk=free, user=agent, name="机器人", digest="d" * 64, prefix="abcd")
    insert(token)
    stored = ApiToken.objects.get(pk=free)
    assert stored.name == "机器人" and stored.user_id == agent.pk
    assert stored.created_at is not None and stored.created_at >= before
    assert token.created_at == stored.created_at


def test_a_row_pointing_at_an_unsaved_one_or_a_mixed_batch_is_refused(api, persona):
    agent = persona("ygjy-agent")
    ticket = Ticket.objects.get(number=recorded(api("ygjy-agent"), repair_draft()))
    count = TicketEvent.objects.count()
    unsaved = Ticket(property_id=ticket.property_id, number="BX-20261123-9999")
    with pytest.raises(ValueError, match="unsaved"):
        insert(_event(unsaved, agent, "无主"))
    with pytest.raises(TypeError):
        insert(_event(ticket, agent, "一"), ApiToken(user=agent, name="x", digest="e" * 64, prefix="x"))
    with pytest.raises(TypeError):
        insert(_event(ticket, agent, "一"), TicketEvent(pk=10**9, ticket=ticket, property_id=ticket.property_id))
    assert TicketEvent.objects.count() == count


def test_many_rows_go_in_several_statements_each_with_its_id(api, persona, monkeypatch):
    """A notice to every resident of an estate is thousands of rows: they are written a
    bounded number a statement (the databases cap a statement's parameters)."""
    agent = persona("ygjy-agent")
    ticket = Ticket.objects.get(number=recorded(api("ygjy-agent"), repair_draft()))
    monkeypatch.setattr(writes, "ROWS_MAX", 2)
    events = [_event(ticket, agent, f"第{n}条") for n in range(5)]
    with CaptureQueriesContext(connection) as ctx:
        insert(*events)
    assert sum('INSERT INTO "tickets_ticketevent"' in q["sql"] for q in ctx.captured_queries) == 3
    assert [TicketEvent.objects.get(pk=e.pk).note for e in events] == [f"第{n}条" for n in range(5)]
    assert len({e.pk for e in events}) == 5


def test_a_value_the_database_works_out_is_refused_and_a_failure_marks_the_transaction(api, persona):
    agent = persona("ygjy-agent")
    ticket = Ticket.objects.get(number=recorded(api("ygjy-agent"), repair_draft()))
    count = TicketEvent.objects.count()
    worked_out = _event(ticket, agent, "算")
    worked_out.note = F("action")
    with pytest.raises(TypeError, match="save"):
        insert(worked_out)
    assert TicketEvent.objects.count() == count

    # A failing statement caught inside a transaction leaves it to be rolled back, as save does.
    taken = _event(ticket, agent, "先")
    insert(taken)
    with transaction.atomic():
        insert(_event(ticket, agent, "块内"))
        again = _event(ticket, agent, "重")
        again.pk = taken.pk
        with pytest.raises(IntegrityError):
            insert(again)
        assert transaction.get_rollback()
    assert not TicketEvent.objects.filter(note="块内").exists()


@pytest.mark.django_db(transaction=True)
def test_rows_in_several_statements_are_all_or_nothing_outside_a_transaction(api, persona, monkeypatch):
    agent = persona("ygjy-agent")
    ticket = Ticket.objects.get(number=recorded(api("ygjy-agent"), repair_draft()))
    taken = _event(ticket, agent, "先")
    insert(taken)
    monkeypatch.setattr(writes, "ROWS_MAX", 2)
    free = (TicketEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 100
    events = [_event(ticket, agent, f"第{n}条") for n in range(3)]
    for n, event in enumerate(events):
        event.pk = free + n
    events[2].pk = taken.pk  # the second statement fails on it
    with pytest.raises(IntegrityError):
        insert(*events)
    assert not TicketEvent.objects.filter(pk__in=[free, free + 1]).exists()
