"""Input shapes of the complaint actions. Types only; the services check the values."""

from __future__ import annotations

from pydantic import Field

from base.schemas import Input, Moment
from complaints.models import Severity
from people.models import Department


class NoteForm(Input):
    note: str = ""


class ClassifyForm(Input):
    severity: Severity
    reason: str = Field(description="Why the severity changes; required.")


class StopDamageForm(Input):
    measures: str = Field(description="What was done to stop the damage.")


class ForwardForm(Input):
    department: Department | None = Field(None, description="Defaults to the department complained about.")
    note: str = ""


class AcknowledgeForm(Input):
    receiver: str = Field("", description="Who signs for the form; defaults to you.")
    note: str = ""


class HandleForm(Input):
    handling: str = Field(description="What the department did.")


class AnswerForm(Input):
    answer: str = Field(description="The answer given to the customer.")


class ExtendForm(Input):
    resolve_by: Moment
    reason: str


class CloseForm(Input):
    result: str = Field(description="The result as told to the customer.")


class InvalidateForm(Input):
    help_given: str = Field(description="Why it is not a valid complaint and how we helped all the same (R4.7).")


class ComplaintIn(Input):
    """R4.2: time and place of the event, who is complained about, what happened (the
    draft's description), what the customer asks for."""

    severity: Severity = Field(Severity.MINOR, description="minor, important or major (R4.1).")
    department: Department = Field(description="The department complained about.")
    person: str = Field("", description="The person complained about, if any.")
    event_at: Moment | None = Field(None, description="When it happened.")
    event_place: str = Field("", description="Where it happened.")
    demand: str = Field("", description="What the customer asks for.")
    damage_ongoing: bool = Field(False, description="Damage still going on: stop it first (R4.7).")
