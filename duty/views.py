"""The duty page (/desk/<code>/duty/): the post on duty now (R1.4), the shift open on
each post with its entries, calls and tickets, the forms to start and end a shift, write
an entry, hand over and receive; the history of shifts by day. The API has the same
(``/api/v1/duty``), through the same services."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from base.errors import DomainError, InvalidInput
from base.validation import local_moment, row_id
from duty import selectors
from duty import services as rules
from duty.models import Entry, Shift
from estates.hours import Post, post_on_duty
from estates.localtime import local_today
from estates.models import Property
from people import roles
from people.access import may_keep_duty_log, property_of, staff_at, staff_member
from people.models import User


def _day(text: str, prop: Property) -> datetime.date:
    try:
        return datetime.date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return local_today(prop.time_zone)


def _post_view(shift: Shift | None, post: str, user: User, now: datetime.datetime) -> dict[str, Any]:
    staff_ids = {u.pk for u in shift.staff.all()} if shift else set()
    return {
        "post": post,
        "label": Post(post).label,
        "shift": shift,
        "mine": user.pk in staff_ids,
        "calls": selectors.shift_calls(shift, now) if shift else [],
        "tickets": selectors.shift_tickets(shift, now) if shift else [],
    }


def _page(
    request: HttpRequest,
    prop: Property,
    user: User,
    *,
    error: str = "",
    field: str = "",
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    day = _day(request.GET.get("day", ""), prop)
    shown = None
    if request.GET.get("shift"):
        shown = selectors.shift_of(prop, row_id(request.GET.get("shift", "")))
    on_duty = post_on_duty(prop, now)
    current = selectors.open_shifts(prop)
    context = {
        "property": prop,
        "on_duty": on_duty,
        "on_duty_label": Post(on_duty).label,
        "opens": prop.office_opens,
        "closes": prop.office_closes,
        "posts": [_post_view(current[p], p, user, now) for p in Post.values],
        "write": may_keep_duty_log(user),
        "colleagues": staff_at(prop.pk, *roles.DESK).exclude(pk=user.pk).order_by("role", "username"),
        "kinds": Entry.Kind.choices,
        "day": day,
        "history": selectors.history(prop, day),
        "shown": _post_view(shown, shown.post, user, now) if shown else None,
        "error": error,
        "field": field,
        "values": values or {},
        "form_key": uuid.uuid4().hex,
        "now": now,
    }
    return render(request, "duty/duty.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def duty(request: HttpRequest, code: str) -> HttpResponse:
    """The duty log of a property: the desk roles write, supervisors and managers read."""
    user = staff_member(request.user)
    prop = property_of(user, code)
    rules.reader_at(user, prop)
    if request.method != "POST":
        return _page(request, prop, user)
    post = request.POST
    do = post.get("do", "")
    # The page holds one key; each of its forms (a post's start, a shift's entry) sends it
    # with what it is for, so a second form sent from the same page is not taken for a retry.
    form_key = f"{post.get('form_key', '')[:40]}:{do}:{post.get('post', '')[:20]}:{post.get('shift', '')[:20]}"
    values = {k: post.get(k, "")[:200] for k in post if k != "csrfmiddlewaretoken"}
    try:
        if do == "start":
            shift = rules.shift_start(
                by=user,
                property=prop,
                post=post.get("post", ""),
                staff=post.getlist("staff"),
                form_key=form_key if post.get("form_key") else "",
            )
            messages.success(
                request,
                _("Shift started: %(post)s, %(who)s.") % {"post": shift.get_post_display(), "who": shift.staff_names},
            )
        elif do == "entry":
            shift = selectors.shift_of(prop, row_id(post.get("shift", "")))
            rules.entry_add(
                by=user,
                shift=shift,
                property=prop,
                kind=post.get("kind", ""),
                text=post.get("text", ""),
                at=local_moment(post.get("at", ""), time_zone=prop.time_zone, field="at"),
                form_key=form_key if post.get("form_key") else "",
            )
            messages.success(request, _("Written in the duty log."))
        elif do == "handover":
            shift = selectors.shift_of(prop, row_id(post.get("shift", "")))
            rules.shift_hand_over(
                by=user,
                shift=shift,
                note=post.get("handover_note", ""),
                open_items=post.get("open_items", "").splitlines(),
            )
            messages.success(request, _("Handed over: the next shift receives it."))
        elif do == "receive":
            shift = selectors.shift_of(prop, row_id(post.get("shift", "")))
            new = rules.shift_receive(by=user, shift=shift, staff=post.getlist("staff"))
            messages.success(
                request, _("Handover received; your shift has started: %(who)s.") % {"who": new.staff_names}
            )
        elif do == "end":
            shift = selectors.shift_of(prop, row_id(post.get("shift", "")))
            rules.shift_end(by=user, shift=shift)
            messages.success(request, _("Shift ended."))
        else:
            raise InvalidInput(_("Choose what to do."))
    except DomainError as e:
        return _page(
            request, prop, user, error=e.message, field=f"{do}-{e.field or ''}", values=values, status=e.status
        )
    return redirect(request.path)
