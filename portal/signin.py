"""Signing in the way residents expect: their mobile number and a one-time code sent by
SMS (or a password, on the common login page), and asking to join a household. The
page says the same whether or not a number is registered."""

from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from base.errors import DomainError
from estates.models import Property, Resident
from people.access import is_resident
from people.lockout import client_ip
from residents.models import SignInCode
from residents.services import code_request, code_sign_in, join_ask, join_check, join_with_code, property_find

BACKEND = "people.backends.AccountBackend"


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return "/my/"


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Step one: the number (a code is sent if it may sign in). Step two: the code."""
    if is_resident(request.user):
        return redirect(_next(request))
    phone = request.POST.get("phone", "")[:30]
    context = {"phone": phone, "next": _next(request), "step": "phone", "message": "", "sent": ""}
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("code"):
                context["step"] = "code"
                user = code_sign_in(phone=phone, code=request.POST["code"][:10])
                login(request, user, backend=BACKEND)
                return redirect(context["next"])
            code_request(phone=phone, address=client_ip(request))
            context["step"] = "code"
            context["sent"] = _(
                "If this number is registered with us, a code is on its way by SMS. It is good for a few minutes."
            )
        except DomainError as e:
            context["message"], status = e.message, e.status
    return render(request, "portal/sign_in.html", context, status=status)


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """Ask to be registered at a unit; the desk confirms who you are (业主认证). A new
    person proves their number with a code first; a signed-in resident just asks."""
    account = request.user
    signed_in = is_resident(account)
    fields = ("property", "unit", "name", "role", "note", "phone", "code")
    values = {k: request.POST.get(k, "")[:200] for k in fields}
    if signed_in and not values["name"]:
        values["name"] = request.user.display_name  # type: ignore[union-attr]
    context = {
        "values": values,
        "signed_in": signed_in,
        "properties": Property.objects.order_by("name").values_list("code", "name"),
        "roles": Resident.Role.choices,
        "step": "form",
        "message": "",
        "field": "",
        "sent": "",
    }
    status = 200
    if request.method == "POST":
        try:
            prop = property_find(values["property"])
            if is_resident(account):
                join_ask(
                    by=account,
                    property=prop,
                    unit=values["unit"],
                    name=values["name"],
                    role=values["role"] or Resident.Role.OWNER,
                    note=values["note"],
                )
                return redirect("portal:home")
            if values["code"]:
                context["step"] = "code"
                user, _request = join_with_code(
                    phone=values["phone"],
                    code=values["code"],
                    property=prop,
                    unit=values["unit"],
                    name=values["name"],
                    role=values["role"] or Resident.Role.OWNER,
                    note=values["note"],
                )
                login(request, user, backend=BACKEND)
                return redirect("portal:home")
            join_check(
                property=prop,
                unit=values["unit"],
                name=values["name"],
                role=values["role"] or Resident.Role.OWNER,
                note=values["note"],
            )
            code_request(
                phone=values["phone"], purpose=SignInCode.Purpose.JOIN, address=client_ip(request), property=prop
            )
            context["step"] = "code"
            context["sent"] = _("A code is on its way to %(phone)s by SMS.") % {"phone": values["phone"]}
        except DomainError as e:
            context["message"], context["field"], status = e.message, e.field or "", e.status
    return render(request, "portal/join.html", context, status=status)
