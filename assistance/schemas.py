"""Input shapes of the help, consultation and suggestion actions."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from assistance.models import HelpCategory
from base.schemas import Input
from complaints.models import Severity
from people.models import Department


class NoteForm(Input):
    note: str = ""


class CheckStepForm(Input):
    step: str = Field(description="Code of the checklist step; see assistance.checklists.")
    option: Literal["hospital", "ambulance", "care"] | None = Field(
        None, description="Medical emergency, step decide: the course chosen."
    )
    note: str = ""


class SpawnForm(Input):
    kind: Literal["repair", "complaint"]
    description: str
    category: str | None = Field(None, description="Repair category code, for a repair.")
    department: Department | None = Field(None, description="For a complaint: the department complained about.")
    severity: Severity = Severity.MINOR


class ResolveForm(Input):
    result: str = Field(description="How it ended, as reported back.")


class AnswerForm(Input):
    answer: str


class HelpIn(Input):
    category: HelpCategory = Field(description="medical, security, disaster or other (R5.1).")
