"""Who should take a job (R2.5): by trade, duty and current load; for an emergency,
whoever can get there first, i.e. the free technician on duty."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from people.access import staff_at
from people.models import Role, Team, User
from tickets.models import Ticket

SUGGESTIONS = 5


@dataclass(frozen=True)
class Technician:
    user: User
    on_duty: bool
    open_load: int
    trade_ids: frozenset[int]


@dataclass(frozen=True)
class Candidate:
    user: User
    on_duty: bool
    has_trade: bool
    open_load: int


def technicians_at(property_id: int) -> list[Technician]:
    """The active technicians of a property with their open jobs and trades, in two
    queries, for ranking any number of tickets."""
    users = (
        staff_at(property_id, Role.TECHNICIAN)
        .annotate(open_load=Count("assigned_tickets", filter=Q(assigned_tickets__closed_at__isnull=True)))
        .select_related("team")
        .prefetch_related("trades")
        .order_by("id")
    )
    return [Technician(u, u.on_duty, u.open_load, frozenset(t.pk for t in u.trades.all())) for u in users]


def teams_at(property_id: int) -> list[Team]:
    """The property's maintenance teams, each with ``open_load``."""
    return list(
        Team.objects.filter(property_id=property_id)
        .annotate(open_load=Count("tickets", filter=Q(tickets__closed_at__isnull=True)))
        .order_by("name")
    )


def ranked(
    technicians: list[Technician], *, trade_id: int | None, emergency: bool, limit: int = SUGGESTIONS
) -> list[Candidate]:
    """Best first: on duty, then (routine) the right trade before a light load, or
    (emergency) a light load before the trade."""

    def key(t: Technician) -> tuple:
        has_trade = trade_id in t.trade_ids
        if emergency:
            return (not t.on_duty, t.open_load, not has_trade, t.user.pk)
        return (not t.on_duty, not has_trade, t.open_load, t.user.pk)

    return [
        Candidate(user=t.user, on_duty=t.on_duty, has_trade=trade_id in t.trade_ids, open_load=t.open_load)
        for t in sorted(technicians, key=key)[:limit]
    ]


def dispatch_candidates(ticket: Ticket, limit: int = SUGGESTIONS) -> list[Candidate]:
    return ranked(
        technicians_at(ticket.property_id),
        trade_id=ticket.category.trade_id if ticket.category else None,
        emergency=ticket.urgency == "emergency",
        limit=limit,
    )
