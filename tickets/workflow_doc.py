"""Renders each workflow table as Markdown for docs/workflow.md, so the document is
generated from the one table the code enforces (and a test keeps them equal)."""

from __future__ import annotations

from django.utils import translation

from people.models import Role
from tickets.kinds import kinds
from tickets.workflow import Workflow

BEGIN = "<!-- BEGIN GENERATED: {kind} -->"
END = "<!-- END GENERATED: {kind} -->"


def _roles(t_roles: frozenset[str], assigned: frozenset[str]) -> str:
    order = [r.value for r in Role]
    names = []
    for role in sorted(t_roles, key=order.index):
        names.append(f"`{role}` (assigned)" if role in assigned else f"`{role}`")
    return ", ".join(names)


def workflow_markdown(kind: str, wf: Workflow) -> str:
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
        f"{END.format(kind=kind)}"
    )


def all_markdown() -> dict[str, str]:
    return {k.code: workflow_markdown(k.code, k.workflow) for k in kinds()}
