"""How a signed-in person's account is found on each request.

Django's model backend reads the account behind a session on every request. Each
process remembers it for ACCOUNT_CACHE_SECONDS instead, as it remembers the account
behind an API token (people.tokens): the process that changes an account (deactivated,
its role, a new password) forgets it at once (model signals in people.apps), the
others within those seconds. Each request gets its own copy.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib.auth.backends import ModelBackend

from base.remembered import Remembered
from people.models import User

_accounts: Remembered[User] = Remembered("ACCOUNT_CACHE_SECONDS")


class AccountBackend(ModelBackend):
    """The model backend (passwords, permissions), with the session's account remembered."""

    def get_user(self, user_id: Any) -> User | None:
        user = _accounts.get(user_id, lambda: User._default_manager.filter(pk=user_id).first())
        if user is None or not self.user_can_authenticate(user):
            return None
        return copy.copy(user)


def account_forget(user_id: int) -> None:
    """Forget an account (changed, deactivated, removed) in this process."""
    _accounts.forget(user_id)
