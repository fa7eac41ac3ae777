"""Taking a workflow action from a page: the ticket the user may act on, the action's
form with the options its kind gives, and the submitted form taken through the same
service as the API (tickets.actions.ticket_act)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError

from base.errors import DomainError, field_path, pydantic_message
from pages import forms
from people.models import User
from tickets.actions import spec_for, ticket_act
from tickets.attachments import Upload
from tickets.kinds import FormOptions, kind_for
from tickets.models import Ticket
from tickets.selectors import ticket_for_action
from tickets.workflow import Transition


def action_widgets(ticket: Ticket, t: Transition) -> list[forms.Widget]:
    """The form of one action: its fields drawn from the action's input model, with the
    options the ticket's kind gives them."""
    spec = spec_for(ticket.kind, t.action)
    if spec is None:
        return []
    kind = kind_for(ticket.kind)
    fields = spec.form.model_fields
    options = kind.options(ticket, t.action, fields) if kind.options else FormOptions()
    if "satisfaction" in fields:
        options.choices.setdefault("satisfaction", [("", "—")] + [(str(n), "★" * n) for n in range(5, 0, -1)])
    return forms.fields_of(spec.form, options.choices, options.rows, kind.labels)


def ticket_and_transition(user: User, number: str, action: str) -> tuple[Ticket, Transition]:
    """The ticket the user may act on and the named row of its workflow table, or 404."""
    ticket = ticket_for_action(user, number)
    transition = kind_for(ticket.kind).workflow.transitions.get(action)
    if transition is None:
        raise Http404(_("There is no such action."))
    return ticket, transition


def action_from_form(
    request: HttpRequest,
    user: User,
    ticket: Ticket,
    transition: Transition,
    widgets: list[forms.Widget],
    uploads: Callable[[], list[Upload]] | None = None,
) -> tuple[str, int] | None:
    """Take ``transition`` with the submitted form (and the photos or signature that
    ``uploads`` reads from the request). None when it was taken; else the message and
    HTTP status, with the typed values and the errors put back into ``widgets``."""
    errors: dict[str, str] = {}
    message, status = "", 422
    try:
        with timezone.override(ticket.property.time_zone):  # times are typed in the property's local time
            data = forms.data_from_post(widgets, request.POST)
        ticket_act(ticket=ticket, action=transition.action, by=user, data=data, uploads=uploads() if uploads else ())
    except ValidationError as e:
        for err in e.errors():
            errors.setdefault(field_path(err.get("loc")), pydantic_message(dict(err)))
        message = _("Check the fields marked below.")
    except DomainError as e:
        message, status = e.message, e.status
        if e.field:
            errors[e.field] = e.message
    if not message:
        return None
    forms.fill(widgets, request.POST, errors)
    return message, status
