"""Requests carrying NUL characters are refused at the door: PostgreSQL cannot store
them in text, and no person types one."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from base.http import error_response


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        values = [request.path, *request.GET.values()]
        if request.method == "POST" and request.content_type != "application/json":
            values += [v for vs in request.POST.lists() for v in vs[1]]
        if any("\x00" in v for v in values):
            return error_response(request, 400, _("The request contains a NUL character."), "nul_character")
        return self.get_response(request)
