"""Changes to accounts. A staff account with history is deactivated, never deleted: its
name stays on every timeline, promise and report, and whatever it held is handed back
(the apps that own the work register what to do, ``on_deactivate``)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _

from base.history import history_record
from people.models import ApiToken, User

# f(user, by) -> how many pieces of work went back (e.g. a technician's open jobs).
DeactivationHook = Callable[[User, User | None], int]
_ON_DEACTIVATE: list[DeactivationHook] = []


def on_deactivate(hook: DeactivationHook) -> None:
    if hook not in _ON_DEACTIVATE:
        _ON_DEACTIVATE.append(hook)


@transaction.atomic
def account_deactivate(*, user: User, by: User | None) -> int:
    """The account can no longer log in or use a token; its open work goes back (a
    technician's jobs return to dispatch with an event and a notice). Returns how many
    pieces of work went back. Deactivating an inactive account changes nothing."""
    if not User.objects.filter(pk=user.pk, is_active=True).update(is_active=False):
        return 0
    user.is_active = False
    ApiToken.objects.filter(user=user).delete()
    returned = sum(hook(user, by) for hook in _ON_DEACTIVATE)
    if by is not None:
        history_record(
            by=by, obj=user, action="change", message=_("Deactivated; %(n)d open jobs returned.") % {"n": returned}
        )
    return returned
