"""R3.4 at its edges, on the fee rule alone (repairs.fees): what the quote says for each
basis, a job with no warranty to read, a job before its building's acceptance, and the
last day of a warranty."""

from __future__ import annotations

import datetime

import pytest
from django.utils.translation import gettext as _

from catalog.models import Category
from estates.models import Property, Unit
from repairs.fees import MISUSE, WARRANTY_EXPIRED, FeeTerms, fee_note, fee_terms
from repairs.models import WorkOrder
from tickets.models import Ticket

# Building 3 of 阳光嘉园 was accepted on 2025-01-15; plumbing is covered for 24 months,
# to 2027-01-14 (the demo's terms).
LAST_DAY = datetime.date(2027, 1, 14)


def job(unit: str | None = "3-1202", category: str | None = "plumbing") -> Ticket:
    prop = Property.objects.get(code="YGJY")
    return Ticket(
        property=prop,
        unit=Unit.objects.get(property=prop, label=unit) if unit else None,
        category=Category.objects.get(code=category) if category else None,
    )


def test_r3_4_the_quote_says_misuse_with_its_reason_expiry_or_nothing():
    """R3.4: the note says "misuse: <reason>" (an empty reason when none was given), "warranty
    expired: labour and material only", or nothing at all when the fee schedule simply applies."""
    assert fee_note(MISUSE, "人为损坏") == _("misuse: %(reason)s") % {"reason": "人为损坏"}
    assert fee_note(MISUSE) == _("misuse: %(reason)s") % {"reason": ""}
    assert fee_note(WARRANTY_EXPIRED) == _("warranty expired: labour and material only")
    assert fee_note("") == "" and FeeTerms(True).note == ""


def test_r3_4_without_a_warranty_to_read_the_fee_schedule_applies(estate):
    """R3.4: a job with no category (so no warranty term) at a unit: the service fee is
    charged and nothing more is said."""
    assert fee_terms(job(category=None), WorkOrder(), on=datetime.date(2026, 11, 23)) == FeeTerms(True)


def test_r3_4_before_the_building_is_accepted_the_warranty_has_not_expired(estate):
    """R3.4: a day before building 3's acceptance the warranty is not running yet, but it has
    not expired either: the fee schedule applies in full."""
    assert fee_terms(job(), WorkOrder(), on=datetime.date(2025, 1, 14)) == FeeTerms(True)


@pytest.mark.parametrize(
    ("day", "terms"),
    [
        (LAST_DAY, FeeTerms(True)),  # the last day covered
        (LAST_DAY + datetime.timedelta(days=1), FeeTerms(False, WARRANTY_EXPIRED)),  # the day after
    ],
)
def test_r3_4_labour_and_material_only_from_the_day_after_the_warranty(estate, day, terms):
    """R3.4: on the warranty's last day the fee schedule applies; from the day after, only
    labour and material (service_fee False, the basis named)."""
    found = fee_terms(job(), WorkOrder(), on=day)
    assert found == terms and found.service_fee is terms.service_fee
