"""Input shape of a logged contact."""

from __future__ import annotations

from pydantic import Field

from base.schemas import Input, Moment
from tickets.models import Channel


class ContactIn(Input):
    property: str = Field(description="Property code.")
    channel: Channel = Channel.PHONE
    caller_name: str = ""
    phone: str = ""
    unit: str | None = Field(None, description="The caller's unit, e.g. 3-1202.")
    summary: str = Field("", description="What was said; defaults to the ticket's description.")
    at: Moment | None = Field(None, description="When; default now.")
    concerns: list[str] = Field(default_factory=list, description="Numbers of existing tickets the contact is about.")
