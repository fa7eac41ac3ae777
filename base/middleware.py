"""How an error becomes an HTTP answer on the pages, in one place (the API has its own,
``api.errors``, for the errors it knows):

a view lets ``NotFound`` and ``Forbidden`` go up, and the person gets the not-found or
refusal page with the message in their language; any other domain error a view did not
handle shows its message with its status. (A database that is down or read-only is
answered 503 by the 500 handler, ``config.errors.server_error``, wherever it fails.)
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from base.errors import DomainError, Forbidden, NotFound
from base.http import error_response


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        if isinstance(exception, Forbidden):
            raise PermissionDenied(exception.message) from exception
        if isinstance(exception, DomainError):
            return error_response(request, exception.status, exception.message, exception.code)
        return None
