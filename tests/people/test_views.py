"""Signing in, the profile page and tokens, through the web pages and the API."""

from __future__ import annotations

from django.test import Client

from tests.conftest import PASSWORD


def test_sign_in_with_username_or_email(org):
    for login in ("mia", "MIA@example.com"):
        c = Client()
        r = c.post("/login", {"username": login, "password": PASSWORD})
        assert r.status_code == 302, login
        assert c.get("/api/v1/me").json()["username"] == "mia"


def test_wrong_password_shows_an_error_and_keeps_the_login(org):
    r = Client().post("/login", {"username": "mia", "password": "nope"})
    assert r.status_code == 200
    assert b"Please enter a correct" in r.content and b'value="mia"' in r.content


def test_login_is_throttled_after_repeated_failures(org, settings):
    c = Client()
    for _ in range(settings.LUMOFLOW_LOGIN_FAILURE_LIMIT):
        c.post("/login", {"username": "mia", "password": "nope"})
    r = c.post("/login", {"username": "mia", "password": PASSWORD})
    assert r.status_code == 429
    assert b"Too many failed sign-ins" in r.content


def test_sign_out(org, browser_client):
    c = browser_client(org.mia)
    assert c.post("/logout").status_code == 302
    assert c.get("/api/v1/me").status_code == 401


def test_profile_edit_saves_and_records_event(org, browser_client):
    c = browser_client(org.mia)
    r = c.post(
        "/profile",
        {
            "display_name": "Mia Berg",
            "title": "Account lead",
            "department": "Product/Platform",
            "manager": "olivia",
            "location": "Oslo",
            "time_zone": "Europe/Oslo",
        },
    )
    assert r.status_code == 302
    me = c.get("/api/v1/me").json()
    assert me["name"] == "Mia Berg" and me["department"] == "Product/Platform"
    assert me["manager"] == "olivia" and me["time_zone"] == "Europe/Oslo"
    assert org.mia.activity.filter(verb="profile").exists()


def test_profile_errors_keep_what_was_typed(org, browser_client):
    c = browser_client(org.olivia)
    r = c.post(
        "/profile",
        {
            "display_name": "Olivia Typed",
            "department": "Product//X",
            "manager": "fred",
            "time_zone": "",
        },
    )
    assert r.status_code == 200
    assert b"not one of the departments" in r.content
    assert b"Olivia Typed" in r.content


def test_manager_cycle_is_refused(org, api):
    # fred's manager is olivia; olivia may not take fred as manager
    r = api(org.olivia).patch("/me", {"manager": "fred"})
    assert r.status_code == 409  # the tree as it stands refuses it
    assert "cycle" in r.json()["detail"]


def test_invalid_time_zone_in_api_is_422(org, api):
    r = api(org.mia).patch("/me", {"time_zone": "Mars/Base"})
    assert r.status_code == 422 and "time_zone" in r.json()["errors"]


def test_over_long_title_is_refused(org, api):
    r = api(org.mia).patch("/me", {"title": "t" * 151})
    assert r.status_code == 422 and "title" in r.json()["errors"]


def test_token_made_on_profile_page_works_and_revoking_it_stops_it(org, browser_client):
    c = browser_client(org.mia)
    c.post("/profile/tokens", {"name": "script"})
    page = c.get("/profile")
    raw = page.context["new_token"]
    assert raw and raw.encode() in page.content
    assert c.get("/profile").context["new_token"] is None  # shown once
    bearer = Client(headers={"Authorization": f"Bearer {raw}"})
    assert bearer.get("/api/v1/me").json()["username"] == "mia"
    token = org.mia.api_tokens.get()
    assert token.digest != raw and raw not in token.digest  # stored hashed
    c.post(f"/profile/tokens/{token.pk}/revoke")
    r = bearer.get("/api/v1/me")
    assert r.status_code == 401 and r["Content-Type"] == "application/problem+json"


def test_people_directory_and_departments(org, api, browser_client):
    body = api(org.mia).get("/people", department="Product").json()
    assert [p["username"] for p in body["items"]] == ["fred", "olivia"]
    depts = {d["path"]: d["people"] for d in api(org.mia).get("/departments").json()["items"]}
    assert depts["Product/Platform"] == 2 and depts["Sales/Nordics"] == 1
    page = browser_client(org.mia).get("/people?q=oli")
    assert page.status_code == 200 and b"Olivia" in page.content and b"Otto" not in page.content


def test_list_limits_and_cursor(org, api):
    client = api(org.mia)
    first = client.get("/people", limit=2).json()
    assert len(first["items"]) == 2 and first["next"]
    second = client.get("/people", limit=2, cursor=first["next"]).json()
    assert {p["username"] for p in second["items"]}.isdisjoint(
        {p["username"] for p in first["items"]}
    )
    assert client.get("/people", limit=101).status_code == 422
    tampered = client.get("/people", cursor=first["next"][:-2] + "xx")
    # a cursor the API never gave out names no page
    assert tampered.status_code == 404 and "cursor" in tampered.json()["errors"]


def test_health_answers_when_the_database_does(db):
    r = Client().get("/healthz")
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_person_page_shows_reports_local_time_readable_workspaces_posts_and_follow(
    org, browser_client
):
    # given: Olivia posts in public Launch and in the private Finance, which Otto is not in
    from lumoflow.conversation import actions as conversation

    conversation.create_post(org.olivia, org.launch.pk, kind="update", body="Pilot signed today")
    conversation.create_post(org.olivia, org.finance.pk, kind="update", body="Budget is tight")
    client = browser_client(org.otto)
    # when: Otto opens Olivia's page
    page = client.get("/people/olivia").content.decode()
    # then: her report, her local time, what Otto may read, and a Follow button
    assert 'href="/people/fred"' in page and "Reports" in page
    assert "Local time" in page and "Europe/Oslo" in page
    assert f'href="/workspaces/{org.launch.pk}"' in page
    assert "Finance" not in page and "Merger" not in page
    assert "Pilot signed today" in page and "Budget is tight" not in page
    assert 'id="follow-person"' in page and ">Follow</button>" in page
    # when: he follows her without JavaScript
    response = client.post("/follow", {"username": "olivia", "next": "/people/olivia"})
    # then: he is back on her page, which now offers Unfollow
    assert response["Location"] == "/people/olivia"
    assert ">Unfollow</button>" in client.get("/people/olivia").content.decode()


def test_own_person_page_has_no_follow_button(org, browser_client):
    page = browser_client(org.olivia).get("/people/olivia").content.decode()
    assert 'id="follow-person"' not in page
