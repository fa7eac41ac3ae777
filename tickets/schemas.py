"""Input shapes of the ticket services, shared by the API, the admin and the pages.
Types only: the services check the values (tickets.validation)."""

from __future__ import annotations

import datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from tickets.models import Channel, Impact, Kind, Urgency


class Input(BaseModel):
    """Base of every input form. A plain pydantic model rather than ninja's Schema, so a
    body that is not a JSON object is refused as such instead of read as an empty form."""

    @field_validator("*", mode="before")
    @classmethod
    def no_nul(cls, value: Any) -> Any:
        """PostgreSQL cannot store NUL in text; no person types one."""
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and "\x00" in t for t in texts):
            raise ValueError("NUL character")
        return value


class TicketDraft(Input):
    kind: Kind = Kind.REPAIR
    property: str | None = Field(None, description="Property code, e.g. YGJY. Residents may leave it out.")
    unit: str | None = Field(None, description="Unit as building-room, e.g. 3-1202.")
    common_area: str | None = Field(None, description="Name of a common area, e.g. 3栋电梯.")
    category: str | None = Field(None, description="Repair category code, e.g. plumbing.")
    urgency: Urgency = Urgency.ROUTINE
    impact: Impact = Impact.HOUSEHOLD
    channel: Channel = Channel.PHONE
    reporter_name: str | None = Field(None, description="Defaults to the household's first resident.")
    reporter_phone: str | None = Field(None, description="Mainland mobile or landline with area code.")
    description: str = ""
    reported_at: datetime.datetime | None = Field(None, description="When the customer called; default now.")
    appointment_at: datetime.datetime | None = Field(None, description="The customer's requested time.")
