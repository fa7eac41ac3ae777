"""Announcements through the API: a resident lists and reads theirs (reading one marks
it read); the desk lists a property's with their receipts, publishes (with an
``Idempotency-Key`` so a retry publishes once) and withdraws."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Status
from pydantic import Field

from announcements.models import Announcement
from announcements.schemas import AnnouncementIn
from announcements.selectors import (
    Receipts,
    announcement_for_resident,
    announcement_for_staff,
    board,
    for_resident,
    published_under,
)
from announcements.services import announcement_publish, announcement_read, announcement_withdraw
from base.errors import InvalidInput
from base.request import user_of
from base.schemas import ERRORS, Out
from people.access import desk_member, is_resident, may_work_desk, property_of

router = Router(tags=["announcements"])


class BuildingOut(Out):
    id: int
    code: str
    name: str


class ReceiptsOut(Out):
    told: int = Field(description="Residents it was sent to (a notice each).")
    read: int = Field(description="Of them, how many opened it.")
    sent: int = Field(description="Messages (SMS, e-mail) the channel took.")
    kept: int = Field(description="Messages kept in the local outbox (no channel configured).")
    failed: int
    waiting: int = Field(description="Messages still to go, e.g. held for a resident's quiet hours.")


class AnnouncementOut(Out):
    id: int
    property: str
    property_name: str
    kind: str = Field(description="outage, maintenance, event or other.")
    kind_label: str
    title: str
    body: str
    buildings: list[BuildingOut] = Field(description="Empty: the whole property.")
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    published_at: datetime.datetime
    link: str = Field(description="The resident's page of it.")
    unread: bool | None = Field(None, description="For a resident: not opened yet.")
    published_by: str | None = Field(None, description="For the desk.")
    withdrawn_at: datetime.datetime | None = Field(
        None, description="For the desk; residents never see withdrawn ones."
    )
    withdrawn_by: str | None = None
    receipts: ReceiptsOut | None = Field(None, description="For the desk.")


def _out(a: Announcement, receipts: Receipts | None = None, *, unread: bool | None = None) -> dict[str, Any]:
    """One announcement; the desk's fields only with ``receipts`` (a staff reader)."""
    out: dict[str, Any] = {
        "id": a.pk,
        "property": a.property.code,
        "property_name": a.property.name,
        "kind": a.kind,
        "kind_label": str(a.get_kind_display()),
        "title": a.title,
        "body": a.body,
        "buildings": [{"id": b.pk, "code": b.code, "name": b.name} for b in a.buildings.all()],
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "published_at": a.published_at,
        "link": a.link,
        "unread": unread,
    }
    if receipts is not None:
        out |= {
            "published_by": a.published_by_name,
            "withdrawn_at": a.withdrawn_at,
            "withdrawn_by": a.withdrawn_by_name or None,
            "receipts": {k: getattr(receipts, k) for k in ("told", "read", "sent", "kept", "failed", "waiting")},
        }
    return out


@router.get("", response={200: list[AnnouncementOut], **ERRORS}, summary="Announcements")
def list_announcements(
    request: HttpRequest,
    property: str = "",
    before: int | None = Query(None, gt=0, lt=2**63),  # noqa: B008 - ninja's way of declaring it
    limit: int = Query(50, ge=1, le=200),  # noqa: B008
) -> list[dict[str, Any]]:
    """A resident: their current announcements, newest first (``property`` is ignored).
    The desk: the announcements of ``property`` (its code), withdrawn ones too, with
    their receipts; ``before`` is the id of the last one of the previous page."""
    user = user_of(request)
    if is_resident(user):
        rows = for_resident(user, limit)
        prefetch_related_objects(rows, "buildings")
        return [_out(a, unread=a.unread) for a in rows]  # type: ignore[attr-defined]
    if not property and may_work_desk(user):
        raise InvalidInput(_("This field is required."), field="property")
    prop = property_of(desk_member(user), property)
    return [_out(row.announcement, row.receipts) for row in board(prop, before=before, limit=limit)]


@router.get("/{announcement_id}", response={200: AnnouncementOut, **ERRORS}, summary="Read one announcement")
def get_announcement(request: HttpRequest, announcement_id: int) -> dict[str, Any]:
    """A resident reading one of theirs marks it read (the desk counts it); the desk gets
    it with its receipts. Another property's, another building's or a withdrawn one is
    404 for a resident, the same as a missing one."""
    user = user_of(request)
    if is_resident(user):
        a = announcement_for_resident(user, announcement_id)
        announcement_read(user=user, announcement=a)
        return _out(a, unread=False)
    row = announcement_for_staff(user, announcement_id)
    return _out(row.announcement, row.receipts)


@router.post("", response={201: AnnouncementOut, **ERRORS}, summary="Publish an announcement")
def publish(
    request: HttpRequest,
    response: HttpResponse,
    body: AnnouncementIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Status:
    """The desk publishes to the residents of a property, or of some of its buildings;
    each resident with an account is told once. Send an `Idempotency-Key` header so that
    a retry after a lost response returns the first announcement (`Idempotent-Replayed:
    true`) instead of telling everyone twice; the same key with another body is 409."""
    user = user_of(request)
    prop = property_of(desk_member(user), body.property)
    key = idempotency_key or ""
    replayed = published_under(user, key)
    a = announcement_publish(
        by=user,
        property=prop,
        title=body.title,
        body=body.body,
        kind=body.kind,
        building_ids=body.building_ids,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        key=key,
    )
    if replayed:
        response["Idempotent-Replayed"] = "true"
    response["Location"] = f"{request.path.rstrip('/')}/{a.pk}"
    row = announcement_for_staff(user, a.pk)
    return Status(201, _out(row.announcement, row.receipts))


@router.post(
    "/{announcement_id}/withdraw", response={200: AnnouncementOut, **ERRORS}, summary="Withdraw an announcement"
)
def withdraw(request: HttpRequest, announcement_id: int) -> dict[str, Any]:
    """Residents no longer see it; the desk keeps it with its receipts. Withdrawing a
    withdrawn one again changes nothing."""
    user = user_of(request)
    row = announcement_for_staff(user, announcement_id)
    announcement_withdraw(by=user, announcement=row.announcement)
    row = announcement_for_staff(user, announcement_id)
    return _out(row.announcement, row.receipts)
