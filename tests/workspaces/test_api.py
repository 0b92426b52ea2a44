"""Workspaces through the API, as an analyst's script or the web client would use it."""

from __future__ import annotations

from datetime import date, timedelta

from lumoflow.activity.models import ActivityEvent


def test_create_workspace_returns_201_with_id_and_records_event(org, api):
    # given
    client = api(org.mia)
    # when
    r = client.post(
        "/workspaces",
        {"name": "Support", "purpose": "Answer customers fast.", "visibility": "private"},
    )
    # then
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["id"] and body["my_role"] == "owner" and body["needs_objective"] is True
    assert ActivityEvent.objects.filter(workspace_id=body["id"], verb="workspace").exists()


def test_blank_purpose_is_a_problem_with_field_errors(org, api):
    r = api(org.mia).post("/workspaces", {"name": "X", "purpose": "   "})
    assert r.status_code == 422
    assert r["Content-Type"] == "application/problem+json"
    assert "purpose" in r.json()["errors"]


def test_missing_purpose_is_a_problem(org, api):
    r = api(org.mia).post("/workspaces", {"name": "X"})
    assert r.status_code == 422 and "purpose" in r.json()["errors"]


def test_over_long_purpose_is_rejected(org, api):
    r = api(org.mia).post("/workspaces", {"name": "X", "purpose": "p" * 2001})
    assert r.status_code == 422 and "purpose" in r.json()["errors"]


def test_malformed_json_is_400_problem(org, api):
    r = api(org.mia).post("/workspaces", raw="{not json")
    assert r.status_code == 400
    assert r.json()["type"].endswith("malformed-request")


def test_secret_workspace_is_404_for_non_member(org, api):
    r = api(org.otto).get(f"/workspaces/{org.merger.pk}")
    assert r.status_code == 404


def test_private_workspace_content_is_403_for_non_member(org, api):
    client = api(org.otto)
    assert client.get(f"/workspaces/{org.finance.pk}").status_code == 200
    assert client.get(f"/workspaces/{org.finance.pk}/members").status_code == 403
    assert client.get(f"/workspaces/{org.finance.pk}/objectives").status_code == 403


def test_anonymous_is_401(db, api):
    assert api(None).get("/workspaces").status_code == 401


def test_check_in_moves_progress(org, api):
    r = api(org.fred).post(
        f"/key-results/{org.key_result.pk}/check-ins",
        {"value": 5, "confidence": 7, "note": "Halfway"},
    )
    assert r.status_code == 201, r.content
    objectives = api(org.mia).get(f"/workspaces/{org.launch.pk}/objectives").json()["items"]
    kr = objectives[0]["key_results"][0]
    assert kr["current"] == 5 and kr["progress"] == 0.5


def test_key_result_target_equal_to_baseline_is_rejected(org, api):
    today = date.today()
    r = api(org.olivia).post(
        f"/workspaces/{org.launch.pk}/objectives",
        {
            "title": "Flat",
            "start": str(today),
            "end": str(today + timedelta(days=30)),
            "key_results": [{"metric_name": "m", "baseline": 3, "target": 3, "due": str(today)}],
        },
    )
    assert r.status_code == 422
    assert "key_results.0.target" in r.json()["errors"]


def test_patch_renaming_and_archiving_is_one_change(org, api):
    # given an owner renaming and archiving in one request
    before = ActivityEvent.objects.filter(workspace_id=org.launch.pk, verb="workspace").count()
    client = api(org.olivia)
    # when
    r = client.patch(f"/workspaces/{org.launch.pk}", {"name": "Launch (done)", "archived": True})
    # then both hold, each recorded
    assert r.status_code == 200, r.content
    assert (r.json()["name"], r.json()["archived"]) == ("Launch (done)", True)
    events = ActivityEvent.objects.filter(workspace_id=org.launch.pk, verb="workspace")
    assert events.count() == before + 2


def test_patch_with_a_bad_field_archives_nothing(org, api):
    # given a rename that fails validation, sent with an archive
    r = api(org.olivia).patch(f"/workspaces/{org.launch.pk}", {"name": "  ", "archived": True})
    # then neither part is applied
    assert r.status_code == 422, r.content
    ws = api(org.olivia).get(f"/workspaces/{org.launch.pk}").json()
    assert ws["archived"] is False and ws["name"] == org.launch.name
