"""Reading the fee schedule (R8.5): the one query behind its page and its endpoint."""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from base.remembered import Remembered
from catalog.models import Builder, Category, Provider, ServiceItem
from estates.models import Resident

if TYPE_CHECKING:
    from people.models import User


# Categories by code, remembered by each process (base.remembered): every ticket recorded
# names one. A category saved or deleted is forgotten at once (catalog.apps).
remembered_categories: Remembered[Category] = Remembered("REFERENCE_CACHE_SECONDS")


def category_by_code(code: str) -> Category | None:
    """The category with this code (its warranty term read with it), or None (the
    caller's own copy)."""
    return _category(code, lambda: Category.objects.filter(code=code).select_related("warranty_term").first())


def category_by_pk(pk: int) -> Category | None:
    """The category with this id, as ``category_by_code``."""
    return _category(("pk", pk), lambda: Category.objects.filter(pk=pk).select_related("warranty_term").first())


def _category(key: Hashable, read: Callable[[], Category | None]) -> Category | None:
    found = remembered_categories.get(key, read)
    return copy.copy(found) if found is not None else None


# The active builders and providers of each company, remembered by each process (base.
# remembered): every open repair's page at the desk and the intake's route offer them.
# One saved or deleted is forgotten at once (catalog.apps).
remembered_parties: Remembered[tuple[list[Builder], list[Provider]]] = Remembered("REFERENCE_CACHE_SECONDS")


def outside_parties(company_id: int) -> tuple[list[Builder], list[Provider]]:
    """A company's active builders and providers, each by name (the caller's own copies)."""
    found = remembered_parties.get(
        company_id,
        lambda: (
            list(Builder.objects.filter(company_id=company_id, active=True)),
            list(Provider.objects.filter(company_id=company_id, active=True)),
        ),
    )
    builders, providers = found or ([], [])
    return [copy.copy(b) for b in builders], [copy.copy(p) for p in providers]


def company_of(user: User) -> int | None:
    """The company whose prices a person sees: their account's, or for a resident
    account without one, that of the property they live at."""
    if user.company_id:
        return user.company_id
    return Resident.objects.filter(user_id=user.pk).values_list("property__company_id", flat=True).first()


def fee_schedule(user: User, *, q: str = "", category: str = "") -> QuerySet[ServiceItem]:
    """The active items with their prices, by category and name; ``q`` finds words of
    the name, the category or the code."""
    qs = ServiceItem.objects.filter(active=True).select_related("category").order_by("category__name", "name", "id")
    company = company_of(user)
    if company:
        qs = qs.filter(company_id=company)
    if category:
        qs = qs.filter(category__code=category)
    q = (q or "").strip()[:50]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(category__name__icontains=q) | Q(code__iexact=q))
    return qs
