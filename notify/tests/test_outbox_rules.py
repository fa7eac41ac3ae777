"""The outbox's delivery guarantees (docs/notifications.md, "Delivery guarantees"), each
pinned at its edge: one sender (a claim by a conditional update, taken up again only once
NOTIFY_CLAIM_SECONDS have passed), failures retried with backoff, a killed worker losing
nothing, a worker noting only the delivery it still holds, and a sign-in code kept only
until it has gone. Messages go to a real gateway on 127.0.0.1; the worker's failpoints
(its os.kill) are where a test stops it or lets another worker act meanwhile."""

from __future__ import annotations

import datetime
import logging
import os
import signal
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from conftest import T0
from estates.models import Property
from notify import outbox
from notify.models import ChannelRoute, Delivery
from notify.tests.receivers import HttpReceiver
from people.models import Role
from tickets.models import Ticket

SEC = datetime.timedelta(seconds=1)
MIN = datetime.timedelta(minutes=1)
CLAIM = datetime.timedelta(seconds=settings.NOTIFY_CLAIM_SECONDS)  # 300


class Killed(BaseException):
    """The worker stopped at a failpoint, as a SIGKILL would stop it."""


@pytest.fixture
def outbox_empty(clock) -> Property:
    """The outbox with none of the seed's deliveries in it; the property they are for."""
    Delivery.objects.all().delete()
    return Property.objects.get(code="YGJY")


@pytest.fixture
def gateway() -> Iterator[HttpReceiver]:
    with HttpReceiver() as receiver, override_settings(SMS_GATEWAY_URL=f"json://{receiver.address}/sms"):
        yield receiver


@pytest.fixture
def stop_at(monkeypatch) -> Callable[..., None]:
    """stop_at("claimed") makes the worker stop there (Killed); stop_at(name, then=f) runs
    f there instead, as another worker acting while this one is paused."""

    def at(name: str, then: Callable[[], None] | None = None) -> None:
        monkeypatch.setenv("NOTIFY_FAILPOINT", name)

        def kill(pid: int, sig: int) -> None:
            assert (pid, sig) == (os.getpid(), signal.SIGKILL)
            monkeypatch.delenv("NOTIFY_FAILPOINT")
            if then is None:
                raise Killed
            then()

        monkeypatch.setattr(os, "kill", kill)

    return at


def waiting(prop: Property, **over: object) -> Delivery:
    """An SMS to a resident, due at T0 unless told otherwise."""
    fields: dict[str, object] = {
        "property": prop,
        "recipient_name": "王芳",
        "channel": Delivery.Channel.SMS,
        "address": "13912345678",
        "text": "报修 BX-20261123-0001 已登记",
        "next_attempt_at": T0,
        "created_at": T0 - MIN,
    }
    fields.update(over)
    return Delivery.objects.create(**fields)


def held_by_another_worker(prop: Property, at: datetime.datetime = T0) -> Delivery:
    """A delivery another worker claimed at ``at`` and is still sending."""
    return waiting(prop, address="13700000000", status=Delivery.Status.SENDING, next_attempt_at=at, claimed_at=at)


def row(d: Delivery) -> tuple[object, ...]:
    d.refresh_from_db()
    return (d.status, d.attempts, d.next_attempt_at, d.claimed_at, d.sent_at, d.error)


def to(gateway: HttpReceiver, address: str = "13912345678") -> list[str]:
    return [c.body["message"] for c in gateway.calls if c.body.get("to") == address]


def test_backoff_is_1_2_4_minutes_doubling_and_at_most_an_hour():
    """Failures are retried after 1, 2, 4, 8 ... minutes, at most an hour."""
    assert [outbox.backoff(n) for n in range(9)] == [
        m * MIN for m in (1, 1, 2, 4, 8, 16, 32, 60, 60)
    ]  # 2**6 = 64 minutes is cut to exactly 60


def test_the_pass_finds_what_is_due_and_claims_gone_stale_and_nothing_else(outbox_empty):
    """Nothing is lost, one sender: waiting and held rows from their time on (not a second
    before), a claim once NOTIFY_CLAIM_SECONDS have passed (not at exactly that), never a
    row that went, was kept or failed."""
    p = outbox_empty
    now = waiting(p)
    held = waiting(p, status=Delivery.Status.HELD, next_attempt_at=T0 - SEC)
    waiting(p, next_attempt_at=T0 + SEC)  # a second early
    stale = held_by_another_worker(p, at=T0 - CLAIM - SEC)
    held_by_another_worker(p, at=T0 - CLAIM)  # fresh to the last second
    for status in (Delivery.Status.SENT, Delivery.Status.KEPT, Delivery.Status.FAILED):
        waiting(p, status=status, next_attempt_at=T0 - 2 * CLAIM, claimed_at=T0 - 2 * CLAIM)
    assert list(outbox.due(T0)) == [stale.pk, held.pk, now.pk]


def test_the_pass_takes_the_longest_waiting_first(outbox_empty):
    """Nothing is lost: a pass (at most BATCH rows) takes the rows in the order they fell due."""
    p = outbox_empty
    last = waiting(p, next_attempt_at=T0)
    first = waiting(p, next_attempt_at=T0 - 2 * MIN)
    second = waiting(p, next_attempt_at=T0 - MIN)
    assert list(outbox.due(T0)) == [first.pk, second.pk, last.pk]


def test_rows_due_at_the_same_instant_are_taken_by_id(outbox_empty):
    """Nothing is lost: rows due at one instant are taken in the order they were written,
    even after the first was written again (on PostgreSQL it then lies after the second)."""
    p = outbox_empty
    one, two = waiting(p), waiting(p)
    Delivery.objects.filter(pk=one.pk).update(error="网关 500")
    assert list(outbox.due(T0)) == [one.pk, two.pk]


def test_a_delivery_named_to_the_worker_goes_only_if_it_is_its_turn(outbox_empty, gateway):
    """One sender: the worker handed ids after a commit sends a waiting or stale-claimed row
    once, and leaves one not yet due, one another worker is sending, and one that went."""
    p = outbox_empty
    early = waiting(p, next_attempt_at=T0 + SEC)
    theirs = held_by_another_worker(p, at=T0 - CLAIM)
    gone = waiting(p, status=Delivery.Status.SENT, next_attempt_at=T0 - 2 * CLAIM, claimed_at=T0 - 2 * CLAIM)
    left = [row(d) for d in (early, theirs, gone)]
    stale = waiting(p, status=Delivery.Status.SENDING, next_attempt_at=T0 - CLAIM, claimed_at=T0 - CLAIM - SEC)

    assert outbox.delivery_send(early.pk) == 0
    assert outbox.deliveries_send([early.pk, theirs.pk, gone.pk]) == 0
    assert gateway.calls == []
    assert [row(d) for d in (early, theirs, gone)] == left

    assert outbox.deliveries_send([stale.pk]) == 1
    assert row(stale) == (Delivery.Status.SENT, 1, T0 - CLAIM, T0, T0, "")
    assert to(gateway) == [stale.text]


def test_a_pass_claims_and_keeps_at_its_own_instant(outbox_empty):
    """With no gateway a message is kept in the local outbox, noted as of the pass's own
    instant with one attempt; another worker's delivery is left as it was."""
    p = outbox_empty
    theirs = held_by_another_worker(p, at=T0 + 9 * MIN)
    before = row(theirs)
    d = waiting(p, next_attempt_at=T0 + 5 * MIN)
    at = T0 + 10 * MIN
    assert outbox.deliveries_send(now=at) == 1
    assert row(d) == (Delivery.Status.KEPT, 1, T0 + 5 * MIN, at, at, "")
    assert row(theirs) == before


def test_a_delivery_sent_without_an_instant_is_sent_as_of_now(outbox_empty):
    """The on-commit hand-over gives no instant: the worker's clock is used."""
    d = waiting(outbox_empty)
    assert outbox.delivery_send(d.pk) == 1
    assert row(d) == (Delivery.Status.KEPT, 1, T0, T0, T0, "")


def test_a_refused_attempt_is_retried_with_backoff_and_logged(outbox_empty, gateway, caplog):
    """Failures are retried: the third refusal waits 4 minutes, keeps the gateway's error,
    logs the delivery, channel, attempt and error, and touches no other delivery."""
    caplog.set_level(logging.WARNING, logger="notify.outbox")
    p = outbox_empty
    theirs = held_by_another_worker(p)
    before = row(theirs)
    d = waiting(p, attempts=2, error="earlier")
    gateway.status = 500
    assert outbox.delivery_send(d.pk, now=T0) == 0
    assert row(d)[:5] == (Delivery.Status.PENDING, 3, T0 + 4 * MIN, T0, None)
    assert d.error.endswith("Internal server error., error=500.")
    assert [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "notify.outbox"] == [
        (logging.WARNING, f"delivery {d.pk} (sms) failed, attempt 3: {d.error}")
    ]
    assert row(theirs) == before
    assert len(to(gateway)) == 1


def test_a_delivery_that_goes_is_noted_sent_now_with_its_error_cleared(outbox_empty, gateway):
    """After a refusal the next attempt that goes notes it sent, with no error, and leaves
    the delivery another worker is sending as it was."""
    p = outbox_empty
    theirs = held_by_another_worker(p)
    before = row(theirs)
    d = waiting(p, attempts=1, error="网关 500", next_attempt_at=T0 - MIN)
    assert outbox.delivery_send(d.pk, now=T0) == 1
    assert row(d) == (Delivery.Status.SENT, 2, T0 - MIN, T0, T0, "")
    assert row(theirs) == before
    assert to(gateway) == [d.text]


def test_a_sign_in_code_is_kept_only_until_it_has_gone(outbox_empty, gateway):
    """The code reaches the phone; the row keeps only the masked text."""
    text = "【阳光家园】您的登录验证码 483920，5 分钟内有效"
    d = waiting(outbox_empty, key="code:13912345678:1", text=text)
    assert outbox.delivery_send(d.pk) == 1
    d.refresh_from_db()
    assert (d.status, d.text) == (Delivery.Status.SENT, "【阳光家园】您的登录验证码 ******，5 分钟内有效")
    assert to(gateway) == [text]


def test_the_worker_reads_a_delivery_with_its_ticket_and_robot_in_one_query(outbox_empty, gateway):
    """One claim, one read (the delivery with its ticket and route), one note per delivery."""
    p = outbox_empty
    ticket = Ticket.objects.create(
        number="BX-20261123-0001",
        property=p,
        kind="repair",
        status="recorded",
        reporter_name="王芳",
        reporter_phone="13912345678",
        description="厨房水龙头漏水",
        reported_at=T0,
        created_at=T0,
        updated_at=T0,
    )
    sms = waiting(p, ticket=ticket)
    route = ChannelRoute.objects.create(
        property=p, name="客服主管群", url=f"json://{gateway.address}/hook", role=Role.SERVICE_SUPERVISOR
    )
    robot = waiting(p, channel=Delivery.Channel.ROBOT, address="", route=route, text="升级")
    for d in (sms, robot):
        with CaptureQueriesContext(connection) as queries:
            assert outbox.delivery_send(d.pk) == 1
        assert len(queries) == 3, [q["sql"] for q in queries]
    assert [c.body.get("number") for c in gateway.calls if c.path.startswith("/sms")] == [ticket.number]
    assert [c.body["message"] for c in gateway.calls if c.path == "/hook"] == ["升级"]


def test_a_worker_killed_after_claiming_loses_nothing_and_sends_once(outbox_empty, gateway, stop_at, clock):
    """A killed worker: its claim (noted at that instant) is left alone until
    NOTIFY_CLAIM_SECONDS have passed, then the next pass sends the message once."""
    d = waiting(outbox_empty)
    stop_at("claimed")
    with pytest.raises(Killed):
        outbox.deliveries_send()
    assert row(d) == (Delivery.Status.SENDING, 0, T0, T0, None, "")
    assert gateway.calls == []
    clock.move_to(T0 + CLAIM)
    assert outbox.deliveries_send() == 0
    clock.move_to(T0 + CLAIM + SEC)
    assert outbox.deliveries_send() == 1
    assert row(d) == (Delivery.Status.SENT, 1, T0, T0 + CLAIM + SEC, T0 + CLAIM + SEC, "")
    assert to(gateway) == [d.text]


def test_a_worker_killed_after_sending_sends_again_with_the_same_key(outbox_empty, gateway, stop_at, clock):
    """A killed worker: killed after the gateway took the message and before noting it,
    the next pass after NOTIFY_CLAIM_SECONDS sends it again with the same Idempotency-Key."""
    d = waiting(outbox_empty)
    stop_at("sent")
    with pytest.raises(Killed):
        outbox.deliveries_send()
    assert row(d) == (Delivery.Status.SENDING, 0, T0, T0, None, "")
    clock.move_to(T0 + CLAIM + SEC)
    assert outbox.deliveries_send() == 1
    assert row(d)[:2] == (Delivery.Status.SENT, 1)
    assert to(gateway) == [d.text, d.text]
    assert {c.headers["idempotency-key"] for c in gateway.calls} == {f"delivery-{d.pk}"}


def test_the_failpoint_kills_the_worker_outright():
    """The crash tests' failpoint is a real SIGKILL of the worker, at the named point only."""
    os.environ.pop("NOTIFY_FAILPOINT", None)
    try:
        os.environ["NOTIFY_FAILPOINT"] = "sent"
        outbox.failpoint("claimed")  # another point: the worker goes on
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            try:
                outbox.failpoint("sent")
            finally:
                os._exit(7)
    finally:
        os.environ.pop("NOTIFY_FAILPOINT", None)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


def test_a_paused_worker_does_not_overwrite_the_local_outbox_entry_of_the_one_that_took_over(
    outbox_empty, stop_at, clock
):
    """One sender: paused past its claim after claiming, the worker finds the delivery kept
    by the worker that took it over, and leaves that worker's note."""
    d = waiting(outbox_empty)
    takeover = T0 + CLAIM + SEC

    def another_worker() -> None:
        clock.move_to(takeover)
        assert outbox.deliveries_send() == 1

    stop_at("claimed", then=another_worker)
    outbox.delivery_send(d.pk, now=T0)
    assert row(d) == (Delivery.Status.KEPT, 1, T0, takeover, takeover, "")


def test_a_paused_worker_whose_send_fails_leaves_the_delivery_sent_by_the_one_that_took_over(
    outbox_empty, gateway, stop_at, clock
):
    """One sender: the other worker sent it meanwhile; this one's refusal is not noted on it."""
    d = waiting(outbox_empty)
    takeover = T0 + CLAIM + SEC

    def another_worker() -> None:
        clock.move_to(takeover)
        assert outbox.deliveries_send() == 1
        gateway.status = 500

    stop_at("claimed", then=another_worker)
    assert outbox.delivery_send(d.pk, now=T0) == 0
    assert row(d) == (Delivery.Status.SENT, 1, T0, takeover, takeover, "")
    assert len(to(gateway)) == 2


def test_a_paused_worker_after_sending_leaves_the_note_of_the_one_that_took_over(outbox_empty, gateway, stop_at, clock):
    """One sender: paused between sending and noting, the worker finds the delivery noted
    by the one that took it over, and keeps that note (and its time)."""
    d = waiting(outbox_empty)
    takeover = T0 + CLAIM + SEC

    def another_worker() -> None:
        clock.move_to(takeover)
        assert outbox.deliveries_send() == 1
        clock.move_to(takeover + SEC)

    stop_at("sent", then=another_worker)
    outbox.delivery_send(d.pk, now=T0)
    assert row(d) == (Delivery.Status.SENT, 1, T0, takeover, takeover, "")
    assert to(gateway) == [d.text, d.text]


def test_the_supervisor_sends_one_failed_delivery_again_now(outbox_empty, clock):
    """Failures are retried: a failed delivery sent again is due at once with its attempts
    counted afresh; another failed one stays failed, and one that went is not sent again."""
    p = outbox_empty
    failed = waiting(p, status=Delivery.Status.FAILED, attempts=6, next_attempt_at=T0 + 32 * MIN, error="网关拒收")
    other = waiting(p, status=Delivery.Status.FAILED, attempts=6, next_attempt_at=T0 + 32 * MIN, error="网关拒收")
    sent = waiting(p, status=Delivery.Status.SENT, attempts=1, sent_at=T0, claimed_at=T0)
    left = [row(other), row(sent)]
    clock.move_to(T0 + MIN)
    assert outbox.delivery_retry(delivery=failed) is True
    assert outbox.delivery_retry(delivery=sent) is False
    assert row(failed) == (Delivery.Status.PENDING, 0, T0 + MIN, None, None, "")
    assert [row(other), row(sent)] == left
    assert list(outbox.due(T0 + MIN)) == [failed.pk]


def test_a_fault_in_a_channel_counts_as_a_failed_attempt_and_the_pass_goes_on(
    outbox_empty, gateway, monkeypatch, caplog
):
    """A channel that breaks with an unexpected error (a fault of ours, not a refusal) does
    not stall its row or the rest of the pass: the attempt is counted and retried after the
    backoff, failed for good after NOTIFY_ATTEMPTS tries, logged with its trace; the next
    delivery of the pass still goes."""
    caplog.set_level(logging.ERROR, logger="notify.outbox")
    p = outbox_empty
    broken = waiting(p, address="13900000001")
    last_try = waiting(p, address="13900000002", attempts=settings.NOTIFY_ATTEMPTS - 1)
    fine = waiting(p, address="13912345678")
    real_send = outbox.channels.send

    def send(delivery: Delivery) -> None:
        if delivery.address == "13900000002":
            raise RuntimeError("网关" * 300)  # a long error is kept to its first 500 characters
        if delivery.address != "13912345678":
            raise KeyError("route")
        real_send(delivery)

    monkeypatch.setattr(outbox.channels, "send", send)
    assert outbox.deliveries_send(now=T0) == 1
    broken.refresh_from_db()
    assert (broken.status, broken.attempts, broken.next_attempt_at, broken.error) == (
        Delivery.Status.PENDING,
        1,
        T0 + MIN,
        "KeyError: 'route'",
    )
    last_try.refresh_from_db()
    assert (last_try.status, last_try.error) == (Delivery.Status.FAILED, ("RuntimeError: " + "网关" * 300)[:500])
    assert len(last_try.error) == 500
    assert Delivery.objects.get(pk=fine.pk).status == Delivery.Status.SENT and len(to(gateway)) == 1
    broke = [r for r in caplog.records if r.name == "notify.outbox" and r.levelno == logging.ERROR]
    assert {r.getMessage() for r in broke} == {
        f"delivery {broken.pk} (sms) broke, attempt 1",
        f"delivery {last_try.pk} (sms) broke, attempt {settings.NOTIFY_ATTEMPTS}",
    }
    assert all(r.exc_info for r in broke)
