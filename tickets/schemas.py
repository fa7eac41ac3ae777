"""Input shapes of the ticket services, shared by the API, the admin and the pages.
Types only: the services check the values (base.validation)."""

from __future__ import annotations

from pydantic import Field

from base.schemas import Input, Moment
from tickets.choices import Channel, Impact, Route, Urgency


class TicketDraft(Input):
    """The core's part of a draft. Clients send ``tickets.kinds.draft_model()``, which
    adds the kinds: ``kind`` is one of them, and each kind's own part is a field."""

    kind: str = Field("", description="The kind of matter; see the enum for the kinds there are.")
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
    reported_at: Moment | None = Field(None, description="When the customer called; default now.")
    appointment_at: Moment | None = Field(
        None, description="The customer's requested time; for a minor complaint, the customer's deadline."
    )
    route: Route = Field(Route.OWN, description="Z, Q or GT (R2.21-R2.24); empty for our own team.")
    party: str | None = Field(None, description="Code of the builder (Z) or provider (Q) to send it to.")
