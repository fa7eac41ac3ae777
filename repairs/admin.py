from django.contrib import admin

from base.admin import PropertyScoped, ReadOnlyAdmin
from repairs.models import MaterialCheck, Quote, Referral, WorkOrder, WorkOrderItem


@admin.register(WorkOrder)
class WorkOrderAdmin(PropertyScoped, ReadOnlyAdmin):
    list_display = ["ticket", "is_paid", "accepted_at", "arrived_at", "completed_at", "satisfaction"]
    list_select_related = ["ticket"]
    search_fields = ["ticket__number"]


@admin.register(WorkOrderItem)
class WorkOrderItemAdmin(PropertyScoped, ReadOnlyAdmin):
    list_display = ["order", "description", "quantity", "labour_fee", "material_fee", "service_fee", "review"]


@admin.register(Quote)
class QuoteAdmin(PropertyScoped, ReadOnlyAdmin):
    list_display = ["order", "version", "status", "total", "created_at", "decided_at"]


@admin.register(MaterialCheck)
class MaterialCheckAdmin(PropertyScoped, ReadOnlyAdmin):
    list_display = ["order", "material", "passed", "checked_at"]


@admin.register(Referral)
class ReferralAdmin(PropertyScoped, ReadOnlyAdmin):
    list_display = ["ticket", "route", "builder", "provider", "sent_at", "arrived_at", "fixed_at", "last_update"]
    list_filter = ["route"]
