"""Keeping the quick-response directory (紧急联系电话, R1.7): supervisors and managers add
and remove its entries; each change is recorded in the admin's history."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from base import validation
from base.errors import Forbidden, InvalidInput, NotFound
from base.history import history_record
from contacts.models import DirectoryEntry
from people.access import may_edit_directory, works_at

if TYPE_CHECKING:
    from estates.models import Property
    from people.models import User

# A number as a directory holds it: 120, 95598, 0731-88123120, 400-880-2345, +86 138...
_PHONE = re.compile(r"^[0-9+][0-9 ()#+\-]{1,28}[0-9]$")


def _editor(by: User, prop: Property) -> None:
    if not works_at(by, prop):
        raise NotFound(_("There is no property %(code)s you work at.") % {"code": prop.code})
    if not may_edit_directory(by):
        raise Forbidden(_("Only supervisors and managers change the directory."))


@transaction.atomic
def directory_entry_add(
    *, prop: Property, by: User, group: str, name: str, phone: str, note: str = ""
) -> DirectoryEntry:
    _editor(by, prop)
    if group not in DirectoryEntry.Group.values:
        raise InvalidInput(_("Choose the group."), field="group")
    name = validation.text_clean(name, field="name", max_length=100)
    phone = validation.text_clean(phone, field="phone", max_length=30)
    if not _PHONE.match(phone):
        raise InvalidInput(_("“%(phone)s” is not a phone number.") % {"phone": phone}, field="phone")
    note = validation.text_clean(note, field="note", required=False, max_length=200)
    entry = DirectoryEntry.objects.create(property=prop, group=group, name=name, phone=phone, note=note)
    history_record(by=by, obj=entry, action="add", message=f"{entry.get_group_display()}: {name} {phone}")
    return entry


@transaction.atomic
def directory_entry_remove(*, prop: Property, by: User, entry_id: int | str) -> None:
    _editor(by, prop)
    entry = DirectoryEntry.objects.filter(property=prop, pk=entry_id).first() if str(entry_id).isdigit() else None
    if entry is None:
        raise NotFound(_("There is no such entry in the directory."))
    history_record(by=by, obj=entry, action="delete", message=f"{entry.name} {entry.phone}")
    entry.delete()
