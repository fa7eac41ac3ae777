from django.contrib import admin

from catalog.models import Category, ServiceItem, WarrantyTerm


@admin.register(WarrantyTerm)
class WarrantyTermAdmin(admin.ModelAdmin):
    list_display = ["name", "months"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "trade", "warranty_term"]


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "category", "labour_fee", "material_fee", "service_fee", "active"]
    list_filter = ["category", "active", "company"]
    search_fields = ["code", "name"]
