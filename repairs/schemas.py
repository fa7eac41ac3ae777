"""Input shapes of the repair actions. Types only; the services check the values."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from base.schemas import Input, Moment


class ItemIn(Input):
    item: str | None = Field(None, description="Catalogue code; leave out for an item outside the catalogue.")
    description: str = Field("", description="Needed for an item outside the catalogue.")
    quantity: Decimal = Decimal("1")
    labour_fee: Decimal = Field(Decimal("0"), description="Outside the catalogue only; catalogue items use its fees.")
    material_fee: Decimal = Decimal("0")
    service_fee: Decimal = Decimal("0")


class ReviewDecision(Input):
    item_id: int
    approve: bool
    note: str = ""
    labour_fee: Decimal | None = Field(None, description="Set to change the proposed fee.")
    material_fee: Decimal | None = None
    service_fee: Decimal | None = None


class NoteForm(Input):
    note: str = ""


class ArriveForm(Input):
    checklist: list[str] = Field(
        default_factory=list, description="Codes of the visit conduct points kept (R2.10); see repairs.conduct."
    )
    note: str = ""


class DispatchForm(Input):
    assignee: str | None = Field(None, description="Username of the technician.")
    team: int | None = Field(None, description="Id of the maintenance team.")
    note: str = ""


class ConfirmForm(Input):
    items: list[ItemIn]
    fault_note: str = Field("", description="The fault as found on site.")
    category: str | None = Field(None, description="Correct the repair category.")
    reported_item_wrong: bool = Field(False, description="The reported item was wrong and re-confirmed (R2.7).")
    note: str = ""


class ReviewForm(Input):
    decisions: list[ReviewDecision]
    note: str = ""


class CustomerForm(Input):
    customer_name: str = Field("", description="Who agreed or declined; defaults to the reporter.")
    note: str = ""


class ReviseForm(Input):
    items: list[ItemIn]
    note: str = ""


class MaterialForm(Input):
    material: str
    passed: bool
    note: str = ""


class DeferForm(Input):
    reason: str
    promised_at: Moment
    note: str = ""


class EscalateForm(Input):
    note: str


class CompleteForm(Input):
    result_note: str = ""
    note: str = ""


class SignOffForm(Input):
    satisfaction: int = Field(..., description="1 (very unsatisfied) to 5 (very satisfied).")
    satisfied: bool = Field(True, description="The customer accepts the work.")
    signed_by: str = ""
    comment: str = ""


class ReportBackForm(Input):
    materials_used: str = ""
    result_note: str = ""
    note: str = ""


class ReasonForm(Input):
    reason: str


class ToldForm(Input):
    note: str = Field(default="", description="How and when the customer was told, and what they said.")


class ReferForm(Input):
    route: Literal["Z", "Q"] = Field(description="Z: the builder under warranty; Q: an outside provider.")
    party: str = Field(description="Code of the builder or provider.")
    note: str = ""


class PartyUpdateForm(Input):
    update: Literal["chased", "arrived", "waiting", "done"]
    note: str = Field("", description="What the party said; required for waiting.")
    customer_told: bool = False
    signed_by: str = Field("", description="For done: the customer who confirmed the fix.")
