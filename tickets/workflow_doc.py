"""Renders each kind's workflow table and its default promise limits as Markdown for
docs/workflow.md, so the document is generated from the one table the code enforces
and the one place the limits are written (and a test keeps them equal)."""

from __future__ import annotations

from django.utils import translation

from people.models import Role
from promises.models import Clock
from promises.policy import Limit, limit_text
from tickets.kinds import TicketKind, kinds
from tickets.workflow import Workflow

BEGIN = "<!-- BEGIN GENERATED: {kind} -->"
END = "<!-- END GENERATED: {kind} -->"


def _roles(t_roles: frozenset[str], assigned: frozenset[str]) -> str:
    order = [r.value for r in Role]
    names = []
    for role in sorted(t_roles, key=order.index):
        names.append(f"`{role}` (assigned)" if role in assigned else f"`{role}`")
    return ", ".join(names)


def limits_markdown(kind: TicketKind) -> str:
    """The kind's default limits (a property's own PromisePolicy rows override them)."""
    rows = []
    for key, clocks in kind.promises.items():
        for clock, limit in clocks.items():
            # The promised time (R2.13) is given case by case; its row only names the escalation.
            due = "the promised time" if clock == Clock.PROMISE else limit_text(limit)
            urgent = limit_text(Limit(limit.emergency_minutes, None, "")) if limit.emergency_minutes else ""
            rows.append(f"| `{key}` | `{clock}` | {due} | {urgent} | {Role(limit.escalate_to).label} |")
    if not rows:
        return ""
    return (
        "\nDefault limits (each property's own rows, edited in the admin, override them):\n\n"
        "| policy | clock | due | emergencies | missed: escalated to |\n|---|---|---|---|---|\n"
        + "\n".join(rows)
        + "\n"
    )


def workflow_markdown(kind: str, wf: Workflow, limits: str = "") -> str:
    with translation.override("en"):
        states = "\n".join(f"| `{s.value}` | {s.label} | {'yes' if s.value in wf.closed else ''} |" for s in wf.states)
        rows = "\n".join(
            f"| `{t.action}` | {t.label} | {', '.join(f'`{s}`' for s in sorted(t.sources))} | "
            f"{', '.join(f'`{s}`' for s in sorted(t.targets))} | {_roles(t.roles, t.assigned_roles)} |"
            for t in wf.transitions.values()
        )
    return (
        f"{BEGIN.format(kind=kind)}\n"
        f"States (initial: `{wf.initial}`):\n\n| state | meaning | ends the ticket |\n|---|---|---|\n{states}\n\n"
        f"Actions:\n\n| action | meaning | from | to | who |\n|---|---|---|---|---|\n{rows}\n"
        f"{limits}{END.format(kind=kind)}"
    )


def all_markdown() -> dict[str, str]:
    with translation.override("en"):
        return {k.code: workflow_markdown(k.code, k.workflow, limits_markdown(k)) for k in kinds()}
