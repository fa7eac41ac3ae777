"""The duty log's rules, one function each, called by the duty page and the API
(docs/records.md, "The duty log"): a shift started on a post, entries written in it,
handed over by the outgoing shift and received by someone of the next one (which ends
the old shift and starts the new), a shift ended. Every write checks who may (the desk
roles of the property, ``people.access.may_keep_duty_log``) and is one transaction;
bad input changes nothing."""

from __future__ import annotations

import datetime
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from base import validation
from base.errors import Conflict, Forbidden, InvalidInput, NotFound
from duty.models import Entry, Shift
from estates.hours import Post
from estates.models import Property
from people import roles
from people.access import may_keep_duty_log, may_read_duty_log, staff_at, works_at
from people.models import User

T = TypeVar("T", Shift, Entry)

ITEMS_MAX = 20  # open items handed over at once
ITEM_MAX = 200
NOTE_MAX = validation.NOTE_MAX  # a handover note: as long as any note
ENTRY_MAX = 1000


def keeper_at(user: User, property: Property) -> User:
    """The account if it keeps the duty log at this property (the desk roles working there)."""
    if not may_keep_duty_log(user):
        raise Forbidden(_("Only the service desk and the monitoring room keep the duty log."))
    if not works_at(user, property):
        raise NotFound(_("There is no property %(code)s you work at.") % {"code": property.code})
    return user


def reader_at(user: User, property: Property) -> User:
    """The account if it reads the duty log at this property (the desk, supervisors, managers)."""
    if not may_read_duty_log(user):
        raise Forbidden(_("Only the service desk, supervisors and managers read the duty log."))
    if not works_at(user, property):
        raise NotFound(_("There is no property %(code)s you work at.") % {"code": property.code})
    return user


def _post(post: str) -> str:
    if post not in Post.values:
        raise InvalidInput(_("Choose the post: the service desk or the monitoring room."), field="post")
    return post


def _staff(by: User, property: Property, usernames: list[str] | None) -> list[User]:
    """Who is on duty: the one starting and any other desk staff of the property named."""
    names = sorted({n.strip() for n in usernames or [] if n and n.strip()} - {by.username})
    people = list(staff_at(property.pk, *roles.DESK).filter(username__in=names))
    unknown = set(names) - {u.username for u in people}
    if unknown:
        raise InvalidInput(
            _("%(names)s: not desk staff of this property.") % {"names": "、".join(sorted(unknown))[:100]},
            field="staff",
        )
    return [by, *people]


def _names(people: list[User]) -> str:
    return "、".join(str(u) for u in people)[:200]


def _open(shift: Shift) -> None:
    if shift.ended_at is not None:
        raise Conflict(_("This shift is over; nothing was changed."), code="shift_not_open")


def shift_start(
    *, by: User, property: Property, post: str, staff: list[str] | None = None, form_key: str = ""
) -> Shift:
    """Start a shift on a post with the person starting it on duty (and any other desk
    staff of the property named). A post with a shift open is refused: its staff hand it
    over and someone of the next shift receives it (``shift_receive``). A resubmitted
    form (``form_key``) starts once."""
    keeper_at(by, property)
    post = _post(post)
    form_key = validation.text_clean(form_key, field="form_key", required=False, max_length=100)
    if form_key:
        found = Shift.objects.filter(started_by=by, form_key=form_key).first()
        if found is not None:
            return _resent(found, found.property_id == property.pk and found.post == post)
    people = _staff(by, property, staff)
    if Shift.objects.filter(property=property, post=post, ended_at__isnull=True).exists():
        raise Conflict(_("A shift is open on this post: it is handed over to you, or ended first."), code="shift_open")
    try:
        with transaction.atomic():
            return _create(by=by, property=property, post=post, people=people, form_key=form_key)
    except IntegrityError:
        found = Shift.objects.filter(started_by=by, form_key=form_key).first() if form_key else None
        if found is not None:
            return _resent(found, found.property_id == property.pk and found.post == post)
        raise Conflict(
            _("A shift is open on this post: it is handed over to you, or ended first."), code="shift_open"
        ) from None


def _resent(found: T, same: bool) -> T:
    """What a form sent again gets: the record its first sending wrote. A key already used
    for another record (a stale copy of a page, a client reusing its keys) is refused
    rather than taken for a retry, so nothing is silently dropped."""
    if not same:
        raise Conflict(
            _("This form was already sent for something else; reload the page and write it again."),
            code="key_reused",
        )
    return found


def _create(
    *, by: User, property: Property, post: str, people: list[User], form_key: str, previous: Shift | None = None
) -> Shift:
    shift = Shift.objects.create(
        property=property,
        post=post,
        started_at=timezone.now(),
        staff_names=_names(people),
        started_by=by,
        previous=previous,
        form_key=form_key,
    )
    shift.staff.set(people)
    return shift


@transaction.atomic
def shift_hand_over(*, by: User, shift: Shift, note: str, open_items: list[str] | None = None) -> Shift:
    """The outgoing shift writes what it hands over: a note and the open items (one a
    line). Written again before it is received, the last one counts."""
    keeper_at(by, shift.property)
    _open(shift)
    if not shift.staff.filter(pk=by.pk).exists():
        raise Forbidden(_("Only the staff on this shift hand it over."))
    note = validation.text_clean(note, field="handover_note", max_length=NOTE_MAX)
    items = [validation.text_clean(i, field="open_items", max_length=ITEM_MAX) for i in open_items or [] if i.strip()]
    if len(items) > ITEMS_MAX:
        raise InvalidInput(
            _("At most %(n)d open items; put the rest in the note.") % {"n": ITEMS_MAX}, field="open_items"
        )
    now = timezone.now()
    done = Shift.objects.filter(pk=shift.pk, ended_at__isnull=True).update(
        handover_note=note, open_items=items, handed_over_at=now, handed_over_by=by, handed_over_by_name=by.name_kept
    )
    if not done:
        raise Conflict(_("This shift is over; nothing was changed."), code="shift_not_open")
    shift.refresh_from_db()
    return shift


def shift_receive(*, by: User, shift: Shift, staff: list[str] | None = None) -> Shift:
    """Someone of the next shift receives the handover: who and when are written on the
    old shift, which ends, and the new shift on the same post starts with them on duty.
    The outgoing shift's own staff cannot receive it; a shift not handed over yet, or
    received already, is refused."""
    keeper_at(by, shift.property)
    _open(shift)
    if shift.handed_over_at is None:
        raise Conflict(_("This shift has not been handed over yet."), code="not_handed_over")
    if by.pk == shift.handed_over_by_id or shift.staff.filter(pk=by.pk).exists():
        raise Conflict(
            _("A handover is received by someone of the next shift, not by the shift handing over."),
            code="own_handover",
        )
    people = _staff(by, shift.property, staff)
    with transaction.atomic():
        now = timezone.now()
        done = Shift.objects.filter(pk=shift.pk, ended_at__isnull=True, received_at__isnull=True).update(
            ended_at=now, received_at=now, received_by=by, received_by_name=by.name_kept
        )
        if not done:
            raise Conflict(_("This shift is over; nothing was changed."), code="shift_not_open")
        return _create(by=by, property=shift.property, post=shift.post, people=people, form_key="", previous=shift)


def shift_end(*, by: User, shift: Shift) -> Shift:
    """End an open shift without a next one (the office closes and the post is not
    staffed); a shift not open is refused and nothing changes."""
    keeper_at(by, shift.property)
    _open(shift)
    done = Shift.objects.filter(pk=shift.pk, ended_at__isnull=True).update(ended_at=timezone.now())
    if not done:
        raise Conflict(_("This shift is over; nothing was changed."), code="shift_not_open")
    shift.refresh_from_db()
    return shift


def entry_add(
    *,
    by: User,
    shift: Shift,
    text: str,
    kind: str = Entry.Kind.OTHER,
    at: datetime.datetime | None = None,
    property: Property | None = None,
    form_key: str = "",
) -> Entry:
    """A line in an open shift's log (a patrol, an incident ...) at its time (now unless
    given: within the shift, not in the future). ``property``, when the caller names one,
    must be the shift's. A resubmitted form (``form_key``) writes once."""
    keeper_at(by, shift.property)
    if property is not None and property.pk != shift.property_id:
        raise InvalidInput(_("This shift is of another property."), field="shift")
    form_key = validation.text_clean(form_key, field="form_key", required=False, max_length=100)
    if form_key:
        found = Entry.objects.filter(by=by, form_key=form_key).first()
        if found is not None:
            return _resent(found, found.shift_id == shift.pk)
    _open(shift)
    if kind not in Entry.Kind.values:
        raise InvalidInput(_("Choose what kind of entry it is."), field="kind")
    text = validation.text_clean(text, field="text", max_length=ENTRY_MAX)
    now = timezone.now()
    moment = now if at is None else validation.not_in_future(at, field="at", now=now)
    if moment < shift.started_at:
        raise InvalidInput(_("This time is before the shift started."), field="at")
    try:
        with transaction.atomic():
            return Entry.objects.create(
                shift=shift,
                kind=kind,
                at=moment,
                text=text,
                by=by,
                by_name=by.name_kept,
                written_at=now,
                form_key=form_key,
            )
    except IntegrityError:
        found = Entry.objects.filter(by=by, form_key=form_key).first() if form_key else None
        if found is None:
            raise
        return _resent(found, found.shift_id == shift.pk)
