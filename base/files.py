"""Sending a stored file (a photo, a signature, a plan, a kept report) to whoever may
read it: a file missing from the storage, after a restore without its files say, is a
404 with a line in the log, never a server error."""

from __future__ import annotations

import logging

from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.translation import gettext as _

from base.errors import NotFound

log = logging.getLogger(__name__)


def file_response(file: FieldFile, *, content_type: str | None = None, as_attachment: bool = False) -> FileResponse:
    try:
        handle = file.open("rb")
    except (FileNotFoundError, OSError):
        log.error("stored file missing: %s", file.name)
        raise NotFound(_("This file is missing from the storage; ask the office to restore it.")) from None
    return FileResponse(handle, content_type=content_type, as_attachment=as_attachment)
