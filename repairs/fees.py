"""Which fees a paid repair carries, and why (R3.4): the one place the rule is applied.

- Damage from misuse, marked on site with its reason, is outside warranty: the fee
  schedule applies in full, service fee included; the quote says "misuse: <reason>".
- After the warranty of the repair's category has expired at the unit (catalog.warranty),
  only labour and material are charged, no service fee, when the property's policy
  says so (``Property.labour_and_material_after_warranty``, on by default as the manual
  has it); the quote says "warranty expired: labour and material only".
- Otherwise the fee schedule applies and the quote says nothing more.

``repairs.services`` prices the items on site with ``fee_terms`` and keeps its basis
and reason on the quote shown to the customer (R2.9); ``fee_note`` says it in the
reader's language wherever the quote or the receipt is shown.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from catalog.warranty import warranty_for
from estates.localtime import local_today

if TYPE_CHECKING:
    from repairs.models import WorkOrder
    from tickets.models import Ticket

MISUSE = "misuse"
WARRANTY_EXPIRED = "warranty_expired"


def fee_note(basis: str, reason: str = "") -> str:
    """Why a service fee is or is not charged, in the reader's language."""
    if basis == MISUSE:
        return _("misuse: %(reason)s") % {"reason": reason}
    if basis == WARRANTY_EXPIRED:
        return _("warranty expired: labour and material only")
    return ""


@dataclass(frozen=True)
class FeeTerms:
    service_fee: bool  # whether the service fee of the fee schedule is charged
    basis: str = ""  # MISUSE, WARRANTY_EXPIRED, or empty when the fee schedule simply applies
    reason: str = ""  # the misuse marked on site

    @property
    def note(self) -> str:
        return fee_note(self.basis, self.reason)


def fee_terms(ticket: Ticket, order: WorkOrder, on: datetime.date | None = None) -> FeeTerms:
    """The fee terms of the job at ``ticket``'s place on day ``on`` (today at the property)."""
    if order.misuse_reason:
        return FeeTerms(True, MISUSE, order.misuse_reason)
    prop = ticket.property
    if ticket.unit_id is None or not prop.labour_and_material_after_warranty:
        return FeeTerms(True)
    day = on or local_today(prop.time_zone)
    warranty = warranty_for(unit=ticket.unit, building=None, category=ticket.category, on=day)
    if warranty is not None and not warranty.covered and warranty.until is not None and warranty.until < day:
        return FeeTerms(False, WARRANTY_EXPIRED)
    return FeeTerms(True)
