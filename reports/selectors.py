"""The monthly report pack (R8.1-R8.3): every figure for a property (or the whole
company) and a month, computed here and nowhere else. The dashboard, the Excel workbook
and the PDF all render the ``MonthlyPack`` this returns.

Each figure is one aggregate query over an index (tickets by property and report time,
deadlines by property, clock and due time, work orders by property and completion,
follow-ups by property and window), never a loop over rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from base.rates import rate
from followups.models import FollowUp, Service
from followups.policy import DEFAULTS as FOLLOW_UP_TARGETS
from followups.policy import window_for
from people.models import User
from promises.models import Clock, Deadline
from promises.services import clock_label
from repairs.kind import REPAIR
from repairs.models import WorkOrder, WorkOrderItem
from reports.months import month_bounds, months_add
from reports.tallies import month_counts
from surveys.selectors import survey_summary
from tickets.kinds import kind_label, kinds
from tickets.models import Channel, Impact, Ticket, Urgency

# R2.20: on time 100 %, rework at most 1 %, major repairs followed up 100 %; R2.19: 60 minutes.
ON_TIME_TARGET = 100.0
REWORK_TARGET = 1.0
MAJOR_FOLLOW_UP_TARGET = 100.0
STANDARD_MINUTES = 60
PROMISES = [Clock.RECORD, Clock.NOTIFY, Clock.ARRIVE, Clock.REPORT_BACK, Clock.ANSWER, Clock.RESOLVE, Clock.REPLY]
TREND_MONTHS = 12
TOP = 5


@dataclass
class Table:
    """One table of the pack: a sheet of the workbook, a section of the PDF."""

    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)


@dataclass
class MonthlyPack:
    scope: str  # the property's name, or the company's
    month: str  # 2026-11
    tables: list[Table]
    charts: dict[str, Any]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def monthly_pack(*, property_ids: list[int], scope: str, month: str, time_zone: str = "Asia/Shanghai") -> MonthlyPack:
    start, end = month_bounds(month, time_zone)
    tickets = Ticket.objects.filter(property_id__in=property_ids, reported_at__gte=start, reported_at__lt=end)
    orders = WorkOrder.objects.filter(property_id__in=property_ids, completed_at__gte=start, completed_at__lt=end)
    # A few passes over the month, each feeding several tables: the month's tickets once, by
    # kind, category and channel (a few hundred groups at most), summed here per table.
    groups = _rows(tickets.values("kind", "category__name", "channel").annotate(n=Count("id")).order_by())
    categories = _summed(groups, "category__name")
    channels = _summed(groups, "channel")
    of_month: dict[str, int] = {}
    for r in channels:
        of_month[r["kind"]] = of_month.get(r["kind"], 0) + r["n"]
    clocks = _clock_counts(property_ids, start, end)
    jobs = _job_counts(orders)
    reworks = _rework_counts(property_ids, start, end)
    tables = [
        _by(categories, "category__name", "by_category", _("Tickets by kind and category"), _("category")),
        _by(channels, "channel", "by_channel", _("Tickets by kind and channel"), _("channel")),
        _on_time(clocks),
        _quality(property_ids, of_month.get(REPAIR, 0), sum(reworks.values()), start, end),
        _follow_up_coverage(property_ids, start, end),
        _satisfaction(property_ids, jobs, start, end),
        _paid_and_free(orders, jobs),
        _over_standard_time(jobs),
        _top_categories(categories),
        _repeat_units(tickets, several=len(property_ids) > 1),
        _technicians(jobs, clocks, reworks),
        _follow_up_staff(property_ids, start, end),
        _surveys(property_ids, start, end),
    ]
    trend = _trend(property_ids, month, of_month)
    tables.append(trend)
    charts = {
        "trend": {
            "months": [r[0] for r in trend.rows],
            "series": {h: [r[i + 1] for r in trend.rows] for i, h in enumerate(trend.headers[1:])},
        },
        "on_time": [[r[0], r[4]] for r in tables[2].rows],
        "categories": [[r[0], r[1]] for r in tables[8].rows],
        "technicians": [[r[0], r[1], r[3]] for r in tables[10].rows],
    }
    return MonthlyPack(scope=scope, month=month, tables=tables, charts=charts)


def _clock_counts(property_ids: list[int], start: datetime.datetime, end: datetime.datetime) -> list[dict[str, Any]]:
    """The promise clocks that fell due in the month and were kept or missed, by clock and
    by whose promise it was (R8.1, R8.2). Naming the clocks lets the (property, clock,
    due_at) index serve the month's range; the holder is on the row, so no join."""
    decided = Q(status=Deadline.Status.MET) | Q(breached_at__isnull=False)
    on_time = Q(status=Deadline.Status.MET, met_at__lte=F("due_at"), breached_at__isnull=True)
    return _rows(
        Deadline.objects.filter(property_id__in=property_ids, clock__in=PROMISES, due_at__gte=start, due_at__lt=end)
        .filter(decided)
        .values("clock", "assignee")
        .annotate(total=Count("id"), kept=Count("id", filter=on_time))
        .order_by()
    )


def _job_counts(orders: QuerySet[WorkOrder]) -> list[dict[str, Any]]:
    """The work orders completed in the month, by the technician holding the ticket: jobs,
    sign-off satisfaction, paid and free, and routine jobs over the standard working time
    (R2.19). One pass; the tables sum these few rows."""
    work = ExpressionWrapper(F("completed_at") - Coalesce("started_at", "arrived_at"), output_field=DurationField())
    routine = Q(ticket__urgency=Urgency.ROUTINE)
    return _rows(
        orders.annotate(work=work)
        .values("ticket__assignee")
        .annotate(
            n=Count("id"),
            rated=Count("satisfaction"),
            rating=Sum("satisfaction"),
            unhappy=Count("id", filter=Q(satisfaction__lte=2)),
            paid=Count("id", filter=Q(is_paid=True)),
            timed=Count("id", filter=routine & Q(work__isnull=False)),
            over=Count("id", filter=routine & Q(work__gt=datetime.timedelta(minutes=STANDARD_MINUTES))),
        )
        .order_by()
    )


def _rework_counts(property_ids: list[int], start: datetime.datetime, end: datetime.datetime) -> dict[int | None, int]:
    """Reworks of the month's repairs, by who did the original job. Reworks are few: read
    from the work orders that have an original, not by a join over the month."""
    return {
        r["rework_of__ticket__assignee"]: r["n"]
        for r in WorkOrder.objects.filter(
            property_id__in=property_ids,
            rework_of__isnull=False,
            ticket__reported_at__gte=start,
            ticket__reported_at__lt=end,
        )
        .values("rework_of__ticket__assignee")
        .annotate(n=Count("id"))
        .order_by()
    }


def _rows(values: QuerySet[Any, Any]) -> list[dict[str, Any]]:
    """The rows of an aggregate ``values()`` query: a few dozen groups, never the month's rows."""
    return [dict(r) for r in values]


def _summed(groups: list[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    """The groups' counts summed by kind and ``by``: most first within a kind, then by name."""
    sums: dict[tuple[str, Any], int] = {}
    for g in groups:
        sums[(g["kind"], g[by])] = sums.get((g["kind"], g[by]), 0) + g["n"]
    rows = [{"kind": kind, by: value, "n": n} for (kind, value), n in sums.items()]
    return sorted(rows, key=lambda r: (r["kind"], -r["n"], r[by] is None, r[by] or ""))


def _total(rows: list[dict[str, Any]], key: str) -> int:
    return sum(r[key] or 0 for r in rows)


def _kind_label(kind: str) -> str:
    return kind_label(kind)


def _by(rows: list[dict[str, Any]], by: str, key: str, title: str, header: str) -> Table:
    labels = dict(Channel.choices) if by == "channel" else {}
    return Table(
        key,
        title,
        [_("kind"), header, _("tickets")],
        [[_kind_label(r["kind"]), str(labels.get(r[by], r[by] or "—")), r["n"]] for r in rows],
    )


def _on_time(clocks: list[dict[str, Any]]) -> Table:
    """Each promise clock that fell due in the month and was kept or missed (R8.1)."""
    rows = {c: [r for r in clocks if r["clock"] == c] for c in PROMISES}
    return Table(
        "on_time",
        _("On-time rate of each promise"),
        [_("promise"), _("due"), _("kept"), _("missed"), _("on-time rate (%)"), _("target (%)")],
        [
            [
                clock_label(c),
                _total(rows[c], "total"),
                _total(rows[c], "kept"),
                _total(rows[c], "total") - _total(rows[c], "kept"),
                rate(_total(rows[c], "kept"), _total(rows[c], "total")),
                ON_TIME_TARGET,
            ]
            for c in PROMISES
            if rows[c]
        ],
    )


def _major(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return qs.filter(Q(urgency=Urgency.EMERGENCY) | ~Q(impact=Impact.HOUSEHOLD))


def _quality(
    property_ids: list[int], repairs: int, reworks: int, start: datetime.datetime, end: datetime.datetime
) -> Table:
    closed_major = _major(
        Ticket.objects.filter(
            property_id__in=property_ids, kind=REPAIR, status="closed", closed_at__gte=start, closed_at__lt=end
        )
    ).aggregate(
        # A repair has a quick call besides its service follow-up: count repairs, not joined rows.
        total=Count("id", distinct=True),
        followed=Count(
            "id",
            filter=Q(followups__purpose=FollowUp.Purpose.SERVICE, followups__status=FollowUp.Status.DONE),
            distinct=True,
        ),
    )
    return Table(
        "quality",
        _("Quality targets"),
        [_("measure"), _("count"), _("of"), _("rate (%)"), _("target (%)")],
        [
            [
                _("rework rate"),
                reworks,
                repairs,
                rate(reworks, repairs),
                REWORK_TARGET,
            ],
            [
                _("major repairs followed up"),
                closed_major["followed"],
                closed_major["total"],
                rate(closed_major["followed"], closed_major["total"]),
                MAJOR_FOLLOW_UP_TARGET,
            ],
        ],
    )


def _follow_up_coverage(property_ids: list[int], start: datetime.datetime, end: datetime.datetime) -> Table:
    """Follow-ups whose window ended in the month: the share done, against R6.2."""
    rows = (
        FollowUp.objects.filter(
            property_id__in=property_ids, purpose=FollowUp.Purpose.SERVICE, due_by__gte=start, due_by__lt=end
        )
        .exclude(status=FollowUp.Status.CANCELLED)
        .values("service")
        .annotate(total=Count("id"), done=Count("id", filter=Q(status=FollowUp.Status.DONE)))
        .order_by("service")
    )
    single = property_ids[0] if len(property_ids) == 1 else None

    def target(service: str) -> int:
        return window_for(single, service).coverage if single else FOLLOW_UP_TARGETS[Service(service)].coverage

    return Table(
        "follow_up",
        _("Follow-up coverage"),
        [_("service"), _("closed"), _("followed up"), _("coverage (%)"), _("target (%)")],
        [
            [str(Service(r["service"]).label), r["total"], r["done"], rate(r["done"], r["total"]), target(r["service"])]
            for r in rows
        ],
    )


def _follow_up_staff(property_ids: list[int], start: datetime.datetime, end: datetime.datetime) -> Table:
    """R6.8: each person's follow-ups whose window ended in the month, for their appraisal:
    how many were theirs, done, done within the window, left undone, the unreachable tries
    and the satisfaction they recorded. Quick calls and warranty visits count too."""
    rows = _rows(
        FollowUp.objects.filter(property_id__in=property_ids, due_by__gte=start, due_by__lt=end)
        .exclude(status__in=[FollowUp.Status.CANCELLED, FollowUp.Status.NOT_SAMPLED])
        .values("assignee")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=FollowUp.Status.DONE)),
            in_window=Count("id", filter=Q(status=FollowUp.Status.DONE, done_at__lte=F("due_by"))),
            tries=Sum("attempts"),
            satisfaction=Avg("satisfaction"),
        )
        .order_by()
    )
    people = {u.pk: str(u) for u in User.objects.filter(pk__in=[r["assignee"] for r in rows if r["assignee"]])}
    rows.sort(key=lambda r: (-r["total"], people.get(r["assignee"], "")))
    return Table(
        "follow_up_staff",
        _("Follow-ups by person"),
        [
            _("assigned to"),
            _("follow-ups"),
            _("done"),
            _("within the window"),
            _("not called"),
            _("unreachable tries"),
            _("on-time rate (%)"),
            _("satisfaction"),
        ],
        [
            [
                people.get(r["assignee"], _("unassigned")) if r["assignee"] else _("unassigned"),
                r["total"],
                r["done"],
                r["in_window"],
                r["total"] - r["done"],
                r["tries"] or 0,
                rate(r["in_window"], r["total"]),
                _round(r["satisfaction"]),
            ]
            for r in rows
        ],
    )


def _surveys(property_ids: list[int], start: datetime.datetime, end: datetime.datetime) -> Table:
    """R8.3: the residents' satisfaction surveys that closed in the month."""
    return Table(
        "surveys",
        _("Satisfaction surveys"),
        [
            _("property"),
            _("survey"),
            _("closed on"),
            _("households"),
            _("answers"),
            _("response rate (%)"),
            _("average (1-5)"),
            _("weakest aspect"),
            _("its average"),
        ],
        [
            [
                r.property,
                r.title,
                r.closes_on.isoformat(),
                r.households,
                r.answers,
                r.response_rate,
                r.average,
                r.weakest or "—",
                r.weakest_average,
            ]
            for r in survey_summary(property_ids, start, end)
        ],
    )


def _satisfaction(
    property_ids: list[int], jobs: list[dict[str, Any]], start: datetime.datetime, end: datetime.datetime
) -> Table:
    rated = _total(jobs, "rated")
    sign_off = {
        "n": rated,
        "avg": _total(jobs, "rating") / rated if rated else None,
        "unhappy": _total(jobs, "unhappy"),
    }
    calls = FollowUp.objects.filter(
        property_id__in=property_ids, status=FollowUp.Status.DONE, done_at__gte=start, done_at__lt=end
    ).aggregate(n=Count("id"), avg=Avg("satisfaction"), unhappy=Count("id", filter=Q(satisfaction__lte=2)))
    return Table(
        "satisfaction",
        _("Satisfaction"),
        [_("source"), _("answers"), _("average (1-5)"), _("unsatisfied")],
        [
            [_("sign-off"), sign_off["n"], _round(sign_off["avg"]), sign_off["unhappy"]],
            [_("follow-up"), calls["n"], _round(calls["avg"]), calls["unhappy"]],
        ],
    )


def _round(value: float | None) -> float | None:
    return round(float(value), 2) if value is not None else None


def _paid_and_free(orders: QuerySet[WorkOrder], jobs: list[dict[str, Any]]) -> Table:
    """R8.1: paid repairs and their revenue, free repairs (工程报修[免费]统计表)."""
    paid = _total(jobs, "paid")
    amount = F("labour_fee") + F("material_fee") + F("service_fee")
    # Each paid job's own items, summed through the billed-items index (one probe per job):
    # the plan stays the same whatever the planner thinks of the items table's size.
    billed = (
        WorkOrderItem.objects.filter(order=OuterRef("pk"), removed_at__isnull=True)
        .exclude(review=WorkOrderItem.Review.REJECTED)
        .values("order")
        .annotate(amount=Sum(amount * F("quantity")))
        .values("amount")
    )
    revenue = orders.filter(is_paid=True).aggregate(
        total=Sum(Subquery(billed, output_field=DecimalField(max_digits=14, decimal_places=2)))
    )["total"]
    return Table(
        "paid",
        _("Paid and free repairs"),
        [_("repairs"), _("count"), _("revenue (yuan)")],
        [
            [_("paid"), paid, (revenue or Decimal("0")).quantize(Decimal("0.01"))],
            [_("free"), _total(jobs, "n") - paid, Decimal("0.00")],
        ],
    )


def _over_standard_time(jobs: list[dict[str, Any]]) -> Table:
    """R2.19: routine jobs whose work took longer than the 60-minute standard."""
    timed, over = _total(jobs, "timed"), _total(jobs, "over")
    return Table(
        "working_time",
        _("Jobs over the standard working time"),
        [_("routine jobs"), _("over %(m)s minutes") % {"m": STANDARD_MINUTES}, _("share (%)")],
        [[timed, over, rate(over, timed)]],
    )


def _top_categories(categories: list[dict[str, Any]]) -> Table:
    rows = sorted(
        (r for r in categories if r["kind"] == REPAIR and r["category__name"] is not None),
        key=lambda r: (-r["n"], r["category__name"]),
    )[:TOP]
    return Table(
        "top_categories",
        _("Top repair categories"),
        [_("category"), _("repairs")],
        [[r["category__name"], r["n"]] for r in rows],
    )


def _repeat_units(tickets: QuerySet[Ticket], several: bool) -> Table:
    """Units with two or more repairs; a unit's label is unique only within its property,
    so company-wide the property's code goes with it."""
    rows = (
        tickets.filter(kind=REPAIR, unit__isnull=False)
        .values("unit_id", "unit__label", "property__code")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .order_by("-n", "property__code", "unit__label")[: TOP * 2]
    )
    return Table(
        "repeat_units",
        _("Units with repeated repairs"),
        [_("unit"), _("repairs")],
        [[f"{r['property__code']} {r['unit__label']}" if several else r["unit__label"], r["n"]] for r in rows],
    )


def _technicians(jobs: list[dict[str, Any]], clocks: list[dict[str, Any]], reworks: dict[int | None, int]) -> Table:
    """R8.2: each technician's jobs, on-time rate (arrival and report-back), rework and satisfaction."""
    done = {r["ticket__assignee"]: r for r in jobs}
    theirs = [r for r in clocks if r["clock"] in (Clock.ARRIVE, Clock.REPORT_BACK)]
    # Whoever did a job reworked this month is listed, even with no job of their own in it.
    pks: set[int] = {p for p in set(done) | {r["assignee"] for r in theirs} | set(reworks) if p is not None}
    people = {u.pk: str(u) for u in User.objects.filter(pk__in=pks)}
    rows = []
    for pk in sorted(pks, key=lambda p: (-(done[p]["n"] if p in done else 0), people.get(p, ""))):
        j = done.get(pk, {})
        mine = [r for r in theirs if r["assignee"] == pk]
        rows.append(
            [
                people.get(pk, "?"),
                j.get("n", 0),
                reworks.get(pk, 0),
                rate(_total(mine, "kept"), _total(mine, "total")),
                _round(j["rating"] / j["rated"]) if j.get("rated") else None,
            ]
        )
    return Table(
        "technicians",
        _("Technicians"),
        [_("technician"), _("jobs"), _("reworks"), _("on-time rate (%)"), _("satisfaction")],
        rows,
    )


def _trend(property_ids: list[int], month: str, of_month: dict[str, int]) -> Table:
    """Tickets by kind over the twelve months to ``month``: the month itself from its own
    counts, the eleven before from the kept counts of ended months
    (``reports.tallies``), so a view never recounts a year of tickets."""
    months = [months_add(month, -n) for n in range(TREND_MONTHS - 1, -1, -1)]
    counts = month_counts(property_ids, months[:-1])
    counts[month] = of_month
    codes = [k.code for k in kinds()]
    return Table(
        "trend",
        _("Tickets over 12 months"),
        [_("month")] + [_kind_label(k) for k in codes],
        [[m] + [counts.get(m, {}).get(k, 0) for k in codes] for m in months],
    )
