from django.contrib import admin

from base.admin import PropertyScoped, ReadOnlyAdmin
from people.access import may_read_company_reports
from reports.models import ReportPack


@admin.register(ReportPack)
class ReportPackAdmin(PropertyScoped, ReadOnlyAdmin):
    list_display = ["month", "company", "property", "generated_at"]
    list_filter = ["company", "property"]
    exclude = ["figures"]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        """The packs of the user's properties, and the company's own packs for leadership."""
        packs = super().get_queryset(request)
        if may_read_company_reports(request.user):
            company = ReportPack.objects.filter(property__isnull=True, company_id=request.user.company_id)
            packs = packs | company
        return packs
