"""Publishing and withdrawing announcements, and a resident reading one. Each is one
function that checks its input and writes in one transaction; the notices to residents
are written in the same transaction as the announcement (a rollback tells nobody) and
sent by the worker after the commit (docs/notifications.md)."""

from __future__ import annotations

import datetime
import hashlib
import json
import zoneinfo
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from announcements.models import Announcement
from base import validation
from base.errors import Conflict, InvalidInput
from estates.models import Building, Household, Resident
from followups.services import followups_for_event
from notify.models import Notification
from notify.services import Words, notice
from people.access import desk_at
from people.models import Role, User

if TYPE_CHECKING:
    from estates.models import Property

TITLE_MAX = 100
BODY_MAX = validation.DESCRIPTION_MAX  # 2000


def announcement_publish(
    *,
    by: User,
    property: Property,
    title: str,
    body: str,
    kind: str,
    building_ids: Iterable[int] = (),
    starts_at: datetime.datetime | None = None,
    ends_at: datetime.datetime | None = None,
    key: str = "",
) -> Announcement:
    """Publish an announcement and tell every resident with an account who lives at the
    property now (in the chosen buildings only, when some are chosen), each once, in
    their language, on the bell and the channels they chose. ``key`` is the form's
    one-time key (or the API's ``Idempotency-Key``): a second submission under it
    returns the first announcement instead of telling everyone twice; the same key with
    something else is refused (409)."""
    desk_at(by, property)
    key = validation.text_clean(key, field="key", required=False, max_length=100)
    title = validation.text_clean(title, field="title", max_length=TITLE_MAX)
    body = validation.text_clean(body, field="body", max_length=BODY_MAX)
    if kind not in Announcement.Kind.values:
        raise InvalidInput(
            _("Choose one of: %(expected)s.") % {"expected": ", ".join(Announcement.Kind.values)}, field="kind"
        )
    buildings = _buildings_of(property, building_ids)
    now = timezone.now()
    starts_at, ends_at = _window_clean(starts_at, ends_at, now)
    submitted = {
        "property": property.pk,
        "title": title,
        "body": body,
        "kind": kind,
        "buildings": sorted(b.pk for b in buildings),
        "starts_at": starts_at.isoformat() if starts_at else None,
        "ends_at": ends_at.isoformat() if ends_at else None,
    }
    fingerprint = hashlib.sha256(json.dumps(submitted, sort_keys=True).encode()).hexdigest()
    if key:
        existing = _replay(by, key, fingerprint)
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            row = Announcement.objects.create(
                property=property,
                kind=kind,
                title=title,
                body=body,
                starts_at=starts_at,
                ends_at=ends_at,
                published_at=now,
                published_by=by,
                published_by_name=by.name_kept,
                key=key,
                fingerprint=fingerprint,
            )
            row.buildings.set(buildings)
            _tell_residents(row, buildings, now)
            if row.kind == Announcement.Kind.EVENT:
                _plan_followups(row, buildings)
    except IntegrityError:
        # A second submission under the same key won the race: its row is the answer.
        existing = _replay(by, key, fingerprint) if key else None
        if existing is not None:
            return existing
        raise
    return row


def announcement_withdraw(*, by: User, announcement: Announcement) -> Announcement:
    """Take an announcement back: residents no longer see it (on their pages or through
    the API); the desk keeps it with its counts. Withdrawing it again changes nothing, so
    a double click is harmless. The notices already sent stay under the bell; opening one
    says there is no such announcement."""
    desk_at(by, announcement.property)
    Announcement.objects.filter(pk=announcement.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_by=by, withdrawn_by_name=by.name_kept
    )
    announcement.refresh_from_db(fields=["withdrawn_at", "withdrawn_by", "withdrawn_by_name"])
    return announcement


def announcement_read(*, user: User, announcement: Announcement) -> bool:
    """The resident opened the announcement: their notice of it is marked read (what the
    desk counts as read). Only their own row is touched; returns whether it changed."""
    return bool(
        Notification.objects.filter(
            key=f"{announcement.notice_key}:user:{user.pk}", recipient=user, read_at__isnull=True
        ).update(read_at=timezone.now())
    )


def _buildings_of(property: Property, building_ids: Iterable[int]) -> list[Building]:
    """The chosen buildings, each of this property; an id of another property's building
    (or of none) is refused, never silently dropped (the announcement would reach
    fewer residents than the desk believes)."""
    wanted = {validation.row_id(i) for i in building_ids}
    if not wanted:
        return []
    found = list(Building.objects.filter(property=property, pk__in=[i for i in wanted if i is not None]))
    if len(found) != len(wanted):
        raise InvalidInput(
            _("Choose buildings of %(property)s only.") % {"property": property.name}, field="building_ids"
        )
    return sorted(found, key=lambda b: b.code)


def _window_clean(
    starts_at: datetime.datetime | None, ends_at: datetime.datetime | None, now: datetime.datetime
) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """The time window, both ends optional. A start may be past (a cut already under
    way) but not more than a year ahead; the end is from now on and after the start."""
    if starts_at is not None:
        starts_at = validation.aware(starts_at)
        if starts_at > now + validation.HORIZON:
            raise InvalidInput(_("This time is more than a year ahead; give a nearer one."), field="starts_at")
    if ends_at is not None:
        ends_at = validation.aware(ends_at)
        if starts_at is not None and ends_at <= starts_at:
            raise InvalidInput(_("The end must be after the start."), field="ends_at")
        ends_at = validation.in_future(ends_at, field="ends_at", now=now)
    return starts_at, ends_at


def _replay(by: User, key: str, fingerprint: str) -> Announcement | None:
    row = Announcement.objects.filter(published_by=by, key=key).select_related("property").first()
    if row is None:
        return None
    if row.fingerprint != fingerprint:
        raise Conflict(
            _("This form was already published; the form is ready for a new announcement."), code="key_reused"
        )
    return row


# --- Telling the residents ----------------------------------------------------------------


def _plan_followups(row: Announcement, buildings: list[Building]) -> int:
    """R6.1-R6.2: a community event is followed up with a sample of the households it
    reached, after it is held (its end, else its start, else now)."""
    homes = Household.objects.filter(property=row.property, moved_out_on__isnull=True)
    if buildings:
        homes = homes.filter(unit__building__in=buildings)
    return followups_for_event(
        property_id=row.property_id,
        homes=list(homes.values_list("pk", "unit__building_id", "unit__label")),
        about=row.title,
        held_at=row.ends_at or row.starts_at or row.published_at,
        seed=row.pk,
    )


def recipients(property: Property, buildings: list[Building]) -> QuerySet[User]:
    """The active resident accounts living at the property now (a household not moved
    out), in one of ``buildings`` when any are given: Resident → Household → Unit →
    Building."""
    homes = Resident.objects.filter(
        user_id=OuterRef("pk"), household__property=property, household__moved_out_on__isnull=True
    )
    if buildings:
        homes = homes.filter(household__unit__building__in=buildings)
    return User.objects.filter(Exists(homes), role=Role.RESIDENT, is_active=True)


def _tell_residents(row: Announcement, buildings: list[Building], now: datetime.datetime) -> list[Notification]:
    """One notice per resident, keyed by the announcement, linking to its page. Routine,
    not urgent: a resident's quiet hours hold the SMS (docs/announcements.md)."""
    time_zone = row.property.time_zone
    what = {"property": row.property.name, "title": row.title}

    def words() -> Words:
        window = window_text(row.starts_at, row.ends_at, time_zone)
        said = {**what, "kind": row.get_kind_display(), "window": window}
        if window:
            message = _("%(kind)s: %(title)s, %(window)s") % said
            sms = _("%(property)s notice: %(title)s, %(window)s") % said
        else:
            message = _("%(kind)s: %(title)s") % said
            sms = _("%(property)s notice: %(title)s") % said
        return Words(message=message, sms=sms, subject=row.title)

    return notice(
        to=recipients(row.property, buildings),
        kind=Notification.Kind.ANNOUNCEMENT,
        wording=words,
        property_id=row.property_id,
        key=row.notice_key,
        link=row.link,
        at=now,
    )


def window_text(starts_at: datetime.datetime | None, ends_at: datetime.datetime | None, time_zone: str) -> str:
    """The time window as a notice says it, on the property's clock: ``11-24 09:00–17:00``,
    ``11-24 09:00–11-25 12:00``, ``from 11-24 09:00`` or ``until 11-24 17:00``."""
    zone = zoneinfo.ZoneInfo(time_zone)
    start = starts_at.astimezone(zone) if starts_at else None
    end = ends_at.astimezone(zone) if ends_at else None
    if start and end:
        until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%m-%d %H:%M}"
        return f"{start:%m-%d %H:%M}–{until}"
    if start:
        return _("from %(time)s") % {"time": f"{start:%m-%d %H:%M}"}
    if end:
        return _("until %(time)s") % {"time": f"{end:%m-%d %H:%M}"}
    return ""
