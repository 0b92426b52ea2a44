"""Individual-level figures (brokers, peripheral and isolated people): only people-analytics
holders get them, every answer is in the audit log, which administrators alone read (web UI, CSV
and API)."""

from __future__ import annotations

import csv
import io

import pytest

from lumoflow.people import actions
from lumoflow.people.models import AuditEntry

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def test_a_people_analytics_holder_gets_brokers_by_name_and_the_view_is_audited(busy, api):
    # given
    actions.grant_capability(busy.ada, "mia", "people-analytics")
    # when
    r = api(busy.mia).get(f"/workspaces/{busy.launch.pk}/people-analytics")
    # then
    assert r.status_code == 200, r.content[:400]
    body = r.json()
    members = {"olivia", "fred", "mia", *(f"p{i}" for i in range(6))}
    assert body["withheld"] is None
    assert body["brokers"] and {b["person"] for b in body["brokers"]} <= members
    assert set(body["peripheral"]["people"]) <= members
    entry = AuditEntry.objects.get()
    assert entry.viewer == busy.mia and entry.via == "api"
    assert entry.scope == f"workspace {busy.launch.pk} (Launch)"
    assert "brokers" in entry.what


@pytest.mark.parametrize("who", ["olivia", "fred", "mia", "otto"])
def test_without_the_capability_it_is_403_and_nothing_is_audited(busy, api, who):
    # given: owners and facilitators see the workspace's full metrics, not individuals
    actions.grant_capability(busy.ada, "mia", "executive")
    # when
    r = api(getattr(busy, who)).get(f"/workspaces/{busy.launch.pk}/people-analytics")
    # then
    assert r.status_code == 403 and r["Content-Type"] == PROBLEM
    assert "people analytics" in r.json()["detail"]
    assert not AuditEntry.objects.exists()


def test_a_secret_workspace_is_404_even_for_a_holder(busy, api):
    actions.grant_capability(busy.ada, "otto", "people-analytics")
    assert api(busy.otto).get(f"/workspaces/{busy.merger.pk}/people-analytics").status_code == 404
    assert api(busy.ada).get(f"/workspaces/{busy.merger.pk}/people-analytics").status_code == 404
    assert not AuditEntry.objects.exists()


def test_a_holder_outside_a_private_workspace_is_refused(busy, api):
    actions.grant_capability(busy.ada, "otto", "people-analytics")
    r = api(busy.otto).get(f"/workspaces/{busy.finance.pk}/people-analytics")
    assert r.status_code == 403
    assert not AuditEntry.objects.exists()


def test_a_workspace_under_the_threshold_shows_no_one(org, api):
    # given: Launch has three members and no activity to speak of
    r = api(org.ada).get(f"/workspaces/{org.launch.pk}/people-analytics")
    # then
    assert r.status_code == 200
    body = r.json()
    assert body["withheld"] and body["brokers"] is None and body["peripheral"] is None


def test_administrators_read_the_audit_in_the_api_newest_first_and_others_get_403(busy, api):
    # given
    actions.grant_capability(busy.ada, "mia", "people-analytics")
    api(busy.mia).get(f"/workspaces/{busy.launch.pk}/people-analytics")
    api(busy.ada).get(f"/workspaces/{busy.finance.pk}/people-analytics")
    # when
    r = api(busy.ada).get("/audit", limit=1)
    # then
    assert r.status_code == 200
    first = r.json()
    assert [e["person"] for e in first["items"]] == ["ada"]
    assert first["items"][0]["scope"] == f"workspace {busy.finance.pk} (Finance)"
    second = api(busy.ada).get("/audit", limit=1, cursor=first["next"]).json()
    assert [e["person"] for e in second["items"]] == ["mia"] and second["next"] is None
    for who in ("mia", "olivia"):
        assert api(getattr(busy, who)).get("/audit").status_code == 403


def test_administrators_read_and_export_the_audit_in_the_admin(busy, api, browser_client):
    # given
    actions.grant_capability(busy.ada, "mia", "people-analytics")
    api(busy.mia).get(f"/workspaces/{busy.launch.pk}/people-analytics")
    admin = browser_client(busy.ada)
    # when
    page = admin.get("/admin/people/auditentry/")
    export = admin.get("/admin/people/auditentry/export.csv?via__exact=api")
    # then
    assert page.status_code == 200 and b"Launch" in page.content
    assert b'href="/admin/people/auditentry/export.csv"' in page.content
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0] == ["at", "person", "what", "scope", "via"]
    assert [r[1:] for r in rows[1:]] == [
        [
            "mia",
            "brokers, peripheral and isolated people",
            f"workspace {busy.launch.pk} (Launch)",
            "api",
        ]
    ]
    assert browser_client(busy.mia).get("/admin/people/auditentry/").status_code == 302


def test_the_page_names_the_brokers_to_a_holder_and_the_view_is_audited(busy, browser_client):
    # given
    actions.grant_capability(busy.ada, "mia", "people-analytics")
    health = browser_client(busy.mia).get(f"/workspaces/{busy.launch.pk}/health")
    page = f"/workspaces/{busy.launch.pk}/people-analytics"
    assert page in health.content.decode()  # the health page links to it
    # when
    r = browser_client(busy.mia).get(page)
    # then
    assert r.status_code == 200
    html = r.content.decode()
    assert "Brokers" in html and "Peripheral people" in html and "Isolated people" in html
    entry = AuditEntry.objects.get()
    assert entry.viewer == busy.mia and entry.via == "page" and "brokers" in entry.what


@pytest.mark.parametrize("who", ["olivia", "fred", "mia", "otto"])
def test_the_page_is_403_without_the_capability_and_the_health_page_has_no_link(
    busy, browser_client, who
):
    actions.grant_capability(busy.ada, "mia", "executive")
    person = getattr(busy, who)
    page = f"/workspaces/{busy.launch.pk}/people-analytics"
    assert browser_client(person).get(page).status_code == 403
    health = browser_client(person).get(f"/workspaces/{busy.launch.pk}/health")
    assert page not in health.content.decode()
    assert not AuditEntry.objects.exists()


def test_the_page_refuses_a_bad_period_and_audits_nothing(busy, browser_client):
    actions.grant_capability(busy.ada, "mia", "people-analytics")
    page = f"/workspaces/{busy.launch.pk}/people-analytics"
    assert (
        browser_client(busy.mia).get(page, {"from": "2026-05-01", "to": "2026-04-01"}).status_code
        == 400
    )
    assert browser_client(busy.mia).get(page, {"from": "someday"}).status_code == 400
    assert (
        browser_client(busy.mia).get(f"/workspaces/{busy.merger.pk}/people-analytics").status_code
        == 404
    )
    assert not AuditEntry.objects.exists()
