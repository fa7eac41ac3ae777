"""The service catalogue and fee schedule, readable by everyone logged in (R8.5)."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from base.request import user_of
from base.schemas import ERRORS
from catalog.models import Category
from catalog.selectors import fee_schedule

router = Router(tags=["catalogue"])


class CategoryOut(Schema):
    code: str
    name: str
    trade: str
    warranty: str | None


class ServiceItemOut(Schema):
    code: str
    name: str
    category: str
    unit_name: str
    labour_fee: Decimal
    material_fee: Decimal
    service_fee: Decimal


@router.get("/categories", response={200: list[CategoryOut], **ERRORS}, summary="Repair categories")
def categories(request: HttpRequest) -> list[dict]:
    return [
        {
            "code": c.code,
            "name": c.name,
            "trade": c.trade.name,
            "warranty": c.warranty_term.name if c.warranty_term else None,
        }
        for c in Category.objects.select_related("trade", "warranty_term")
    ]


@router.get("/items", response={200: list[ServiceItemOut], **ERRORS}, summary="The fee schedule")
def items(request: HttpRequest, category: str | None = None, q: str | None = None) -> list[dict]:
    """The prices as the office publishes them; `q` finds words of an item's name, its
    category's name or its code."""
    qs = fee_schedule(user_of(request), q=q or "", category=category or "")
    return [
        {
            "code": i.code,
            "name": i.name,
            "category": i.category.code,
            "unit_name": i.unit_name,
            "labour_fee": i.labour_fee,
            "material_fee": i.material_fee,
            "service_fee": i.service_fee,
        }
        for i in qs
    ]
