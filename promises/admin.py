from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from base.admin import PropertyScoped, ReadOnlyAdmin
from promises.models import Deadline, PromisePolicy
from promises.services import sweep


@admin.register(PromisePolicy)
class PromisePolicyAdmin(PropertyScoped, admin.ModelAdmin):
    list_display = ["property", "kind", "clock", "minutes", "emergency_minutes", "escalate_to"]
    list_filter = ["property", "kind"]
    list_editable = ["minutes", "emergency_minutes", "escalate_to"]


@admin.register(Deadline)
class DeadlineAdmin(PropertyScoped, ReadOnlyAdmin):
    """Clocks are written only by the services; the admin reads them and can run the sweep."""

    list_display = ["ticket", "clock", "status", "started_at", "due_at", "met_at", "breached_at"]
    list_filter = ["status", "clock", "property"]
    list_select_related = ["ticket"]
    search_fields = ["ticket__number"]
    actions = ["run_sweep"]

    @admin.action(description=_("Run the promise sweep now"))
    def run_sweep(self, request, queryset):  # type: ignore[no-untyped-def]
        found = sweep()
        self.message_user(request, _("%(count)d new breaches recorded.") % {"count": found}, messages.INFO)
