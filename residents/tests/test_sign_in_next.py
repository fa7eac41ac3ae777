"""Where signing in leads on the residents' pages: back to the page the resident came
from when it is on this site, else to their home page; never to another site (no open
redirect, the safe default for a page reached from SMS links and QR codes)."""

from __future__ import annotations

import pytest

from conftest import login


@pytest.mark.parametrize(
    ("next_url", "lands"),
    [
        ("/my/fees/", "/my/fees/"),  # a page of this site
        ("", "/my/"),  # none given: the home page
        ("https://evil.example/my/", "/my/"),  # another site
        ("//evil.example/my/", "/my/"),  # another site without a scheme
        ("http://testserver/my/fees/", "http://testserver/my/fees/"),  # this site, spelled out
    ],
)
def test_a_signed_in_resident_is_sent_on_only_within_this_site(estate, next_url, lands):
    """A resident already signed in who opens the sign-in page is sent on to ``next`` if it
    is on this site, else home."""
    page = login("resident").get("/my/login/", {"next": next_url} if next_url else {})
    assert page.status_code == 302 and page["Location"] == lands


def test_over_https_a_plain_http_next_is_not_followed(estate):
    """On a secure connection a ``next`` that would drop to plain http leads home instead."""
    page = login("resident").get("/my/login/", {"next": "http://testserver/my/fees/"}, secure=True)
    assert page["Location"] == "/my/"
    page = login("resident").get("/my/login/", {"next": "https://testserver/my/fees/"}, secure=True)
    assert page["Location"] == "https://testserver/my/fees/"


def test_the_next_of_a_posted_form_comes_before_the_one_in_the_address(estate):
    """The form's hidden ``next`` is where the sign-in leads; the address's is used when the
    form has none."""
    resident = login("resident")
    posted = resident.post("/my/login/?next=/my/report/", {"next": "/my/fees/"})
    assert posted.status_code == 302 and posted["Location"] == "/my/fees/"
    posted = resident.post("/my/login/?next=/my/report/", {})
    assert posted["Location"] == "/my/report/"
