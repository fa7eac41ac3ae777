"""The duty log's rules pinned at their edges (S0 篇2 §3.2, S4 §3.4, R1.4; docs/records.md,
"The duty log"): every refusal with its message, field and code, every field a start, an
entry, a handover and a receipt write (read back from the database), the one-time form
keys, and each write touching its own shift only.

Time is frozen at T0 (a Monday 09:00 in Shanghai); the services are called directly."""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

import duty.services as services
from base.errors import Conflict, Forbidden, InvalidInput, NotFound
from conftest import T0, login
from duty.models import Entry, Shift
from duty.services import (
    entry_add,
    keeper_at,
    reader_at,
    shift_end,
    shift_hand_over,
    shift_receive,
    shift_start,
)
from estates.hours import Post
from estates.models import Property
from people.models import Role, User

from .test_duty import MIN, counts

DESK, ROOM = Post.SERVICE_DESK.value, Post.MONITORING_ROOM.value
OVER = "This shift is over; nothing was changed."
TAKEN = "A shift is open on this post: it is handed over to you, or ended first."
NOT_STAFF = "%(names)s: not desk staff of this property."
TOO_LONG = "Too long: %(length)d characters, at most %(max)d."


@pytest.fixture
def ygjy(estate) -> Property:
    return Property.objects.get(code="YGJY")


@pytest.fixture
def wlbg(estate) -> Property:
    return Property.objects.get(code="WLBG")


def desk_agent(username: str, prop: Property) -> User:
    """An agent of the property known by its username only (no display name)."""
    user = User.objects.create(username=username, role=Role.AGENT, company=prop.company)
    user.properties.add(prop)
    return user


def before_write(monkeypatch: pytest.MonkeyPatch, twin: Callable[[], Any]) -> None:
    """A twin request commits between the service's checks and its write: ``twin`` runs
    (once) just before the service opens its write transaction."""
    real = transaction.atomic
    pending = [twin]

    @contextlib.contextmanager
    def atomic() -> Iterator[None]:
        while pending:
            pending.pop()()
        with real():
            yield

    monkeypatch.setattr(services, "transaction", SimpleNamespace(atomic=atomic))


# --- Who may (S4 §3.4) -------------------------------------------------------------------------------


def test_s4_3_4_the_log_is_kept_by_the_desk_of_the_property_with_the_reasons_said(ygjy, persona):
    """S4 §3.4: a technician is refused the duty log, a desk agent of another property
    does not find this one; the messages say so."""
    with pytest.raises(Forbidden) as err:
        keeper_at(persona("ygjy-tech1"), ygjy)
    assert err.value.message == _("Only the service desk and the monitoring room keep the duty log.")
    with pytest.raises(NotFound) as missing:
        keeper_at(persona("wlbg-agent"), ygjy)
    assert missing.value.message == _("There is no property %(code)s you work at.") % {"code": "YGJY"}
    assert keeper_at(persona("ygjy-night"), ygjy) == persona("ygjy-night")


def test_s4_3_4_the_log_is_read_by_the_office_of_the_property_with_the_reasons_said(ygjy, persona):
    """S4 §3.4: a technician may not read the duty log, another property's supervisor
    does not find this one, this property's manager reads it."""
    with pytest.raises(Forbidden) as err:
        reader_at(persona("ygjy-tech1"), ygjy)
    assert err.value.message == _("Only the service desk, supervisors and managers read the duty log.")
    with pytest.raises(NotFound) as missing:
        reader_at(persona("wlbg-supervisor"), ygjy)
    assert missing.value.message == _("There is no property %(code)s you work at.") % {"code": "YGJY"}
    assert reader_at(persona("ygjy-manager"), ygjy) == persona("ygjy-manager")


# --- Starting a shift (S0 篇2 §3.2) -------------------------------------------------------------------


def test_s0_3_2_a_start_writes_who_is_on_duty_and_when(clock, ygjy, persona):
    """S0 篇2 §3.2: the one starting and the colleagues named (blank names skipped, the
    starter not twice) are on duty, their names kept; a start without a form key keeps none."""
    agent, agent2 = persona("ygjy-agent"), persona("ygjy-agent2")
    shift = shift_start(by=agent, property=ygjy, post=DESK, staff=["ygjy-agent2", "  ", "", " ygjy-agent "])
    got = Shift.objects.get()
    assert got.pk == shift.pk and got.property == ygjy and got.post == DESK
    assert set(got.staff.all()) == {agent, agent2}
    assert got.staff_names == f"{agent}、{agent2}"
    assert got.started_by == agent and got.started_at == T0 and got.ended_at is None
    assert got.form_key == "" and got.previous is None


def test_s0_3_2_the_names_on_duty_are_kept_up_to_200_characters(clock, ygjy):
    """S0 篇2 §3.2: the names on duty are kept as one text of at most 200 characters."""
    first, second = desk_agent("a" * 150, ygjy), desk_agent("b" * 150, ygjy)
    shift_start(by=first, property=ygjy, post=DESK, staff=[second.username])
    kept = Shift.objects.get().staff_names
    assert kept == ("a" * 150 + "、" + "b" * 150)[:200] and len(kept) == 200


def test_s4_3_4_only_desk_staff_of_the_property_are_put_on_duty(clock, ygjy, persona):
    """S4 §3.4: a technician of the property or an agent of another is refused by name,
    on the field ``staff``; nothing is started."""
    for name in ("ygjy-tech1", "wlbg-agent"):
        with pytest.raises(InvalidInput) as err:
            shift_start(by=persona("ygjy-agent"), property=ygjy, post=DESK, staff=[name])
        assert err.value.message == _(NOT_STAFF) % {"names": name}
        assert err.value.field == "staff"
    assert counts() == (0, 0)


def test_s4_3_4_unknown_names_are_listed_sorted_and_cut_at_100_characters(clock, ygjy, persona):
    """S4 §3.4: every name refused is listed, sorted, joined with 、, cut at 100 characters."""
    with pytest.raises(InvalidInput) as err:
        shift_start(by=persona("ygjy-agent"), property=ygjy, post=DESK, staff=["z" * 60, "ygjy-agent2", "y" * 60])
    assert err.value.message == _(NOT_STAFF) % {"names": ("y" * 60 + "、" + "z" * 60)[:100]}
    assert err.value.field == "staff" and counts() == (0, 0)


def test_s0_3_2_a_shift_is_on_one_of_the_two_posts(clock, ygjy, persona):
    """S0 篇2 §3.2: the post is the service desk or the monitoring room, nothing else."""
    with pytest.raises(InvalidInput) as err:
        shift_start(by=persona("ygjy-agent"), property=ygjy, post="lobby")
    assert err.value.message == _("Choose the post: the service desk or the monitoring room.")
    assert err.value.field == "post" and counts() == (0, 0)


def test_s0_3_2_a_post_is_taken_only_by_an_open_shift_of_that_property_and_post(clock, ygjy, wlbg, persona):
    """S0 篇2 §3.2: one open shift per post of a property: another property's desk and
    this property's monitoring room start; a second desk shift is refused (code
    ``shift_open``); once the desk's shift ends, the desk starts again."""
    desk = shift_start(by=persona("ygjy-agent"), property=ygjy, post=DESK)
    shift_start(by=persona("wlbg-agent"), property=wlbg, post=DESK)
    shift_start(by=persona("ygjy-night"), property=ygjy, post=ROOM)
    with pytest.raises(Conflict) as err:
        shift_start(by=persona("ygjy-agent2"), property=ygjy, post=DESK)
    assert err.value.message == _(TAKEN) and err.value.code == "shift_open"
    assert Shift.objects.count() == 3
    shift_end(by=persona("ygjy-agent"), shift=desk)
    again = shift_start(by=persona("ygjy-agent2"), property=ygjy, post=DESK)
    assert Shift.objects.get(pk=again.pk).started_by == persona("ygjy-agent2")


def test_s0_3_2_a_retried_start_with_its_form_key_returns_the_first(clock, ygjy, persona):
    """S0 篇2 §3.2: a resubmitted form starts once; another key of the same person, or
    the same key of another person, starts a shift of its own."""
    agent = persona("ygjy-agent")
    first = shift_start(by=agent, property=ygjy, post=DESK, form_key=" k ")
    assert isinstance(first, Shift) and Shift.objects.get(pk=first.pk).form_key == "k"
    assert shift_start(by=agent, property=ygjy, post=DESK, form_key="k").pk == first.pk
    room = shift_start(by=agent, property=ygjy, post=ROOM, form_key="other")
    assert room.pk != first.pk and Shift.objects.get(pk=room.pk).post == ROOM
    shift_end(by=agent, shift=first)
    theirs = shift_start(by=persona("ygjy-agent2"), property=ygjy, post=DESK, form_key="k")
    assert theirs.pk not in (first.pk, room.pk) and Shift.objects.get(pk=theirs.pk).started_by == persona("ygjy-agent2")
    assert Shift.objects.count() == 3


def test_s0_3_2_a_form_key_used_for_a_shift_elsewhere_is_refused_not_taken_for_a_retry(clock, ygjy, wlbg, persona):
    """S0 篇2 §3.2: a key that started a shift at one property, sent again for a start at
    another (or on the other post), is refused as reused (key_reused): it neither returns
    the first shift as if started nor starts one; nothing is written."""
    agent = persona("ygjy-agent")
    agent.properties.add(wlbg)
    mine = shift_start(by=agent, property=ygjy, post=DESK, form_key="k")
    for prop, post in ((wlbg, DESK), (ygjy, ROOM)):
        with pytest.raises(Conflict) as err:
            shift_start(by=agent, property=prop, post=post, form_key="k")
        assert err.value.code == "key_reused"
        assert err.value.message == _(
            "This form was already sent for something else; reload the page and write it again."
        )
    assert list(Shift.objects.values_list("pk", flat=True)) == [mine.pk]
    assert shift_start(by=agent, property=ygjy, post=DESK, form_key="k") == mine  # the same form again


@pytest.mark.parametrize(("length", "ok"), [(100, True), (101, False)])
def test_s0_3_2_a_start_s_form_key_is_at_most_100_characters(clock, ygjy, persona, length, ok):
    """S0 篇2 §3.2: a form key of 100 characters is kept; 101 is refused on ``form_key``."""
    if ok:
        shift = shift_start(by=persona("ygjy-agent"), property=ygjy, post=DESK, form_key="k" * length)
        assert Shift.objects.get(pk=shift.pk).form_key == "k" * length
        return
    with pytest.raises(InvalidInput) as err:
        shift_start(by=persona("ygjy-agent"), property=ygjy, post=DESK, form_key="k" * length)
    assert err.value.field == "form_key" and err.value.message == _(TOO_LONG) % {"length": 101, "max": 100}
    assert counts() == (0, 0)


def test_s0_3_2_a_twin_start_that_lands_first_is_returned(clock, ygjy, wlbg, persona, monkeypatch):
    """S0 篇2 §3.2: the same form submitted twice at once: the one that loses the race
    returns the twin's shift, not another shift under that key or of that person."""
    agent = persona("ygjy-agent")
    made: list[Shift] = []

    def twin() -> None:
        made.append(Shift.objects.create(property=ygjy, post=DESK, started_at=T0, started_by=agent, form_key="k"))
        # Later shifts under the same key (another person) and of the same person (another key).
        Shift.objects.create(property=wlbg, post=DESK, started_at=T0, started_by=persona("wlbg-agent"), form_key="k")
        Shift.objects.create(property=ygjy, post=ROOM, started_at=T0, started_by=agent, form_key="other")

    before_write(monkeypatch, twin)
    got = shift_start(by=agent, property=ygjy, post=DESK, form_key="k")
    assert got.pk == made[0].pk and Shift.objects.count() == 3


def test_s0_3_2_a_post_taken_by_another_between_check_and_write_is_refused(clock, ygjy, persona, monkeypatch):
    """S0 篇2 §3.2: someone starts the post just before the write of a start without a
    form key: refused (``shift_open``), not mistaken for a retry of an earlier shift."""
    agent = persona("ygjy-agent")
    shift_end(by=agent, shift=shift_start(by=agent, property=ygjy, post=ROOM))
    before_write(monkeypatch, lambda: shift_start(by=persona("ygjy-agent2"), property=ygjy, post=DESK))
    with pytest.raises(Conflict) as err:
        shift_start(by=agent, property=ygjy, post=DESK)
    assert err.value.message == _(TAKEN) and err.value.code == "shift_open"
    assert set(Shift.objects.values_list("started_by__username", "post")) == {
        ("ygjy-agent", ROOM),
        ("ygjy-agent2", DESK),
    }


# --- Entries (S0 篇2 §3.2) -----------------------------------------------------------------------------


def test_s0_3_2_an_entry_writes_every_field(clock, ygjy, persona):
    """S0 篇2 §3.2: an entry keeps its shift, kind, time, text (trimmed), who wrote it and
    when; another entry without a form key is written too."""
    agent = persona("ygjy-agent")
    shift = shift_start(by=agent, property=ygjy, post=DESK)
    clock.shift(600)
    entry = entry_add(by=agent, shift=shift, text="  巡查大堂，正常 ", kind="patrol", at=T0 + 5 * MIN)
    got = Entry.objects.get(pk=entry.pk)
    assert got.shift == shift and got.kind == "patrol" and got.text == "巡查大堂，正常"
    assert got.at == T0 + 5 * MIN and got.written_at == T0 + 10 * MIN
    assert got.by == agent and got.by_name == str(agent) and got.form_key == ""
    other = entry_add(by=agent, shift=shift, text="来访登记")
    assert other.pk != entry.pk and Entry.objects.get(pk=other.pk).kind == "other" and Entry.objects.count() == 2


def test_s0_3_2_the_names_written_are_cut_at_50_characters(clock, ygjy):
    """S0 篇2 §3.2: who wrote an entry, handed over and received is kept in at most 50
    characters (a long account name)."""
    out, nxt = desk_agent("o" * 60, ygjy), desk_agent("n" * 60, ygjy)
    shift = shift_start(by=out, property=ygjy, post=DESK)
    entry = entry_add(by=out, shift=shift, text="巡查")
    shift_hand_over(by=out, shift=shift, note="交班")
    shift_receive(by=nxt, shift=Shift.objects.get(pk=shift.pk))
    assert Entry.objects.get(pk=entry.pk).by_name == "o" * 50
    old = Shift.objects.get(pk=shift.pk)
    assert old.handed_over_by_name == "o" * 50 and old.received_by_name == "n" * 50


def test_s0_3_2_a_retried_entry_with_its_form_key_is_written_once(clock, ygjy, persona):
    """S0 篇2 §3.2: a resubmitted entry form writes once, even once the shift is over;
    another key, or another person's same key, writes an entry of its own."""
    agent, agent2 = persona("ygjy-agent"), persona("ygjy-agent2")
    shift = shift_start(by=agent, property=ygjy, post=DESK)
    first = entry_add(by=agent, shift=shift, text="巡查", form_key=" k ")
    assert isinstance(first, Entry) and Entry.objects.get(pk=first.pk).form_key == "k"
    assert entry_add(by=agent, shift=shift, text="巡查", form_key="k").pk == first.pk
    theirs = entry_add(by=agent2, shift=shift, text="巡查", form_key="k")
    another = entry_add(by=agent, shift=shift, text="巡查", form_key="k2")
    assert len({first.pk, theirs.pk, another.pk}) == 3 and Entry.objects.get(pk=theirs.pk).by == agent2
    shift_end(by=agent, shift=shift)
    assert entry_add(by=agent, shift=Shift.objects.get(pk=shift.pk), text="巡查", form_key="k").pk == first.pk
    assert Entry.objects.count() == 3


def test_s0_3_2_an_entry_s_form_key_used_in_another_shift_is_refused_not_dropped(clock, ygjy, persona):
    """S0 篇2 §3.2: a key that wrote an entry in the desk's shift, sent with an entry for the
    monitoring room's open shift, is refused as reused: the entry is not silently taken
    for the first one; nothing is written."""
    agent = persona("ygjy-agent")
    desk = shift_start(by=agent, property=ygjy, post=DESK)
    first = entry_add(by=agent, shift=desk, text="巡查", form_key="k")
    room = shift_start(by=persona("ygjy-night"), property=ygjy, post=ROOM)
    with pytest.raises(Conflict) as err:
        entry_add(by=agent, shift=room, text="监控室巡查", form_key="k")
    assert err.value.code == "key_reused" and list(Entry.objects.values_list("pk", flat=True)) == [first.pk]
    assert entry_add(by=agent, shift=desk, text="巡查", form_key="k") == first  # the same form again


@pytest.mark.parametrize(("length", "ok"), [(100, True), (101, False)])
def test_s0_3_2_an_entry_s_form_key_is_at_most_100_characters(clock, ygjy, persona, length, ok):
    """S0 篇2 §3.2: an entry's form key of 100 characters is kept; 101 is refused on ``form_key``."""
    agent = persona("ygjy-agent")
    shift = shift_start(by=agent, property=ygjy, post=DESK)
    if ok:
        entry = entry_add(by=agent, shift=shift, text="巡查", form_key="k" * length)
        assert Entry.objects.get(pk=entry.pk).form_key == "k" * length
        return
    with pytest.raises(InvalidInput) as err:
        entry_add(by=agent, shift=shift, text="巡查", form_key="k" * length)
    assert err.value.field == "form_key" and err.value.message == _(TOO_LONG) % {"length": 101, "max": 100}
    assert not Entry.objects.exists()


def test_s0_3_2_a_twin_entry_that_lands_first_is_returned(clock, ygjy, persona, monkeypatch):
    """S0 篇2 §3.2: the same entry form submitted twice at once: the one that loses the
    race returns the twin's entry, not an earlier entry of another person's same key or
    of the same person."""
    agent = persona("ygjy-agent")
    shift = shift_start(by=agent, property=ygjy, post=DESK)
    entry_add(by=persona("ygjy-agent2"), shift=shift, text="同一个键", form_key="k")
    entry_add(by=agent, shift=shift, text="没有键")
    clock.shift(600)
    made: list[Entry] = []

    def twin() -> None:
        made.append(
            Entry.objects.create(shift=shift, at=T0 + 10 * MIN, text="巡查", by=agent, written_at=T0, form_key="k")
        )

    before_write(monkeypatch, twin)
    got = entry_add(by=agent, shift=shift, text="巡查", form_key="k")
    assert got.pk == made[0].pk and Entry.objects.count() == 3


def test_s0_3_2_a_refused_write_without_form_key_is_not_taken_for_a_retry(clock, ygjy, persona, monkeypatch):
    """S0 篇2 §3.2: when the database refuses an entry written without a form key, the
    error stands; an earlier entry of the same person is not returned for it."""
    agent = persona("ygjy-agent")
    shift = shift_start(by=agent, property=ygjy, post=DESK)
    entry_add(by=agent, shift=shift, text="没有键")

    def refused(**fields: Any) -> Entry:
        raise IntegrityError("refused")

    monkeypatch.setattr(Entry.objects, "create", refused)
    with pytest.raises(IntegrityError):
        entry_add(by=agent, shift=shift, text="巡查")


def test_s0_3_2_an_entry_is_of_a_known_kind(clock, ygjy, persona):
    """S0 篇2 §3.2: patrol, incident, instruction or other; anything else is refused on ``kind``."""
    shift = shift_start(by=persona("ygjy-agent"), property=ygjy, post=DESK)
    with pytest.raises(InvalidInput) as err:
        entry_add(by=persona("ygjy-agent"), shift=shift, text="巡查", kind="party")
    assert err.value.message == _("Choose what kind of entry it is.") and err.value.field == "kind"
    assert not Entry.objects.exists()


@pytest.mark.parametrize(("length", "ok"), [(1000, True), (1001, False)])
def test_s0_3_2_an_entry_is_at_most_1000_characters(clock, ygjy, persona, length, ok):
    """S0 篇2 §3.2: an entry of 1000 characters is written; 1001 is refused on ``text``."""
    agent = persona("ygjy-agent")
    shift = shift_start(by=agent, property=ygjy, post=DESK)
    if ok:
        assert Entry.objects.get(pk=entry_add(by=agent, shift=shift, text="巡" * length).pk).text == "巡" * length
        return
    with pytest.raises(InvalidInput) as err:
        entry_add(by=agent, shift=shift, text="巡" * length)
    assert err.value.field == "text" and err.value.message == _(TOO_LONG) % {"length": 1001, "max": 1000}
    assert not Entry.objects.exists()


def test_s0_3_2_an_entry_s_time_is_from_the_shift_s_start(clock, ygjy, persona):
    """S0 篇2 §3.2: an entry at the instant the shift started is written; a second
    earlier is refused on ``at`` with its reason."""
    agent = persona("ygjy-agent")
    shift = shift_start(by=agent, property=ygjy, post=DESK)
    clock.shift(600)
    with pytest.raises(InvalidInput) as err:
        entry_add(by=agent, shift=shift, text="巡查", at=T0 - datetime.timedelta(seconds=1))
    assert err.value.message == _("This time is before the shift started.") and err.value.field == "at"
    assert Entry.objects.get(pk=entry_add(by=agent, shift=shift, text="巡查", at=T0).pk).at == T0


def test_s0_3_2_an_entry_named_for_another_property_is_refused(clock, ygjy, wlbg, persona):
    """S0 篇2 §3.2: a shift of 阳光嘉园 written from 五凌办公楼 is refused on ``shift``."""
    agent = persona("ygjy-agent")
    agent.properties.add(wlbg)
    shift = shift_start(by=agent, property=ygjy, post=DESK)
    with pytest.raises(InvalidInput) as err:
        entry_add(by=agent, shift=shift, text="巡查", property=wlbg)
    assert err.value.message == _("This shift is of another property.") and err.value.field == "shift"
    assert not Entry.objects.exists()


# --- Handover (S4 §3.4) ---------------------------------------------------------------------------------


def test_s4_3_4_a_handover_writes_its_note_items_who_and_when_on_its_shift_only(clock, ygjy, persona):
    """S4 §3.4: the note, the open items (blank lines dropped), who handed over and when
    are written on the shift; the other post's open shift is untouched."""
    agent = persona("ygjy-agent")
    shift = shift_start(by=agent, property=ygjy, post=DESK)
    room = shift_start(by=persona("ygjy-night"), property=ygjy, post=ROOM)
    clock.shift(3600)
    shift_hand_over(by=agent, shift=shift, note=" 3栋漏水已派工 ", open_items=["2-801 待回访", "  "])
    got = Shift.objects.get(pk=shift.pk)
    assert got.handover_note == "3栋漏水已派工" and got.open_items == ["2-801 待回访"]
    assert got.handed_over_at == T0 + 60 * MIN and got.handed_over_by == agent
    assert got.handed_over_by_name == str(agent) and got.ended_at is None
    other = Shift.objects.get(pk=room.pk)
    assert other.handover_note == "" and other.open_items == [] and other.handed_over_at is None


def test_s4_3_4_only_the_staff_of_the_shift_hand_it_over(clock, ygjy, persona):
    """S4 §3.4: an agent not on the shift is refused with the reason; nothing is written."""
    shift = shift_start(by=persona("ygjy-agent"), property=ygjy, post=DESK)
    with pytest.raises(Forbidden) as err:
        shift_hand_over(by=persona("ygjy-agent2"), shift=shift, note="交班")
    assert err.value.message == _("Only the staff on this shift hand it over.")
    assert Shift.objects.get(pk=shift.pk).handed_over_at is None


def test_s4_3_4_a_handover_needs_a_note(clock, ygjy, persona):
    """S4 §3.4: an empty note is refused on ``handover_note``."""
    shift = shift_start(by=persona("ygjy-agent"), property=ygjy, post=DESK)
    with pytest.raises(InvalidInput) as err:
        shift_hand_over(by=persona("ygjy-agent"), shift=shift, note="  ")
    assert err.value.field == "handover_note" and err.value.message == _("This field cannot be empty.")
    assert Shift.objects.get(pk=shift.pk).handed_over_at is None


@pytest.mark.parametrize(("length", "ok"), [(200, True), (201, False)])
def test_s4_3_4_an_open_item_is_at_most_200_characters(clock, ygjy, persona, length, ok):
    """S4 §3.4: an open item of 200 characters is handed over; 201 is refused on ``open_items``."""
    agent = persona("ygjy-agent")
    shift = shift_start(by=agent, property=ygjy, post=DESK)
    if ok:
        shift_hand_over(by=agent, shift=shift, note="交班", open_items=["项" * length])
        assert Shift.objects.get(pk=shift.pk).open_items == ["项" * length]
        return
    with pytest.raises(InvalidInput) as err:
        shift_hand_over(by=agent, shift=shift, note="交班", open_items=["项" * length])
    assert err.value.field == "open_items" and err.value.message == _(TOO_LONG) % {"length": 201, "max": 200}
    assert Shift.objects.get(pk=shift.pk).handed_over_at is None


@pytest.mark.parametrize(("n", "ok"), [(20, True), (21, False)])
def test_s4_3_4_at_most_20_open_items_are_handed_over(clock, ygjy, persona, n, ok):
    """S4 §3.4: 20 open items are handed over; 21 are refused on ``open_items`` with the
    reason (the rest go in the note)."""
    agent = persona("ygjy-agent")
    shift = shift_start(by=agent, property=ygjy, post=DESK)
    items = [f"事项{i}" for i in range(n)]
    if ok:
        shift_hand_over(by=agent, shift=shift, note="交班", open_items=items)
        assert Shift.objects.get(pk=shift.pk).open_items == items
        return
    with pytest.raises(InvalidInput) as err:
        shift_hand_over(by=agent, shift=shift, note="交班", open_items=items)
    assert err.value.message == _("At most %(n)d open items; put the rest in the note.") % {"n": 20}
    assert err.value.field == "open_items" and Shift.objects.get(pk=shift.pk).handed_over_at is None


def test_s4_3_4_a_handover_of_a_shift_ended_meanwhile_is_refused(clock, ygjy, persona):
    """S4 §3.4: the shift was ended after the page was read: the handover is refused
    (``shift_not_open``) and nothing is written on it."""
    agent = persona("ygjy-agent")
    shift = shift_start(by=agent, property=ygjy, post=DESK)
    shift_end(by=agent, shift=Shift.objects.get(pk=shift.pk))
    with pytest.raises(Conflict) as err:
        shift_hand_over(by=agent, shift=shift, note="交班")
    assert err.value.message == _(OVER) and err.value.code == "shift_not_open"
    got = Shift.objects.get(pk=shift.pk)
    assert got.handover_note == "" and got.handed_over_at is None


# --- Receiving the handover (S4 §3.4) -------------------------------------------------------------------


def test_s4_3_4_a_shift_not_handed_over_is_not_received(clock, ygjy, persona):
    """S4 §3.4: receiving before the handover is refused (``not_handed_over``)."""
    shift = shift_start(by=persona("ygjy-agent"), property=ygjy, post=DESK)
    with pytest.raises(Conflict) as err:
        shift_receive(by=persona("ygjy-agent2"), shift=shift)
    assert err.value.message == _("This shift has not been handed over yet.") and err.value.code == "not_handed_over"
    assert counts() == (1, 0) and Shift.objects.get(pk=shift.pk).ended_at is None


def test_s4_3_4_one_s_own_handover_is_not_received(clock, ygjy, persona):
    """S4 §3.4: the shift handing over cannot receive it (``own_handover``)."""
    agent = persona("ygjy-agent")
    shift = shift_hand_over(by=agent, shift=shift_start(by=agent, property=ygjy, post=DESK), note="交班")
    with pytest.raises(Conflict) as err:
        shift_receive(by=agent, shift=shift)
    assert err.value.code == "own_handover"
    assert err.value.message == _("A handover is received by someone of the next shift, not by the shift handing over.")
    assert counts() == (1, 0)


def test_s4_3_4_receiving_ends_the_old_shift_and_starts_the_next_with_its_staff(clock, ygjy, persona):
    """S4 §3.4: who received and when are written on the old shift, which ends then; the
    next shift on the post is started by them with the colleagues named, linked to the
    old one, with no form key; the other post's shift stays open."""
    agent, agent2, supervisor = persona("ygjy-agent"), persona("ygjy-agent2"), persona("ygjy-supervisor")
    old = shift_hand_over(by=agent, shift=shift_start(by=agent, property=ygjy, post=DESK), note="交班")
    room = shift_start(by=persona("ygjy-night"), property=ygjy, post=ROOM)
    clock.shift(3600)
    new = shift_receive(by=agent2, shift=old, staff=["ygjy-supervisor"])
    was = Shift.objects.get(pk=old.pk)
    assert was.ended_at == was.received_at == T0 + 60 * MIN
    assert was.received_by == agent2 and was.received_by_name == str(agent2)
    got = Shift.objects.get(pk=new.pk)
    assert got.previous == was and got.post == DESK and got.property == ygjy and got.started_at == T0 + 60 * MIN
    assert got.started_by == agent2 and got.form_key == "" and got.ended_at is None
    assert set(got.staff.all()) == {agent2, supervisor} and got.staff_names == f"{agent2}、{supervisor}"
    assert Shift.objects.get(pk=room.pk).ended_at is None


def test_s4_3_4_a_handover_of_a_shift_ended_meanwhile_is_not_received(clock, ygjy, persona):
    """S4 §3.4: the shift was handed over and then ended after the page was read:
    receiving is refused (``shift_not_open``), nothing is written and no shift starts."""
    agent = persona("ygjy-agent")
    shift = shift_hand_over(by=agent, shift=shift_start(by=agent, property=ygjy, post=DESK), note="交班")
    shift_end(by=agent, shift=Shift.objects.get(pk=shift.pk))
    with pytest.raises(Conflict) as err:
        shift_receive(by=persona("ygjy-agent2"), shift=shift)
    assert err.value.message == _(OVER) and err.value.code == "shift_not_open"
    got = Shift.objects.get(pk=shift.pk)
    assert got.received_at is None and got.received_by is None and counts() == (1, 0)


# --- Ending a shift (S4 §3.4) ------------------------------------------------------------------------------


def test_s4_3_4_ending_a_shift_ends_that_shift_only(clock, ygjy, persona):
    """S4 §3.4: the shift ends at that instant; the other post's open shift stays open."""
    desk = shift_start(by=persona("ygjy-agent"), property=ygjy, post=DESK)
    room = shift_start(by=persona("ygjy-night"), property=ygjy, post=ROOM)
    clock.shift(600)
    assert shift_end(by=persona("ygjy-agent"), shift=desk).ended_at == T0 + 10 * MIN
    assert Shift.objects.get(pk=desk.pk).ended_at == T0 + 10 * MIN
    assert Shift.objects.get(pk=room.pk).ended_at is None


def test_s4_3_4_a_shift_over_is_not_ended_again(clock, ygjy, persona):
    """S4 §3.4: ending a shift that is over is refused (``shift_not_open``), whether the
    page knew it was over or not; its end stays."""
    agent = persona("ygjy-agent")
    shift = shift_start(by=agent, property=ygjy, post=DESK)
    stale = Shift.objects.get(pk=shift.pk)
    shift_end(by=agent, shift=shift)
    clock.shift(600)
    for given in (Shift.objects.get(pk=shift.pk), stale):
        with pytest.raises(Conflict) as err:
            shift_end(by=agent, shift=given)
        assert err.value.message == _(OVER) and err.value.code == "shift_not_open"
    assert Shift.objects.get(pk=shift.pk).ended_at == T0


def test_s0_3_2_two_entries_sent_from_one_copy_of_the_page_are_both_written(clock, ygjy, persona):
    """S0 篇2 §3.2: the duty page holds one key for its forms; an entry for the desk's shift
    and then one for the monitoring room's, sent from the same copy of the page (a second
    tab, the back button), are both written; the same entry sent twice is written once."""
    agent = persona("ygjy-agent")
    desk = shift_start(by=agent, property=ygjy, post=DESK)
    room = shift_start(by=persona("ygjy-night"), property=ygjy, post=ROOM)
    room.staff.add(agent)
    browser = login("ygjy-agent")
    page = browser.get("/desk/YGJY/duty/").content.decode()
    key = re.search(r'name="form_key" value="([0-9a-f]+)"', page)
    assert key is not None

    def write(shift: Shift, text: str) -> int:
        form = {"do": "entry", "shift": str(shift.pk), "kind": "other", "text": text, "at": "", "form_key": key[1]}
        return browser.post("/desk/YGJY/duty/", form).status_code

    assert write(desk, "服务中心巡查") in (200, 302)
    assert write(desk, "服务中心巡查") in (200, 302)  # sent again
    assert write(room, "监控室巡查") in (200, 302)
    assert sorted(Entry.objects.values_list("shift__post", "text")) == sorted(
        [(DESK, "服务中心巡查"), (ROOM, "监控室巡查")]
    )
