"""Every error the API returns has the same body, in the caller's language:
``{"detail": "...", "code": "...", "errors": [{"field": ..., "message": ...}]}``."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ValidationError as PydanticValidationError

from base.errors import DomainError, field_path, pydantic_message


def _validation_response(api: NinjaAPI, request: HttpRequest, errors: list[dict[str, Any]]) -> HttpResponse:
    items = [{"field": field_path(e.get("loc")), "message": pydantic_message(e)} for e in errors]
    detail = "; ".join(f"{i['field']}: {i['message']}" if i["field"] else i["message"] for i in items)
    return api.create_response(
        request, {"detail": detail or _("Invalid input."), "code": "invalid_input", "errors": items}, status=422
    )


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
        if exc.field:
            body["errors"] = [{"field": exc.field, "message": exc.message}]
        return api.create_response(request, body, status=exc.status)

    @api.exception_handler(NinjaValidationError)
    def request_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return _validation_response(api, request, list(exc.errors))

    @api.exception_handler(PydanticValidationError)
    def form_invalid(request: HttpRequest, exc: PydanticValidationError) -> HttpResponse:
        return _validation_response(api, request, [dict(e) for e in exc.errors()])

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request, {"detail": _("Log in or give a valid API token."), "code": "unauthenticated"}, status=401
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja raises this for a body it cannot parse; say so in the caller's language.
        if exc.status_code == 400:
            body = {"detail": _("The request body is not valid JSON."), "code": "invalid_json"}
        else:
            body = {"detail": str(exc.message), "code": "http_error"}
        return api.create_response(request, body, status=exc.status_code)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": _("Not found."), "code": "not_found"}, status=404)
