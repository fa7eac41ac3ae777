"""Who should take a job (R2.5): by trade, duty and current load; for an emergency,
whoever can get there first, i.e. the free technician on duty. The first of the
ranking says why it was chosen, in the words of that rule."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from base.reads import loaded
from people.access import staff_at_sql
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
    """The active technicians of a property (``staff_at``) with their team, open jobs and
    trades, for ranking any number of tickets: two hand-written statements. Through the
    ORM, building the accounts, their teams and trades took about 3 ms of every ticket
    page that can be dispatched (docs/performance.md)."""
    staff, staff_params = staff_at_sql(property_id, Role.TECHNICIAN)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT u.id, u.username, u.display_name, u.on_duty, m.id, m.property_id, m.name,"  # noqa: S608 - values are parameters
            " (SELECT COUNT(*) FROM tickets_ticket t WHERE t.assignee_id = u.id AND t.closed_at IS NULL)"
            " FROM people_user u LEFT JOIN people_team m ON m.id = u.team_id"
            f" WHERE u.id IN ({staff}) ORDER BY u.id",
            staff_params,
        )
        rows = cursor.fetchall()
        names: dict[int, dict[int, str]] = {}
        if rows:
            ids = [row[0] for row in rows]
            cursor.execute(
                "SELECT h.user_id, d.id, d.name FROM people_user_trades h"  # noqa: S608 - values are parameters
                " JOIN people_trade d ON d.id = h.trade_id"
                f" WHERE h.user_id IN ({', '.join(['%s'] * len(ids))})",
                ids,
            )
            for user_id, trade_id, trade_name in cursor.fetchall():
                names.setdefault(user_id, {})[trade_id] = trade_name
    out = []
    for pk, username, display_name, on_duty, team_id, team_property_id, team_name, load in rows:
        # The account as far as a ranking reads it; any other field is read when asked for.
        user = loaded(User, {"id": pk, "username": username, "display_name": display_name, "on_duty": bool(on_duty)})
        user.team = (
            loaded(Team, {"id": team_id, "property_id": team_property_id, "name": team_name}) if team_id else None
        )
        mine = names.get(pk, {})
        out.append(Technician(user, bool(on_duty), load, frozenset(mine), mine))
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
