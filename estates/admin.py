from django.contrib import admin

from base.admin import PhonesKept, PropertyScoped, ResidentsKept
from estates.models import Building, CommonArea, Company, Household, Property, Resident, Unit


@admin.register(Company)
class CompanyAdmin(PropertyScoped, admin.ModelAdmin):
    property_path = "properties"

    search_fields = ["name"]


@admin.register(Property)
class PropertyAdmin(PropertyScoped, admin.ModelAdmin):
    property_path = "pk"

    list_display = ["name", "code", "kind", "company"]
    search_fields = ["name", "code"]


@admin.register(Building)
class BuildingAdmin(PropertyScoped, admin.ModelAdmin):
    list_display = ["name", "code", "property", "completion_date"]
    list_filter = ["property"]


@admin.register(Unit)
class UnitAdmin(PropertyScoped, admin.ModelAdmin):
    list_display = ["label", "property", "building", "floor", "completion_date"]
    list_filter = ["property", "building"]
    search_fields = ["label"]
    list_select_related = ["property", "building"]


@admin.register(CommonArea)
class CommonAreaAdmin(PropertyScoped, admin.ModelAdmin):
    list_display = ["name", "property", "building"]
    list_filter = ["property"]


class ResidentInline(ResidentsKept, admin.TabularInline):
    model = Resident
    extra = 0
    fields = ["name", "phone", "role", "user"]
    raw_id_fields = ["user"]


@admin.register(Household)
class HouseholdAdmin(PhonesKept, PropertyScoped, admin.ModelAdmin):
    list_display = ["name", "unit", "property", "moved_in_on", "moved_out_on"]
    list_filter = ["property"]
    search_fields = ["name", "unit__label", "residents__name", "residents__phone"]
    raw_id_fields = ["unit"]
    inlines = [ResidentInline]
    list_select_related = ["unit", "property"]

    def save_formset(self, request, form, formset, change):  # type: ignore[no-untyped-def]
        for obj in formset.save(commit=False):
            obj.property_id = form.instance.property_id
            obj.save()
        formset.save_m2m()


@admin.register(Resident)
class ResidentAdmin(ResidentsKept, PropertyScoped, admin.ModelAdmin):
    list_display = ["name", "phone", "role", "household", "property"]
    list_filter = ["property", "role"]
    search_fields = ["name", "phone"]
    raw_id_fields = ["household", "user"]
