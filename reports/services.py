"""Generating and keeping the monthly packs (R8.1): the figures, the workbook and the PDF."""

from __future__ import annotations

import calendar
import datetime
import json
import zoneinfo
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from estates.models import Company, Property
from reports.export import pack_pdf, pack_xlsx
from reports.models import ReportPack
from reports.selectors import MonthlyPack, Table, monthly_pack


def scope_of(company: Company, prop: Property | None) -> tuple[list[int], str, str]:
    """(property ids, name, time zone) of one property or the whole company."""
    if prop is not None:
        return [prop.pk], prop.name, prop.time_zone
    props = list(Property.objects.filter(company=company).order_by("id"))
    return [p.pk for p in props], company.name, props[0].time_zone if props else "Asia/Shanghai"


def pack_for(company: Company, prop: Property | None, month: str) -> MonthlyPack:
    """The kept pack of a month if there is one, else the figures computed now."""
    kept = ReportPack.objects.filter(company=company, property=prop, month=month).first()
    if kept is not None:
        return pack_from_json(kept.figures)
    ids, name, tz = scope_of(company, prop)
    return monthly_pack(property_ids=ids, scope=name, month=month, time_zone=tz)


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value  # money keeps its cents


def pack_to_json(pack: MonthlyPack) -> dict[str, Any]:
    return json.loads(
        json.dumps(
            {
                "scope": pack.scope,
                "month": pack.month,
                "tables": [{"key": t.key, "title": t.title, "headers": t.headers, "rows": t.rows} for t in pack.tables],
                "charts": pack.charts,
            },
            default=_plain,
        )
    )


def pack_from_json(data: dict[str, Any]) -> MonthlyPack:
    tables = [Table(t["key"], t["title"], t["headers"], t["rows"]) for t in data["tables"]]
    return MonthlyPack(scope=data["scope"], month=data["month"], tables=tables, charts=data["charts"])


@transaction.atomic
def pack_generate(*, company: Company, prop: Property | None, month: str) -> ReportPack:
    """Compute a month's pack and keep it with its Excel and PDF files; a rerun replaces it."""
    ids, name, tz = scope_of(company, prop)
    pack = monthly_pack(property_ids=ids, scope=name, month=month, time_zone=tz)
    row, _created = ReportPack.objects.update_or_create(
        company=company,
        property=prop,
        month=month,
        defaults={"generated_at": timezone.now(), "figures": pack_to_json(pack)},
    )
    slug = f"{prop.code if prop else 'company'}-{month}"
    row.xlsx.save(f"{slug}.xlsx", ContentFile(pack_xlsx(pack)), save=False)
    row.pdf.save(f"{slug}.pdf", ContentFile(pack_pdf(pack)), save=False)
    row.save(update_fields=["xlsx", "pdf"])
    return row


def previous_month(day: datetime.date) -> str:
    first = day.replace(day=1) - datetime.timedelta(days=1)
    return f"{first:%Y-%m}"


def is_report_day(day: datetime.date) -> bool:
    """The 30th, or the last day of a shorter month (February)."""
    return day.day == min(30, calendar.monthrange(day.year, day.month)[1])


def packs_generate_due(*, today: datetime.date) -> int:
    """On the report day, keep last month's pack of every property and of each company."""
    if not is_report_day(today):
        return 0
    month = previous_month(today)
    made = 0
    for company in Company.objects.all():
        for prop in Property.objects.filter(company=company):
            pack_generate(company=company, prop=prop, month=month)
            made += 1
        pack_generate(company=company, prop=None, month=month)
        made += 1
    return made


REPORT_HOUR = 6  # the packs of the report day are kept from 06:00, the property's local time


def month_due(now: datetime.datetime, time_zone: str) -> str:
    """The latest month whose pack is due by ``now`` at a property: last month once its
    report day's 06:00 local has come, else the month before."""
    local = now.astimezone(zoneinfo.ZoneInfo(time_zone))
    report_day = min(30, calendar.monthrange(local.year, local.month)[1])
    if (local.day, local.hour) >= (report_day, REPORT_HOUR):
        return previous_month(local.date())
    return previous_month(local.date().replace(day=1) - datetime.timedelta(days=1))


def packs_generate_missing(*, now: datetime.datetime) -> int:
    """Keep every pack that is due and not kept yet: each property's by its own time zone
    and the company's by its first property's. Run hourly, so a run the worker missed
    while it was down is made up when it comes back."""
    made = 0
    for company in Company.objects.all():
        props = list(Property.objects.filter(company=company).order_by("id"))
        scopes: list[Property | None] = [*props, None]
        for prop in scopes:
            zone = prop.time_zone if prop else (props[0].time_zone if props else settings.TIME_ZONE)
            month = month_due(now, zone)
            if not ReportPack.objects.filter(company=company, property=prop, month=month).exists():
                pack_generate(company=company, prop=prop, month=month)
                made += 1
    return made
