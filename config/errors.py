"""Django's error handlers (config/urls.py): every 400, 403, 404 and 500 answered by
``base.http.error_response``, JSON on the API and a styled page elsewhere."""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.db import InterfaceError, InternalError, OperationalError
from django.http import HttpRequest, HttpResponse

from base.http import error_response

log = logging.getLogger(__name__)


def _message(exception: Any) -> str:
    """The message a refusal carries when it is ours (a sentence in the person's
    language); Django's own (the URL resolver's details) is not shown."""
    first = exception.args[0] if exception is not None and getattr(exception, "args", None) else None
    return first if isinstance(first, str) else ""


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return error_response(request, 400)


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return error_response(request, 403, _message(exception))


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return error_response(request, 404, _message(exception))


def server_error(request: HttpRequest) -> HttpResponse:
    """A database that cannot be reached or takes no writes (down, read-only, a failover)
    is 503 with Retry-After, not a failure of ours; anything else is 500."""
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError, InternalError)):
        log.error("database unavailable: %s", sys.exc_info()[1])
        response = error_response(request, 503)
        response["Retry-After"] = "60"
        return response
    return error_response(request, 500)
