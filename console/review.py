"""The quarterly review page and corrective actions (R6.6): findings with the tickets
behind them, the manager's decision per finding, and each action tracked to closure."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from base.errors import DomainError
from estates.localtime import local_today
from followups.models import CorrectiveAction
from followups.review import (
    corrective_action_progress,
    finding_decide,
    quarter_bounds,
    quarter_of,
    quarterly_findings,
)
from people.access import desk_member, may_decide, property_of, staff_at


def _quarter(request: HttpRequest, time_zone: str) -> str:
    with timezone.override(time_zone):
        today = timezone.localdate()
    quarter = request.GET.get("quarter") or request.POST.get("quarter") or quarter_of(today)
    try:
        quarter_bounds(quarter, time_zone)
    except DomainError:
        quarter = quarter_of(today)
    return quarter


def _review_page(request: HttpRequest, code: str, error: tuple[str, str] | None = None, status: int = 200):
    user = desk_member(request.user)
    prop = property_of(user, code)
    quarter = _quarter(request, prop.time_zone)
    start, _end = quarter_bounds(quarter, prop.time_zone)
    previous = quarter_of((start - datetime.timedelta(days=1)).date())
    context = {
        "property": prop,
        "quarter": quarter,
        "previous": previous,
        "findings": quarterly_findings(prop, quarter),
        "can_decide": may_decide(user),
        "staff": staff_at(prop.pk).order_by("role", "id"),
        "error": error,
        "values": request.POST if error else {},
    }
    return render(request, "console/review.html", context, status=status)


@login_required
def review(request: HttpRequest, code: str) -> HttpResponse:
    return _review_page(request, code)


@login_required
@require_POST
def decide(request: HttpRequest, code: str) -> HttpResponse:
    user = desk_member(request.user)
    prop = property_of(user, code)
    post = request.POST
    quarter = _quarter(request, prop.time_zone)
    open_action = post.get("decision") == "action"
    try:
        due_on = datetime.date.fromisoformat(post["due_on"]) if post.get("due_on") else None
    except ValueError:
        due_on = None
    if due_on and not 2000 <= due_on.year <= 2100:
        due_on = None
    try:
        finding_decide(
            prop=prop,
            quarter=quarter,
            finding=post.get("finding", ""),
            key=post.get("key", ""),
            by=user,
            note=post.get("note", ""),
            open_action=open_action,
            title=post.get("title", ""),
            owner=post.get("owner", ""),
            root_cause=post.get("root_cause", ""),
            action=post.get("action", ""),
            due_on=due_on,
        )
    except DomainError as e:
        return _review_page(request, code, error=(post.get("key", ""), e.message), status=e.status)
    return redirect(reverse("console:review", args=[code]) + f"?quarter={quarter}")


@login_required
def actions(request: HttpRequest, code: str) -> HttpResponse:
    user = desk_member(request.user)
    prop = property_of(user, code)
    rows = CorrectiveAction.objects.filter(property=prop).select_related("owner")
    today = local_today(prop.time_zone)
    return render(request, "console/actions.html", {"property": prop, "rows": rows, "today": today})


def _action_page(request: HttpRequest, code: str, pk: int, error: str = "", status: int = 200) -> HttpResponse:
    user = desk_member(request.user)
    prop = property_of(user, code)
    ca = CorrectiveAction.objects.filter(pk=pk, property=prop).select_related("owner").first()
    if ca is None:
        raise Http404
    context = {
        "property": prop,
        "ca": ca,
        "events": ca.events.all(),
        "tickets": ca.tickets.order_by("reported_at"),
        "is_manager": may_decide(user),
        "is_owner": ca.owner_id == user.pk,
        "error": error,
    }
    return render(request, "console/action.html", context, status=status)


@login_required
def action(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _action_page(request, code, pk)


@login_required
@require_POST
def action_step(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    user = desk_member(request.user)
    prop = property_of(user, code)
    ca = CorrectiveAction.objects.filter(pk=pk, property=prop).first()
    if ca is None:
        raise Http404
    try:
        corrective_action_progress(ca=ca, by=user, step=request.POST.get("step", ""), note=request.POST.get("note", ""))
    except DomainError as e:
        return _action_page(request, code, pk, error=e.message, status=e.status)
    return redirect("console:action", code=code, pk=pk)
