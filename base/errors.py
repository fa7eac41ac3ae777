"""Domain errors. Each carries a message already in the caller's language (services
call gettext while the request's language is active) and maps to one HTTP status."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class InvalidInput(DomainError):
    status = 422
    code = "invalid_input"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class IllegalTransition(DomainError):
    """The action does not apply to the ticket's current state."""

    status = 409
    code = "illegal_transition"


class Conflict(DomainError):
    """Someone else changed the ticket first; nothing was written."""

    status = 409
    code = "conflict"


class TooMany(DomainError):
    """Asked too often (e.g. sign-in codes for one number); nothing was done."""

    status = 429
    code = "too_many"


# --- How pydantic's validation errors are said to the user -----------------------------


def pydantic_message(error: dict[str, Any]) -> str:
    """Pydantic's messages are English only; the common kinds are said again here."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    messages = {
        "missing": _("This field is required."),
        "string_type": _("Give text here."),
        "int_parsing": _("Give a whole number."),
        "int_type": _("Give a whole number."),
        "bool_parsing": _("Give true or false."),
        "bool_type": _("Give true or false."),
        "decimal_parsing": _("Give a number."),
        "decimal_type": _("Give a number."),
        "datetime_parsing": _("Give a date and time, e.g. 2026-11-23T14:30:00+08:00."),
        "datetime_from_date_parsing": _("Give a date and time, e.g. 2026-11-23T14:30:00+08:00."),
        "date_from_datetime_parsing": _("Give a date, e.g. 2026-11-23."),
        "list_type": _("Give a list."),
        "enum": _("Choose one of: %(expected)s.") % {"expected": ctx.get("expected", "")},
        "literal_error": _("Choose one of: %(expected)s.") % {"expected": ctx.get("expected", "")},
        "greater_than_equal": _("Give a number of at least %(ge)s.") % {"ge": ctx.get("ge", "")},
        "less_than_equal": _("Give a number of at most %(le)s.") % {"le": ctx.get("le", "")},
        "date_out_of_range": _("Give a date between %(first)s and %(last)s.")
        % {"first": ctx.get("first", ""), "last": ctx.get("last", "")},
        "json_invalid": _("The request body is not valid JSON."),
        "model_attributes_type": _("Give an object."),
        "model_type": _("Give an object."),
        "dict_type": _("Give an object."),
        "extra_forbidden": _("Unknown field."),
    }
    return messages.get(kind, error.get("msg", _("Invalid value.")))


SOURCES = {"body", "query", "path", "header", "cookie", "form"}
PARAMETERS = {"draft", "body", "filters"}  # names of the view parameters that hold whole inputs


def field_path(loc: Any) -> str:
    """``["body", "draft", "unit"]`` -> ``unit``: the field as the caller sent it."""
    parts = [str(p) for p in (loc or [])]
    if parts and parts[0] in SOURCES:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in PARAMETERS:
        parts = parts[1:]
    return ".".join(parts)
