"""Contingency plans over the API (R5.4): a property's plans, and uploading one."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from assistance.models import ContingencyPlan
from assistance.services import contingency_plan_add
from base.request import user_of
from base.schemas import ERRORS
from people.access import property_of

router = Router(tags=["contingency plans"])


class PlanOut(Schema):
    id: int
    category: str
    category_label: str
    title: str
    content_type: str
    uploaded_at: datetime.datetime
    url: str


def _plan_out(plan: ContingencyPlan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "category": plan.category,
        "category_label": plan.get_category_display(),
        "title": plan.title,
        "content_type": plan.content_type,
        "uploaded_at": plan.uploaded_at,
        "url": reverse("console:plan", args=[plan.pk]),
    }


@router.get("", response={200: list[PlanOut], **ERRORS}, summary="A property's contingency plans")
def plans(request: HttpRequest, property: str) -> list[dict[str, Any]]:
    prop = property_of(user_of(request), property)
    return [_plan_out(p) for p in ContingencyPlan.objects.filter(property=prop)]


@router.post("", response={201: PlanOut, **ERRORS}, summary="Upload a contingency plan")
def plan_upload(
    request: HttpRequest,
    property: Form[str],
    category: Form[str],
    title: Form[str],
    file: File[UploadedFile],
) -> Status:
    """A PDF, Word document or picture of at most 20 MB, checked by its content;
    supervisors and managers keep the plans."""
    user = user_of(request)
    plan = contingency_plan_add(prop=property_of(user, property), by=user, category=category, title=title, file=file)
    return Status(201, _plan_out(plan))
