"""Input shapes of the complaint actions. Types only; the services check the values."""

from __future__ import annotations

import datetime

from pydantic import Field

from base.schemas import Input
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
    resolve_by: datetime.datetime
    reason: str


class CloseForm(Input):
    result: str = Field(description="The result as told to the customer.")


class InvalidateForm(Input):
    help_given: str = Field(description="Why it is not a valid complaint and how we helped all the same (R4.7).")
