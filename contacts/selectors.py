"""The daily contact log (R2.25-R2.26): a day's calls and visits at a property, each
with the tickets it raised or concerned, and subtotals per routing tag and per kind."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q
from django.utils.translation import gettext

from contacts.models import Contact, ContactTicket
from estates.localtime import day_bounds
from estates.selectors import units_said
from tickets.kinds import kinds
from tickets.models import Route

if TYPE_CHECKING:
    from estates.models import Property

NO_TICKET = "none"


@dataclass
class DailyLog:
    property: Property
    day: datetime.date
    rows: Sequence[Contact]
    by_tag: list[tuple[str, str, int]] = field(default_factory=list)  # (code, label, count)
    by_kind: list[tuple[str, str, int]] = field(default_factory=list)


def row_tag(contact: Contact) -> str:
    """A contact's tag: that of the ticket it raised, else of the first it concerned."""
    links = sorted(contact.links, key=lambda link: not link.raised)  # type: ignore[attr-defined]
    return links[0].ticket.route if links else ""


def row_kind(contact: Contact) -> str:
    links = sorted(contact.links, key=lambda link: not link.raised)  # type: ignore[attr-defined]
    return links[0].ticket.kind if links else NO_TICKET


def daily_log(prop: Property, day: datetime.date) -> DailyLog:
    start, end = day_bounds(day, prop.time_zone)
    links = ContactTicket.objects.select_related("ticket").order_by("-raised", "ticket__number")
    rows = list(
        Contact.objects.filter(property=prop, at__gte=start, at__lt=end)
        .select_related("unit")
        .prefetch_related(Prefetch("contactticket_set", queryset=links, to_attr="links"))
        .order_by("at", "id")
    )
    tags = Counter(row_tag(c) for c in rows)
    counts = Counter(row_kind(c) for c in rows)
    log = DailyLog(prop, day, rows)
    log.by_tag = [(r.value, str(r.label), tags.get(r.value, 0)) for r in Route]
    log.by_kind = [(k.code, str(k.label), counts.get(k.code, 0)) for k in kinds()]
    log.by_kind.append((NO_TICKET, gettext("no ticket"), counts.get(NO_TICKET, 0)))
    return log


FOUND_MAX = 100


def contacts_found(prop: Property, text: str, *, limit: int = FOUND_MAX) -> list[Contact]:
    """The contacts of a unit (in any common form) or of a phone (whole, or its last four
    digits) across days, newest first: what a caller said before, whenever it was."""
    text = " ".join((text or "").split())[:30]
    if not text:
        return []
    units = units_said([prop.pk], text)
    digits = text.replace("-", "").replace(" ", "")
    found = Q(unit__in=units)
    if digits.isdigit() and len(digits) >= 4:
        found |= Q(phone__endswith=digits) if len(digits) == 4 else Q(phone__contains=digits)
    links = ContactTicket.objects.select_related("ticket").order_by("-raised", "ticket__number")
    return list(
        Contact.objects.filter(found, property=prop)
        .select_related("unit")
        .prefetch_related(Prefetch("contactticket_set", queryset=links, to_attr="links"))
        .order_by("-at", "-id")[:limit]
    )
