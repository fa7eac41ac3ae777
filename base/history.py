"""The record of a change made through a service to a row that has no timeline of its
own (a directory entry, a contingency plan): written into the admin's history
(``django.contrib.admin.LogEntry``), so the admin's History of the row shows who
changed what and when, whichever face the change came through."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

FLAGS = {"add": ADDITION, "change": CHANGE, "delete": DELETION}


def history_record(*, by: Any, obj: Model, action: str, message: str = "") -> LogEntry:
    """Call inside the change's transaction, before a deleted row is gone."""
    return LogEntry.objects.create(
        user_id=by.pk,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action_flag=FLAGS[action],
        change_message=message,
    )
