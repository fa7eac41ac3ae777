"""Checks of user input shared by every service. Each raises InvalidInput with a
message in the caller's language and the name of the field at fault."""

from __future__ import annotations

import datetime
import re
import zoneinfo
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from base.errors import InvalidInput

DESCRIPTION_MAX = 2000
NOTE_MAX = 2000
MONEY_MAX = Decimal("50000")  # one line of a household repair; above this is a typo
QUANTITY_MAX = Decimal("1000")
CLOCK_SKEW = datetime.timedelta(minutes=1)

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Area code 0xx or 0xxx, then a 7- or 8-digit number, optional extension.
_LANDLINE = re.compile(r"^(0\d{2,3})(\d{7,8})(?:#|ext|转)?(\d{1,6})?$")


def phone_normalize(value: str, *, field: str = "reporter_phone") -> str:
    """A mainland mobile (13800138000) or a landline with area code (0731-88888888,
    optional extension). Spaces, dashes and a +86/0086 prefix are accepted."""
    raw = (value or "").strip()
    digits = re.sub(r"[\s\-()]", "", raw)
    digits = re.sub(r"^(\+86|0086)", "", digits)
    if _MOBILE.match(digits):
        return digits
    m = _LANDLINE.match(digits)
    if m:
        area, number, ext = m.groups()
        return f"{area}-{number}" + (f"-{ext}" if ext else "")
    raise InvalidInput(
        _(
            "“%(phone)s” is not a valid phone number: give a mobile number (11 digits starting with 1) "
            "or a landline with its area code, e.g. 0731-88888888."
        )
        % {"phone": raw[:30]},
        field=field,
    )


def text_clean(value: str | None, *, field: str, required: bool = True, max_length: int = NOTE_MAX) -> str:
    text = (value or "").replace("\x00", "").strip()
    if required and not text:
        raise InvalidInput(_("This field cannot be empty."), field=field)
    if len(text) > max_length:
        raise InvalidInput(
            _("Too long: %(length)d characters, at most %(max)d.") % {"length": len(text), "max": max_length},
            field=field,
        )
    return text


def note_clean(value: str | None) -> str:
    """The optional note most steps take."""
    return text_clean(value, field="note", required=False)


def not_in_future(value: datetime.datetime, *, field: str, now: datetime.datetime) -> datetime.datetime:
    value = aware(value)
    if value > now + CLOCK_SKEW:
        raise InvalidInput(_("This time is in the future."), field=field)
    return value


# How far ahead an appointment, a promised time or a new deadline may be set: beyond it a
# clock would never run out, and no customer is promised a visit in years.
HORIZON = datetime.timedelta(days=366)


def in_future(value: datetime.datetime, *, field: str, now: datetime.datetime) -> datetime.datetime:
    value = aware(value)
    if value < now - CLOCK_SKEW:
        raise InvalidInput(_("This time is in the past; give a time from now on."), field=field)
    if value > now + HORIZON:
        raise InvalidInput(_("This time is more than a year ahead; give a nearer one."), field=field)
    return value


def local_moment(text: str, *, time_zone: str, field: str) -> datetime.datetime | None:
    """A time typed on a page (``2026-11-24T10:30``, a datetime-local field) in the
    property's time zone; None when empty; a clear refusal for one that is no time
    (``2026-02-30T10:00`` included)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(_("Give the time as date and hour."), field=field) from None
    return parsed.replace(tzinfo=zoneinfo.ZoneInfo(time_zone)) if timezone.is_naive(parsed) else parsed


def aware(value: datetime.datetime) -> datetime.datetime:
    """Times without a zone are read in the server's zone (Asia/Shanghai by default)."""
    if timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def money(value: object, *, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("Not an amount of money."), field=field) from None
    if not amount.is_finite() or amount < 0:
        raise InvalidInput(_("An amount cannot be negative."), field=field)
    if amount > MONEY_MAX:
        raise InvalidInput(
            _("%(amount)s is more than the %(max)s allowed for one line; check the amount.")
            % {"amount": amount, "max": MONEY_MAX},
            field=field,
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(_("Amounts have at most two decimal places."), field=field)
    return amount


def quantity(value: object, *, field: str) -> Decimal:
    try:
        q = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("Not a quantity."), field=field) from None
    if not q.is_finite() or q <= 0 or q > QUANTITY_MAX:
        raise InvalidInput(
            _("The quantity must be more than 0 and at most %(max)s.") % {"max": QUANTITY_MAX}, field=field
        )
    return q


def row_id(text: object) -> int | None:
    """An id typed or forged in a URL, a form or a query (a page cursor, a row to act
    on): the number if it can be one of the database's ids, else None. A database id is
    at most 2**63 - 1; a longer number would make the query itself fail."""
    value = str(text)
    return int(value) if value.isdigit() and 0 < int(value) < 2**63 else None
