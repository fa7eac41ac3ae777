from django.contrib import admin

from base.admin import PropertyScoped
from notify.models import Notification


@admin.register(Notification)
class NotificationAdmin(PropertyScoped, admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "message", "read_at"]
    list_filter = ["kind", "property"]
    raw_id_fields = ["recipient", "ticket"]
