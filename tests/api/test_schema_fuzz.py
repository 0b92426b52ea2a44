"""Property-based requests generated from the OpenAPI schema, checked with schemathesis's whole
default check set: never a server error; every answer (its status, content type, headers and
body) one the OpenAPI document describes; every request the schema admits accepted
(`positive_data_acceptance`: a 2xx, or 404 when a field names nothing, 409 when the current
state refuses it), and every request it does not admit refused (`negative_data_rejection`).

Three rules JSON Schema cannot state are given to the generator as a filter (`filter_case`): an
objective ends after it starts, a key result's target differs from its baseline, and a search
query holds a word (letters or digits, in any script; tested in tests/search).

Every operation gets generated valid and invalid inputs (hypothesis via schemathesis) from a
signed-in member of a small organisation with posts, as on a demo site.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from lumoflow.api.base import ISO_DAY
from lumoflow.config.wsgi import application
from lumoflow.core.errors import Invalid
from lumoflow.core.validation import has_visible
from lumoflow.measure.queries import check_period
from lumoflow.measure.report.period import PATTERN as PERIOD_PATTERN
from lumoflow.measure.report.period import parse_period
from lumoflow.search.terms import parse

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@schemathesis.hook
def filter_case(ctx: Any, case: Any) -> bool:
    """Keep requests whose body keeps the rules across fields, as the actions check them (every
    phase, the coverage phase's boundary values included, runs this hook)."""
    if not _measurable(case.query) or not _searchable(case) or not _reportable(case.query):
        return False
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


def _searchable(case: Any) -> bool:
    q = (case.query or {}).get("q") if isinstance(case.query, dict) else None
    if not case.path.endswith("/search") or not isinstance(q, str):
        return True
    try:
        parse(q)
    except Invalid:
        return False
    return True


def _measurable(query: Any) -> bool:
    """Whether a period in the query (`from`, `to`, both days) is one the metrics and insights
    measure: not reversed, at most three years, not ending after today (each refusal is tested
    on its own in tests/measure). Values that are not days stay, for the refusals to be tried."""
    if not isinstance(query, dict):
        return True
    values = [query.get("from"), query.get("to")]
    if not all(v is None or (isinstance(v, str) and ISO_DAY.fullmatch(v)) for v in values):
        return True
    try:
        check_period(*(dt.date.fromisoformat(v) if v else None for v in values))
    except (ValueError, Invalid):
        return False
    return True


def _reportable(query: Any) -> bool:
    """Whether a report's `period` of a form the schema admits names a period one can report on:
    not reversed, not in the future, at most three years (each refusal is tested on its own in
    tests/measure/test_report.py). Values of another form stay, for the refusals to be tried."""
    period = query.get("period") if isinstance(query, dict) else None
    if not isinstance(period, str) or not re.fullmatch(PERIOD_PATTERN, period):
        return True
    try:
        parse_period(period, today=dt.datetime.now(dt.UTC).date())
    except Invalid:
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
    # A key the server admits, generated twice for two requests ('0', say), is by definition a
    # reuse (422): each generated request gets a key of its own; keys the schema refuses stay.
    key = (case.headers or {}).get("Idempotency-Key")
    if isinstance(key, str) and 0 < len(key) <= 255 and "\x00" not in key and has_visible(key):
        case.headers["Idempotency-Key"] = uuid.uuid4().hex
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
