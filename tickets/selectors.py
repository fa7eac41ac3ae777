"""Reads of tickets: the filtered, keyset-paginated list and one ticket in full.
Each runs a fixed number of queries whatever the data size."""

from __future__ import annotations

import base64
import datetime
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, Model, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, StrIndex
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from ninja import Field, Schema

from base.errors import InvalidInput, NotFound
from base.reads import related_read, select
from base.schemas import Day
from catalog.selectors import category_by_pk
from estates.models import CommonArea, Property, Resident, Unit
from estates.selectors import units_said
from people.access import is_resident, may_see_household_phones, visible_tickets_sql, workplace_of
from people.models import Team, User
from promises.models import CUSTOMER_CLOCKS
from tickets.kinds import kind_for, kinds
from tickets.models import Ticket, TicketEvent, TicketQuerySet
from tickets.workflow import workflow_for


def with_labels(qs: TicketQuerySet) -> TicketQuerySet:
    """Tickets with what a summary shows of the rows they point at: the property and
    category joined, and the unit's label, the common area's name, the assignee and the
    team as scalar subqueries (``unit_label``, ``area_name``, ``assignee_username``,
    ``assignee_display``, ``team_name``).

    PostgreSQL plans a join of n tables in time that grows fast with n: a ticket joined
    to all six took 15 ms to plan and 0.5 ms to run. A scalar subquery is planned on
    its own and costs one index probe per row of the page.
    """

    def one(model: type[Model], column: str, field: str) -> Subquery:
        return Subquery(model._default_manager.filter(pk=OuterRef(column)).order_by().values(field)[:1])

    return qs.select_related("property", "category").annotate(
        unit_label=one(Unit, "unit_id", "label"),
        area_name=one(CommonArea, "common_area_id", "name"),
        assignee_username=one(User, "assignee_id", "username"),
        assignee_display=one(User, "assignee_id", "display_name"),
        team_name=one(Team, "team_id", "name"),
    )


# What with_labels adds, from which relation: (annotation, relation, field).
LABELS = (
    ("unit_label", "unit", "label"),
    ("area_name", "common_area", "name"),
    ("assignee_username", "assignee", "username"),
    ("assignee_display", "assignee", "display_name"),
    ("team_name", "team", "name"),
)


def labelled(ticket: Ticket) -> Ticket:
    """A ticket this request holds (one just recorded) with what ``with_labels`` adds,
    taken from the rows it already holds; read again only if it lacks one of them."""
    held = all(
        getattr(ticket, f"{relation}_id") is None or ticket._state.fields_cache.get(relation) is not None
        for relation in ("property", "category", *{relation for _label, relation, _field in LABELS})
    )
    if not held:
        return with_labels(Ticket.objects.filter(pk=ticket.pk)).get()
    for label, relation, field in LABELS:
        related = getattr(ticket, relation) if getattr(ticket, f"{relation}_id") is not None else None
        setattr(ticket, label, getattr(related, field) if related is not None else None)
    return ticket


PAGE_MAX = 200


class TicketFilter(Schema):
    """Filters of the ticket list; every field is optional."""

    kind: str | None = None
    status: str | None = None  # comma-separated
    open: bool | None = None
    property: str | None = None
    building: int | None = Field(None, ge=1, le=2**31 - 1)
    unit: str | None = None
    assignee: str | None = None
    overdue: bool | None = None
    reported_from: Day | None = None
    reported_to: Day | None = None
    q: str | None = None
    archived: bool = False  # records closed over two years ago are left out unless asked for
    ordering: str = "-reported"  # or "due": the queue order, earliest promise first


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def tickets_filtered(user: User, f: TicketFilter, now: datetime.datetime | None = None) -> TicketQuerySet:
    now = now or timezone.now()
    qs = Ticket.objects.visible_to(user)
    if not f.archived:
        qs = qs.filter(archived_at__isnull=True)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status:
        qs = qs.filter(status__in=[s.strip() for s in f.status.split(",") if s.strip()])
    if f.open is not None:
        qs = qs.filter(closed_at__isnull=f.open)
    if f.property:
        # A scalar subquery, not a join: the planner then takes the property as one value
        # and walks the queue index in order, reading one page instead of sorting them all.
        qs = qs.filter(property_id=Subquery(Property.objects.filter(code=f.property).values("id")[:1]))
    if f.building:
        qs = qs.filter(building_id=f.building)
    if f.unit:
        # Units of any property, as the search does: the scoping above keeps the tickets
        # to the account's own, and a unit written in no known form is refused by name.
        units = units_said(Property.objects.values("pk"), f.unit)
        if not units.exists():
            raise InvalidInput(_("There is no unit “%(unit)s”.") % {"unit": f.unit.strip()[:30]}, field="unit")
        qs = qs.filter(unit__in=units)
    if f.assignee:
        qs = qs.filter(assignee__username=f.assignee)
    if f.overdue is True:
        qs = qs.filter(closed_at__isnull=True, next_due_at__lt=now)
    elif f.overdue is False:
        qs = qs.exclude(closed_at__isnull=True, next_due_at__lt=now)
    if f.reported_from:
        qs = qs.filter(reported_at__gte=_day_start(f.reported_from))
    if f.reported_to:
        qs = qs.filter(reported_at__lt=_day_start(f.reported_to + datetime.timedelta(days=1)))
    if f.q:
        text = f.q.strip()[:100]
        said = Q(number=text.upper()) | Q(reporter_name=text) | Q(description__icontains=text)
        if may_see_household_phones(user):  # nobody else finds a matter by its phone (R7.2)
            said |= Q(reporter_phone__startswith=text)
        qs = qs.filter(said)
    return qs


SEARCH_ROWS = 20
SHORT_WORDS_DAYS = datetime.timedelta(days=31)
NUMBER_LIKE = re.compile(r"^[A-Za-z0-9-]*[0-9][A-Za-z0-9-]*$|^[A-Za-z]{2,3}-?$")  # BX-2026..., 0001, bx-


def tickets_search(user: User, text: str, *, limit: int = SEARCH_ROWS) -> list[Ticket]:
    """The desk's one search box: a ticket number in any case or part of it, a phone
    number or its last four digits, a unit in any common form, a caller's or resident's
    name, or words of the description; across kinds and the properties the user works
    at, the open ones first (by the next promise), then the newest.

    A word of two characters has no trigram to look it up by: the closed matters it
    finds by their description are those of the last month."""
    text = " ".join((text or "").split())[:100]
    if len(text) < 2:
        return []
    scope = Ticket.objects.visible_to(user).filter(archived_at__isnull=True)
    found = Q(pk__in=[])
    words = Q(pk__in=[])
    if NUMBER_LIKE.match(text):
        found |= Q(number__contains=text.upper())
    digits = text.replace(" ", "").replace("-", "")
    if digits.isdigit() and may_see_household_phones(user):  # R7.2: a phone finds nothing for others
        found |= Q(reporter_phone__endswith=digits) if len(digits) == 4 else Q(reporter_phone__contains=digits)
    # Units of any property: the tickets' own scope decides what is seen.
    units = list(units_said(Property.objects.values("pk"), text).values_list("pk", flat=True)[:50])
    if units:
        found |= Q(unit_id__in=units)  # a unit named: its tickets, not words
    elif not digits.isdigit():
        # The residents' ids as values, not a subquery: the planner then ORs index lookups.
        residents = list(Resident.objects.filter(name__startswith=text).values_list("pk", flat=True)[:200])
        found |= Q(reporter_name__startswith=text) | Q(resident_id__in=residents)
        words = Q(description__contains=text)
    short = len(text) < 3
    rows = with_labels(scope).select_related("property")
    open_rows = list(
        rows.filter(found | words, closed_at__isnull=True).order_by(
            F("next_due_at").asc(nulls_last=True), "-reported_at", "-id"
        )[:limit]
    )
    if len(open_rows) == limit:
        return open_rows
    need = limit - len(open_rows)
    closed = rows.filter(closed_at__isnull=False)
    # Sorted by an expression, not by walking the reported_at index and testing every
    # row (slow when few match): the index lookups first, then the sort of what matched.
    newest = (Coalesce("reported_at", "created_at").desc(), "-id")
    if not short:
        return open_rows + list(closed.filter(found | words).order_by(*newest)[:need])
    # Two characters: a trigram index would be read whole; the position of the word in
    # the text (an expression no index serves) makes the planner walk the month instead.
    recent = (
        closed.filter(reported_at__gte=timezone.now() - SHORT_WORDS_DAYS)
        .alias(at=StrIndex("description", Value(text)))
        .filter(at__gt=0)
        .order_by("-reported_at", "-id")
    )
    merged = {t.pk: t for t in [*closed.filter(found).order_by(*newest)[:need], *recent[:need]]}
    return open_rows + sorted(merged.values(), key=lambda t: (t.reported_at, t.pk), reverse=True)[:need]


def _cursor_encode(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


def _cursor_decode(cursor: str, *, nullable: bool) -> tuple[datetime.datetime | None, int]:
    """A cursor this API made: a time (None allowed only when ``nullable``) and an id.
    Anything else, however it was forged, is the same clear error."""
    bad = InvalidInput(_("This cursor is not valid; start again from the first page."), field="cursor")
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError, UnicodeDecodeError):
        raise bad from None
    if not (isinstance(values, list) and len(values) == 2) or type(values[1]) is not int:
        raise bad
    if values[0] is None and nullable:
        return None, values[1]
    try:
        at = parse_datetime(values[0]) if isinstance(values[0], str) else None
    except ValueError:
        at = None
    if at is None or not 2000 <= at.year <= 2100 or not 0 < values[1] < 2**63:
        raise bad
    return at, values[1]


def tickets_page(
    qs: TicketQuerySet, *, ordering: str, cursor: str | None, limit: int
) -> tuple[list[Ticket], str | None]:
    """One page by keyset pagination: no OFFSET and no COUNT, so page 1 and page 1000
    cost the same on a million rows."""
    limit = max(1, min(limit, PAGE_MAX))
    qs = with_labels(qs)
    if ordering == "due":
        qs = qs.order_by(F("next_due_at").asc(nulls_last=True), "id")
        if cursor:
            due, pk = _cursor_decode(cursor, nullable=True)
            if due is None:
                qs = qs.filter(next_due_at__isnull=True, id__gt=pk)
            else:
                qs = qs.filter(Q(next_due_at__gt=due) | Q(next_due_at=due, id__gt=pk) | Q(next_due_at__isnull=True))
        rows = list(qs[: limit + 1])
        last = rows[limit - 1] if len(rows) > limit else None
        nxt = _cursor_encode([last.next_due_at.isoformat() if last.next_due_at else None, last.pk]) if last else None
    elif ordering == "-reported":
        qs = qs.order_by("-reported_at", "-id")
        if cursor:
            at, pk = _cursor_decode(cursor, nullable=False)
            qs = qs.filter(Q(reported_at__lt=at) | Q(reported_at=at, id__lt=pk))
        rows = list(qs[: limit + 1])
        last = rows[limit - 1] if len(rows) > limit else None
        nxt = _cursor_encode([last.reported_at.isoformat(), last.pk]) if last else None
    else:
        raise InvalidInput(_("Order by “-reported” or “due”."), field="ordering")
    return rows[:limit], nxt


OVERDUE = "overdue"


# The desk's queues are the busiest pages of all (every desk reloads its queue every
# fifteen seconds): their two reads are hand-written statements. Through the ORM,
# building the statements and the fifty tickets cost four times what PostgreSQL takes to
# run them (docs/performance.md). The scope is people.access's own, said in SQL.


def queue_counts(user: User, property_id: int, kind: str, now: datetime.datetime) -> dict[str, int]:
    """Open tickets of a kind at a property per work queue of its workflow, and how
    many are past a promise (``overdue``), in one statement: counted by status, the
    statuses summed into their queues here."""
    scope, scope_params = visible_tickets_sql(user)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.status, COUNT(*), SUM(CASE WHEN t.next_due_at < %s THEN 1 ELSE 0 END)"  # noqa: S608 - values are parameters
            " FROM tickets_ticket t"
            f" WHERE t.property_id = %s AND t.kind = %s AND t.closed_at IS NULL AND {scope}"
            " GROUP BY t.status",
            [connection.ops.adapt_datetimefield_value(now), property_id, kind, *scope_params],
        )
        rows = cursor.fetchall()
    by_status = {status: n for status, n, _late in rows}
    counts = {q.code: sum(by_status.get(s, 0) for s in q.states) for q in workflow_for(kind).queues}
    counts[OVERDUE] = sum(late for _status, _n, late in rows)
    return counts


@dataclass(frozen=True)
class TicketRow:
    """What a list's row (the desk's queues, the dispatch board, the technician's jobs,
    the resident's matters) shows of a ticket."""

    number: str
    kind: str
    status: str
    urgency: str
    route: str
    description: str
    reporter_name: str
    reported_at: datetime.datetime
    next_due_at: datetime.datetime | None
    appointment_at: datetime.datetime | None
    time_zone: str  # its property's
    category_name: str | None
    category_trade_id: int | None
    unit_label: str | None
    area_name: str | None
    assignee_username: str | None
    assignee_display: str | None
    team_name: str | None
    mark: str | None  # the kind's own mark (TicketKind.row_mark): its value ...
    mark_label: str  # ... and its words

    @property
    def status_label(self) -> str:
        return kind_for(self.kind).workflow.state_label(self.status)


def _row_mark(kind: str) -> tuple[str, dict[Any, str]]:
    """The kind's mark as a column of the queue's statement (a scalar subquery on its own
    record) and its values' words; ("NULL", {}) for a kind without one."""
    if not (path := kind_for(kind).row_mark):
        return "NULL", {}
    relation, name = path.split("__")
    rel = Ticket._meta.get_field(relation)
    model, field = rel.related_model, rel.related_model._meta.get_field(name)  # type: ignore[union-attr]
    column = (
        f"(SELECT k.{field.column} FROM {model._meta.db_table} k"  # type: ignore[union-attr]  # noqa: S608 - the model's names
        f" WHERE k.{rel.field.column} = t.id)"  # type: ignore[union-attr]
    )
    return column, {value: str(words) for value, words in field.flatchoices}  # type: ignore[union-attr]


def _moment(value: datetime.datetime | str | None) -> datetime.datetime | None:
    """A time read by a hand-written statement: SQLite gives it without its zone (UTC)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        return value.replace(tzinfo=datetime.UTC)
    return value


def queue_tickets(
    user: User, property_id: int, kind: str, queue: str, now: datetime.datetime, *, limit: int = 100
) -> list[TicketRow]:
    """One work queue, earliest promise first (the first ``limit`` rows), with the kind's
    own mark (a complaint's severity, a help request's category)."""
    if queue == OVERDUE:
        which, params = "t.next_due_at < %s", [connection.ops.adapt_datetimefield_value(now)]
    else:
        states = next((q.states for q in workflow_for(kind).queues if q.code == queue), None)
        if states is None:
            raise NotFound(_("There is no such queue."))
        which, params = f"t.status IN ({', '.join(['%s'] * len(states))})", list(states)
    return ticket_rows(
        user,
        f"t.closed_at IS NULL AND t.property_id = %s AND t.kind = %s AND {which}",
        [property_id, kind, *params],
        order="t.next_due_at ASC NULLS LAST, t.id",
        limit=limit,
        kind=kind,
    )


def jobs_open(user: User, *, limit: int) -> list[TicketRow]:
    """The open tickets a technician works (theirs and their team's, by their scope):
    emergencies first, then by appointment, then by the next promise. Their own jobs
    and their team's are each read in that order from an index of their own
    (``ticket_open_jobs_*``), up to the page, and the page is chosen from the two."""
    among = [("t.assignee_id = %s", [user.pk])]
    if user.team_id:
        among.append(("t.team_id = %s", [user.team_id]))
    return ticket_rows(
        user,
        "t.closed_at IS NULL",
        [],
        # "emergency" sorts before "routine"
        order="t.urgency ASC, t.appointment_at ASC NULLS LAST, t.next_due_at ASC NULLS LAST, t.id",
        limit=limit,
        among=among,
    )


def tickets_newest(user: User, *, limit: int) -> list[TicketRow]:
    """The tickets the account may see, newest first (a resident's matters)."""
    return ticket_rows(user, "1 = 1", [], order="t.reported_at DESC, t.id DESC", limit=limit)


# What ``with_labels`` adds, said in SQL on the ticket ``t`` for the hand-written reads
# (a list's rows, one ticket in full): the label of each row a ticket points at.
UNIT_LABEL_SQL = "(SELECT u.label FROM estates_unit u WHERE u.id = t.unit_id)"
AREA_NAME_SQL = "(SELECT a.name FROM estates_commonarea a WHERE a.id = t.common_area_id)"
TEAM_NAME_SQL = "(SELECT m.name FROM people_team m WHERE m.id = t.team_id)"


def ticket_rows(
    user: User,
    where: str,
    params: list[Any],
    *,
    order: str,
    limit: int,
    kind: str = "",
    among: Sequence[tuple[str, list[Any]]] = (),
) -> list[TicketRow]:
    """Tickets the account may see, those ``where`` says, in ``order``, with what a
    list's row shows (and the mark of ``kind``, if given): one hand-written statement.

    ``among``: conditions (with their parameters) that together hold every ticket the
    account may see (a technician's own jobs, their team's). Each is read in ``order``
    up to the page, and the page is chosen from what they give: an index on each walks
    in order and stops, where one condition joining both would read every open job of
    a busy team and sort them."""
    scope, scope_params = visible_tickets_sql(user)
    mark, mark_words = _row_mark(kind) if kind else ("NULL", {})
    limit = max(1, min(limit, PAGE_MAX))
    if among:
        keys = ", ".join(part.split()[0] for part in order.split(","))  # the columns ``order`` sorts by
        parts = [
            f"SELECT * FROM (SELECT {keys} FROM tickets_ticket t WHERE {where} AND {scope} AND {cond}"  # noqa: S608 - values are parameters
            f" ORDER BY {order} LIMIT %s) b{n}"
            for n, (cond, _p) in enumerate(among)
        ]
        chosen = f"SELECT t.id FROM ({' UNION '.join(parts)}) t ORDER BY {order} LIMIT %s"  # noqa: S608
        chosen_params = [v for _cond, p in among for v in (*params, *scope_params, *p, limit)] + [limit]
        where, params, scope, scope_params = f"t.id IN ({chosen})", chosen_params, "1 = 1", []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.number, t.kind, t.status, t.urgency, t.route, t.description, t.reporter_name,"  # noqa: S608 - values are parameters
            " t.reported_at, t.next_due_at, t.appointment_at, r.time_zone, c.name, c.trade_id,"
            f" {UNIT_LABEL_SQL}, {AREA_NAME_SQL},"
            " p.username, p.display_name,"
            f" {TEAM_NAME_SQL},"
            f" {mark}"
            # The page of tickets is chosen first, then joined for its rows' labels: a
            # technician's team with thousands of open jobs is sorted as bare tickets.
            f" FROM (SELECT t.* FROM tickets_ticket t WHERE {where} AND {scope} ORDER BY {order} LIMIT %s) t"
            " JOIN estates_property r ON r.id = t.property_id"
            " LEFT JOIN catalog_category c ON c.id = t.category_id"
            " LEFT JOIN people_user p ON p.id = t.assignee_id"
            f" ORDER BY {order}",
            [*params, *scope_params, limit],
        )
        rows = cursor.fetchall()
    return [
        TicketRow(
            number=number,
            kind=of_kind,
            status=status,
            urgency=urgency,
            route=route,
            description=description,
            reporter_name=reporter_name,
            reported_at=_moment(reported),  # type: ignore[arg-type]
            next_due_at=_moment(due),
            appointment_at=_moment(appointment),
            time_zone=time_zone,
            category_name=category_name,
            category_trade_id=trade_id,
            unit_label=unit_label,
            area_name=area_name,
            assignee_username=username,
            assignee_display=display,
            team_name=team_name,
            mark=value,
            mark_label=mark_words.get(value, value or ""),
        )
        for (
            number,
            of_kind,
            status,
            urgency,
            route,
            description,
            reporter_name,
            reported,
            due,
            appointment,
            time_zone,
            category_name,
            trade_id,
            unit_label,
            area_name,
            username,
            display,
            team_name,
            value,
        ) in rows
    ]


REPEAT_DAYS = 90


def place_history(
    user: User, property_id: int, *, unit: str = "", area: str = "", now: datetime.datetime, limit: int = 20
) -> list[Ticket]:
    """What the desk sees before saving a new report (R2.20 repeat repairs): the place's
    open tickets and its tickets of the last 90 days, newest first."""
    qs = Ticket.objects.visible_to(user).filter(property_id=property_id)
    if unit:
        qs = qs.filter(unit__in=units_said([property_id], unit))
    elif area:
        qs = qs.filter(common_area__property_id=property_id, common_area__name=area)
    else:
        return []
    since = now - datetime.timedelta(days=REPEAT_DAYS)
    qs = qs.filter(Q(closed_at__isnull=True) | Q(reported_at__gte=since))
    return list(with_labels(qs).order_by("-reported_at", "-id")[:limit])


def open_repeats(
    user: User, property_id: int, *, unit: str = "", area: str = "", kind: str, category: str = ""
) -> list[Ticket]:
    """Open tickets a new call may be about: at the same place, of the same kind and,
    when both have one, the same category. The desk offers to add the call to one of
    them before recording another (a repeat call is not a new matter)."""
    if not (unit or area):
        return []
    qs = Ticket.objects.visible_to(user).filter(property_id=property_id, kind=kind, closed_at__isnull=True)
    qs = qs.filter(unit__in=units_said([property_id], unit)) if unit else qs.filter(common_area__name=area)
    if category:
        qs = qs.filter(Q(category__code=category) | Q(category__isnull=True))
    return list(with_labels(qs).order_by("-reported_at", "-id")[:3])


def one_by_number(qs: TicketQuerySet, number: str) -> Ticket | None:
    """The ticket of that number among ``qs``, or None. Numbers are unique, so nothing is
    ordered: ``first()`` would order by id, and the ORM then compares every selected
    column with the ordering (about 0.7 ms for a ticket read in full)."""
    return next(iter(qs.filter(number=number)[:1]), None)


def ticket_detail(user: User, number: str) -> Ticket:
    """One ticket with its labels (as ``with_labels``), property, category, origin, its
    kind's records (``TicketKind.related`` and ``prefetch``), deadlines and timeline, in
    a fixed number of hand-written statements (base.reads): through the ORM, building
    the statements and models took most of a ticket's page (docs/performance.md)."""
    scope, scope_params = visible_tickets_sql(user)
    found = select(
        Ticket,
        f"t.number = %s AND {scope}",
        [number, *scope_params],
        alias="t",
        extra=(
            ("unit_label", UNIT_LABEL_SQL),
            ("area_name", AREA_NAME_SQL),
            ("assignee_username", "(SELECT p.username FROM people_user p WHERE p.id = t.assignee_id)"),
            ("assignee_display", "(SELECT p.display_name FROM people_user p WHERE p.id = t.assignee_id)"),
            ("team_name", TEAM_NAME_SQL),
        ),
    )
    if not found:
        raise NotFound(_("There is no ticket %(number)s you can see.") % {"number": number[:40]})
    ticket = found[0]
    kind = kind_for(ticket.kind)
    # The property and the category as this process remembers them (base.remembered).
    workplace = workplace_of(user, ticket.property_id)
    if workplace is not None:
        ticket.property = workplace
    category = category_by_pk(ticket.category_id) if ticket.category_id is not None else None
    if category is not None:
        ticket.category = category
    for path in ("property", "category", "origin"):
        related_read(found, path)
    # Another kind's records a ticket never has: known to be none, so nothing asks for them.
    others = {name for k in kinds() for name in k.related} - set(kind.related)
    for name in others:
        Ticket._meta.get_field(name).set_cached_value(ticket, None)  # type: ignore[union-attr]
    for path in (*kind.related, *kind.prefetch):
        related_read(found, path)
    resident = is_resident(user)
    # A resident sees the promises made to them, not the office's own clocks.
    clocks = sorted(CUSTOMER_CLOCKS)
    related_read(
        found,
        "deadlines",
        where=f"clock IN ({', '.join(['%s'] * len(clocks))})" if resident else "",
        params=clocks if resident else (),
    )
    related_read(found, "events", to_attr="timeline")
    related_read(ticket.timeline, "attachments")  # type: ignore[attr-defined]
    if resident:
        ticket.for_resident = True  # type: ignore[attr-defined]  # the kinds' detail parts leave the office's notes out
        ticket.timeline = resident_steps(user, ticket.timeline, kind.told)  # type: ignore[attr-defined]
    return ticket


def resident_steps(user: User, events: list[TicketEvent], told: frozenset[str] = frozenset()) -> list[TicketEvent]:
    """What a resident sees of a matter's timeline: when it was recorded, each change
    of its status, the steps the kind tells the customer of (``told``: an answer, the
    result of the work) and their own steps. The office's notes, who it asked and what
    it weighed stay with the office: its other steps are shown without note and data."""
    out = []
    for e in events:
        own = e.actor_id == user.pk
        public = own or e.action == "create" or e.action in told
        if not (public or e.from_status != e.to_status):
            continue
        if not public:
            e.note, e.data = "", {}
        out.append(e)
    return out


def ticket_for_action(user: User, number: str) -> Ticket:
    # What the step's notices say (the place, the category, the property's clock, the
    # resident to tell) comes with the ticket.
    ticket = one_by_number(
        Ticket.objects.visible_to(user).select_related("property", "unit", "common_area", "category", "resident__user"),
        number,
    )
    if ticket is None:
        raise NotFound(_("There is no ticket %(number)s you can see.") % {"number": number[:40]})
    return ticket
