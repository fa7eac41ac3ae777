"""The printed receipt of a paid repair (收据, R2.11): one A5 page with the receipt
number, the property, the household's unit, the lines (labour, material, service fee),
the total, how it was paid, who collected it and when. WeasyPrint with the CJK font,
as the printed work order (repairs.printing)."""

from __future__ import annotations

from django.template.loader import render_to_string

from settlement.models import Charge


def receipt_pdf(charge: Charge) -> bytes:
    from weasyprint import HTML

    html = render_to_string("settlement/receipt_pdf.html", {"c": charge, "ticket": charge.ticket})
    return HTML(string=html).write_pdf()
