"""Who may see and do what, for every visibility and role (through the API)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest


def _ws(org, name):
    return {"public": org.launch, "private": org.finance, "secret": org.merger}[name]


# (visibility, person) -> (workspace GET, members GET)
READ = {
    ("public", "otto"): (200, 200),
    ("public", "mia"): (200, 200),
    ("private", "otto"): (200, 403),
    ("private", "mia"): (200, 200),
    ("secret", "otto"): (404, 404),
    ("secret", "mia"): (404, 404),
    ("secret", "olivia"): (200, 200),
}


@pytest.mark.parametrize(("visibility", "person"), list(READ))
def test_reading_by_visibility(org, api, visibility, person):
    ws = _ws(org, visibility)
    client = api(getattr(org, person))
    expected = READ[(visibility, person)]
    got = (
        client.get(f"/workspaces/{ws.pk}").status_code,
        client.get(f"/workspaces/{ws.pk}/members").status_code,
    )
    assert got == expected


def test_directory_lists_public_and_private_but_not_others_secret(org, api):
    names = {w["name"] for w in api(org.otto).get("/workspaces").json()["items"]}
    assert names == {"Launch", "Finance"}
    names = {w["name"] for w in api(org.olivia).get("/workspaces").json()["items"]}
    assert names == {"Launch", "Finance", "Merger"}


def test_joining_public_private_and_secret(org, api):
    client = api(org.otto)
    r = client.post(f"/workspaces/{org.launch.pk}/members", {})
    assert r.status_code == 201 and r.json()["status"] == "active"
    r = client.post(f"/workspaces/{org.finance.pk}/members", {})
    assert r.status_code == 201 and r.json()["status"] == "requested"
    assert client.get(f"/workspaces/{org.finance.pk}/members").status_code == 403
    assert client.post(f"/workspaces/{org.merger.pk}/members", {}).status_code == 404
    assert client.post(f"/workspaces/{org.launch.pk}/members", {}).status_code == 409


def test_owner_approves_a_request(org, api):
    api(org.otto).post(f"/workspaces/{org.finance.pk}/members", {})
    pending = api(org.olivia).get(f"/workspaces/{org.finance.pk}/members").json()["items"]
    assert {m["username"]: m["status"] for m in pending}["otto"] == "requested"
    r = api(org.olivia).post(f"/workspaces/{org.finance.pk}/members", {"username": "otto"})
    assert r.status_code == 201 and r.json()["status"] == "active"
    assert api(org.otto).get(f"/workspaces/{org.finance.pk}/members").status_code == 200


@pytest.mark.parametrize(
    ("person", "status"), [("olivia", 200), ("fred", 403), ("mia", 403), ("otto", 403)]
)
def test_only_owners_change_a_workspace(org, api, person, status):
    r = api(getattr(org, person)).patch(f"/workspaces/{org.launch.pk}", {"name": "Launch 2"})
    assert r.status_code == status


@pytest.mark.parametrize(
    ("person", "status"), [("olivia", 201), ("fred", 201), ("mia", 403), ("otto", 403)]
)
def test_owners_and_facilitators_set_objectives(org, api, person, status):
    r = api(getattr(org, person)).post(
        f"/workspaces/{org.launch.pk}/objectives",
        {
            "title": "Grow",
            "start": "2026-01-01",
            "end": "2026-06-30",
            "key_results": [
                {"metric_name": "Users", "baseline": 10, "target": 20, "due": "2026-06-30"}
            ],
        },
    )
    assert r.status_code == status, r.content


@pytest.mark.parametrize(
    ("person", "status"), [("olivia", 201), ("fred", 201), ("mia", 403), ("otto", 403)]
)
def test_owners_and_facilitators_check_in_members_and_outsiders_cannot(org, api, person, status):
    r = api(getattr(org, person)).post(
        f"/key-results/{org.key_result.pk}/check-ins", {"value": 1, "confidence": 5}
    )
    assert r.status_code == status


def test_check_in_on_an_archived_workspace_is_a_conflict(org, api):
    assert (
        api(org.olivia).patch(f"/workspaces/{org.launch.pk}", {"archived": True}).json()["archived"]
    )
    r = api(org.fred).post(
        f"/key-results/{org.key_result.pk}/check-ins", {"value": 1, "confidence": 5}
    )
    assert r.status_code == 409 and "archived" in r.json()["detail"]
    assert (
        api(org.olivia)
        .patch(f"/workspaces/{org.launch.pk}", {"archived": False})
        .json()["archived"]
        is False
    )


def test_last_owner_cannot_leave_or_step_down(org, api):
    client = api(org.olivia)
    r = client.delete(f"/workspaces/{org.merger.pk}/members/olivia")
    assert r.status_code == 409 and "last owner" in r.json()["detail"]
    r = client.post(
        f"/workspaces/{org.merger.pk}/members", {"username": "olivia", "role": "member"}
    )
    assert r.status_code == 409
    client.post(f"/workspaces/{org.merger.pk}/members", {"username": "fred", "role": "owner"})
    assert client.delete(f"/workspaces/{org.merger.pk}/members/olivia").status_code == 204


def test_members_leave_and_owners_remove(org, api):
    assert api(org.mia).delete(f"/workspaces/{org.launch.pk}/members/mia").status_code == 204
    assert api(org.mia).delete(f"/workspaces/{org.launch.pk}/members/fred").status_code == 403
    assert api(org.olivia).delete(f"/workspaces/{org.launch.pk}/members/fred").status_code == 204


def test_invalid_inputs_are_problems(org, api):
    client = api(org.olivia)
    assert (
        client.post(
            "/workspaces", {"name": "x", "purpose": "y", "visibility": "hidden"}
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"/key-results/{org.key_result.pk}/check-ins", {"value": 1, "confidence": 11}
        ).status_code
        == 422
    )
    assert (
        client.post(f"/workspaces/{org.launch.pk}/members", {"username": "ghost"}).status_code
        == 404  # names nobody
    )
    r = client.post(
        f"/workspaces/{org.launch.pk}/objectives",
        {
            "title": "Backwards",
            "start": "2026-06-30",
            "end": "2026-01-01",
            "key_results": [{"metric_name": "m", "baseline": 1, "target": 2, "due": "2026-06-30"}],
        },
    )
    assert r.status_code == 422 and "end" in r.json()["errors"]
    assert client.get("/workspaces/999999").status_code == 404
    assert (
        client.patch(f"/workspaces/{org.launch.pk}", {"target_on_topic_share": 1.5}).status_code
        == 422
    )


def test_the_objectives_owner_checks_in_though_only_a_member(org, api):
    # given an objective Mia owns, though she is only a member of the workspace
    today = date.today()
    r = api(org.olivia).post(
        f"/workspaces/{org.launch.pk}/objectives",
        {
            "title": "Referrals",
            "owner": "mia",
            "start": str(today - timedelta(days=7)),
            "end": str(today + timedelta(days=30)),
            "key_results": [
                {"metric_name": "Referrals", "baseline": 0, "target": 5, "due": str(today)}
            ],
        },
    )
    assert r.status_code == 201, r.content
    kr = r.json()["key_results"][0]["id"]
    # then she checks in on its key result, and not on another objective's
    mia = api(org.mia)
    assert (
        mia.post(f"/key-results/{kr}/check-ins", {"value": 1, "confidence": 5}).status_code == 201
    )
    r = mia.post(f"/key-results/{org.key_result.pk}/check-ins", {"value": 1, "confidence": 5})
    assert r.status_code == 403 and "objective's owner" in r.json()["detail"]


def _objective(kr_owner, today):
    return {
        "title": "Referrals",
        "start": str(today - timedelta(days=7)),
        "end": str(today + timedelta(days=30)),
        "key_results": [
            {
                "metric_name": "Referrals",
                "baseline": 0,
                "target": 5,
                "due": str(today),
                "owner": kr_owner,
            }
        ],
    }


def test_the_key_results_owner_checks_in_though_only_a_member(org, api):
    # given a key result Mia owns, on an objective Olivia owns; Otto joins as a plain member
    r = api(org.olivia).post(
        f"/workspaces/{org.launch.pk}/objectives", _objective("mia", date.today())
    )
    assert r.status_code == 201, r.content
    kr = r.json()["key_results"][0]
    assert kr["owner"] == "mia" and r.json()["owner"] == "olivia"
    assert api(org.otto).post(f"/workspaces/{org.launch.pk}/members", {}).status_code == 201
    # then Mia checks in on it, Otto may not, and neither may Mia on a key result she does not own
    check_in = {"value": 1, "confidence": 5}
    assert api(org.mia).post(f"/key-results/{kr['id']}/check-ins", check_in).status_code == 201
    r = api(org.otto).post(f"/key-results/{kr['id']}/check-ins", check_in)
    assert r.status_code == 403 and "key result's owner" in r.json()["detail"]
    r = api(org.mia).post(f"/key-results/{org.key_result.pk}/check-ins", check_in)
    assert r.status_code == 403
    listed = api(org.otto).get(f"/workspaces/{org.launch.pk}/objectives").json()["items"]
    owners = {k["metric_name"]: k["owner"] for o in listed for k in o["key_results"]}
    assert owners["Referrals"] == "mia" and None in owners.values()


@pytest.mark.parametrize(
    ("owner", "status", "message"),
    [
        ("nobody", 404, "No person with username 'nobody'."),
        ("otto", 409, "'otto' is not a member of 'Launch'."),
        ("ada", 409, "'ada' is not a member of 'Launch'."),
        ("mia\x00", 422, None),
    ],
)
def test_a_key_result_owner_who_is_no_member_is_refused_and_nothing_written(
    org, api, owner, status, message
):
    before = api(org.olivia).get(f"/workspaces/{org.launch.pk}/objectives").json()["items"]
    r = api(org.olivia).post(
        f"/workspaces/{org.launch.pk}/objectives", _objective(owner, date.today())
    )
    assert r.status_code == status, r.content
    if message is not None:
        assert r.json()["errors"] == {"key_results.0.owner": [message]}
    after = api(org.olivia).get(f"/workspaces/{org.launch.pk}/objectives").json()["items"]
    assert after == before


def test_a_requested_membership_does_not_make_a_key_result_owner(org, api):
    # Otto asked to join the private Finance workspace; not yet approved
    assert api(org.otto).post(f"/workspaces/{org.finance.pk}/members", {}).status_code == 201
    r = api(org.olivia).post(
        f"/workspaces/{org.finance.pk}/objectives", _objective("otto", date.today())
    )
    assert r.status_code == 409
    assert r.json()["errors"] == {"key_results.0.owner": ["'otto' is not a member of 'Finance'."]}
