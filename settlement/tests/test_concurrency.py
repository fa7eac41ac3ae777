"""R2.11: the receipt series of a property has no gaps and no duplicates under
concurrent settlements (PostgreSQL, real threads), and a job charged twice at the same
moment is charged once."""

from __future__ import annotations

import pytest
from django.db import connection

from conftest import Api
from settlement.models import Charge
from settlement.tests.conftest import job
from tickets.models import NumberCounter
from tickets.tests.test_concurrency import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
]


def test_r2_11_concurrent_settlements_number_the_receipts_1_to_n_without_gaps(persona, clock):
    n = 8
    jobs = [job(persona, unit=f"3-{floor}01") for floor in range(1, n + 1)]
    desks = [Api(persona("ygjy-agent")), Api(persona("ygjy-agent2"))]
    # Each job charged once by one desk, and two jobs charged again at the same moment
    # by the other desk: those two lose whole and take no number.
    work = [(jobs[i], desks[i % 2]) for i in range(n)] + [(jobs[0], desks[1]), (jobs[1], desks[0])]
    results = race(len(work), lambda i: work[i][1].post(f"/work-orders/{work[i][0].number}/charge", {"method": "cash"}))
    codes = sorted(r.status_code for r in results)
    assert codes == [201] * n + [409] * 2, [r.content for r in results]
    numbers = sorted(r.json()["receipt_no"] for r in results if r.status_code == 201)
    assert numbers == [f"SJ-YGJY-2026-{k:06d}" for k in range(1, n + 1)]
    assert sorted(Charge.objects.values_list("seq", flat=True)) == list(range(1, n + 1))
    assert NumberCounter.objects.get(key__startswith="SJ", key__endswith="-2026").value == n
    assert all(r.json()["code"] == "settled_already" for r in results if r.status_code == 409)


def test_r2_11_the_same_request_sent_five_times_at_once_charges_once(persona, clock):
    t = job(persona)
    desk = Api(persona("ygjy-agent"))
    results = race(
        5, lambda i: desk.post(f"/work-orders/{t.number}/charge", {"method": "cash"}, **{"Idempotency-Key": "tap-7"})
    )
    assert {r.status_code for r in results} == {201}, [r.content for r in results]
    assert len({r.json()["receipt_no"] for r in results}) == 1
    assert (
        Charge.objects.count() == 1
        and NumberCounter.objects.get(key__startswith="SJ", key__endswith="-2026").value == 1
    )
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in results) == 4
