"""Setting a property up (the company administrator): its time zone, office hours and
the after-hours phone (R1.4), its promise and follow-up policies (with a way back to
the defaults), its teams and their trades, its notice channels, and its units made in
bulk. Each change is checked here, written in one transaction and kept in the
property's history (who, when, what) -- the setup page and the API both call these."""

from __future__ import annotations

import datetime
import re
import zoneinfo
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from base import validation
from base.errors import Forbidden, InvalidInput, NotFound
from base.history import history_record
from estates.models import Building, Property, Unit
from followups.models import FollowUpPolicy, Service
from followups.policy import DEFAULTS as FOLLOWUP_DEFAULTS
from notify.models import ChannelRoute
from people.models import Role, Team, Trade, User
from promises.models import PromisePolicy
from promises.policy import policies_reset, policies_seed

MINUTES_MAX = 60 * 24 * 90  # a limit of more than 90 days is a typo
ZONES = frozenset(zoneinfo.available_timezones())


# What the company administrator may do in the admin, beyond the setup page: the
# places, households and residents, people, teams and trades, the catalogue, the
# policies and the channels of its company (the admin scopes every list to it).
# Categories, warranty terms and trades are shared by every company: read only.
ADMIN_MODELS = {
    "estates": None,
    "catalog": {"serviceitem", "builder", "provider"},
    "people": {"user", "team"},
    "promises": {"promisepolicy"},
    "followups": {"followuppolicy"},
    "notify": {"channelroute"},
}
ADMIN_READS = {"catalog": {"category", "warrantyterm"}, "people": {"trade"}}
ADMINISTRATORS_GROUP = "company administrators"


def administrator_grant(user: User) -> None:
    """Let a company administrator into the admin, with the permissions of ADMIN_MODELS
    (the same group for every administrator)."""
    group, made = Group.objects.get_or_create(name=ADMINISTRATORS_GROUP)
    if made:
        wanted = Q()
        for app, models in ADMIN_MODELS.items():
            wanted |= (
                Q(content_type__app_label=app, content_type__model__in=models)
                if models
                else Q(content_type__app_label=app)
            )
        for app, models in ADMIN_READS.items():
            wanted |= Q(content_type__app_label=app, content_type__model__in=models, codename__startswith="view_")
        group.permissions.set(Permission.objects.filter(wanted).exclude(codename__startswith="delete_user"))
    User.objects.filter(pk=user.pk).update(is_staff=True)
    user.is_staff = True
    user.groups.add(group)


def _record(by: User, prop: Property, message: str) -> None:
    history_record(by=by, obj=prop, action="change", message=message[:500])


def _time(text: str, *, field: str) -> datetime.time:
    try:
        return datetime.time.fromisoformat((text or "").strip())
    except ValueError:
        raise InvalidInput(_("Give a time of day such as 08:30."), field=field) from None


def _whole(value: Any, *, field: str, low: int = 0, high: int = MINUTES_MAX, required: bool = True) -> int | None:
    if value in (None, "") and not required:
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InvalidInput(_("Give a whole number."), field=field) from None
    if not low <= number <= high:
        raise InvalidInput(_("Give a number from %(low)d to %(high)d.") % {"low": low, "high": high}, field=field)
    return number


# --- The property itself ------------------------------------------------------------------


@transaction.atomic
def property_add(*, by: User, name: str, code: str, kind: str) -> Property:
    """A new property of the administrator's company, with the default time limits."""
    if not by.company_id:
        raise Forbidden(_("Your account belongs to no company."))
    name = validation.text_clean(name, field="property_name", max_length=100)
    code = (code or "").strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{2,20}", code):
        raise InvalidInput(_("Use 2 to 20 letters and digits for a property code, e.g. XHY."), field="property_code")
    if kind not in Property.Kind.values:
        raise InvalidInput(_("Choose residential or office."), field="kind")
    if Property.objects.filter(code=code).exists():
        raise InvalidInput(_("The code %(code)s is taken.") % {"code": code}, field="property_code")
    if Property.objects.filter(company_id=by.company_id, name=name).exists():
        raise InvalidInput(_("There is a property “%(name)s” already.") % {"name": name}, field="property_name")
    prop = Property.objects.create(company_id=by.company_id, name=name, code=code, kind=kind)
    policies_seed(prop.pk)
    history_record(
        by=by, obj=prop, action="add", message=_("Property added: %(name)s (%(code)s)") % {"name": name, "code": code}
    )
    return prop


@transaction.atomic
def settings_save(
    *,
    by: User,
    prop: Property,
    time_zone: str,
    office_opens: str,
    office_closes: str,
    after_hours_phone: str,
    desk_phone: str,
) -> list[str]:
    """The property's clock and phones; returns the names of the fields changed."""
    zone = (time_zone or "").strip()
    if zone not in ZONES:
        raise InvalidInput(_("There is no time zone “%(zone)s”.") % {"zone": zone[:50]}, field="time_zone")
    opens = _time(office_opens, field="office_opens")
    closes = _time(office_closes, field="office_closes")
    if closes <= opens:
        raise InvalidInput(_("The office must close after it opens."), field="office_closes")
    values: dict[str, Any] = {
        "time_zone": zone,
        "office_opens": opens,
        "office_closes": closes,
        "after_hours_phone": validation.phone_normalize(after_hours_phone, field="after_hours_phone")
        if (after_hours_phone or "").strip()
        else "",
        "desk_phone": validation.phone_normalize(desk_phone, field="desk_phone") if (desk_phone or "").strip() else "",
    }
    prop = Property.objects.select_for_update().get(pk=prop.pk)
    changed = [name for name, value in values.items() if getattr(prop, name) != value]
    if not changed:
        return []
    old = {name: getattr(prop, name) for name in changed}
    for name in changed:
        setattr(prop, name, values[name])
    prop.save(update_fields=changed)  # saved, not updated: what remembers the property hears of it
    said = "; ".join(
        f"{getattr(Property._meta.get_field(name), 'verbose_name', name)}: {_shown(old[name])} → {_shown(values[name])}"
        for name in changed
    )
    _record(by, prop, _("Settings changed: %(changes)s") % {"changes": said})
    return changed


def _shown(value: Any) -> str:
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    return str(value) if value not in ("", None) else "—"


# --- Promise and follow-up policies -----------------------------------------------------


@transaction.atomic
def promise_limit_set(*, by: User, prop: Property, policy_id: int, minutes: Any, emergency_minutes: Any) -> bool:
    """One clock's time limit at the property; returns whether it changed."""
    row = PromisePolicy.objects.select_for_update().filter(pk=policy_id, property=prop).first()
    if row is None:
        raise NotFound(_("There is no such time limit at %(property)s.") % {"property": prop.name})
    new = _whole(minutes, field="minutes", low=1)
    urgent = _whole(emergency_minutes, field="emergency_minutes", low=1, required=False)
    assert new is not None
    if (row.minutes, row.emergency_minutes) == (new, urgent):
        return False
    message = _("Time limit %(kind)s / %(clock)s: %(old)s → %(new)s minutes") % {
        "kind": row.kind,
        "clock": row.get_clock_display(),
        "old": f"{row.minutes}/{row.emergency_minutes or '—'}",
        "new": f"{new}/{urgent or '—'}",
    }
    row.minutes = new
    row.emergency_minutes = urgent
    row.save(update_fields=["minutes", "emergency_minutes"])  # saved: the remembered limits hear of it
    _record(by, prop, message)
    return True


@transaction.atomic
def promises_reset(*, by: User, prop: Property) -> int:
    """Every time limit back to the default; returns how many rows changed."""
    changed = policies_reset(prop.pk)
    _record(by, prop, _("Time limits put back to the defaults: %(n)d rows changed.") % {"n": changed})
    return changed


@transaction.atomic
def followup_window_set(*, by: User, prop: Property, service: str, from_days: Any, to_days: Any, coverage: Any) -> bool:
    """When the follow-up of a service is due and what share gets one (R6.1, R6.2)."""
    if service not in Service.values:
        raise InvalidInput(_("There is no such service."), field="service")
    start = _whole(from_days, field="window_from_days", high=366)
    end = _whole(to_days, field="window_to_days", high=366)
    share = _whole(coverage, field="coverage_percent", high=100)
    assert start is not None and end is not None and share is not None
    if end < start:
        raise InvalidInput(_("The window must end after it starts."), field="window_to_days")
    default = FOLLOWUP_DEFAULTS[Service(service)]
    row = FollowUpPolicy.objects.select_for_update().filter(property=prop, service=service).first()
    old = (
        (row.window_from_days, row.window_to_days, row.coverage_percent)
        if row
        else (default.from_days, default.to_days, default.coverage)
    )
    if old == (start, end, share):
        return False
    FollowUpPolicy.objects.update_or_create(
        property=prop,
        service=service,
        defaults={"window_from_days": start, "window_to_days": end, "coverage_percent": share},
    )
    _record(
        by,
        prop,
        _(
            "Follow-up of %(service)s: days %(old_from)d-%(old_to)d, %(old_share)d %% → days %(from)d-%(to)d, %(share)d %%"
        )
        % {
            "service": Service(service).label,
            "old_from": old[0],
            "old_to": old[1],
            "old_share": old[2],
            "from": start,
            "to": end,
            "share": share,
        },
    )
    return True


@transaction.atomic
def followups_reset(*, by: User, prop: Property) -> int:
    """Every follow-up window back to the defaults of RULES; returns how many differed."""
    deleted, _rows = FollowUpPolicy.objects.filter(property=prop).delete()
    _record(by, prop, _("Follow-up windows put back to the defaults: %(n)d rows changed.") % {"n": deleted})
    return deleted


# --- Teams and trades ---------------------------------------------------------------------


def _trades(codes: Iterable[str]) -> list[Trade]:
    codes = sorted({c.strip() for c in codes if c and c.strip()})
    found = list(Trade.objects.filter(code__in=codes).order_by("code"))
    missing = set(codes) - {t.code for t in found}
    if missing:
        raise InvalidInput(_("There is no trade “%(code)s”.") % {"code": sorted(missing)[0][:30]}, field="trades")
    return found


@transaction.atomic
def team_save(*, by: User, prop: Property, name: str, trades: Iterable[str], team_id: int | None = None) -> Team:
    """A new team at the property, or one's name and trades changed."""
    name = validation.text_clean(name, field="name", max_length=50)
    chosen = _trades(trades)
    clash = Team.objects.filter(property=prop, name=name).exclude(pk=team_id or 0).exists()
    if clash:
        raise InvalidInput(_("There is a team “%(name)s” already.") % {"name": name}, field="name")
    if team_id is None:
        team = Team.objects.create(property=prop, name=name)
        message = _("Team added: %(name)s") % {"name": name}
    else:
        found = Team.objects.select_for_update().filter(pk=team_id, property=prop).first()
        if found is None:
            raise NotFound(_("There is no such team at %(property)s.") % {"property": prop.name})
        team = found
        message = _("Team changed: %(old)s → %(name)s") % {"old": team.name, "name": name}
        if team.name != name:
            Team.objects.filter(pk=team.pk).update(name=name)
            team.name = name
    team.trades.set(chosen)
    _record(by, prop, f"{message} ({', '.join(t.name for t in chosen) or '—'})")
    return team


@transaction.atomic
def trade_add(*, by: User, prop: Property, code: str, name: str) -> Trade:
    """A trade the company's technicians practise (shared by the properties)."""
    code = validation.text_clean(code, field="code", max_length=30)
    if not re.fullmatch(r"[a-z0-9_]+", code):
        raise InvalidInput(_("Use small letters, digits and _ for a code."), field="code")
    name = validation.text_clean(name, field="trade_name", max_length=50)
    if Trade.objects.filter(code=code).exists():
        raise InvalidInput(_("There is a trade “%(code)s” already.") % {"code": code}, field="code")
    trade = Trade.objects.create(code=code, name=name)
    _record(by, prop, _("Trade added: %(code)s %(name)s") % {"code": code, "name": name})
    return trade


# --- Notice channels ----------------------------------------------------------------------


@transaction.atomic
def channel_add(
    *, by: User, prop: Property, name: str, url: str, role: str = "", team_id: int | None = None
) -> ChannelRoute:
    """A group robot or webhook that also gets the notices of a role or a team."""
    name = validation.text_clean(name, field="channel_name", max_length=100)
    if role and role not in Role.values:
        raise InvalidInput(_("There is no such role."), field="role")
    team = Team.objects.filter(pk=team_id, property=prop).first() if team_id else None
    if team_id and team is None:
        raise InvalidInput(_("There is no such team at %(property)s.") % {"property": prop.name}, field="team")
    route = ChannelRoute(property=prop, name=name, url=(url or "").strip(), role=role, team=team)
    try:
        route.clean()
    except ValidationError as e:
        fields = getattr(e, "error_dict", {})
        field = "url" if "url" in fields else ("team" if "team" in fields else "role")
        raise InvalidInput(" ".join(e.messages), field=field) from None
    route.save()
    _record(by, prop, _("Notice channel added: %(name)s") % {"name": name})
    return route


@transaction.atomic
def channel_active_set(*, by: User, prop: Property, channel_id: int, active: bool) -> ChannelRoute:
    route = ChannelRoute.objects.select_for_update().filter(pk=channel_id, property=prop).first()
    if route is None:
        raise NotFound(_("There is no such notice channel at %(property)s.") % {"property": prop.name})
    if route.active != active:
        ChannelRoute.objects.filter(pk=route.pk).update(active=active)
        route.active = active
        message = _("Notice channel turned on: %(name)s") if active else _("Notice channel turned off: %(name)s")
        _record(by, prop, message % {"name": route.name})
    return route


# --- Units in bulk ------------------------------------------------------------------------

FLOORS_MAX = 120
PER_FLOOR_MAX = 40


def floors_parse(text: str, *, field: str = "skip_floors") -> set[int]:
    """Floors written as ``4, 13, 14`` (commas, spaces or 、)."""
    floors = set()
    for part in re.split(r"[,，、\s]+", (text or "").strip()):
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            raise InvalidInput(_("“%(text)s” is not a floor number.") % {"text": part[:10]}, field=field)
        floors.add(int(part))
    return floors


@transaction.atomic
def units_generate(
    *,
    by: User,
    prop: Property,
    building_code: str,
    building_name: str = "",
    floor_from: Any,
    floor_to: Any,
    per_floor: Any,
    skip_floors: str = "",
    room_digits: Any = 2,
) -> int:
    """A building's units from floors x units per floor, numbered floor then room
    (``3-1202``: building 3, floor 12, room 02), leaving out the floors the office
    skips (4, 13, 14 ...). The building is made if it is new; units already there are
    kept as they are. Returns how many units were added."""
    code = validation.text_clean(building_code, field="building_code", max_length=20).upper()
    if not re.fullmatch(r"[A-Z0-9]{1,8}", code):
        raise InvalidInput(_("Use letters and digits for a building code, e.g. 3 or A."), field="building_code")
    low = _whole(floor_from, field="floor_from", low=-5, high=FLOORS_MAX)
    high = _whole(floor_to, field="floor_to", low=-5, high=FLOORS_MAX)
    rooms = _whole(per_floor, field="per_floor", low=1, high=PER_FLOOR_MAX)
    digits = _whole(room_digits, field="room_digits", low=1, high=3)
    assert low is not None and high is not None and rooms is not None and digits is not None
    if high < low:
        raise InvalidInput(_("The top floor must not be below the lowest."), field="floor_to")
    if rooms >= 10**digits:
        raise InvalidInput(_("Too many units per floor for the room digits."), field="per_floor")
    skipped = floors_parse(skip_floors)
    building, made = Building.objects.get_or_create(
        property=prop,
        code=code,
        defaults={"name": (building_name or "").strip()[:100] or _("Building %(code)s") % {"code": code}},
    )
    have = set(Unit.objects.filter(property=prop, building=building).values_list("code", flat=True))
    new = []
    for floor in range(low, high + 1):
        if floor in skipped or floor == 0:
            continue
        for room in range(1, rooms + 1):
            room_code = f"{floor}{room:0{digits}d}"
            if room_code not in have:
                new.append(
                    Unit(property=prop, building=building, code=room_code, label=f"{code}-{room_code}", floor=floor)
                )
    try:
        Unit.objects.bulk_create(new)
    except IntegrityError:
        raise InvalidInput(_("Some of these unit numbers are taken already."), field="building_code") from None
    _record(
        by,
        prop,
        _("Units made in building %(code)s: %(n)d (floors %(low)d-%(high)d, %(rooms)d per floor, skipping %(skipped)s)")
        % {
            "code": code,
            "n": len(new),
            "low": low,
            "high": high,
            "rooms": rooms,
            "skipped": ", ".join(str(f) for f in sorted(skipped)) or "—",
        },
    )
    return len(new)
