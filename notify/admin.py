from django.contrib import admin

from notify.models import Notification
from people.admin import PropertyScoped


@admin.register(Notification)
class NotificationAdmin(PropertyScoped, admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "message", "read_at"]
    list_filter = ["kind", "property"]
    raw_id_fields = ["recipient", "ticket"]
