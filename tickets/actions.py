"""Taking any action of any kind: each kind binds its workflow's actions to an input
form and a service (``tickets.kinds.TicketKind.actions``), so one endpoint and one
page take every action."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from pydantic import BaseModel, ValidationError

from tickets.attachments import Upload, attachments_store, uploads_check
from tickets.kinds import kind_for
from tickets.workflow import check

if TYPE_CHECKING:
    from people.models import User
    from tickets.models import Ticket


@dataclass(frozen=True)
class ActionSpec:
    form: type[BaseModel]
    service: Callable[..., Any]


def spec_for(kind: str, action: str) -> ActionSpec | None:
    return kind_for(kind).actions.get(action)


def ticket_act(*, ticket: Ticket, action: str, by: User, data: dict[str, Any], uploads: Sequence[Upload] = ()) -> Any:
    """Take ``action`` on ``ticket``: check it is allowed now (for a clear 403/409 before
    any input error), parse ``data`` with the action's form, check the photos and
    signatures, then call its service and store them with its event, all or nothing.
    Raises pydantic's ValidationError for malformed input."""
    check(ticket, action, by)
    spec = spec_for(ticket.kind, action)
    assert spec is not None
    form = spec.form.model_validate(data or {})
    uploads_check(uploads)
    with transaction.atomic():
        result = spec.service(ticket=ticket, by=by, **_fields(form))
        if uploads:
            attachments_store(ticket=ticket, action=action, by=by, uploads=uploads)
    return result


def _fields(form: BaseModel) -> dict[str, Any]:
    """The form's fields as keyword arguments, nested forms kept as objects."""
    return {name: getattr(form, name) for name in type(form).model_fields}


__all__ = ["ActionSpec", "ValidationError", "spec_for", "ticket_act"]
