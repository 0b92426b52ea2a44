"""Property-based requests generated from the OpenAPI schema, checked with schemathesis's whole
default check set: never a server error; every answer (its status, content type, headers and
body) one the OpenAPI document describes; every request the schema admits accepted
(`positive_data_acceptance`: a 2xx, or 404 when a field names nothing, 409 when the current
state refuses it), and every request it does not admit refused (`negative_data_rejection`).

Two rules JSON Schema cannot state are given to the generator as a filter (`filter_case`): an
objective ends after it starts, and a key result's target differs from its baseline.

Every operation gets generated valid and invalid inputs (hypothesis via schemathesis) from a
signed-in member of a small organisation with posts, as on a demo site.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from lumoflow.config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@schemathesis.hook
def filter_case(ctx: Any, case: Any) -> bool:
    """Keep requests whose body keeps the rules across fields, as the actions check them (every
    phase, the coverage phase's boundary values included, runs this hook)."""
    body = case.body
    if not isinstance(body, dict):
        return True
    start, end = body.get("start"), body.get("end")
    if isinstance(start, str) and isinstance(end, str) and end <= start:
        return False
    key_results = body.get("key_results")
    for kr in key_results if isinstance(key_results, list) else []:
        if isinstance(kr, dict) and "baseline" in kr and kr.get("baseline") == kr.get("target"):
            return False
    return True


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """Calls go straight to the WSGI app, so stop Django closing the test's connection after
    each request (its own test client does the same)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(org):
    from lumoflow.people import actions

    return actions.create_token(org.olivia)[1]


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_input_makes_the_api_fail(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
