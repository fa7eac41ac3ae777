"""The answer to what went wrong, for the pages and the API alike: a styled page in the
person's language with a way back, or the API's JSON error on /api/. It reads nothing
from the database, so it still answers when the database is down (503): the way back
(``home``: an address and its words) is given by the caller that knows the person
(``config.errors`` for a refusal or a page not found), else the start page, which
sends everyone on to their own home."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

TITLES = {
    400: lambda: _("This request cannot be read"),
    403: lambda: _("Not allowed"),
    404: lambda: _("Not found"),
    409: lambda: _("Not done"),
    422: lambda: _("Not done"),
    429: lambda: _("Too many requests"),
    500: lambda: _("Something went wrong"),
    503: lambda: _("The service is not available just now"),
}
CODES = {400: "bad_request", 403: "forbidden", 404: "not_found", 500: "server_error", 503: "unavailable"}


def error_response(
    request: HttpRequest, status: int, message: str = "", code: str = "", home: tuple[str, str] | None = None
) -> HttpResponse:
    message = message or {
        400: _("The request was not understood."),
        403: _("You may not open this page."),
        404: _("There is no such page."),
        500: _("The office has been told; try again in a moment."),
        503: _("The database cannot be reached or takes no changes now; try again in a few minutes."),
    }.get(status, "")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": code or CODES.get(status, "error")}, status=status)
    back, back_words = home or ("/", _("Back to the start page"))
    context = {"title": TITLES.get(status, TITLES[400])(), "message": message, "back": back, "back_words": back_words}
    html = render_to_string("error.html", context)
    return HttpResponse(html, status=status)
