from django.contrib import admin

from repairs.models import MaterialCheck, Quote, WorkOrder, WorkOrderItem


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnly):
    list_display = ["ticket", "is_paid", "accepted_at", "arrived_at", "completed_at", "satisfaction"]
    list_select_related = ["ticket"]
    search_fields = ["ticket__number"]


@admin.register(WorkOrderItem)
class WorkOrderItemAdmin(ReadOnly):
    list_display = ["order", "description", "quantity", "labour_fee", "material_fee", "service_fee", "review"]


@admin.register(Quote)
class QuoteAdmin(ReadOnly):
    list_display = ["order", "version", "status", "total", "created_at", "decided_at"]


@admin.register(MaterialCheck)
class MaterialCheckAdmin(ReadOnly):
    list_display = ["order", "material", "passed", "checked_at"]
