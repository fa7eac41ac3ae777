"""Account endpoints: personal API tokens and who am I."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from base.errors import DomainError
from base.request import user_of
from base.schemas import ERRORS, ErrorOut, Input
from people.access import is_resident, properties_of
from people.models import ApiToken, Role
from people.tokens import token_create, token_revoke, tokens_of

router = Router(tags=["accounts"])


class TokenIn(Input):
    username: str
    password: str
    name: str = "api"


class TokenOut(Schema):
    token: str
    name: str
    expires_at: datetime.datetime | None


class TokenRowOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime.datetime
    expires_at: datetime.datetime | None
    last_used_on: datetime.date | None


class MeOut(Schema):
    username: str
    name: str
    role: str
    role_label: str
    properties: list[str] = Field(
        description="Codes of the properties the account works at (a resident: where they live)."
    )


class BadLogin(DomainError):
    status = 401
    code = "bad_credentials"


@router.post(
    "/auth/token",
    auth=None,
    response={201: TokenOut, **ERRORS, 429: ErrorOut},
    summary="Create a personal API token",
)
def create_token(request: HttpRequest, body: TokenIn) -> Status:
    """Exchange a username and password for a personal token; keep it, it is shown once.
    Send it as `Authorization: Bearer <token>`. It expires after the days the office sets
    (`expires_at`). After repeated wrong passwords the account and the address wait
    (429, with `Retry-After`)."""
    user = authenticate(request, username=body.username, password=body.password)
    if user is None or not user.is_active:
        raise BadLogin(_("Wrong username or password."))
    key, row = token_create(user=user, name=body.name)
    return Status(201, {"token": key, "name": row.name, "expires_at": row.expires_at})


@router.get("/auth/tokens", response={200: list[TokenRowOut], **ERRORS}, summary="My API tokens")
def my_tokens(request: HttpRequest) -> list[ApiToken]:
    """The tokens of your account, newest first (their keys are never shown again)."""
    return tokens_of(user_of(request))


@router.delete("/auth/tokens/{token_id}", response={204: None, **ERRORS}, summary="Revoke one of my API tokens")
def revoke_token(request: HttpRequest, token_id: int) -> Status:
    token_revoke(user=user_of(request), token_id=token_id)
    return Status(204, None)


@router.get("/me", response={200: MeOut, **ERRORS}, summary="Who am I")
def me(request: HttpRequest) -> dict[str, Any]:
    user = user_of(request)
    if is_resident(user):
        props = sorted({r.property.code for r in user.residencies.select_related("property")})
    else:
        props = [p.code for p in properties_of(user)]
    return {
        "username": user.username,
        "name": str(user),
        "role": user.role,
        "role_label": str(Role(user.role).label),
        "properties": props,
    }
