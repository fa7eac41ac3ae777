from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from base.admin import PropertyScoped, ReadOnlyAdmin
from base.history import history_record
from estates.models import Property
from promises.models import Deadline, PromisePolicy
from promises.policy import policies_reset
from promises.services import sweep


@admin.register(PromisePolicy)
class PromisePolicyAdmin(PropertyScoped, admin.ModelAdmin):
    """Each property's own time limits: they win over the defaults each kind of ticket
    registers (promises.policy.DEFAULTS), which a new property starts from."""

    list_display = ["property", "kind", "clock", "minutes", "emergency_minutes", "escalate_to"]
    list_filter = ["property", "kind"]
    list_editable = ["minutes", "emergency_minutes", "escalate_to"]
    actions = ["apply_defaults"]

    @admin.action(description=_("Put these properties' time limits back to the defaults"), permissions=["change"])
    def apply_defaults(self, request, queryset):  # type: ignore[no-untyped-def]
        """Every row of each property among the selected ones is set to its default again
        (and a missing one added); the change is kept in each property's history."""
        for prop in Property.objects.filter(pk__in=queryset.values("property_id")):
            changed = policies_reset(prop.pk)
            message = gettext("Time limits put back to the defaults: %(n)d rows changed.") % {"n": changed}
            history_record(by=request.user, obj=prop, action="change", message=message)
            self.message_user(request, f"{prop}: {message}", messages.INFO)


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
