"""The repair (报修): registered with the core as a kind of ticket (tickets.kinds)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from people.models import Role
from people.services import on_deactivate
from promises.models import Clock
from promises.policy import DAY, Limit
from repairs import pages
from repairs.actions import ACTIONS
from repairs.api import WorkOrderOut, work_order_out
from repairs.services import work_order_check, work_order_guard, work_order_open, work_orders_release_of
from repairs.workflow import REPAIR, WORKFLOW, RepairStatus
from tickets.kinds import DetailPart, Intake, TicketKind, register

S = Role.SERVICE_SUPERVISOR
PROMISES: dict[str, dict[str, Limit]] = {
    REPAIR: {
        # R2.16: record the request within 2 minutes of the call; notify the team within 2.
        Clock.RECORD: Limit(2, None, S),
        Clock.NOTIFY: Limit(2, None, S),
        # R2.17: arrive within 15 minutes of notification, emergencies within 5.
        Clock.ARRIVE: Limit(15, 5, Role.ENGINEERING_SUPERVISOR),
        # R2.18: report the result back within 20 minutes of completion.
        Clock.REPORT_BACK: Limit(20, None, Role.ENGINEERING_SUPERVISOR),
        # R2.13: a promised time given to the customer; its length is set case by case.
        Clock.PROMISE: Limit(0, None, S),
        # R3.3, R2.22-R2.23: a builder comes within 24 hours and fixes within 15 days; a
        # provider's own promise replaces these (catalog.Provider.response_hours).
        Clock.PARTY_ARRIVE: Limit(DAY, None, S),
        Clock.PARTY_FIX: Limit(15 * DAY, None, S),
    },
}

LABELS = {
    "assignee": _("technician"),
    "team": _("team"),
    "promised_at": _("promised time"),
    "fault_note": _("fault found on site"),
    "reported_item_wrong": _("the reported item was wrong"),
    "customer_name": _("customer"),
    "material": _("material"),
    "passed": _("passed the check"),
    "result_note": _("result"),
    "materials_used": _("materials used"),
    "satisfaction": _("satisfaction"),
    "satisfied": _("the customer accepts the work"),
    "signed_by": _("signed by"),
    "comment": _("customer's comment"),
    "items": _("items"),
    "item": _("catalogue item"),
    "quantity": _("quantity"),
    "labour_fee": _("labour fee"),
    "material_fee": _("material fee"),
    "service_fee": _("service fee"),
    "decisions": _("decisions"),
    "item_id": _("item"),
    "approve": _("approve"),
    "checklist": _("visit conduct"),
    "route": _("route"),
    "party": _("builder or provider"),
    "update": _("status report"),
    "customer_told": _("the customer has been told"),
}

R = RepairStatus
PLAIN: dict[str, Promise | str] = {
    R.NEW: _("Recorded. The service desk is sending a technician."),
    R.DISPATCHED: _("A technician has been assigned and will confirm soon."),
    R.ACCEPTED: _("The technician is on the way."),
    R.ON_SITE: _("The technician is at the place and checking the fault."),
    R.AWAITING_REVIEW: _("The engineering supervisor is checking the items and prices."),
    R.AWAITING_CONSENT: _("Waiting for you to agree to the price before work starts."),
    R.IN_PROGRESS: _("The work is in progress."),
    R.DEFERRED: _("Postponed to the promised time below."),
    R.REFERRED: _("Passed to the builder or the outside provider responsible; the desk follows it."),
    R.COMPLETED: _("The work is done. Please check it and sign off."),
    R.SIGNED_OFF: _("Signed off. Thank you."),
    R.REPORTED: _("Done and reported back to the service desk."),
    R.CLOSED: _("Closed."),
    R.DECLINED: _("Not done: the price was declined or the job refused."),
    R.CANCELLED: _("Cancelled."),
}

# A technician whose account is deactivated hands their open jobs back to dispatch.
on_deactivate(work_orders_release_of)

register(
    TicketKind(
        code=REPAIR,
        label=_("repair request"),
        prefix="BX",  # 报修
        workflow=WORKFLOW,
        actions=ACTIONS,
        check=work_order_check,
        open=work_order_open,
        guard=work_order_guard,
        promises=PROMISES,
        referable=True,
        field_work=True,
        followup_service="repair",
        related=("work_order",),
        prefetch=(
            "work_order__rework_of__ticket",
            "work_order__items__service_item",
            "work_order__quotes",
            "work_order__material_checks",
            "work_order__reworks__ticket",
        ),
        detail=DetailPart("work_order", WorkOrderOut, work_order_out),
        page_template="repairs/page.html",
        page_context=pages.page_context,
        options=pages.options,
        labels=LABELS,
        intake=Intake(ticket_fields=("category", "urgency", "appointment_at")),
        default=True,
        plain=PLAIN,
        # A sign-off taken as given. (The result of the work and the reason for a delay
        # are the work order's own fields, which the resident reads; the technician's
        # notes on those steps stay with the office.)
        told=frozenset({"sign_off"}),
    )
)
