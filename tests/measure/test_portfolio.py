"""The organisation's portfolio (`/org`, `GET /api/v1/org/portfolio`) and the value assumptions
(`/org/value-assumptions`, `GET/PUT /api/v1/org/value-assumptions`), from the caller's side."""

from __future__ import annotations

import re

import pytest

from lumoflow.activity.models import ActivityEvent
from lumoflow.measure.models import RefreshState
from lumoflow.measure.queries import get_workspace_metrics_for
from lumoflow.people import actions as people
from lumoflow.workspaces import actions as ws

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


@pytest.fixture
def stored(busy):
    """`busy` with Launch's and Finance's metrics stored, an executive (Mia) and a public
    workspace with nothing stored (Quiet)."""
    for space in (busy.launch, busy.finance):
        get_workspace_metrics_for(busy.ada, space.pk)
    people.grant_capability(busy.ada, "mia", "executive")
    busy.quiet = ws.create_workspace(busy.fred, name="Quiet", purpose="Nothing yet.")
    return busy


def _items(r):
    assert r.status_code == 200, r.content[:500]
    return {i["name"]: i for i in r.json()["items"]}


def test_an_executive_reads_every_workspace_that_is_not_secret_with_its_figures(stored, api):
    # when
    items = _items(api(stored.mia).get("/org/portfolio"))
    # then
    assert set(items) == {"Launch", "Finance", "Quiet"}  # never the secret Merger
    launch = items["Launch"]
    assert launch["verdict"] in ("fading", "inconclusive", "growing", "stable", "too_little_data")
    assert launch["owner"] == "olivia" and launch["department"] == "Product/Platform"
    assert launch["sponsor"] == "olivia"  # the owner of its objective
    assert launch["objective_progress"] == 0.0
    assert len(launch["weekly"]) == 12
    assert (
        launch["value_cost"]["low"] <= launch["value_cost"]["base"] <= launch["value_cost"]["high"]
    )
    assert items["Quiet"]["verdict"] == "not_measured" and items["Quiet"]["weekly"] == []
    # nothing is computed in the request: Quiet's refresh is asked for instead
    assert RefreshState.objects.get(scope=stored.quiet.pk).due_at is not None
    ranks = [i["rank"] for i in items.values()]
    assert sorted(ranks) == [1, 2, 3] and items["Quiet"]["rank"] == 3


@pytest.mark.parametrize("who", ["olivia", "fred", "otto"])
def test_non_executives_get_403_on_the_api_and_the_pages(stored, api, browser_client, who):
    person = getattr(stored, who)
    r = api(person).get("/org/portfolio")
    assert r.status_code == 403 and r["Content-Type"] == PROBLEM
    assert api(person).get("/org/value-assumptions").status_code == 403
    assert browser_client(person).get("/org").status_code == 403
    assert browser_client(person).get("/org/value-assumptions").status_code == 403


def test_anonymous_gets_401(stored, api):
    assert api(None).get("/org/portfolio").status_code == 401


def test_a_workspace_its_owners_exclude_is_listed_with_no_figures(stored, api):
    # when the owner excludes Finance
    r = api(stored.olivia).patch(
        f"/workspaces/{stored.finance.pk}", {"excluded_from_org_analytics": True}
    )
    assert r.status_code == 200 and r.json()["excluded_from_org_analytics"] is True
    # then
    items = _items(api(stored.mia).get("/org/portfolio"))
    finance = items["Finance"]
    assert finance["verdict"] == "excluded" and finance["rank"] == 3
    assert finance["weekly"] == [] and finance["value_cost"] is None
    assert finance["objective_progress"] is None and finance["weekly_active"] is None
    only = _items(api(stored.mia).get("/org/portfolio", verdict="excluded"))
    assert set(only) == {"Finance"}
    assert ActivityEvent.objects.filter(
        workspace=stored.finance, data__fields=["excluded_from_org_analytics"]
    ).exists()
    # only owners may
    r = api(stored.fred).patch(
        f"/workspaces/{stored.launch.pk}", {"excluded_from_org_analytics": True}
    )
    assert r.status_code == 403


def test_filters_and_sorts(stored, api):
    client = api(stored.mia)
    by_name = client.get("/org/portfolio", sort="name", order="desc").json()["items"]
    assert [i["name"] for i in by_name] == ["Quiet", "Launch", "Finance"]
    fred = _items(client.get("/org/portfolio", sponsor="olivia"))
    assert set(fred) == {"Launch"}
    product = _items(client.get("/org/portfolio", department="Product"))
    assert set(product) == {"Launch", "Finance", "Quiet"}
    assert _items(client.get("/org/portfolio", department="Sales")) == {}
    r = client.get("/org/portfolio", sort="gossip")
    assert r.status_code == 422 and r["Content-Type"] == PROBLEM


def test_every_value_changes_with_the_assumptions(stored, api):
    # given
    before = _items(api(stored.mia).get("/org/portfolio"))["Launch"]
    body = {
        "minutes_per_answered_question": [20, 60, 120],
        "minutes_per_reuse": [10, 30, 60],
        "hourly_cost": 120,
        "currency": "USD",
    }
    # when an administrator doubles every assumption
    r = api(stored.ada).put("/org/value-assumptions", body)
    assert r.status_code == 200, r.content
    # then every figure doubles twice over (minutes and cost), at once
    after = api(stored.mia).get("/org/portfolio").json()
    launch = next(i for i in after["items"] if i["name"] == "Launch")
    for level in ("low", "base", "high"):
        assert launch["value_hours"][level] == pytest.approx(2 * before["value_hours"][level])
        assert launch["value_cost"][level] == pytest.approx(4 * before["value_cost"][level])
    assert after["assumptions"]["currency"] == "USD"
    assert api(stored.mia).get("/org/value-assumptions").json() == body | {
        "minutes_per_answered_question": [20.0, 60.0, 120.0],
        "minutes_per_reuse": [10.0, 30.0, 60.0],
        "hourly_cost": 120.0,
    }
    assert ActivityEvent.objects.filter(data__change="value assumptions updated").count() == 1


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"minutes_per_answered_question": [-5, 30, 60]}, "minutes_per_answered_question", "-5"),
        ({"minutes_per_reuse": [30, 15, 60]}, "minutes_per_reuse", "low ≤ base ≤ high"),
        ({"hourly_cost": 1_000_000}, "hourly_cost", "between 1 and 1000"),
    ],
)
def test_assumptions_out_of_range_are_refused_and_nothing_changes(
    stored, api, change, field, words
):
    body = {
        "minutes_per_answered_question": [10, 30, 60],
        "minutes_per_reuse": [5, 15, 30],
        "hourly_cost": 60,
        "currency": "EUR",
    } | change
    r = api(stored.ada).put("/org/value-assumptions", body)
    assert r.status_code == 422 and r["Content-Type"] == PROBLEM
    assert words in " ".join(r.json()["errors"][field])
    assert not ActivityEvent.objects.filter(data__change="value assumptions updated").exists()


def test_only_administrators_change_the_assumptions(stored, api, browser_client):
    body = {
        "minutes_per_answered_question": [10, 30, 60],
        "minutes_per_reuse": [5, 15, 30],
        "hourly_cost": 60,
        "currency": "EUR",
    }
    assert api(stored.mia).put("/org/value-assumptions", body).status_code == 403
    r = browser_client(stored.mia).post("/org/value-assumptions", {"hourly_cost": 1})
    assert r.status_code == 403


def test_the_portfolio_page_ranks_links_sorts_and_filters_without_javascript(
    stored, browser_client
):
    c = browser_client(stored.mia)
    # when
    page = c.get("/org")
    # then
    assert page.status_code == 200
    html = page.content.decode()
    assert "Launch" in html and "Finance" in html and "Merger" not in html
    assert f'href="/workspaces/{stored.launch.pk}/health"' in html
    assert 'href="?sort=name&amp;order=asc"' in html
    assert "Not measured yet" in html
    only = c.get("/org", {"verdict": "not_measured"}).content.decode()
    assert "Quiet" in only and f"/workspaces/{stored.launch.pk}/health" not in only
    assert c.get("/org", {"sort": "gossip"}).status_code == 400


def test_each_row_draws_its_sparkline_as_a_small_named_svg_without_a_chart_spec(
    stored, browser_client
):
    # when
    html = browser_client(stored.mia).get("/org").content.decode()
    # then the measured rows carry a static line named by its sentence, and no interactive chart
    sparks = re.findall(r'<svg class="sparkline" role="img" aria-label="([^"]*)".*?</svg>', html)
    assert sparks and all("people active per week over" in name for name in sparks)
    assert any(name.startswith("Launch: people active per week") for name in sparks)
    assert all(len(s) < 1500 for s in re.findall(r'<svg class="sparkline".*?</svg>', html))
    assert 'data-chart="' not in html.split("<tbody", 1)[1].split("</tbody>", 1)[0]


def test_administrators_edit_the_assumptions_on_the_settings_page(stored, browser_client):
    c = browser_client(stored.ada)
    form = {
        "answered_low": 10,
        "answered_base": 30,
        "answered_high": 60,
        "reuse_low": 5,
        "reuse_base": 15,
        "reuse_high": 30,
        "hourly_cost": 90,
        "currency": "EUR",
    }
    r = c.post("/org/value-assumptions", form)
    assert r.status_code == 302
    assert "EUR 90" in c.get("/org").content.decode()
    r = c.post("/org/value-assumptions", form | {"hourly_cost": -3})
    assert r.status_code == 400 and "out of range" in r.content.decode()


def test_owners_exclude_a_workspace_in_its_settings_page(stored, browser_client):
    # given
    c = browser_client(stored.olivia)
    about = {"form": "about", "name": "Launch", "purpose": "Ship it.", "visibility": "public"}
    # when
    r = c.post(
        f"/workspaces/{stored.launch.pk}/settings", about | {"excluded_from_org_analytics": "on"}
    )
    # then
    assert r.status_code == 302
    stored.launch.refresh_from_db()
    assert stored.launch.excluded_from_org_analytics
    page = c.get(f"/workspaces/{stored.launch.pk}/settings").content.decode()
    assert "Exclude from organisation analytics" in page
    c.post(f"/workspaces/{stored.launch.pk}/settings", about)
    stored.launch.refresh_from_db()
    assert not stored.launch.excluded_from_org_analytics
