"""A work queue's rows as the console shows them (pages.rows: worked out once in Python,
placed by the template)."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils.translation import gettext as _

from pages.rows import iso, local, short, url_maker
from repairs.dispatch import Technician, ranked
from repairs.pages import TECHNICIANS_MAX
from tickets.kinds import kind_for
from tickets.models import Ticket
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
                due_iso=iso(t.next_due_at, tz),
                due_text=local(t.next_due_at, tz, "%m-%d %H:%M"),
            )
        )
    return out


@dataclass(frozen=True)
class BoardRow:
    """A ticket waiting for dispatch as the board shows it: the suggested technician one
    click away, every technician of the property in the other form."""

    number: str
    url: str
    act_url: str  # the dispatch action's form posts here
    hot: bool  # an emergency
    where: str
    category: str
    what: str
    due_iso: str
    due_text: str
    best: str  # the suggested technician's username ("" when there is nobody)
    to_best: str
    why: str
    choices: list[tuple[str, str]]  # (username, the technician with what the ranking weighed)


def board_rows(tickets: list[TicketRow], technicians: list[Technician], *, time_zone: str) -> list[BoardRow]:
    """The board's rows (``tickets.selectors.queue_tickets`` of the new repairs), each with
    the technicians ranked for it (R2.5)."""
    tz = ZoneInfo(time_zone)
    url, act = url_maker("console:ticket"), url_maker("console:act", "dispatch")
    out = []
    for t in tickets:
        emergency = t.urgency == "emergency"
        ranking = ranked(technicians, trade_id=t.category_trade_id, emergency=emergency, limit=TECHNICIANS_MAX)
        best = ranking[0] if ranking else None
        out.append(
            BoardRow(
                number=t.number,
                url=url(t.number),
                act_url=act(t.number),
                hot=emergency,
                where=t.unit_label or t.area_name or "—",
                category=t.category_name or "",
                what=short(t.description, 24),
                due_iso=iso(t.next_due_at, tz),
                due_text=local(t.next_due_at, tz, "%m-%d %H:%M"),
                best=best.user.username if best else "",
                to_best=_("To %(name)s") % {"name": best.user} if best else "",
                why=best.why if best else "",
                choices=[(c.user.username, f"{c.user} · {c.facts}") for c in ranking],
            )
        )
    return out


@dataclass(frozen=True)
class StepRow:
    """A step of a ticket's timeline as its page shows it, on the property's clock."""

    at_iso: str
    at: str
    actor: str
    label: str  # the action, by the kind's workflow
    to_label: str  # the status it led to, if it changed one
    note: str
    files: list[tuple[str, str]]  # (address, what it is) of each photo or signature


def timeline_rows(ticket: Ticket) -> list[StepRow]:
    """The rows of a ticket's timeline (``tickets.selectors.ticket_detail``)."""
    wf = kind_for(ticket.kind).workflow
    tz = ZoneInfo(ticket.property.time_zone)
    return [
        StepRow(
            at_iso=iso(e.at, tz),
            at=local(e.at, tz, "%m-%d %H:%M"),
            actor=e.actor_name or _("system"),
            label=str(wf.action_label(e.action)),
            to_label=str(wf.state_label(e.to_status)) if e.to_status else "",
            note=e.note,
            files=[
                (reverse("console:attachment", args=[a.pk]), str(a.get_kind_display())) for a in e.attachments.all()
            ],
        )
        for e in ticket.timeline  # type: ignore[attr-defined]
    ]


@dataclass(frozen=True)
class PromiseRow:
    """A promise clock of a ticket as its page shows it, on the property's clock."""

    status: str  # open, met or cancelled (the row's class)
    breached: bool
    clock: str
    due_iso: str
    due: str
    mark: str  # how a met clock ended (on time, late), or that it was cancelled
    met: str


def promise_rows(ticket: Ticket) -> list[PromiseRow]:
    """The rows of a ticket's promises (``tickets.selectors.ticket_detail``)."""
    tz = ZoneInfo(ticket.property.time_zone)
    out = []
    for d in ticket.deadlines.all():
        if d.status == "met":
            mark = "✗ " + _("late") if d.breached_at else "✓ " + _("on time")
        else:
            mark = _("cancelled") if d.status != "open" else ""
        out.append(
            PromiseRow(
                status=d.status,
                breached=d.breached_at is not None,
                clock=str(d.get_clock_display()),
                due_iso=iso(d.due_at, tz),
                due=local(d.due_at, tz, "%m-%d %H:%M"),
                mark=mark,
                met=local(d.met_at, tz, "%m-%d %H:%M") if d.status == "met" else "",
            )
        )
    return out
