"""The printed work order (工程维修单, R2.3): one PDF with the three copies the manuals
ask for (engineering, finance, customer), each with the record, the items and the
fees, the customer's drawn signatures (consent to the price, sign-off) with their
times, and a QR code that opens the ticket's page.

WeasyPrint lays out an HTML template and embeds the CJK font it finds through
fontconfig (Noto Sans CJK from Debian's fonts-noto-cjk), so Chinese prints on any
machine that opens the PDF. It is imported when a PDF is made, not at start-up.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import segno
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tickets.models import Attachment

if TYPE_CHECKING:
    from tickets.models import Ticket

log = logging.getLogger(__name__)
COPIES = [_("Copy 1 · engineering"), _("Copy 2 · finance"), _("Copy 3 · customer")]
# The steps the customer signs on the technician's phone (R2.9, R2.11), as printed.
SIGNED = {"consent": _("customer's consent"), "sign_off": _("customer's sign-off")}


@dataclass
class Signature:
    caption: Promise | str
    at: datetime
    image: str  # a data: URI, so the PDF carries the image itself


def signatures(ticket: Ticket) -> list[Signature]:
    """The customer's drawn signatures stored with the consent and sign-off steps, in
    the order they were given. A file the storage cannot read is left out (logged)."""
    found = (
        Attachment.objects.filter(ticket=ticket, kind=Attachment.Kind.SIGNATURE, event__action__in=SIGNED)
        .select_related("event")
        .order_by("event__at", "id")
    )
    out = []
    for a in found:
        assert a.event is not None
        try:
            with a.file.open("rb") as f:
                content = f.read()
        except OSError:
            log.warning("signature %s of %s cannot be read; printed without it", a.pk, ticket.number)
            continue
        uri = f"data:{a.content_type or 'image/png'};base64,{base64.b64encode(content).decode()}"
        out.append(Signature(SIGNED[a.event.action], a.event.at, uri))
    return out


def work_order_pdf(ticket: Ticket, *, url: str, phones: bool = True) -> bytes:
    """The work order of a repair ticket read with ``tickets.selectors.ticket_detail``;
    ``url`` is the address the QR code opens; the customer's phone only when the reader
    may see it (``phones``, R7.2)."""
    from weasyprint import HTML

    order = ticket.work_order  # type: ignore[attr-defined]
    items = [i for i in order.items.all() if i.removed_at is None]
    totals = {
        "labour": sum((i.labour_fee * i.quantity for i in items), Decimal("0")),
        "material": sum((i.material_fee * i.quantity for i in items), Decimal("0")),
        "service": sum((i.service_fee * i.quantity for i in items), Decimal("0")),
    }
    totals["all"] = totals["labour"] + totals["material"] + totals["service"]
    quote = next((q for q in reversed(list(order.quotes.all()))), None)
    qr = segno.make(url, error="m").svg_data_uri(scale=3, border=1)
    html = render_to_string(
        "repairs/work_order_pdf.html",
        {
            "ticket": ticket,
            "phones": phones,
            "order": order,
            "items": items,
            "totals": totals,
            "quote": quote,
            "checks": list(order.material_checks.all()),
            "copies": COPIES,
            "qr": qr,
            "url": url,
            "signatures": signatures(ticket),
        },
    )
    return HTML(string=html).write_pdf()
