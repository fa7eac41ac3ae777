from django.contrib import admin

from announcements.models import Announcement
from base.admin import PropertyScoped, ReadOnlyAdmin


@admin.register(Announcement)
class AnnouncementAdmin(PropertyScoped, ReadOnlyAdmin):
    """Shown, never written here: publishing tells residents and withdrawing hides it
    from them, which only the services do (the console's announcements page or the API),
    so the notices and the desk's counts always match the row."""

    list_display = ["published_at", "property", "kind", "title", "published_by_name", "withdrawn_at"]
    list_filter = ["kind", "property"]
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"
    exclude = ["key", "fingerprint"]
