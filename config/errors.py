"""Django's error handlers (config/urls.py): every 400, 403, 404 and 500 answered by
``base.http.error_response``, JSON on the API and a styled page elsewhere. A refusal
or a page not found offers the way back to the person's own home: the console for
staff, their jobs for a technician, their requests for a resident, the sign-in page
for someone not signed in."""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.db import DatabaseError, InterfaceError, InternalError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from base.http import error_response
from people.access import is_resident, is_staff_member, is_technician

log = logging.getLogger(__name__)


def _message(exception: Any) -> str:
    """The message a refusal carries when it is ours (a sentence in the person's
    language); Django's own (the URL resolver's details) is not shown."""
    first = exception.args[0] if exception is not None and getattr(exception, "args", None) else None
    return first if isinstance(first, str) else ""


def home_of(request: HttpRequest) -> tuple[str, str]:
    """Where a person goes back to from a page they may not open or that is not there,
    and the words of that link."""
    try:
        user = getattr(request, "user", None)
        if is_technician(user):
            home = (reverse("field:jobs"), _("Back to my jobs"))
        elif is_resident(user):
            home = (reverse("portal:home"), _("Back to my requests"))
        elif is_staff_member(user):
            home = (reverse("console:home"), _("Back to the work queues"))
        else:
            home = None
    except DatabaseError:  # the session or the account cannot be read: the start page
        return "/", _("Back to the start page")
    if home is None:
        residents = request.path.startswith(reverse("portal:home"))
        return reverse("portal:sign_in" if residents else "login"), _("Log in")
    if home[0] == request.path:  # refused at their own home (e.g. staff of no property yet)
        return reverse("login"), _("Log in as someone else")
    return home


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return error_response(request, 400)


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return error_response(request, 403, _message(exception), home=home_of(request))


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return error_response(request, 404, _message(exception), home=home_of(request))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its token or from a page too old (settings.CSRF_FAILURE_VIEW):
    the refusal page in the person's words, not Django's technical reason."""
    log.warning("CSRF refused on %s: %s", request.path, reason)
    message = _("This form has expired or did not come from this site. Go back, reload the page and send it again.")
    return error_response(request, 403, message, home=home_of(request))


def server_error(request: HttpRequest) -> HttpResponse:
    """A database that cannot be reached or takes no writes (down, read-only, a failover)
    is 503 with Retry-After, not a failure of ours; anything else is 500."""
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError, InternalError)):
        log.error("database unavailable: %s", sys.exc_info()[1])
        response = error_response(request, 503)
        response["Retry-After"] = "60"
        return response
    return error_response(request, 500)
