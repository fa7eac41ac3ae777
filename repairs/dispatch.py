"""Who should take a job (R2.5): by trade, duty and current load; for an emergency,
whoever can get there first, i.e. the free technician on duty. The first of the
ranking says why it was chosen, in the words of that rule."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from people.access import staff_at
from people.models import Role, Team, User
from tickets.models import Ticket

SUGGESTIONS = 5


def open_load(field: str) -> Coalesce:
    """How many open tickets the outer row (a technician or a team) has, counted by the
    index on (``field``, closed_at): a count in a join would read every ticket they ever
    had, closed ones included."""
    mine = Ticket.objects.filter(**{field: OuterRef("pk"), "closed_at__isnull": True}).order_by()
    count = mine.values(field).annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(count, output_field=IntegerField()), Value(0))


@dataclass(frozen=True)
class Technician:
    user: User
    on_duty: bool
    open_load: int
    trade_ids: frozenset[int]
    trade_names: Mapping[int, str] = field(default_factory=dict)  # their trades' names, by id


@dataclass(frozen=True)
class Candidate:
    user: User
    on_duty: bool
    has_trade: bool
    open_load: int
    trade: str = ""  # the name of the trade the job needs ("" when unknown or none)
    needs_trade: bool = False  # the job's category names a trade
    why: str = ""  # the first of a ranking only: why it came first

    @property
    def facts(self) -> str:
        """Duty, open jobs and, when it is not theirs, the trade: what the ranking weighed."""
        parts = [_("on duty") if self.on_duty else _("off duty"), _("%(n)s open") % {"n": self.open_load}]
        if self.needs_trade and not self.has_trade:
            parts.append(_("not a %(trade)s") % {"trade": self.trade} if self.trade else _("other trade"))
        return " · ".join(parts)

    @property
    def label(self) -> str:
        """The technician as a choice: name and facts; the first starred, with why (which
        says the trade)."""
        if not self.why:
            return f"{self.user} · {self.facts}"
        duty = _("on duty") if self.on_duty else _("off duty")
        load = _("%(n)s open") % {"n": self.open_load}
        return f"★ {self.user} · {duty} · {load} — {self.why}"


def technicians_at(property_id: int) -> list[Technician]:
    """The active technicians of a property with their open jobs and trades, in two
    queries, for ranking any number of tickets."""
    users = (
        staff_at(property_id, Role.TECHNICIAN)
        .annotate(open_load=open_load("assignee"))
        .select_related("team")
        .prefetch_related("trades")
        .order_by("id")
    )
    out = []
    for u in users:
        names = {t.pk: t.name for t in u.trades.all()}
        out.append(Technician(u, u.on_duty, u.open_load, frozenset(names), names))
    return out


def teams_at(property_id: int) -> list[Team]:
    """The property's maintenance teams, each with ``open_load``."""
    return list(Team.objects.filter(property_id=property_id).annotate(open_load=open_load("team")).order_by("name"))


def why(best: Candidate, *, emergency: bool) -> str:
    """Why the first of a ranking came first, as the rule weighed it: an emergency goes
    to the freest technician on duty whatever the trade (said when it is not theirs);
    a routine job to the right trade, then the lightest load; nobody on duty is said."""
    trade = {"trade": best.trade}
    if emergency:
        if not best.needs_trade:
            reason = _("emergency: free first")
        elif best.has_trade:
            reason = _("emergency: free first, a %(trade)s") % trade
        elif best.trade:
            reason = _("emergency: free first, not a %(trade)s") % trade
        else:
            reason = _("emergency: free first, nobody of the trade")
    elif not best.needs_trade:
        reason = _("the least busy first")
    elif best.has_trade:
        reason = _("a %(trade)s, the least busy of them") % trade
    elif best.trade:
        reason = _("no %(trade)s on duty: the least busy first") % trade
    else:
        reason = _("nobody of the trade: the least busy first")
    return reason if best.on_duty else _("nobody on duty; %(why)s") % {"why": reason}


def ranked(
    technicians: list[Technician], *, trade_id: int | None, emergency: bool, limit: int = SUGGESTIONS
) -> list[Candidate]:
    """Best first: on duty, then (routine) the right trade before a light load, or
    (emergency) a light load before the trade. The first carries ``why``."""

    def key(t: Technician) -> tuple:
        has_trade = trade_id in t.trade_ids
        if emergency:
            return (not t.on_duty, t.open_load, not has_trade, t.user.pk)
        return (not t.on_duty, not has_trade, t.open_load, t.user.pk)

    trade = ""  # the name of the job's trade, as the technicians who have it hold it
    if trade_id is not None:
        trade = next((t.trade_names[trade_id] for t in technicians if trade_id in t.trade_names), "")
    out = [
        Candidate(
            user=t.user,
            on_duty=t.on_duty,
            has_trade=trade_id in t.trade_ids,
            open_load=t.open_load,
            trade=trade,
            needs_trade=trade_id is not None,
        )
        for t in sorted(technicians, key=key)[:limit]
    ]
    if out:
        out[0] = replace(out[0], why=why(out[0], emergency=emergency))
    return out


def dispatch_candidates(ticket: Ticket, limit: int = SUGGESTIONS) -> list[Candidate]:
    return ranked(
        technicians_at(ticket.property_id),
        trade_id=ticket.category.trade_id if ticket.category else None,
        emergency=ticket.urgency == "emergency",
        limit=limit,
    )
