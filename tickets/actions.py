"""The registry that binds workflow actions to input forms and services, so one
endpoint (and later one page) can take any action of any kind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from tickets.workflow import check, workflow_for

if TYPE_CHECKING:
    from people.models import User
    from tickets.models import Ticket


@dataclass(frozen=True)
class ActionSpec:
    form: type[BaseModel]
    service: Callable[..., Any]


_SPECS: dict[str, dict[str, ActionSpec]] = {}


def register_actions(kind: str, specs: dict[str, ActionSpec]) -> None:
    missing = set(workflow_for(kind).transitions) ^ set(specs)
    if missing:
        raise RuntimeError(f"actions and workflow table of {kind} differ: {sorted(missing)}")
    _SPECS[kind] = specs


def spec_for(kind: str, action: str) -> ActionSpec | None:
    return _SPECS.get(kind, {}).get(action)


def ticket_act(*, ticket: Ticket, action: str, by: User, data: dict[str, Any]) -> Any:
    """Take ``action`` on ``ticket``: check it is allowed now (for a clear 403/409 before
    any input error), parse ``data`` with the action's form, call its service.
    Raises pydantic's ValidationError for malformed input."""
    check(ticket, action, by)
    spec = spec_for(ticket.kind, action)
    assert spec is not None
    form = spec.form.model_validate(data or {})
    return spec.service(ticket=ticket, by=by, **_fields(form))


def _fields(form: BaseModel) -> dict[str, Any]:
    """The form's fields as keyword arguments, nested forms kept as objects."""
    return {name: getattr(form, name) for name in type(form).model_fields}


__all__ = ["ActionSpec", "ValidationError", "register_actions", "spec_for", "ticket_act"]
