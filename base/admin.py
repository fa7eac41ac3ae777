"""Admin bases shared by every app."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet

# How rows of a property are cut down to the properties an account works at:
# scope(queryset, user, path) and the ids of those properties, property_ids(user).
# Registered by the access rules (people.access) when the apps are ready, so every
# app's admin is scoped by the one rule without importing it.
_SCOPE: dict[str, Callable[..., Any]] = {}


def scope_with(
    *,
    scoped: Callable[[QuerySet, Any, str], QuerySet],
    property_ids: Callable[[Any], QuerySet],
    sees_phones: Callable[[Any], bool] | None = None,
) -> None:
    _SCOPE.update(scoped=scoped, property_ids=property_ids)
    if sees_phones is not None:
        _SCOPE["sees_phones"] = sees_phones


def sees_phones(user: Any) -> bool:
    """Whether the admin shows this account residents' phone numbers (R7.2: the desk
    roles and superusers, ``people.access.may_open_archive``); nobody before the rule is
    registered."""
    rule = _SCOPE.get("sees_phones")
    return bool(rule and rule(user))


def _no_phones(names: Any, phone_fields: tuple[str, ...]) -> list[Any]:
    return [n for n in names if not (isinstance(n, str) and n.split("__")[-1] in phone_fields)]


class PhonesKept:
    """For the admin of residents' records (R7.2): to an account that does not see
    phones (``sees_phones``) the phone fields are left out of the list, the search, the
    form and its inlines, and it adds no row (a resident is registered with their phone
    by the desk or the setup spreadsheets)."""

    phone_fields: tuple[str, ...] = ("phone",)

    def get_list_display(self, request):  # type: ignore[no-untyped-def]
        names = super().get_list_display(request)  # type: ignore[misc]
        return names if sees_phones(request.user) else _no_phones(names, self.phone_fields)

    def get_search_fields(self, request):  # type: ignore[no-untyped-def]
        names = super().get_search_fields(request)  # type: ignore[misc]
        return names if sees_phones(request.user) else _no_phones(names, self.phone_fields)

    def get_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        names = super().get_fields(request, obj)  # type: ignore[misc]
        return names if sees_phones(request.user) else _no_phones(names, self.phone_fields)

    def get_exclude(self, request, obj=None):  # type: ignore[no-untyped-def]
        names = list(super().get_exclude(request, obj) or [])  # type: ignore[misc]
        return names if sees_phones(request.user) else [*names, *self.phone_fields]


class ResidentsKept(PhonesKept):
    """``PhonesKept`` for the rows of residents themselves: no row added without a phone."""

    def has_add_permission(self, request, *args):  # type: ignore[no-untyped-def]
        return sees_phones(request.user) and super().has_add_permission(request, *args)  # type: ignore[misc]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that only the services write: shown, never added, changed or deleted here."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class CompanyScoped:
    """For the admin of rows that belong to a company (its service catalogue, builders,
    providers): a staff user sees and picks only the companies of the properties they
    work at; a superuser every one."""

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        qs = super().get_queryset(request)  # type: ignore[misc]
        if request.user.is_superuser:
            return qs
        ids = _SCOPE["property_ids"](request.user)
        return qs.filter(pk__in=qs.model._default_manager.filter(company__properties__in=ids).values("pk"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "company" and not request.user.is_superuser:
            ids = _SCOPE["property_ids"](request.user)
            kwargs["queryset"] = db_field.related_model._default_manager.filter(properties__in=ids).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class PropertyScoped:
    """For the admin of rows that belong to a property: a staff user sees, filters by and
    picks only the properties they work at, and only the rows of those properties among
    the places, households and other property rows a form points at. ``property_path``
    leads from the row to its property."""

    property_path = "property"

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return _SCOPE["scoped"](super().get_queryset(request), request.user, self.property_path)  # type: ignore[misc]

    def get_list_filter(self, request):  # type: ignore[no-untyped-def]
        return [
            (name, admin.RelatedOnlyFieldListFilter) if name == self.property_path else name
            for name in super().get_list_filter(request)  # type: ignore[misc]
        ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        related = db_field.related_model
        if related._meta.label == "estates.Property":
            kwargs["queryset"] = related._default_manager.filter(pk__in=_SCOPE["property_ids"](request.user))
        elif any(f.name == "property" for f in related._meta.get_fields()):
            kwargs["queryset"] = _SCOPE["scoped"](related._default_manager.all(), request.user, "property")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
