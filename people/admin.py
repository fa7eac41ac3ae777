from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from base.admin import PropertyScoped
from people.models import ApiToken, Team, Trade, User


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
