"""Checking an address an office gives for a group robot, a webhook or a gateway, when it
is saved, so a typo is refused with a clear message instead of failing later."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import apprise
from django.utils.translation import gettext as _


def url_problem(url: str, schemes: Mapping[str, Any]) -> str | None:
    """Why an address cannot be used, in the user's language, or None."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in schemes:
        return _("Give an address that starts with one of: %(schemes)s.") % {
            "schemes": ", ".join(f"{s}://" for s in schemes)
        }
    if apprise.Apprise.instantiate(url) is None:
        return _("This address is not understood; copy it again from the robot's or the gateway's settings.")
    return None


def masked(url: str) -> str:
    """An address with its secret hidden: only its kind, e.g. ``wecombot://***``."""
    return f"{url.split('://', 1)[0]}://***" if "://" in url else "***"
