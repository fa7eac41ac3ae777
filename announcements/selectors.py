"""Reading announcements: a resident's current ones (the top of their home page) and one
of theirs, and the desk's board of a property with, for each announcement, how many
residents were told, how the messages went and how many read it, in a fixed number of
queries whatever the number of announcements."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Count, Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from announcements.models import Announcement
from base.errors import NotFound
from base.reads import related_read, select
from base.validation import row_id
from estates.models import Property
from notify.models import Delivery, Notification
from people.access import HOUSEHOLD_IDS_SQL, desk_member, is_resident, property_of
from people.models import User

# How long an announcement stays on the resident's home page: one with an end stays a
# day after it (so "was the water back yesterday?" is answered), one without an end for
# a month after it was published. Older ones can still be opened from their notice.
ENDED_SHOWN = datetime.timedelta(days=1)
UNDATED_SHOWN = datetime.timedelta(days=30)
BOARD_ROWS = 50

# What the desk counts of the deliveries: the local outbox (no gateway configured) keeps
# a message instead of sending it; the rest are still on their way.
WAITING = (Delivery.Status.PENDING, Delivery.Status.HELD, Delivery.Status.SENDING)


# --- The resident's side -----------------------------------------------------------------------


def _theirs(user: User, where: str, params: list[Any], *, limit: int) -> list[Announcement]:
    """The resident's announcements that ``where`` (on ``a``) also says, newest first:
    not withdrawn, of the properties they live at, for the whole property or for a
    building one of their current households is in. Each comes with its property and
    ``unread``: the resident's notice of it is not read yet (found by its key,
    ``announcement:<id>:user:<id>``, the notices' unique index).

    One hand-written statement (and one for the properties): through the ORM, building
    the statement took about ten times as long as running it (docs/performance.md)."""
    if not is_resident(user):
        return []
    rows = select(
        Announcement,
        "a.withdrawn_at IS NULL AND a.property_id IN"  # noqa: S608 - values are parameters
        f" (SELECT h.property_id FROM estates_household h WHERE h.id IN ({HOUSEHOLD_IDS_SQL}))"
        " AND (NOT EXISTS (SELECT 1 FROM announcements_announcement_buildings b WHERE b.announcement_id = a.id)"
        " OR EXISTS (SELECT 1 FROM announcements_announcement_buildings b WHERE b.announcement_id = a.id"
        " AND b.building_id IN (SELECT u.building_id FROM estates_unit u JOIN estates_household h ON h.unit_id = u.id"
        f" WHERE h.id IN ({HOUSEHOLD_IDS_SQL}))))"
        f" AND {where}",
        [f":user:{user.pk}", user.pk, user.pk, *params],  # in the statement's order: the extra's first
        alias="a",
        extra=(
            (
                "unread",
                "EXISTS (SELECT 1 FROM notify_notification n"
                " WHERE n.key = 'announcement:' || a.id || %s AND n.read_at IS NULL)",
            ),
        ),
        order="a.published_at DESC, a.id DESC",
        limit=limit,
    )
    related_read(rows, "property")
    for a in rows:
        a.unread = bool(a.unread)  # type: ignore[attr-defined]  # 0 or 1 on SQLite
    return rows


def for_resident(user: User, limit: int = 5, *, now: datetime.datetime | None = None) -> list[Announcement]:
    """The resident's current announcements, newest first: not withdrawn, and not ended
    more than a day ago (without an end: published in the last month). Empty for anyone
    who is not a resident."""
    now = now or timezone.now()
    return _theirs(
        user,
        "(a.ends_at >= %s OR (a.ends_at IS NULL AND a.published_at >= %s))",
        [now - ENDED_SHOWN, now - UNDATED_SHOWN],
        limit=max(1, min(limit, 100)),
    )


def announcement_for_resident(user: User, pk: int) -> Announcement:
    """One of the resident's announcements (ended ones too, so an old notice still opens);
    NotFound for another property's or building's, a withdrawn one and a missing one
    alike, so no one learns which exist."""
    rows = _theirs(user, "a.id = %s", [row_id(pk) or 0], limit=1)
    if not rows:
        raise NotFound(_("There is no such announcement for you; it may have been withdrawn."))
    prefetch_related_objects(rows, "buildings")
    return rows[0]


# --- The desk's side ----------------------------------------------------------------------------


@dataclass
class Receipts:
    """What became of one announcement: residents told (a notice each), their messages by
    status, and how many of them read it."""

    told: int = 0
    read: int = 0
    sent: int = 0
    kept: int = 0
    failed: int = 0
    waiting: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)


@dataclass
class BoardRow:
    announcement: Announcement
    receipts: Receipts


def receipts_of(announcements: list[Announcement]) -> dict[int, Receipts]:
    """The receipts of these announcements in two queries, whatever their number: the
    notices grouped by announcement (found by their key, an indexed prefix), and their
    deliveries grouped by announcement and status."""
    out = {a.pk: Receipts() for a in announcements}
    if not announcements:
        return out
    by_link = {a.link: a.pk for a in announcements}
    notices = reduce(or_, (Q(key__startswith=f"{a.notice_key}:") for a in announcements))
    for link, told, read in (
        Notification.objects.filter(notices, kind=Notification.Kind.ANNOUNCEMENT)
        .values("link")
        .order_by()
        .annotate(told=Count("id"), read=Count("id", filter=Q(read_at__isnull=False)))
        .values_list("link", "told", "read")
    ):
        if link in by_link:
            r = out[by_link[link]]
            r.told, r.read = told, read
    deliveries = reduce(or_, (Q(key__startswith=f"{a.notice_key}:") for a in announcements))
    for link, status, channel, n in (
        Delivery.objects.filter(deliveries)
        .values("notification__link", "status", "channel")
        .order_by()
        .annotate(n=Count("id"))
        .values_list("notification__link", "status", "channel", "n")
    ):
        if link not in by_link:
            continue
        r = out[by_link[link]]
        r.by_channel[channel] = r.by_channel.get(channel, 0) + n
        if status == Delivery.Status.SENT:
            r.sent += n
        elif status == Delivery.Status.KEPT:
            r.kept += n
        elif status == Delivery.Status.FAILED:
            r.failed += n
        else:
            r.waiting += n
    return out


def board(property: Property, *, before: int | None = None, limit: int = BOARD_ROWS) -> list[BoardRow]:
    """The property's announcements, newest first (withdrawn ones too, marked), each with
    its receipts: four queries whatever the number of rows (the rows, their buildings,
    the notices, the deliveries). ``before``: the id of the last row of the previous page."""
    qs = Announcement.objects.filter(property=property).select_related("property").prefetch_related("buildings")
    if before is not None:
        qs = qs.filter(pk__lt=before)
    rows = list(qs.order_by("-id")[: max(1, min(limit, 200))])
    receipts = receipts_of(rows)
    return [BoardRow(a, receipts[a.pk]) for a in rows]


def announcement_for_desk(property: Property, pk: int) -> BoardRow:
    """One announcement of the property with its receipts; NotFound if it is another's."""
    row = (
        Announcement.objects.filter(property=property, pk=row_id(pk) or 0)
        .select_related("property")
        .prefetch_related("buildings")
        .first()
    )
    if row is None:
        raise NotFound(_("There is no such announcement at %(property)s.") % {"property": property.name})
    return BoardRow(row, receipts_of([row])[row.pk])


def announcement_for_staff(user: User, pk: int) -> BoardRow:
    """One announcement with its receipts for the API, at a property the desk user works
    at; NotFound otherwise (the same answer as for a missing one)."""
    desk_member(user)
    code = Announcement.objects.filter(pk=row_id(pk) or 0).values_list("property__code", flat=True).first()
    try:
        prop = property_of(user, code or "")
    except NotFound:
        raise NotFound(_("There is no such announcement.")) from None
    return announcement_for_desk(prop, pk)


def published_under(user: User, key: str) -> bool:
    """Whether the user already published under this one-time key (the API answers a
    replay with ``Idempotent-Replayed: true``)."""
    return bool(key) and Announcement.objects.filter(published_by=user, key=key.strip()).exists()
