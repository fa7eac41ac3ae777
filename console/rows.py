"""A work queue's rows as the console shows them (pages.rows: worked out once in Python,
placed by the template)."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from pages.rows import local, short, url_maker
from tickets.selectors import TicketRow


@dataclass(frozen=True)
class QueueRow:
    number: str
    url: str
    hot: bool  # painted like an emergency, by the kind's own measure
    mark: str  # beside the number: a complaint's severity, a help request's category ...
    mark_class: str
    where: str
    what: str
    status: str
    who: str  # the technician (or team) for field work, else who reported it
    route: str
    due_iso: str  # the next promise, in the property's time
    due_text: str


def _mark(t: TicketRow, field_work: bool) -> tuple[bool, str, str]:
    """(hot, mark, its class): a row stands out by its kind's own measure, a repair's
    urgency, a complaint's severity (a minor one is not painted like an emergency), a
    help request's category (a medical emergency)."""
    if t.kind == "complaint" and t.mark:
        css = "status" if t.mark == "minor" else f"tag severity-{t.mark}"
        return t.mark == "major", t.mark_label, css
    if t.kind == "help" and t.mark:
        medical = t.mark == "medical"
        return medical, t.mark_label, "tag" if medical else "status"
    if field_work and t.urgency == "emergency" and t.kind not in ("complaint", "help"):
        return True, _("emergency"), "tag"
    return False, "", ""


def queue_rows(tickets: list[TicketRow], *, field_work: bool, time_zone: str) -> list[QueueRow]:
    """The rows of a work queue (``tickets.selectors.queue_tickets``)."""
    tz = ZoneInfo(time_zone)
    url = url_maker("console:ticket")
    out = []
    for t in tickets:
        hot, mark, mark_class = _mark(t, field_work)
        if field_work:
            who = t.assignee_display or t.assignee_username or t.team_name or "—"
        else:
            who = t.reporter_name
        what = short(t.description)
        out.append(
            QueueRow(
                number=t.number,
                url=url(t.number),
                hot=hot,
                mark=str(mark),
                mark_class=mark_class,
                where=t.unit_label or t.area_name or "—",
                what=f"{t.category_name} · {what}" if t.category_name else what,
                status=t.status_label,
                who=who,
                route=t.route,
                due_iso=t.next_due_at.astimezone(tz).isoformat() if t.next_due_at else "",
                due_text=local(t.next_due_at, tz, "%m-%d %H:%M"),
            )
        )
    return out
