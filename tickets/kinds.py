"""Kinds of ticket as plug-ins. The core (tickets, promises, notify) knows no kind by
name: each kind's app registers a :class:`TicketKind` with everything it brings (its
workflow table and actions, the part of the draft it reads, its checks and records,
its number prefix, its promise defaults, what the pages show of it) and the core, the
API and the pages read it from here. See "Adding a kind" in docs/workflow.md.

A kind registers in its app's ``ready()`` by importing its ``kind`` module, which calls
:func:`register`. The draft a client sends (:func:`draft_model`) and the ticket the API
returns (``tickets.api``) are put together from the registered kinds once every app is
ready.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, create_model, field_validator
from pydantic_core import PydanticCustomError

from promises.policy import Limit, defaults_add, defaults_remove
from tickets.schemas import TicketDraft

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from base.errors import DomainError
    from people.models import User
    from tickets.actions import ActionSpec
    from tickets.models import Ticket
    from tickets.workflow import Workflow


@dataclass(frozen=True)
class DraftPart:
    """The kind's own part of a draft, e.g. ``complaint: {severity, department, ...}``."""

    name: str  # the field of the draft, e.g. "complaint"
    form: type[BaseModel]
    description: str = ""


@dataclass(frozen=True)
class DetailPart:
    """The kind's own part of a ticket read through the API, e.g. ``work_order``."""

    name: str
    schema: type[BaseModel]
    build: Callable[[Ticket], dict[str, Any] | None]


@dataclass
class FormOptions:
    """The options of an action form's fields (value, label), and how many rows a list
    field offers (e.g. one decision per item waiting for review)."""

    choices: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Intake:
    """What the console's intake form takes for this kind.

    ``ticket_fields``: the ticket's own fields the form shows for the kind (of
    ``category``, ``urgency``, ``appointment_at``). ``fields``: the names the kind's
    section of the form posts. ``template``: that section. ``context``: what the
    section shows, from the property. ``draft``: the draft's fields from the posted
    values (times already in the property's zone through ``local``). ``errors``: where
    on the form an error of the draft is shown, by the error's field. ``initial``: the
    section's values on a new form."""

    ticket_fields: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    initial: Mapping[str, str] = field(default_factory=dict)
    template: str = ""
    context: Callable[[Any], dict[str, Any]] | None = None
    draft: Callable[[dict[str, str], Callable[[str], Any]], dict[str, Any]] | None = None
    errors: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TicketKind:
    code: str  # Ticket.kind, e.g. "repair"
    label: Promise | str  # e.g. "repair request"
    prefix: str  # of the ticket number, in pinyin initials as offices use them (R1.5)
    workflow: Workflow
    actions: Mapping[str, ActionSpec]
    # The draft: the kind's part, a check before anything is written (raising
    # InvalidInput), and the kind's own records opened in the creating transaction:
    # open(*, ticket, by, now, draft, rework_of).
    part: DraftPart | None = None
    check: Callable[[TicketDraft], None] | None = None
    open: Callable[..., None] | None = None
    # A check beyond the workflow table, for rules that depend on the ticket's own
    # record (a complaint's severity decides who may extend it): a refusal or None.
    guard: Callable[[Ticket, str, User], DomainError | None] | None = None
    # The promise policy of a draft when limits differ within the kind (complaint
    # severity, oral or written consultation); by default the kind's code.
    policy_key: Callable[[TicketDraft], str] | None = None
    # The default limits of each policy key of the kind: {key: {clock: Limit}}. A
    # property's PromisePolicy rows override them (promises.policy).
    promises: Mapping[str, Mapping[str, Limit]] = field(default_factory=dict)
    # May be sent to a builder (Z) or an outside provider (Q).
    referable: bool = False
    # Done by technicians: a category, a technician and a printed work order.
    field_work: bool = False
    # The follow-up service a closed ticket of the kind gets (followups.Service).
    followup_service: Callable[[Ticket], str] | str = "other"
    # Reading one ticket in full: what to join and prefetch, and the API's part.
    related: tuple[str, ...] = ()
    # The one field of the kind's own record a queue row shows (a complaint's severity),
    # as "relation__field", a field with choices; a queue reads nothing else of it.
    row_mark: str = ""
    # Paths of relations read with it, from the ticket (base.reads.related_read).
    prefetch: tuple[str, ...] = ()
    detail: DetailPart | None = None
    # The pages: the ticket page's section (a template) and its context, the options
    # of the action forms' fields, the labels of those fields, and the intake form.
    page_template: str = ""
    page_context: Callable[[Ticket], dict[str, Any]] | None = None
    options: Callable[[Ticket, str, Mapping[str, Any]], FormOptions] | None = None
    labels: Mapping[str, Promise | str] = field(default_factory=dict)
    intake: Intake | None = None
    # The kind a draft is of when it names none (the API's default).
    default: bool = False
    # What a resident reads for each status on their own pages, in plain words (the
    # status's label where a status has none).
    plain: Mapping[str, Promise | str] = field(default_factory=dict)
    # The steps a resident is told of with their note, even when the status stays (an
    # answer, the result of the work, a new promised time); of the office's other
    # steps a resident sees only the changes of status, without notes.
    told: frozenset[str] = frozenset()

    def plain_words(self, status: str, label: str) -> str:
        return str(self.plain.get(status, label))

    def policy_for(self, draft: TicketDraft) -> str:
        return self.policy_key(draft) if self.policy_key else self.code

    def follow_up(self, ticket: Ticket) -> str:
        service = self.followup_service
        return service(ticket) if callable(service) else service


_KINDS: dict[str, TicketKind] = {}


def register(kind: TicketKind) -> TicketKind:
    """Make ``kind`` known to the core. Its actions must match its workflow table."""
    missing = set(kind.workflow.transitions) ^ set(kind.actions)
    if missing:
        raise RuntimeError(f"actions and workflow table of {kind.code} differ: {sorted(missing)}")
    if any(k.prefix == kind.prefix and k.code != kind.code for k in _KINDS.values()):
        raise RuntimeError(f"the number prefix {kind.prefix} of {kind.code} is taken")
    _KINDS[kind.code] = kind
    for key, clocks in kind.promises.items():
        defaults_add(key, clocks)
    draft_model.cache_clear()
    return kind


def unregister(code: str) -> None:
    """Forget a kind (tests that register one of their own)."""
    kind = _KINDS.pop(code, None)
    for key in kind.promises if kind else ():
        defaults_remove(key)
    draft_model.cache_clear()


def kind_for(code: str) -> TicketKind:
    return _KINDS[code]


def kinds() -> list[TicketKind]:
    """Every registered kind, in the order the apps registered them."""
    return list(_KINDS.values())


def kind_label(code: str) -> str:
    kind = _KINDS.get(code)
    return str(kind.label) if kind else code


def default_kind() -> str:
    return next((k.code for k in _KINDS.values() if k.default), next(iter(_KINDS), ""))


class RegisteredDraft(TicketDraft):
    """The core's draft with its kind checked against the kinds registered now."""

    kind: str = Field(
        default_factory=lambda: default_kind(),
        description="The kind of matter, one of the registered kinds.",
        json_schema_extra=lambda schema: schema.update(enum=[k.code for k in kinds()]),
    )

    @field_validator("kind")
    @classmethod
    def registered(cls, value: str) -> str:
        if value not in _KINDS:
            raise PydanticCustomError(
                "literal_error", "Input should be one of {expected}", {"expected": ", ".join(_KINDS)}
            )
        return value


@cache
def draft_model() -> type[TicketDraft]:
    """The draft as clients send it: the core's fields, ``kind`` one of the registered
    kinds, and each kind's own part (``complaint``, ``help`` ...)."""
    fields: dict[str, Any] = {
        k.part.name: (k.part.form | None, Field(None, description=k.part.description))
        for k in _KINDS.values()
        if k.part
    }
    return create_model("TicketDraft", __base__=RegisteredDraft, **fields)


def draft_from(data: Mapping[str, Any]) -> TicketDraft:
    """A draft from plain values, checked as the API checks one (raises ValidationError)."""
    return draft_model().model_validate(dict(data))


def part_of(draft: TicketDraft) -> Any:
    """The draft's part of its own kind, or None."""
    kind = _KINDS.get(draft.kind)
    return getattr(draft, kind.part.name, None) if kind and kind.part else None
