from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from estates.models import Property
from people.access import property_ids, scoped
from people.models import ApiToken, Team, Trade, User


class PropertyScoped:
    """For the admin of rows that belong to a property: a staff user sees, filters by and
    picks only the properties they work at, and only the rows of those properties among
    the places, households and other property rows a form points at (``people.access``).
    ``property_path`` leads from the row to its property."""

    property_path = "property"

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return scoped(super().get_queryset(request), request.user, self.property_path)  # type: ignore[misc]

    def get_list_filter(self, request):  # type: ignore[no-untyped-def]
        return [
            (name, admin.RelatedOnlyFieldListFilter) if name == self.property_path else name
            for name in super().get_list_filter(request)  # type: ignore[misc]
        ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        related = db_field.related_model
        if related is Property:
            kwargs["queryset"] = Property.objects.filter(pk__in=property_ids(request.user))
        elif any(f.name == "property" for f in related._meta.get_fields()):
            kwargs["queryset"] = scoped(related._default_manager.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "role", "team", "on_duty", "is_active"]
    list_filter = ["role", "is_active", "on_duty", "properties"]
    search_fields = ["username", "display_name", "phone"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (
            _("Service desk"),
            {"fields": ("company", "role", "display_name", "phone", "properties", "team", "trades", "on_duty")},
        ),
    )
    filter_horizontal = ["properties", "trades", "groups", "user_permissions"]


@admin.register(Team)
class TeamAdmin(PropertyScoped, admin.ModelAdmin):
    list_display = ["name", "property"]
    list_filter = ["property"]
    filter_horizontal = ["trades"]


@admin.register(Trade)
class TradeAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "created_at", "last_used_on"]
    readonly_fields = ["digest", "prefix", "created_at", "last_used_on"]
    raw_id_fields = ["user"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # tokens are made through the API so the key can be shown once
