"""Personal API tokens: only a token's SHA-256 is kept and the key is shown once; a token
has a name and an expiry (API_TOKEN_DAYS), its owner lists and revokes it, and a new
password revokes all of the account's tokens."""

from __future__ import annotations

import copy
import datetime
import hashlib
import logging
import secrets
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from base import validation
from base.errors import NotFound
from base.remembered import Remembered
from people.models import ApiToken, User

log = logging.getLogger(__name__)


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_create(*, user: User, name: str) -> tuple[str, ApiToken]:
    """Make a personal token; returns its key (shown once, only its digest is kept) and its row."""
    name = validation.text_clean(name or "api", field="name", max_length=50)
    key = "sd_" + secrets.token_urlsafe(32)
    days = settings.API_TOKEN_DAYS
    row = ApiToken.objects.create(
        user=user,
        name=name,
        digest=token_digest(key),
        prefix=key[:8],
        expires_at=timezone.now() + datetime.timedelta(days=days) if days else None,
    )
    return key, row


# Each process remembers what a token key stood for, for ACCOUNT_CACHE_SECONDS: a
# token-authenticated request then costs no query. The process that revokes a token or
# changes its account forgets it at once (token_forget, wired to the model signals in
# people.apps); the other processes within those seconds.
_known: Remembered[ApiToken] = Remembered("ACCOUNT_CACHE_SECONDS")


def token_user(key: str) -> User | None:
    """The active account a token key belongs to, if the token is known and not expired.
    Notes the day of use at most once a day, and never fails a read for it (a read-only
    database still answers). The account is the request's own copy."""
    digest = token_digest(key)
    row = _known.get(digest, lambda: ApiToken.objects.select_related("user").filter(digest=digest).first())
    if row is None:
        return None
    now = timezone.now()
    if not row.user.is_active or (row.expires_at and row.expires_at <= now):
        return None
    today = timezone.localdate(now)
    if row.last_used_on != today:
        try:
            with transaction.atomic():  # a savepoint: a refused write leaves the request's work whole
                ApiToken.objects.filter(pk=row.pk).update(last_used_on=today)
            row.last_used_on = today
        except DatabaseError:  # e.g. a read-only replica: the day of use is not worth a failed read
            log.warning("could not note the use of API token %s", row.prefix)
    return copy.copy(row.user)


def token_forget(*, digest: str | None = None, user_id: int | None = None) -> None:
    """Forget a token (revoked) or every token of an account (changed, deactivated) in
    this process."""
    if digest is not None:
        _known.forget(digest)
    if user_id is not None:
        _known.forget(where=lambda row: row.user_id == user_id)


def tokens_of(user: User) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user).order_by("-created_at", "-id"))


def token_revoke(*, user: User, token_id: int) -> None:
    """The owner revokes one of their tokens (another's is not found)."""
    if not ApiToken.objects.filter(pk=token_id, user=user).delete()[0]:
        raise NotFound(_("There is no such token of yours."))


class RevokeTokensOnPasswordChange:
    """Listed with the password validators so that Django calls it whenever a password
    is set (the console, the admin, ``manage.py changepassword``): a new password
    revokes every API token of the account. It refuses no password."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is not None and user.pk:
            ApiToken.objects.filter(user_id=user.pk).delete()

    def get_help_text(self) -> str:
        return _("A new password revokes the account's API tokens.")
