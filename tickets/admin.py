"""Tickets in the admin are read-only: every change goes through the workflow services
(API now, pages later), so the admin can never bypass the state machine or the audit."""

from django.contrib import admin

from base.admin import ReadOnlyAdmin, ReadOnlyInline
from promises.models import Deadline
from tickets.models import Ticket, TicketEvent


class EventInline(ReadOnlyInline):
    model = TicketEvent
    fields = ["at", "actor_name", "action", "from_status", "to_status", "note"]


class DeadlineInline(ReadOnlyInline):
    model = Deadline
    fields = ["clock", "status", "started_at", "due_at", "met_at", "breached_at"]


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "kind",
        "status",
        "property",
        "unit",
        "common_area",
        "urgency",
        "assignee",
        "next_due_at",
        "reported_at",
    ]
    list_filter = ["property", "kind", "status", "urgency"]
    search_fields = ["number", "reporter_name", "reporter_phone"]
    list_select_related = ["property", "unit", "common_area", "assignee"]
    date_hierarchy = "reported_at"
    show_full_result_count = False
    inlines = [DeadlineInline, EventInline]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return Ticket.objects.visible_to(request.user).select_related(*self.list_select_related)
