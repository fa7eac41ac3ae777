from django.contrib import admin

from base.admin import ReadOnlyAdmin
from contacts.models import Contact, DirectoryEntry


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ["at", "property", "channel", "caller_name", "phone", "staff_name"]
    list_filter = ["property", "channel"]
    date_hierarchy = "at"


@admin.register(DirectoryEntry)
class DirectoryEntryAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "group", "property"]
    list_filter = ["group", "property"]
