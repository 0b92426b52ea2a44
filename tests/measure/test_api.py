"""GET /api/v1/workspaces/{id}/metrics and /api/v1/org/metrics, from the caller's side: each
role, each bad input, and the document."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from lumoflow.measure.models import StoredMetrics

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"
ENGINE_KEYS = {"participation", "responsiveness", "fading", "network", "relevance", "value"}


def _problem(r, status):
    assert r.status_code == status, r.content[:500]
    assert r["Content-Type"] == PROBLEM
    return r.json()


@pytest.mark.parametrize("who", ["olivia", "fred", "ada"])
def test_owner_facilitator_and_administrator_get_every_family(busy, api, who):
    r = api(getattr(busy, who)).get(f"/workspaces/{busy.launch.pk}/metrics")
    assert r.status_code == 200
    body = r.json()
    assert ENGINE_KEYS | {"privacy", "input", "computed_at", "period"} <= set(body)
    assert body["full"] is True and body["workspace_id"] == busy.launch.pk
    assert body["fading"]["verdict"] and body["network"] is not None
    assert body["computed_at"]


def test_member_gets_the_summary_and_403_for_owner_only_families(busy, api):
    client = api(busy.mia)
    body = client.get(f"/workspaces/{busy.launch.pk}/metrics").json()
    assert body["full"] is False and body["network"] is None and body["value"] is None
    assert body["fading"]["verdict"]
    p = _problem(client.get(f"/workspaces/{busy.launch.pk}/metrics", families="network"), 403)
    assert "network" in p["detail"]
    ok = client.get(f"/workspaces/{busy.launch.pk}/metrics", families="fading").json()
    assert ok["fading"] and ok["participation"] is None


def test_unknown_family_is_422(busy, api):
    r = api(busy.olivia).get(f"/workspaces/{busy.launch.pk}/metrics", families="gossip")
    assert "families" in _problem(r, 422)["errors"]


def test_outsider_gets_403_for_a_private_workspace_and_404_for_a_secret_one(busy, api):
    client = api(busy.otto)
    _problem(client.get(f"/workspaces/{busy.finance.pk}/metrics"), 403)
    _problem(client.get(f"/workspaces/{busy.merger.pk}/metrics"), 404)
    assert client.get(f"/workspaces/{busy.launch.pk}/metrics").json()["full"] is False


def test_administrator_gets_404_for_a_secret_workspace(busy, api):
    _problem(api(busy.ada).get(f"/workspaces/{busy.merger.pk}/metrics"), 404)


def test_unknown_workspace_is_404_and_a_bad_id_is_422(busy, api):
    _problem(api(busy.olivia).get("/workspaces/999999/metrics"), 404)
    _problem(api(busy.olivia).get("/workspaces/abc/metrics"), 422)


def test_anonymous_is_401(busy, api):
    _problem(api(None).get(f"/workspaces/{busy.launch.pk}/metrics"), 401)
    _problem(api(None).get("/org/metrics"), 401)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-03-01", "to": "2026-02-01"}, "from"),
        ({"from": "2020-01-01", "to": "2024-01-01"}, "from"),
        ({"to": (date.today() + timedelta(days=40)).isoformat()}, "to"),
        ({"from": "2026-02-30"}, "from"),
        ({"to": "yesterday"}, "to"),
    ],
)
def test_bad_periods_are_422_naming_the_field_and_compute_nothing(busy, api, params, field):
    r = api(busy.olivia).get(f"/workspaces/{busy.launch.pk}/metrics", **params)
    assert field in _problem(r, 422)["errors"]
    r = api(busy.ada).get("/org/metrics", **params)
    assert field in _problem(r, 422)["errors"]
    assert not StoredMetrics.objects.exists()


def test_an_explicit_period_is_answered_for_that_period(busy, api):
    end = date.today() - timedelta(days=3)
    start = end - timedelta(days=35)
    body = (
        api(busy.olivia)
        .get(
            f"/workspaces/{busy.launch.pk}/metrics",
            **{"from": start.isoformat(), "to": end.isoformat()},
        )
        .json()
    )
    assert body["period"] == {"start": start.isoformat(), "end": end.isoformat()}


def test_org_metrics_for_administrators_with_departments_ei_index(busy, api):
    body = api(busy.ada).get("/org/metrics").json()
    assert body["workspace_id"] is None and body["full"]
    assert isinstance(body["network"]["ei_index"]["by_department"], dict)
    assert str(busy.merger.pk) not in body["fading"]["by_workspace"]


@pytest.mark.parametrize("who", ["olivia", "fred", "mia", "otto"])
def test_org_metrics_are_403_for_everyone_else(busy, api, who):
    _problem(api(getattr(busy, who)).get("/org/metrics"), 403)


def test_refresh_now_is_202_for_owners_and_403_for_members(org, api):
    r = api(org.fred).post(f"/workspaces/{org.launch.pk}/metrics/refresh")
    assert r.status_code == 202 and r.json() == {"refreshing": True}
    _problem(api(org.mia).post(f"/workspaces/{org.launch.pk}/metrics/refresh"), 403)
    _problem(api(org.otto).post(f"/workspaces/{org.merger.pk}/metrics/refresh"), 404)


def test_openapi_documents_the_metrics_endpoints(db):
    doc = Client().get("/api/v1/openapi.json").json()
    get = doc["paths"]["/api/v1/workspaces/{workspace_id}/metrics"]["get"]
    names = {p["name"] for p in get["parameters"]}
    assert {"from", "to", "families", "workspace_id"} <= names
    assert "/api/v1/org/metrics" in doc["paths"]
    schema = doc["components"]["schemas"]["MetricsOut"]
    assert {"computed_at", "fading", "network", "privacy"} <= set(schema["properties"])
