from django.contrib import admin

from base.admin import ReadOnlyAdmin
from reports.models import ReportPack


@admin.register(ReportPack)
class ReportPackAdmin(ReadOnlyAdmin):
    list_display = ["month", "company", "property", "generated_at"]
    list_filter = ["company", "property"]
    exclude = ["figures"]
