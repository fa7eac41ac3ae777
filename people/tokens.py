"""Personal API tokens: only a token's SHA-256 is kept; the key is shown once."""

from __future__ import annotations

import hashlib
import secrets

from people.models import ApiToken, User


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_create(*, user: User, name: str) -> str:
    """Make a personal token and return its key; only its digest is kept."""
    key = "sd_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name[:50] or "api", digest=token_digest(key), prefix=key[:8])
    return key
