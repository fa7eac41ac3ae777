from django.contrib import admin

from base.admin import PropertyScoped, ReadOnlyAdmin
from contacts.models import Contact, DirectoryEntry


@admin.register(Contact)
class ContactAdmin(PropertyScoped, ReadOnlyAdmin):
    list_display = ["at", "property", "channel", "caller_name", "phone", "staff_name"]
    list_filter = ["property", "channel"]
    date_hierarchy = "at"


@admin.register(DirectoryEntry)
class DirectoryEntryAdmin(PropertyScoped, admin.ModelAdmin):
    list_display = ["name", "phone", "group", "property"]
    list_filter = ["group", "property"]
