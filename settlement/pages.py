"""What the ticket's page shows of the settlement (the console includes
``settlement/_settle.html`` with this context)."""

from __future__ import annotations

import uuid
from typing import Any

from base.errors import DomainError
from people.access import is_staff_member
from settlement import selectors
from settlement import services as rules
from settlement.models import Method


def settle_context(user: Any, ticket: Any) -> dict[str, Any]:
    """What the ticket's page shows of the settlement: the receipt once charged, or the
    charge form when this account may charge the signed-off paid job now."""
    order = getattr(ticket, "work_order", None)
    if order is None or not order.is_paid:
        return {}
    charge = selectors.charge_of_ticket(ticket.pk)
    if charge is not None:
        return {"settle": {"charge": charge}}
    if order.signed_off_at is None or not is_staff_member(user):
        return {}
    try:
        rules.settler_for(user, ticket)
        quote = rules.charge_check(order, settled=False)  # no charge: read just above
    except DomainError:
        return {}
    return {"settle": {"quote": quote, "methods": Method.choices, "form_key": uuid.uuid4().hex}}
