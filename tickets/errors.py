"""Domain errors. Each carries a message already in the caller's language (services
call gettext while the request's language is active) and maps to one HTTP status."""

from __future__ import annotations


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
