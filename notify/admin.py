from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from base.admin import PropertyScoped, ReadOnlyAdmin
from notify.addresses import masked
from notify.models import ChannelRoute, Delivery, Notification
from notify.services import deliveries_retry


@admin.register(Notification)
class NotificationAdmin(PropertyScoped, admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "message", "read_at"]
    list_filter = ["kind", "property"]
    raw_id_fields = ["recipient", "ticket"]


@admin.register(ChannelRoute)
class ChannelRouteAdmin(PropertyScoped, admin.ModelAdmin):
    """The group robots and webhooks of a property; the address is checked when saved
    and shown in lists only by its kind, never whole."""

    list_display = ["name", "property", "role", "team", "kind_of_address", "active"]
    list_filter = ["property", "active", "role"]
    search_fields = ["name"]

    @admin.display(description=_("address"))
    def kind_of_address(self, route: ChannelRoute) -> str:
        return masked(route.url)


@admin.register(Delivery)
class DeliveryAdmin(PropertyScoped, ReadOnlyAdmin):
    list_display = ["created_at", "recipient_name", "channel", "address", "status", "attempts", "error"]
    list_filter = ["status", "channel", "property"]
    search_fields = ["recipient_name", "address", "ticket__number"]
    actions = ["retry"]

    @admin.action(description=_("Send the failed ones again"))
    def retry(self, request, queryset):  # type: ignore[no-untyped-def]
        done = deliveries_retry(queryset.filter(status=Delivery.Status.FAILED))
        self.message_user(
            request,
            ngettext("%(count)d delivery will be sent again.", "%(count)d deliveries will be sent again.", done)
            % {"count": done},
            messages.SUCCESS,
        )
