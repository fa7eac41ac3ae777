"""Tickets in the admin are read-only: every change goes through the workflow services
(API now, pages later), so the admin can never bypass the state machine or the audit."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from base.admin import PropertyScoped, ReadOnlyAdmin, ReadOnlyInline
from promises.models import Deadline
from tickets.kinds import kinds
from tickets.models import Ticket, TicketEvent


class EventInline(ReadOnlyInline):
    model = TicketEvent
    fields = ["at", "actor_name", "action", "from_status", "to_status", "note"]


class DeadlineInline(ReadOnlyInline):
    model = Deadline
    fields = ["clock", "status", "started_at", "due_at", "met_at", "breached_at"]


class KindFilter(admin.SimpleListFilter):
    """The registered kinds by their names (tickets.kinds)."""

    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return [(k.code, k.label) for k in kinds()]

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Ticket)
class TicketAdmin(PropertyScoped, ReadOnlyAdmin):
    list_display = [
        "number",
        "kind_label",
        "status_label",
        "property",
        "unit",
        "common_area",
        "urgency",
        "assignee",
        "next_due_at",
        "reported_at",
    ]
    list_filter = ["property", KindFilter, "status", "urgency"]
    search_fields = ["number", "reporter_name", "reporter_phone"]
    list_select_related = ["property", "unit", "common_area", "assignee"]
    date_hierarchy = "reported_at"
    show_full_result_count = False
    inlines = [DeadlineInline, EventInline]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        """The tickets the user may see (the same rule as every other face)."""
        return Ticket.objects.visible_to(request.user).select_related(*self.list_select_related)

    @admin.display(description=_("kind"))
    def kind_label(self, ticket: Ticket) -> str:
        return ticket.kind_label

    @admin.display(description=_("status"))
    def status_label(self, ticket: Ticket) -> str:
        return ticket.status_label
