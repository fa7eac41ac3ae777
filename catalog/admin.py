from django.contrib import admin

from base.admin import CompanyScoped
from catalog.models import Builder, Category, Provider, ServiceItem, WarrantyTerm


@admin.register(WarrantyTerm)
class WarrantyTermAdmin(admin.ModelAdmin):
    list_display = ["name", "months"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "trade", "warranty_term"]


@admin.register(ServiceItem)
class ServiceItemAdmin(CompanyScoped, admin.ModelAdmin):
    list_display = ["code", "name", "category", "labour_fee", "material_fee", "service_fee", "active"]
    list_filter = ["category", "active", "company"]
    search_fields = ["code", "name"]


@admin.register(Builder)
class BuilderAdmin(CompanyScoped, admin.ModelAdmin):
    list_display = ["name", "code", "phone", "response_hours", "fix_days", "active"]
    search_fields = ["code", "name"]


@admin.register(Provider)
class ProviderAdmin(CompanyScoped, admin.ModelAdmin):
    list_display = ["name", "code", "service", "phone", "response_hours", "active"]
    search_fields = ["code", "name", "service"]
