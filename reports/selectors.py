"""The monthly report pack (R8.1-R8.3): every figure for a property (or the whole
company) and a month, computed here and nowhere else. The dashboard, the Excel workbook
and the PDF all render the ``MonthlyPack`` this returns.

Each figure is one aggregate query over an index (tickets by property and report time,
deadlines by property, clock and due time, work orders by property and completion,
follow-ups by property and window), never a loop over rows.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext as _

from followups.models import FollowUp, Service
from followups.policy import DEFAULTS as FOLLOW_UP_TARGETS
from followups.policy import window_for
from people.models import User
from promises.models import Clock, Deadline
from promises.services import clock_label
from repairs.models import WorkOrder, WorkOrderItem
from tickets.models import Channel, Impact, Kind, Ticket, Urgency

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


def month_bounds(month: str, time_zone: str) -> tuple[datetime.datetime, datetime.datetime]:
    year, m = (int(x) for x in month.split("-"))
    tz = zoneinfo.ZoneInfo(time_zone)
    start = datetime.datetime(year, m, 1, tzinfo=tz)
    end = datetime.datetime(year + (m == 12), 1 if m == 12 else m + 1, 1, tzinfo=tz)
    return start, end


def _months_back(month: str, n: int) -> str:
    year, m = (int(x) for x in month.split("-"))
    index = year * 12 + m - 1 - n
    return f"{index // 12}-{index % 12 + 1:02d}"


def rate(part: int | None, whole: int | None) -> float | None:
    return round(100.0 * (part or 0) / whole, 1) if whole else None


def monthly_pack(*, property_ids: list[int], scope: str, month: str, time_zone: str = "Asia/Shanghai") -> MonthlyPack:
    start, end = month_bounds(month, time_zone)
    tickets = Ticket.objects.filter(property_id__in=property_ids, reported_at__gte=start, reported_at__lt=end)
    orders = WorkOrder.objects.filter(property_id__in=property_ids, completed_at__gte=start, completed_at__lt=end)
    tables = [
        _counts_by(tickets, "category__name", "by_category", _("Tickets by kind and category"), _("category")),
        _counts_by(tickets, "channel", "by_channel", _("Tickets by kind and channel"), _("channel")),
        _on_time(property_ids, start, end),
        _quality(property_ids, tickets, start, end),
        _follow_up_coverage(property_ids, start, end),
        _satisfaction(property_ids, orders, start, end),
        _paid_and_free(orders),
        _over_standard_time(orders),
        _top_categories(tickets),
        _repeat_units(tickets, several=len(property_ids) > 1),
        _technicians(property_ids, orders, start, end),
    ]
    trend = _trend(property_ids, month, time_zone)
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


def _kind_label(kind: str) -> str:
    return str(Kind(kind).label) if kind in Kind.values else kind


def _counts_by(tickets: QuerySet[Ticket], by: str, key: str, title: str, header: str) -> Table:
    rows = tickets.values("kind", by).annotate(n=Count("id")).order_by("kind", "-n", by)
    labels = dict(Channel.choices) if by == "channel" else {}
    return Table(
        key,
        title,
        [_("kind"), header, _("tickets")],
        [[_kind_label(r["kind"]), str(labels.get(r[by], r[by] or "—")), r["n"]] for r in rows],
    )


def _on_time(property_ids: list[int], start: datetime.datetime, end: datetime.datetime) -> Table:
    """Each promise clock that fell due in the month and was kept or missed (R8.1)."""
    decided = Q(status=Deadline.Status.MET) | Q(breached_at__isnull=False)
    on_time = Q(status=Deadline.Status.MET, met_at__lte=F("due_at"), breached_at__isnull=True)
    rows = {
        r["clock"]: r
        # Naming the clocks lets the (property, clock, due_at) index serve the month's range.
        for r in Deadline.objects.filter(
            property_id__in=property_ids, clock__in=PROMISES, due_at__gte=start, due_at__lt=end
        )
        .filter(decided)
        .values("clock")
        .annotate(total=Count("id"), kept=Count("id", filter=on_time))
    }
    return Table(
        "on_time",
        _("On-time rate of each promise"),
        [_("promise"), _("due"), _("kept"), _("missed"), _("on-time rate (%)"), _("target (%)")],
        [
            [
                clock_label(c),
                rows[c]["total"],
                rows[c]["kept"],
                rows[c]["total"] - rows[c]["kept"],
                rate(rows[c]["kept"], rows[c]["total"]),
                ON_TIME_TARGET,
            ]
            for c in PROMISES
            if c in rows
        ],
    )


def _major(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return qs.filter(Q(urgency=Urgency.EMERGENCY) | ~Q(impact=Impact.HOUSEHOLD))


def _quality(
    property_ids: list[int], tickets: QuerySet[Ticket], start: datetime.datetime, end: datetime.datetime
) -> Table:
    repairs = {
        "total": tickets.filter(kind=Kind.REPAIR).count(),
        # Reworks are few: counted from the work orders that have an original, not by a join.
        "reworks": WorkOrder.objects.filter(
            property_id__in=property_ids,
            rework_of__isnull=False,
            ticket__reported_at__gte=start,
            ticket__reported_at__lt=end,
        ).count(),
    }
    closed_major = _major(
        Ticket.objects.filter(
            property_id__in=property_ids, kind=Kind.REPAIR, status="closed", closed_at__gte=start, closed_at__lt=end
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
                repairs["reworks"],
                repairs["total"],
                rate(repairs["reworks"], repairs["total"]),
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


def _satisfaction(
    property_ids: list[int], orders: QuerySet[WorkOrder], start: datetime.datetime, end: datetime.datetime
) -> Table:
    sign_off = orders.filter(satisfaction__isnull=False).aggregate(
        n=Count("id"), avg=Avg("satisfaction"), unhappy=Count("id", filter=Q(satisfaction__lte=2))
    )
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


def _paid_and_free(orders: QuerySet[WorkOrder]) -> Table:
    """R8.1: paid repairs and their revenue, free repairs (工程报修[免费]统计表)."""
    counts = orders.aggregate(paid=Count("id", filter=Q(is_paid=True)), free=Count("id", filter=Q(is_paid=False)))
    amount = F("labour_fee") + F("material_fee") + F("service_fee")
    revenue = (
        WorkOrderItem.objects.filter(order__in=orders.filter(is_paid=True), removed_at__isnull=True)
        .exclude(review=WorkOrderItem.Review.REJECTED)
        .aggregate(total=Sum(amount * F("quantity")))["total"]
    )
    return Table(
        "paid",
        _("Paid and free repairs"),
        [_("repairs"), _("count"), _("revenue (yuan)")],
        [
            [_("paid"), counts["paid"], (revenue or Decimal("0")).quantize(Decimal("0.01"))],
            [_("free"), counts["free"], Decimal("0.00")],
        ],
    )


def _over_standard_time(orders: QuerySet[WorkOrder]) -> Table:
    """R2.19: routine jobs whose work took longer than the 60-minute standard."""
    worked = orders.filter(ticket__urgency=Urgency.ROUTINE).annotate(
        work=ExpressionWrapper(F("completed_at") - Coalesce("started_at", "arrived_at"), output_field=DurationField())
    )
    counts = worked.aggregate(
        total=Count("id", filter=Q(work__isnull=False)),
        over=Count("id", filter=Q(work__gt=datetime.timedelta(minutes=STANDARD_MINUTES))),
    )
    return Table(
        "working_time",
        _("Jobs over the standard working time"),
        [_("routine jobs"), _("over %(m)s minutes") % {"m": STANDARD_MINUTES}, _("share (%)")],
        [[counts["total"], counts["over"], rate(counts["over"], counts["total"])]],
    )


def _top_categories(tickets: QuerySet[Ticket]) -> Table:
    rows = (
        tickets.filter(kind=Kind.REPAIR, category__isnull=False)
        .values("category__name")
        .annotate(n=Count("id"))
        .order_by("-n", "category__name")[:TOP]
    )
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
        tickets.filter(kind=Kind.REPAIR, unit__isnull=False)
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


def _technicians(
    property_ids: list[int], orders: QuerySet[WorkOrder], start: datetime.datetime, end: datetime.datetime
) -> Table:
    """R8.2: each technician's jobs, on-time rate (arrival and report-back), rework and satisfaction."""
    jobs: dict[int, dict[str, Any]] = {
        r["ticket__assignee"]: dict(r)
        for r in orders.filter(ticket__assignee__isnull=False)
        .values("ticket__assignee")
        .annotate(n=Count("id"), satisfaction=Avg("satisfaction"))
    }
    decided = Q(status=Deadline.Status.MET) | Q(breached_at__isnull=False)
    clocks: dict[int, dict[str, Any]] = {
        r["ticket__assignee"]: dict(r)
        for r in Deadline.objects.filter(
            property_id__in=property_ids,
            clock__in=[Clock.ARRIVE, Clock.REPORT_BACK],
            due_at__gte=start,
            due_at__lt=end,
            ticket__assignee__isnull=False,
        )
        .filter(decided)
        .values("ticket__assignee")
        .annotate(
            total=Count("id"),
            kept=Count("id", filter=Q(status=Deadline.Status.MET, met_at__lte=F("due_at"), breached_at__isnull=True)),
        )
    }
    reworks = {
        r["rework_of__ticket__assignee"]: r["n"]
        for r in WorkOrder.objects.filter(
            property_id__in=property_ids,
            rework_of__isnull=False,
            ticket__reported_at__gte=start,
            ticket__reported_at__lt=end,
        )
        .values("rework_of__ticket__assignee")
        .annotate(n=Count("id"))
    }
    # Whoever did a job reworked this month is listed, even with no job of their own in it.
    pks = (set(jobs) | set(clocks) | set(reworks)) - {None}
    people = {u.pk: str(u) for u in User.objects.filter(pk__in=pks)}
    rows = []
    for pk in sorted(pks, key=lambda p: (-(jobs.get(p, {}).get("n") or 0), people.get(p, ""))):
        j: dict[str, Any] = jobs.get(pk, {})
        c: dict[str, Any] = clocks.get(pk, {})
        rows.append(
            [
                people.get(pk, "?"),
                j.get("n", 0),
                reworks.get(pk, 0),
                rate(c.get("kept"), c.get("total")),
                _round(j.get("satisfaction")),
            ]
        )
    return Table(
        "technicians",
        _("Technicians"),
        [_("technician"), _("jobs"), _("reworks"), _("on-time rate (%)"), _("satisfaction")],
        rows,
    )


def _trend(property_ids: list[int], month: str, time_zone: str) -> Table:
    first = _months_back(month, TREND_MONTHS - 1)
    start, _e = month_bounds(first, time_zone)
    _s, end = month_bounds(month, time_zone)
    tz = zoneinfo.ZoneInfo(time_zone)
    counts = {
        (r["m"].astimezone(tz).strftime("%Y-%m"), r["kind"]): r["n"]
        for r in Ticket.objects.filter(property_id__in=property_ids, reported_at__gte=start, reported_at__lt=end)
        .annotate(m=TruncMonth("reported_at", tzinfo=tz))
        .values("m", "kind")
        .annotate(n=Count("id"))
    }
    months = [_months_back(month, n) for n in range(TREND_MONTHS - 1, -1, -1)]
    kinds = list(Kind.values)
    return Table(
        "trend",
        _("Tickets over 12 months"),
        [_("month")] + [_kind_label(k) for k in kinds],
        [[m] + [counts.get((m, k), 0) for k in kinds] for m in months],
    )
