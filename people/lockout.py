"""What a locked-out login gets (django-axes calls this): the wait, said in the person's
language; JSON on the API, the login page with the message elsewhere. And the address a
request comes from, behind as many proxies as PROXY_COUNT says (docs/deploy.md)."""

from __future__ import annotations

import math
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext


def lockout_message() -> str:
    minutes = max(1, math.ceil(settings.AXES_COOLOFF_MINUTES))
    return ngettext(
        "Too many failed logins. Try again in %(minutes)d minute.",
        "Too many failed logins. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    message = lockout_message()
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message, "code": "locked_out"}, status=429)
    else:
        response = render(request, "console/login.html", {"locked_out": message}, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_MINUTES * 60))
    return response


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind PROXY_COUNT trusted proxies the
    address the outermost of them saw (X-Forwarded-For, counted from the right)."""
    proxies = settings.PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


class LoginThrottle(AxesStandaloneBackend):
    """django-axes' check, for logins that come through a web request (the console, the
    admin, the API's token endpoint). A login without one (the test client, the shell)
    has no address to throttle by and is left to the next backend."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
