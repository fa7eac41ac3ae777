"""Repairs that are not ours to fix (R2.22, R2.23, R3.2, R3.3): sent to the builder
under warranty (Z) or to an outside provider (Q) with that party's own promised times.
The desk chases, records the party's reports, tells the customer and strikes it off."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from base import validation
from base.errors import InvalidInput
from catalog.models import Builder, Provider
from promises.models import Clock
from promises.services import deadline_meet, deadline_start, deadlines_cancel
from repairs import notices
from repairs.models import Referral, WorkOrder
from tickets.models import Route, Ticket
from tickets.services import next_due_refresh
from tickets.workflow import ticket_transition

if TYPE_CHECKING:
    from people.models import User

PARTIES: dict[str, type[Builder] | type[Provider]] = {Route.BUILDER: Builder, Route.PROVIDER: Provider}


def party_find(*, company_id: int, route: str, code: str | None) -> Builder | Provider:
    """The builder (Z) or provider (Q) named by ``code``, or a clear error."""
    model = PARTIES.get(route)
    if model is None:
        raise InvalidInput(_("Only Z (builder) or Q (provider) send a repair out."), field="route")
    if not code:
        field_name = _("builder") if route == Route.BUILDER else _("provider")
        raise InvalidInput(_("Choose the %(party)s to send it to.") % {"party": field_name}, field="party")
    party = model.objects.filter(company_id=company_id, code=code, active=True).first()
    if party is None:
        raise InvalidInput(_("Unknown builder or provider “%(code)s”.") % {"code": code[:30]}, field="party")
    return party


def referral_send(
    *, ticket: Ticket, by: User, route: str, party: str | None, note: str = "", at: datetime.datetime | None = None
) -> Referral:
    """Send the repair to its party: on site within the party's promised hours; a
    builder also fixes within its days (R3.3). Call inside a transaction."""
    found = party_find(company_id=ticket.property.company_id, route=route, code=party)
    now = at or timezone.now()
    note = validation.note_clean(note)
    ticket_transition(
        ticket=ticket,
        action="refer",
        by=by,
        at=now,
        note=note or str(found),
        changes={"route": route},
        data={"route": route, "party": found.code, "party_name": found.name, "phone": found.phone},
    )
    referral = Referral.objects.create(
        ticket=ticket,
        property_id=ticket.property_id,
        route=route,
        builder=found if isinstance(found, Builder) else None,
        provider=found if isinstance(found, Provider) else None,
        sent_at=now,
        sent_by=by,
    )
    deadline_meet(ticket=ticket, clock=Clock.NOTIFY, at=now)
    # The party's clocks replace the office's own: its arrival and a deferral's promised time.
    deadlines_cancel(ticket=ticket, clocks=[Clock.ARRIVE, Clock.PROMISE, Clock.PARTY_ARRIVE, Clock.PARTY_FIX])
    deadline_start(
        ticket=ticket,
        clock=Clock.PARTY_ARRIVE,
        start=now,
        due=now + datetime.timedelta(hours=found.response_hours),
    )
    if isinstance(found, Builder):
        deadline_start(
            ticket=ticket, clock=Clock.PARTY_FIX, start=now, due=now + datetime.timedelta(days=found.fix_days)
        )
    next_due_refresh(ticket)
    return referral


@transaction.atomic
def work_order_refer(*, ticket: Ticket, by: User, route: str, party: str, note: str = "") -> None:
    referral_send(ticket=ticket, by=by, route=route, party=party, note=note)


@transaction.atomic
def work_order_party_update(
    *, ticket: Ticket, by: User, update: str, note: str = "", customer_told: bool = False, signed_by: str = ""
) -> None:
    """Record the party's status report (or the desk's chasing call). ``done`` needs the
    customer's confirmation (R3.3: signed off by the client) and leads to strike-off."""
    referral = Referral.objects.filter(ticket=ticket).first()
    if referral is None:
        raise InvalidInput(_("This repair was not sent to a builder or provider."), field="update")
    update = Referral.Update(update)
    note = validation.text_clean(note, field="note", required=update == Referral.Update.WAITING)
    now = timezone.now()
    data = {"update": update.value, "customer_told": customer_told}
    if update == Referral.Update.DONE:
        signed_by = validation.text_clean(signed_by, field="signed_by", max_length=50)
        data["signed_by"] = signed_by
    event = ticket_transition(
        ticket=ticket,
        action="party_update",
        by=by,
        at=now,
        to="reported" if update == Referral.Update.DONE else "referred",
        note=f"{update.label}{': ' + note if note else ''}",
        data=data,
    )
    fields: dict[str, object] = {"last_update": update}
    if update in (Referral.Update.ARRIVED, Referral.Update.DONE):
        deadline_meet(ticket=ticket, clock=Clock.PARTY_ARRIVE, at=now)
        if referral.arrived_at is None:
            fields["arrived_at"] = now
    if update == Referral.Update.DONE:
        deadline_meet(ticket=ticket, clock=Clock.PARTY_FIX, at=now)
        fields["fixed_at"] = now
        WorkOrder.objects.filter(ticket=ticket).update(
            completed_at=now, signed_off_at=now, reported_at=now, signed_by=signed_by, result_note=note
        )
    Referral.objects.filter(pk=referral.pk).update(**fields)
    next_due_refresh(ticket)
    if not customer_told and update != Referral.Update.CHASED:
        notices.party_reported(ticket, event, by, update.label)
