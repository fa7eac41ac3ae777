"""The test base: the demo company (small size) and named personas, as the people who
use the system: the desk agent, supervisors, technicians, a resident and a resident of
another unit, and staff of the other property."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from estates import demo
from people.models import User


class Api:
    """A JSON client for the API, logged in as one persona with a personal token."""

    def __init__(self, user: User, lang: str = "zh-hans"):
        from api.auth import token_create

        self.user = user
        self.client = Client(
            HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, name='test')}", HTTP_ACCEPT_LANGUAGE=lang
        )

    def get(self, path: str, **params: Any):
        return self.client.get(f"/api/v1{path}", params)

    def post(self, path: str, body: Any = None, **headers: Any):
        return self.client.post(
            f"/api/v1{path}", body if body is not None else {}, content_type="application/json", headers=headers
        )

    def act(self, number: str, action: str, body: dict | None = None):
        return self.post(f"/tickets/{number}/actions/{action}", body or {})


@pytest.fixture
def estate(db):
    demo.seed("small")


@pytest.fixture
def persona(estate):
    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


@pytest.fixture
def api(persona):
    """api("ygjy-agent") -> an Api client for that persona; api("x", lang="en") for English."""

    def make(username: str, lang: str = "zh-hans") -> Api:
        return Api(persona(username), lang)

    return make


def repair_draft(**over: Any) -> dict[str, Any]:
    body = {
        "kind": "repair",
        "property": "YGJY",
        "unit": "3-1202",
        "category": "plumbing",
        "reporter_name": "王芳",
        "reporter_phone": "13800138000",
        "description": "厨房水龙头漏水",
    }
    body.update(over)
    return body


@pytest.fixture
def draft():
    return repair_draft
