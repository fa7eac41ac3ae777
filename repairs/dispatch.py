"""Who should take a job (R2.5): by trade, duty and current load; for an emergency,
whoever can get there first, i.e. the free technician on duty."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from people.models import Role, User
from tickets.models import Ticket

SUGGESTIONS = 5


@dataclass(frozen=True)
class Candidate:
    user: User
    on_duty: bool
    has_trade: bool
    open_load: int


def dispatch_candidates(ticket: Ticket, limit: int = SUGGESTIONS) -> list[Candidate]:
    """Technicians of the ticket's property, best first: on duty, then (routine) the
    right trade before a light load, or (emergency) a light load before the trade."""
    trade_id = ticket.category.trade_id if ticket.category else 0
    qs = User.objects.filter(role=Role.TECHNICIAN, is_active=True, properties=ticket.property_id).annotate(
        open_load=Count("assigned_tickets", filter=Q(assigned_tickets__closed_at__isnull=True)),
        has_trade=Exists(User.trades.through.objects.filter(user_id=OuterRef("pk"), trade_id=trade_id)),
    )
    if ticket.urgency == "emergency":
        qs = qs.order_by("-on_duty", "open_load", "-has_trade", "id")
    else:
        qs = qs.order_by("-on_duty", "-has_trade", "open_load", "id")
    return [
        Candidate(user=u, on_duty=u.on_duty, has_trade=bool(u.has_trade), open_load=u.open_load)
        for u in qs.select_related("team")[:limit]
    ]
