"""The worker's side of the outbox: take a delivery by a conditional update (so of two
workers exactly one sends it), send it, note it sent; on a failure try again later with
backoff, and after NOTIFY_ATTEMPTS note it failed with the channel's error.

Where a message could still go twice: a worker killed after the channel took the message
and before it noted so (a few milliseconds) leaves the delivery claimed; once
NOTIFY_CLAIM_SECONDS have passed the next pass sends it again. A webhook or an SMS
gateway gets the same ``Idempotency-Key`` both times and an e-mail the same Message-ID,
so a receiver that looks at them keeps one. A worker killed after claiming and before
sending loses nothing: the delivery is sent by the next pass.
"""

from __future__ import annotations

import datetime
import logging
import os
import signal
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from notify import channels
from notify.models import Delivery

log = logging.getLogger(__name__)
BATCH = 100


def failpoint(name: str) -> None:
    """Fault injection for the crash tests: NOTIFY_FAILPOINT=claimed|sent makes the worker
    kill itself right there, as a power cut would."""
    if os.environ.get("NOTIFY_FAILPOINT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 ... minutes after each failed attempt, at most an hour."""
    return datetime.timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


def due(now: datetime.datetime) -> Iterable[int]:
    """Deliveries to send now: waiting and due, released from quiet hours, or claimed by
    a worker that never finished."""
    stale = now - datetime.timedelta(seconds=settings.NOTIFY_CLAIM_SECONDS)
    return (
        Delivery.objects.filter(
            Q(status__in=[Delivery.Status.PENDING, Delivery.Status.HELD], next_attempt_at__lte=now)
            | Q(status=Delivery.Status.SENDING, claimed_at__lt=stale)
        )
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:BATCH]
    )


def deliveries_send(ids: Iterable[int] | None = None, *, now: datetime.datetime | None = None) -> int:
    """Send the given deliveries (or every one that is due); returns how many went."""
    now = now or timezone.now()
    sent = 0
    for pk in list(ids) if ids is not None else list(due(now)):
        sent += delivery_send(pk, now=now)
    return sent


def _claim(pk: int, now: datetime.datetime) -> Delivery | None:
    stale = now - datetime.timedelta(seconds=settings.NOTIFY_CLAIM_SECONDS)
    claimable = Q(status__in=[Delivery.Status.PENDING, Delivery.Status.HELD], next_attempt_at__lte=now) | Q(
        status=Delivery.Status.SENDING, claimed_at__lt=stale
    )
    won = Delivery.objects.filter(claimable, pk=pk).update(status=Delivery.Status.SENDING, claimed_at=now)
    return Delivery.objects.select_related("route", "ticket").get(pk=pk) if won else None


def delivery_send(pk: int, *, now: datetime.datetime | None = None) -> int:
    """Claim, send and note one delivery; 1 if it went (or was kept locally), else 0."""
    now = now or timezone.now()
    delivery = _claim(pk, now)
    if delivery is None:
        return 0  # another worker has it, it is not due, or it is done
    failpoint("claimed")
    if not channels.configured(delivery.channel):
        Delivery.objects.filter(pk=pk, status=Delivery.Status.SENDING).update(
            status=Delivery.Status.KEPT, sent_at=now, attempts=delivery.attempts + 1
        )
        return 1
    try:
        channels.send(delivery)
    except channels.ChannelError as e:
        log.warning("delivery %s (%s) failed, attempt %s: %s", pk, delivery.channel, delivery.attempts + 1, e)
        return _failed(delivery, now, str(e))
    except Exception as e:  # noqa: BLE001 - a fault in a channel must not stall its row or the rest of the pass
        log.exception("delivery %s (%s) broke, attempt %s", pk, delivery.channel, delivery.attempts + 1)
        return _failed(delivery, now, f"{type(e).__name__}: {e}")
    failpoint("sent")
    # A secret (a sign-in code) is kept only until it has gone: the row keeps the rest.
    secret = {"text": delivery.shown_text()} if delivery.is_secret() else {}
    Delivery.objects.filter(pk=pk, status=Delivery.Status.SENDING).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), attempts=delivery.attempts + 1, error="", **secret
    )
    return 1


def _failed(delivery: Delivery, now: datetime.datetime, error: str) -> int:
    """Note a failed attempt: tried again after the backoff, or failed for good after
    NOTIFY_ATTEMPTS tries (the supervisor may send it again)."""
    attempts = delivery.attempts + 1
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(
        status=Delivery.Status.FAILED if attempts >= settings.NOTIFY_ATTEMPTS else Delivery.Status.PENDING,
        attempts=attempts,
        next_attempt_at=now + backoff(attempts),
        error=error[:500],
    )
    return 0


def delivery_retry(*, delivery: Delivery) -> bool:
    """The desk supervisor sends a failed delivery again, now."""
    return bool(
        Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
            status=Delivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now(), error=""
        )
    )
