"""What the pages show of a repair beyond the ticket itself: the referral on the ticket
page, and the options of its action forms (the technicians to dispatch to, best first and why;
the service catalogue; the items waiting for review; the visit's conduct checklist; the
builders and providers)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from base.reads import related_read, rows
from catalog.models import ServiceItem
from catalog.selectors import outside_parties
from people.models import Team
from repairs.conduct import CONDUCT
from repairs.dispatch import dispatch_candidates
from repairs.models import Referral, WorkOrderItem
from tickets.choices import Route
from tickets.kinds import FormOptions
from tickets.models import Ticket

TECHNICIANS_MAX = 200  # every technician of a property can be picked; the best is starred


def page_context(ticket: Ticket) -> dict[str, Any]:
    related_read([ticket], "referrals__builder")
    related_read([ticket], "referrals__provider")
    return {"referral": next(iter(ticket.referrals.all()), None)}  # type: ignore[attr-defined]  # the latest


def options(ticket: Ticket, action: str, fields: Mapping[str, Any]) -> FormOptions:
    out = FormOptions()
    if action in ("dispatch", "reassign"):
        out.choices["assignee"] = [("", "—")] + [
            (c.user.username, c.label) for c in dispatch_candidates(ticket, limit=TECHNICIANS_MAX)
        ]
        out.choices["team"] = [("", "—")] + [
            (str(team.pk), team.name) for team in rows(Team, "property_id", [ticket.property_id], order="name")
        ]
    if "items" in fields:
        catalogue = (
            ServiceItem.objects.filter(active=True, company_id=ticket.property.company_id)
            .select_related("category")
            .order_by("category__code", "code")
        )
        out.choices["item"] = [("", _("— outside the catalogue —"))] + [
            (s.code, f"{s.category.name} · {s.name} ¥{s.labour_fee + s.material_fee + s.service_fee}")
            for s in catalogue
        ]
    if "decisions" in fields:  # the items waiting for the supervisor's review (R2.6)
        pending = WorkOrderItem.objects.filter(
            order__ticket=ticket, review=WorkOrderItem.Review.PENDING, removed_at__isnull=True
        ).order_by("id")
        out.choices["item_id"] = [("", "—")] + [(str(i.pk), f"{i.description} ×{i.quantity:g}") for i in pending]
        out.rows["decisions"] = len(pending)  # one decision per pending item
    if "checklist" in fields:
        out.choices["checklist"] = [(code, str(label)) for code, label in CONDUCT.items()]
    if "party" in fields:
        builders, providers = outside_parties(ticket.property.company_id)
        out.choices["party"] = [("", "—")]
        out.choices["party"] += [(b.code, f"Z · {b.name}") for b in builders]
        out.choices["party"] += [(p.code, f"Q · {p.name} ({p.service})") for p in providers]
    if "route" in fields:
        out.choices["route"] = [(r.value, str(r.label)) for r in (Route.BUILDER, Route.PROVIDER)]
    if "update" in fields:
        out.choices["update"] = [(value, str(label)) for value, label in Referral.Update.choices]
    return out
