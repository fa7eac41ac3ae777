"""Input shapes of the ticket services, shared by the API, the admin and the pages.
Types only: the services check the values (base.validation)."""

from __future__ import annotations

import datetime

from pydantic import Field

from assistance.models import HelpCategory
from base.schemas import Input
from complaints.models import Severity
from people.models import Department
from tickets.models import Channel, Impact, Kind, Route, Urgency

# --- The kind-specific parts of a draft -------------------------------------------------
# Each kind's on_check/on_create reads its own part (see tickets.workflow.Workflow).


class ComplaintIn(Input):
    """R4.2: time and place of the event, who is complained about, what happened (the
    draft's description), what the customer asks for."""

    severity: Severity = Field(Severity.MINOR, description="minor, important or major (R4.1).")
    department: Department = Field(description="The department complained about.")
    person: str = Field("", description="The person complained about, if any.")
    event_at: datetime.datetime | None = Field(None, description="When it happened.")
    event_place: str = Field("", description="Where it happened.")
    demand: str = Field("", description="What the customer asks for.")
    damage_ongoing: bool = Field(False, description="Damage still going on: stop it first (R4.7).")


class HelpIn(Input):
    category: HelpCategory = Field(description="medical, security, disaster or other (R5.1).")


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
    appointment_at: datetime.datetime | None = Field(
        None, description="The customer's requested time; for a minor complaint, the customer's deadline."
    )
    route: Route = Field(Route.OWN, description="Z, Q or GT (R2.21-R2.24); empty for our own team.")
    party: str | None = Field(None, description="Code of the builder (Z) or provider (Q) to send it to.")
    complaint: ComplaintIn | None = Field(None, description="Required for a complaint.")
    help: HelpIn | None = Field(None, description="Required for a help request.")
