"""HTML forms for the workflow actions, drawn from the same pydantic input models the
API validates (tickets.actions), so a page and an API call take the same fields.

A field is described by its name and type; ``fields_of`` turns a model into widgets
and ``data_from_post`` turns a submitted form back into the dict the model validates.
"""

from __future__ import annotations

import datetime
import enum
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel

# The labels of the fields every kind's forms share; a kind adds its own (TicketKind.labels).
LABELS = {
    "note": _("note"),
    "reason": _("reason"),
    "description": _("description"),
    "category": _("category"),
    "answer": _("answer"),
    "result": _("result"),
    "severity": _("severity"),
    "department": _("department"),
    "kind": _("kind"),
    "method": _("method"),
}
LONG_TEXT = {"note", "reason", "fault_note", "result_note", "materials_used", "comment", "description"}
LONG_TEXT |= {"measures", "handling", "answer", "result", "help_given"}
LIST_ROWS = 3  # empty rows offered for a list of items


@dataclass
class Widget:
    name: str  # the HTML name, e.g. "note" or "items-0-quantity"
    label: str
    kind: str  # text, textarea, number, decimal, checkbox, datetime, select
    required: bool
    value: Any = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    rows: list[list[Widget]] = field(default_factory=list)  # for kind "rows"
    error: str = ""
    kept: list[int] = field(default_factory=list)  # screen rows submitted, in order (errors point at them)


def _base(annotation: Any) -> tuple[Any, bool]:
    """The type inside ``X | None`` and whether None is allowed."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0], True
    return annotation, False


def _kind(name: str, tp: Any) -> str:
    if tp is bool:
        return "checkbox"
    if tp is int:
        return "number"
    if tp is Decimal:
        return "decimal"
    if tp is datetime.datetime:
        return "datetime"
    return "textarea" if name in LONG_TEXT else "text"


def fields_of(
    model: type[BaseModel],
    choices: dict[str, list[tuple[str, str]]] | None = None,
    rows: dict[str, int] | None = None,
    labels: Mapping[str, Any] | None = None,
) -> list[Widget]:
    """Widgets for a model's fields; a list of sub-forms gets ``rows[name]`` rows (at
    least LIST_ROWS). ``labels`` name the fields beyond the shared LABELS."""
    choices, rows = choices or {}, rows or {}
    labels = {**LABELS, **(labels or {})}
    out = []
    for name, info in model.model_fields.items():
        tp, optional = _base(info.annotation)
        label = str(labels.get(name, name.replace("_", " ")))
        if typing.get_origin(tp) is list and typing.get_args(tp)[0] is str:
            out.append(Widget(name, label, "multi", False, [], choices.get(name, [])))
            continue
        if typing.get_origin(tp) is list:
            (inner,) = typing.get_args(tp)
            grid = [
                [
                    Widget(f"{name}-{i}-{w.name}", w.label, w.kind, False, "", w.choices)  # blank: a row is optional
                    for w in fields_of(inner, choices, labels=labels)
                ]
                for i in range(max(LIST_ROWS, rows.get(name, 0)))
            ]
            out.append(Widget(name, label, "rows", info.is_required(), rows=grid))
            continue
        default = info.default if not info.is_required() and info.default is not None else ""
        if isinstance(default, enum.Enum):
            default = default.value
        widget = Widget(name, label, _kind(name, tp), info.is_required() and not optional, default)
        given = choices.get(name) or _choices_of(tp, optional or not info.is_required(), labels)
        if given:
            widget.kind, widget.choices = "select", given
        out.append(widget)
    return out


def _choices_of(tp: Any, blank: bool, labels: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The options of an enumeration (a TextChoices) or a Literal of strings."""
    options: list[tuple[str, str]] = []
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        options = [(m.value, str(getattr(m, "label", m.value))) for m in tp]
    elif typing.get_origin(tp) is typing.Literal:
        options = [(str(v), str(labels.get(str(v), v))) for v in typing.get_args(tp)]
    if options and blank:
        options.insert(0, ("", "—"))
    return options


def _value(kind: str, raw: str | None) -> Any:
    if kind == "checkbox":
        return raw is not None
    raw = (raw or "").strip()
    if raw == "":
        return None
    if kind == "datetime":
        try:
            naive = datetime.datetime.fromisoformat(raw)
        except ValueError:
            return raw  # the model refuses it with a clear message
        return (timezone.make_aware(naive) if timezone.is_naive(naive) else naive).isoformat()
    return raw


def data_from_post(widgets: list[Widget], post: QueryDict) -> dict[str, Any]:
    """The submitted form as the dict the action's model validates; blank optional
    fields are left out, so the model's defaults apply."""
    data: dict[str, Any] = {}
    for w in widgets:
        if w.kind == "multi":
            data[w.name] = post.getlist(w.name)
            continue
        if w.kind == "rows":
            submitted, w.kept = [], []
            for i, row in enumerate(w.rows):
                values = {r.name.rsplit("-", 1)[1]: _value(r.kind, post.get(r.name)) for r in row}
                if any(v not in (None, False) for v in values.values()):
                    submitted.append({k: v for k, v in values.items() if v is not None})
                    w.kept.append(i)
            data[w.name] = submitted
            continue
        value = _value(w.kind, post.get(w.name))
        if value is not None:
            data[w.name] = value
    return data


def fill(widgets: list[Widget], post: QueryDict, errors: dict[str, str]) -> None:
    """Put the submitted values and the errors back into the widgets."""
    for w in widgets:
        w.error = errors.get(w.name, "")
        if w.kind == "multi":
            w.value = post.getlist(w.name)
            continue
        if w.kind == "rows":
            screen = dict(enumerate(w.kept))  # index of a submitted row -> its row on the screen
            for row in w.rows:
                for r in row:
                    r.value = post.get(r.name, "") if r.kind != "checkbox" else post.get(r.name) is not None
                    r.error = ""
            for key, message in errors.items():
                parts = key.split(".")
                if len(parts) == 3 and parts[0] == w.name and parts[1].isdigit() and int(parts[1]) in screen:
                    for r in w.rows[screen[int(parts[1])]]:
                        if r.name.rsplit("-", 1)[1] == parts[2]:
                            r.error = message
            continue
        w.value = post.get(w.name, "") if w.kind != "checkbox" else post.get(w.name) is not None
