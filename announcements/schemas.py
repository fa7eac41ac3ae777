"""The announcement as the desk gives it, the same for the API and the console's form, so
both take the same fields and get the same refusals. Lengths, the buildings and the time
window are checked by the service (``announcement_publish``), with messages in the
caller's language."""

from __future__ import annotations

from pydantic import Field

from announcements.models import Announcement
from base.schemas import Input, Moment


class AnnouncementIn(Input):
    property: str = Field(description="The property's code, e.g. YGJY.")
    kind: Announcement.Kind = Field(description="outage (water or power cut), maintenance, event or other.")
    title: str = Field(description="At most 100 characters.")
    body: str = Field(description="At most 2000 characters.")
    building_ids: list[int] = Field(
        default_factory=list, description="The buildings it is for; empty for the whole property."
    )
    starts_at: Moment | None = Field(default=None, description="e.g. when the cut starts.")
    ends_at: Moment | None = Field(default=None, description="When it is over; after the start.")
