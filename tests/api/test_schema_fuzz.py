"""Property-based requests generated from the OpenAPI schema: the API never answers 5xx.

Every operation gets generated valid and invalid inputs (hypothesis via schemathesis) from a
signed-in member; whatever the input, the answer is a 2xx/4xx, never a server error.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from lumoflow.config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


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
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    case.validate_response(response, checks=[not_a_server_error])
