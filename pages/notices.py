"""The bell's pages, the same for every face (console, technician, resident): my
notices, opening one (it is marked read and its page opens), marking all read, the
bell's count for the script that refreshes it, and my choices of channels, quiet hours
and language."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from base.errors import InvalidInput
from base.validation import row_id
from notify.models import Notification
from notify.services import bell_of, notification_read, notifications_read, preference_of, preference_set
from people.access import is_active, is_resident, is_technician
from people.models import User

PAGE = 50


def _person(request: HttpRequest) -> User:
    if not is_active(request.user):  # pragma: no cover - login_required comes first
        raise Http404
    return request.user


def base_template(user: User) -> str:
    """The frame of the face the person uses: the console, or the phone pages."""
    if is_resident(user):
        return "portal/base.html"
    return "field/base.html" if is_technician(user) else "console/base.html"


def home_of(user: User) -> str:
    if is_technician(user):
        return "/field/"
    if is_resident(user):
        return "/my/"
    return "/"


@login_required
@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    """My notices, newest first, fifty a page (``before``: the last id of the previous)."""
    user = _person(request)
    qs = Notification.objects.filter(recipient=user).select_related("ticket").order_by("-id")
    before = row_id(request.GET.get("before", ""))
    if before is not None:
        qs = qs.filter(pk__lt=before)
    rows = list(qs[: PAGE + 1])
    context = {
        "rows": rows[:PAGE],
        "older": rows[PAGE - 1].pk if len(rows) > PAGE else None,
        "base": base_template(user),
        "home": home_of(user),
    }
    return render(request, "pages/notices.html", context)


@login_required
@require_GET
def open_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a notice: it is marked read and its ticket's page opens."""
    user = _person(request)
    row = Notification.objects.filter(pk=pk, recipient=user).first()
    if row is None:
        raise Http404(_("There is no such notice of yours."))
    notification_read(user=user, notification_id=row.pk)
    target = row.link or home_of(user)
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None) or not target.startswith("/"):
        target = home_of(user)  # pragma: no cover - links are written by the services
    return redirect(target)


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    notifications_read(user=_person(request))
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("notices:list")


@login_required
@require_GET
def bell(request: HttpRequest) -> JsonResponse:
    """The bell's count, asked for by pages/bell.js every so often."""
    response = JsonResponse(bell_of(_person(request)))
    response["Cache-Control"] = "no-store"
    return response


def _time(value: str, field: str) -> datetime.time | None:
    if not value.strip():
        return None
    try:
        return datetime.time.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(_("Give a time such as 22:00."), field=field) from None


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """How I am told beside the bell: e-mail, SMS, quiet hours, language."""
    user = _person(request)
    error, field, status, saved = "", "", 200, False
    if request.method == "POST":
        try:
            language = request.POST.get("language") or None
            preference_set(
                user=user,
                by_email=request.POST.get("by_email") == "on",
                by_sms=request.POST.get("by_sms") == "on",
                quiet_from=_time(request.POST.get("quiet_from", ""), "quiet_from"),
                quiet_to=_time(request.POST.get("quiet_to", ""), "quiet_to"),
                language=language,
            )
            response = redirect(f"{request.path}?saved=1")
            if language:  # the pages follow at once
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
            return response
        except InvalidInput as e:
            error, field, status = e.message, e.field or "", 422
    saved = request.GET.get("saved") == "1"
    p = preference_of(user)
    values = request.POST if error else {}
    context = {
        "base": base_template(user),
        "home": home_of(user),
        "preference": p,
        "by_email": (values.get("by_email") == "on") if error else p.by_email,
        "by_sms": (values.get("by_sms") == "on") if error else p.by_sms,
        "quiet_from": values.get("quiet_from", "")
        if error
        else (p.quiet_from.strftime("%H:%M") if p.quiet_from else ""),
        "quiet_to": values.get("quiet_to", "") if error else (p.quiet_to.strftime("%H:%M") if p.quiet_to else ""),
        "languages": settings.LANGUAGES,
        "language": user.language,
        "error": error,
        "field": field,
        "saved": saved,
        "resident": is_resident(user),
    }
    return render(request, "pages/preferences.html", context, status=status)
