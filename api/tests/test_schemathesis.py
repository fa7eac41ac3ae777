"""The whole OpenAPI document, fuzzed (schemathesis, in process through the WSGI app):
for every operation, as the desk and as a resident, no answer is a 5xx, every answer
matches its documented schema and content type, and every status code the API returns
is documented. Bounded: a fixed number of examples per operation, no shrinking."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from people.models import User
from people.tokens import token_create

# What every answer must hold to. (Not "every input the schema allows is accepted": a
# schema cannot say that a unit must exist or a date lie between 2000 and 2100.)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Each example runs in the test's transaction; twelve per operation find the
# boundaries (dates, numbers, strings, missing fields) within seconds.
EXAMPLES = 12


@pytest.fixture
def api_schema(estate):
    # As Django's test client does: the request's end must not close the test's connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


def bearer(username: str) -> dict[str, str]:
    key, _row = token_create(user=User.objects.get(username=username), name="fuzz")
    return {"Authorization": f"Bearer {key}", "Accept-Language": "en"}


@pytest.fixture
def desk(estate) -> dict[str, str]:
    return bearer("ygjy-agent")


@pytest.fixture
def resident(estate) -> dict[str, str]:
    return bearer("resident")


BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@BOUNDED
def test_every_operation_answers_the_desk_within_its_documentation(case, desk):
    case.call_and_validate(headers=desk, checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_every_operation_answers_a_resident_within_its_documentation(case, resident):
    case.call_and_validate(headers=resident, checks=CHECKS)
