from django.contrib import admin

from base.admin import PropertyScoped, ReadOnlyAdmin, ReadOnlyInline
from duty.models import Entry, Shift


class EntryInline(ReadOnlyInline):
    model = Entry
    fields = ["at", "kind", "text", "by_name"]


@admin.register(Shift)
class ShiftAdmin(PropertyScoped, ReadOnlyAdmin):
    """The duty log is written by the duty page and the API only; shown here read-only."""

    list_display = [
        "post",
        "property",
        "started_at",
        "ended_at",
        "staff_names",
        "handed_over_by_name",
        "received_by_name",
    ]
    list_filter = ["property", "post"]
    exclude = ["staff", "form_key"]
    inlines = [EntryInline]
    list_select_related = ["property"]
