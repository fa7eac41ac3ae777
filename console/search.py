"""The one search box on every console page (``/`` focuses it): a number, a phone or
its last four digits, a unit in any common form, a name or words; the open matters
first. The API has the same (``GET /api/v1/tickets/search``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from people.access import may_see_household_phones, staff_member
from tickets.selectors import tickets_search


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    user = staff_member(request.user)
    q = request.GET.get("q", "")[:100]
    rows = tickets_search(user, q)
    if len(rows) == 1 and rows[0].number == q.strip().upper():
        return redirect("console:ticket", number=rows[0].number)  # a whole number opens its ticket
    return render(
        request,
        "console/search.html",
        {"q": q, "rows": rows, "now": timezone.now(), "phones": may_see_household_phones(user)},
    )
