"""The base of every input form, shared by the API, the pages and the services."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, BaseModel, ConfigDict, field_validator
from pydantic_core import PydanticCustomError

# The years a date or time given by a person may fall in: anything outside is a typo or
# a probe, and some of it (year 1, year 9999) cannot even be stored or shifted by a day.
YEARS = (2000, 2100)


def _sane(value: Any) -> Any:
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise PydanticCustomError(
            "date_out_of_range", "Give a date between {first} and {last}.", {"first": YEARS[0], "last": YEARS[1]}
        )
    return value


# Use these, not plain date and datetime, for every date or time a client sends.
Day = Annotated[datetime.date, AfterValidator(_sane)]
Moment = Annotated[datetime.datetime, AfterValidator(_sane)]


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


class Out(BaseModel):
    """Response bodies. Plain pydantic models rather than ninja's Schema: the views build
    dicts, so Schema's per-field attribute resolver is not needed, and on a page of
    fifty tickets it cost more than the database."""

    model_config = ConfigDict(from_attributes=True)


class ErrorOut(Schema):
    detail: str
    code: str
    errors: list[dict[str, str]] | None = None


# The refusals every operation may answer (documented on each, as they happen): 503
# when the database is down or read-only.
ERRORS = {s: ErrorOut for s in (400, 401, 403, 404, 409, 422, 503)}
