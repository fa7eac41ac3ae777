"""The API's docs and the admin run under the same Content-Security-Policy as the pages
(the browser fixture fails a test on any violation)."""

from __future__ import annotations

import pytest

from estates.models import Household
from people.models import User

pytestmark = pytest.mark.browser


def test_the_api_docs_and_the_admin_render_under_the_policy(browser):
    User.objects.filter(username="ygjy-manager").update(is_staff=True, is_superuser=True)
    b = browser()
    page = b.login("ygjy-manager")
    page.goto(f"{b.base}/api/docs")
    page.wait_for_selector(".opblock-tag", timeout=15000)
    assert page.locator(".opblock").count() > 10  # every operation listed
    page.goto(f"{b.base}/admin/tickets/ticket/")
    page.wait_for_selector("#changelist")
    household = Household.objects.order_by("pk").values_list("pk", flat=True).first()  # ids go on across seeds
    page.goto(f"{b.base}/admin/estates/household/{household}/change/")
    page.wait_for_selector("#household_form")
    assert b.violations == []
