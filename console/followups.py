"""The follow-up workbench (R6.3-R6.5): today's calls per specialist with the call script
and the ticket's history one click away; recording a call or an unreachable try; the
supervisor's review, where an unsatisfactory result opens a complaint."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from base.errors import DomainError
from followups.models import FollowUp
from followups.scripts import script_for
from followups.selectors import calls_today, to_review
from followups.services import followup_record, followup_review
from people.access import desk_member, may_review_followups, property_of


def _page(request: HttpRequest, code: str, error: tuple[int, str] | None = None, status: int = 200) -> HttpResponse:
    user = desk_member(request.user)
    prop = property_of(user, code)
    now = timezone.now()
    groups = calls_today(prop, now)
    for rows in groups.values():
        for f in rows:
            f.script = script_for(f)  # type: ignore[attr-defined]
    mine = str(user)
    context = {
        "property": prop,
        "groups": sorted(groups.items(), key=lambda g: (g[0] != mine, g[0])),
        "reviews": to_review(prop) if may_review_followups(user) else [],
        "methods": FollowUp.Method.choices,
        "error": error,
        "now": now,
    }
    return render(request, "console/followups.html", context, status=status)


@login_required
def workbench(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, code)


def _followup(request: HttpRequest, code: str, pk: int) -> FollowUp:
    prop = property_of(desk_member(request.user), code)
    followup = FollowUp.objects.filter(pk=pk, property=prop).first()
    if followup is None:
        raise Http404
    return followup


@login_required
@require_POST
def record(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    followup = _followup(request, code, pk)
    post = request.POST
    satisfaction = post.get("satisfaction", "")
    try:
        followup_record(
            followup=followup,
            by=desk_member(request.user),
            reached=post.get("reached") != "no",
            method=post.get("method", FollowUp.Method.PHONE),
            satisfaction=int(satisfaction) if satisfaction.isdigit() else None,
            quality=post.get("quality", ""),
            effect=post.get("effect", ""),
            shortcomings=post.get("shortcomings", ""),
            suggestions=post.get("suggestions", ""),
            confirmed_by=post.get("confirmed_by", ""),
        )
    except DomainError as e:
        return _page(request, code, error=(pk, e.message), status=e.status)
    return redirect("console:followups", code=code)


@login_required
@require_POST
def review(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    followup = _followup(request, code, pk)
    try:
        followup_review(followup=followup, by=desk_member(request.user), opinion=request.POST.get("opinion", ""))
    except DomainError as e:
        return _page(request, code, error=(pk, e.message), status=e.status)
    return redirect("console:followups", code=code)
