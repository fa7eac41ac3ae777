"""Photos and signatures taken with a workflow step: checked before anything is
written (images only, within a size limit), then stored with the step's event."""

from __future__ import annotations

import base64
import binascii
import io
import uuid
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from base.errors import InvalidInput
from tickets.models import Attachment, TicketEvent

if TYPE_CHECKING:
    from people.models import User
    from tickets.models import Ticket

MB = 1024 * 1024
LIMITS = {Attachment.Kind.PHOTO: 8 * MB, Attachment.Kind.SIGNATURE: MB // 2}
PHOTOS_MAX = 6
PIXELS_MAX = 40_000_000  # a 40-megapixel photo; more is a decompression bomb, not a phone picture
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


@dataclass
class Upload:
    kind: str  # Attachment.Kind
    name: str  # as the user's device named it, for messages
    content: bytes
    field: str  # the form field, for messages next to it
    size: int = 0  # as declared by the upload; checked before the content is read whole
    content_type: str = ""
    extension: str = ""


def photo_upload(file: Any, *, field: str) -> Upload:
    """An uploaded file (Django's UploadedFile); no more than the limit is read."""
    limit = LIMITS[Attachment.Kind.PHOTO]
    content = file.read(limit + 1) if (file.size or 0) <= limit else b""  # an oversize file is not read
    return Upload(Attachment.Kind.PHOTO, file.name or _("photo"), content, field, size=file.size or len(content))


def signature_upload(data_url: str, *, field: str) -> Upload | None:
    """A signature drawn on the page arrives as a ``data:image/png;base64,...`` URL."""
    if not data_url:
        return None
    head, _sep, payload = data_url.partition(",")
    if not head.startswith("data:image/") or ";base64" not in head:
        raise InvalidInput(_("The signature did not arrive as an image; sign again."), field=field)
    try:
        content = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(_("The signature did not arrive as an image; sign again."), field=field) from None
    return Upload(Attachment.Kind.SIGNATURE, _("signature"), content, field)


def uploads_check(uploads: Sequence[Upload]) -> None:
    """Refuse anything but JPEG, PNG or WebP images within the limits; sets each
    upload's type. Writes nothing."""
    photos = sum(1 for u in uploads if u.kind == Attachment.Kind.PHOTO)
    if photos > PHOTOS_MAX:
        raise InvalidInput(_("At most %(n)s photos at a time.") % {"n": PHOTOS_MAX}, field=uploads[0].field)
    for u in uploads:
        limit = LIMITS[Attachment.Kind(u.kind)]
        size = max(len(u.content), u.size)
        if size > limit:
            raise InvalidInput(
                _("%(name)s is %(size).1f MB; the limit is %(limit).1f MB.")
                % {"name": u.name[:60], "size": size / MB, "limit": limit / MB},
                field=u.field,
            )
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(u.content)) as image:
                    kind = image.format or ""
                    too_big = image.width * image.height > PIXELS_MAX
                    image.verify()
        except (
            UnidentifiedImageError,
            OSError,
            SyntaxError,
            ValueError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
        ):
            kind, too_big = "", False
        if too_big:
            raise InvalidInput(
                _("%(name)s has more than %(n)s million pixels; send a smaller picture.")
                % {"name": u.name[:60], "n": PIXELS_MAX // 1_000_000},
                field=u.field,
            )
        if kind not in FORMATS:
            raise InvalidInput(
                _("%(name)s is not a photo: send a JPEG, PNG or WebP image.") % {"name": u.name[:60]}, field=u.field
            )
        u.content_type, u.extension = FORMATS[kind]


def attachments_store(*, ticket: Ticket, action: str, by: User, uploads: Sequence[Upload]) -> list[Attachment]:
    """Store checked uploads with the latest event of ``action`` (call in the action's transaction)."""
    event = TicketEvent.objects.filter(ticket=ticket, action=action).order_by("-at", "-id").first()
    now = timezone.now()
    out = []
    for u in uploads:
        a = Attachment(
            ticket=ticket,
            property_id=ticket.property_id,
            event=event,
            kind=u.kind,
            content_type=u.content_type,
            size=len(u.content),
            uploaded_at=now,
            uploaded_by=by,
        )
        a.file.save(
            f"{ticket.number}-{u.kind}-{uuid.uuid4().hex[:10]}.{u.extension}", ContentFile(u.content), save=False
        )
        a.save()
        out.append(a)
    return out
