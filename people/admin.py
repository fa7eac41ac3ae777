from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from base.admin import PropertyScoped
from people.access import scoped
from people.models import ApiToken, Team, Trade, User
from people.services import account_deactivate


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "role", "team", "on_duty", "is_active"]
    list_filter = ["role", "is_active", "on_duty", ("properties", admin.RelatedOnlyFieldListFilter)]

    actions = ["deactivate"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        """Accounts are deactivated, never deleted: their names stay on the timelines,
        promises and reports they are part of."""
        return False

    @admin.action(description=_("Deactivate the selected accounts"), permissions=["change"])
    def deactivate(self, request, queryset):  # type: ignore[no-untyped-def]
        for user in queryset.filter(is_active=True):
            returned = account_deactivate(user=user, by=request.user)
            self.message_user(
                request,
                gettext("%(user)s deactivated; %(n)d open jobs returned to dispatch.") % {"user": user, "n": returned},
            )

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        """Unticking "active" deactivates through the service, so open jobs go back."""
        leaving = change and "is_active" in form.changed_data and not obj.is_active
        if leaving:
            obj.is_active = True  # the service makes the change and hands the work back
        super().save_model(request, obj, form, change)
        if leaving:
            account_deactivate(user=obj, by=request.user)

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        """A staff user sees the accounts of the properties they work at: its staff and
        its residents (and their own)."""
        accounts = super().get_queryset(request)
        staff = scoped(accounts, request.user, "properties")
        residents = scoped(accounts, request.user, "residencies__property")
        if request.user.is_superuser:
            return accounts
        return accounts.filter(Q(pk__in=staff.values("pk")) | Q(pk__in=residents.values("pk")) | Q(pk=request.user.pk))

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        """Only a superuser hands out the admin's own powers or moves an account to
        another company; a company administrator manages its people's work."""
        fixed = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fixed += ["is_superuser", "is_staff", "groups", "user_permissions", "company"]
        return fixed

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
    """Tokens are listed and revoked (deleted) here; they are made through the API so
    that the key can be shown once."""

    list_display = ["name", "prefix", "user", "created_at", "expires_at", "last_used_on"]
    list_filter = ["expires_at"]
    search_fields = ["user__username", "name", "prefix"]
    readonly_fields = ["digest", "prefix", "created_at", "last_used_on"]
    raw_id_fields = ["user"]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        """A staff user sees the tokens of the accounts they see."""
        accounts = UserAdmin(User, self.admin_site).get_queryset(request)
        return super().get_queryset(request).filter(user__in=accounts.values("pk"))

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # tokens are made through the API so the key can be shown once
