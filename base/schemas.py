"""The base of every input form, shared by the API, the pages and the services."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, field_validator


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
