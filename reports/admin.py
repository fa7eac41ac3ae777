from django.contrib import admin

from reports.models import ReportPack
from tickets.admin import ReadOnlyAdmin


@admin.register(ReportPack)
class ReportPackAdmin(ReadOnlyAdmin):
    list_display = ["month", "company", "property", "generated_at"]
    list_filter = ["company", "property"]
    exclude = ["figures"]
