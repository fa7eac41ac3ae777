"""The written answer to a consultation or suggestion (R5.5), printed on one A4 page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.template.loader import render_to_string

if TYPE_CHECKING:
    from tickets.models import Ticket


def answer_pdf(ticket: Ticket) -> bytes:
    from weasyprint import HTML

    html = render_to_string("assistance/answer_pdf.html", {"ticket": ticket, "answer": ticket.answer})  # type: ignore[attr-defined]
    return HTML(string=html).write_pdf()
