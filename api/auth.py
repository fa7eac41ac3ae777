"""API authentication: a personal token (``Authorization: Bearer <token>``) for API
clients, or the browser session (with CSRF) for pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from people.models import ApiToken
from people.tokens import token_digest


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = ApiToken.objects.select_related("user").filter(digest=token_digest(token)).first()
        if row is None or not row.user.is_active:
            return None
        today = timezone.localdate()
        if row.last_used_on != today:
            ApiToken.objects.filter(pk=row.pk).update(last_used_on=today)
        request.user = row.user
        return row.user


class ActiveSessionAuth(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


AUTH = [TokenAuth(), ActiveSessionAuth()]
