"""What the duty log reads: the shift open on each post, the history of a day, one
shift with its entries, and the calls and tickets of a shift. A shift's calls and
tickets are not recorded twice: they are the property's contacts (R1.6) and tickets
recorded between the shift's start and its end (or now, while it is open)."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from base.errors import NotFound
from contacts.models import Contact
from duty.models import Entry, Shift
from estates.hours import Post
from estates.localtime import day_bounds
from estates.models import Property
from tickets.models import Ticket

HISTORY_MAX = 100


def _shifts() -> QuerySet[Shift]:
    return Shift.objects.select_related("property", "previous").prefetch_related(
        "staff", Prefetch("entries", queryset=Entry.objects.order_by("at", "id"))
    )


def open_shifts(property: Property) -> dict[str, Shift | None]:
    """The shift open now on each post (None where nobody has started one)."""
    found = {s.post: s for s in _shifts().filter(property=property, ended_at__isnull=True)}
    return {post: found.get(post) for post in Post.values}


def shift_of(property: Property, pk: int | None) -> Shift:
    """A shift of this property; another property's (or none) is not found."""
    shift = _shifts().filter(property=property, pk=pk or 0).first()
    if shift is None:
        raise NotFound(_("There is no such shift here."))
    return shift


def shift_by_id(pk: int) -> Shift:
    shift = _shifts().filter(pk=pk).first()
    if shift is None:
        raise NotFound(_("There is no such shift here."))
    return shift


def history(property: Property, day: datetime.date | None = None, post: str = "") -> list[Shift]:
    """The shifts of a property, latest first: those on duty at some time of ``day`` (the
    property's date) when one is given."""
    qs = _shifts().filter(property=property)
    if day is not None:
        start, end = day_bounds(day, property.time_zone)
        qs = qs.filter(Q(ended_at__isnull=True) | Q(ended_at__gt=start), started_at__lt=end)
    if post:
        qs = qs.filter(post=post)
    return list(qs.order_by("-started_at", "-id")[:HISTORY_MAX])


def _window(shift: Shift, now: datetime.datetime | None) -> tuple[datetime.datetime, datetime.datetime]:
    return shift.started_at, shift.ended_at or now or timezone.now()


def shift_calls(shift: Shift, now: datetime.datetime | None = None) -> list[Contact]:
    """The calls and visits logged at the property during the shift, with the tickets
    each raised or concerned."""
    start, end = _window(shift, now)
    return list(
        Contact.objects.filter(property_id=shift.property_id, at__gte=start, at__lt=end)
        .select_related("unit")
        .prefetch_related("tickets")
        .order_by("at", "id")
    )


def shift_tickets(shift: Shift, now: datetime.datetime | None = None) -> list[Ticket]:
    """The tickets recorded at the property during the shift (at the desk, online, on patrol)."""
    start, end = _window(shift, now)
    return list(
        Ticket.objects.filter(property_id=shift.property_id, created_at__gte=start, created_at__lt=end).order_by(
            "created_at", "id"
        )
    )
