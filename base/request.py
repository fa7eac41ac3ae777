"""Typed access to the authenticated account of an API request."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest

if TYPE_CHECKING:
    from people.models import User


def user_of(request: HttpRequest) -> User:
    """Every API route requires authentication, so the account is a real User here."""
    return cast("User", request.user)
