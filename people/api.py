"""Account endpoints: personal API tokens and who am I."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from base.errors import DomainError
from base.request import user_of
from base.schemas import Input
from people.access import is_resident
from people.models import Role
from people.tokens import token_create

router = Router(tags=["accounts"])


class TokenIn(Input):
    username: str
    password: str
    name: str = "api"


class TokenOut(Schema):
    token: str
    name: str


class MeOut(Schema):
    username: str
    name: str
    role: str
    role_label: str
    properties: list[str]


class BadLogin(DomainError):
    status = 401
    code = "bad_credentials"


@router.post("/auth/token", auth=None, response={201: TokenOut}, summary="Create a personal API token")
def create_token(request: HttpRequest, body: TokenIn) -> Status:
    """Exchange a username and password for a personal token; keep it, it is shown once.
    Send it as `Authorization: Bearer <token>`."""
    user = authenticate(request, username=body.username, password=body.password)
    if user is None or not user.is_active:
        raise BadLogin(_("Wrong username or password."))
    return Status(201, {"token": token_create(user=user, name=body.name), "name": body.name[:50] or "api"})


@router.get("/me", response=MeOut, summary="Who am I")
def me(request: HttpRequest) -> dict[str, Any]:
    user = user_of(request)
    if is_resident(user):
        props = sorted({r.property.code for r in user.residencies.select_related("property")})
    else:
        props = sorted(user.properties.values_list("code", flat=True))
    return {
        "username": user.username,
        "name": str(user),
        "role": user.role,
        "role_label": str(Role(user.role).label),
        "properties": props,
    }
