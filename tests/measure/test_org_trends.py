"""Company trends (`/org/trends`, `GET /api/v1/org/trends`) from the store: the organisation's
weekly series and the workspaces that moved most; executives only; hidden weeks stay hidden,
secret workspaces appear nowhere."""

from __future__ import annotations

import datetime as dt

import pytest

from lumoflow.analytics.targets import complete_weeks
from lumoflow.measure.portfolio import Figures, stored_figures
from lumoflow.measure.queries import get_workspace_metrics_for
from lumoflow.measure.trends import mover_of
from lumoflow.people import actions as people
from tests.conftest import make_person

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def _active_space(name, people_by_week, *, visibility="public"):
    """A workspace created at the start of the last `len(people_by_week)` complete weeks whose
    owner and members post: `people_by_week[i]` people (the owner among them) in the i-th week,
    oldest first."""
    from lumoflow.conversation import actions as conv
    from lumoflow.workspaces import actions as ws

    mondays = complete_weeks(dt.datetime.now(dt.UTC).date(), len(people_by_week))
    start = dt.datetime.combine(mondays[0], dt.time(8), dt.UTC)
    crowd = [make_person(f"{name.lower()}{i}") for i in range(max(people_by_week))]
    space = ws.create_workspace(
        crowd[0], name=name, purpose="Try the new line.", visibility=visibility, at=start
    )
    for p in crowd[1:]:
        ws.add_member(crowd[0], space.pk, username=p.username, at=start)
    for monday, n in zip(mondays, people_by_week, strict=True):
        at = dt.datetime.combine(monday, dt.time(9), dt.UTC)
        for i, p in enumerate(crowd[:n]):
            conv.create_post(
                p, space.pk, kind="update", body=f"Notes for the week, part {i}.", at=at
            )
    return space, crowd[0]


@pytest.fixture
def moving(busy):
    """`busy` plus Pilot (public), whose posters fell from 12 to 6 a week over the last four
    complete weeks, and the secret Skunkworks, whose posters rose from 6 to 12; every
    workspace's metrics stored, and Mia an executive. (Every weekly figure is 0 or at least the
    threshold of 5 people, new, retained and churned people too, so no week is hidden.)"""
    busy.pilot, busy.pilot_owner = _active_space("Pilot", [12, 12, 6, 6])
    busy.skunk, busy.skunk_owner = _active_space("Skunkworks", [6, 6, 12, 12], visibility="secret")
    for space in (busy.launch, busy.finance, busy.pilot):
        get_workspace_metrics_for(busy.ada, space.pk)
    get_workspace_metrics_for(busy.skunk_owner, busy.skunk.pk)
    people.grant_capability(busy.ada, "mia", "executive")
    return busy


def test_an_executive_reads_the_organisations_weeks_and_the_workspaces_that_moved(moving, api):
    # when
    r = api(moving.mia).get("/org/trends", weeks=12, window=2)
    # then
    assert r.status_code == 200, r.content[:500]
    body = r.json()
    assert body["weeks"] == 12 and body["window"] == 2
    for key in ("participation", "responsiveness", "relevance"):
        assert len(body[key]) == 12, key
    shown = [w["value"] for w in body["participation"] if not w["suppressed"]]
    assert shown and all(0 <= v <= 1 for v in shown if v is not None)
    assert all(w["value"] is None for w in body["participation"] if w["suppressed"])
    # Pilot fell from 12 to 6; the secret Skunkworks rose (as its own figures say) but is never
    # shown
    assert [m["name"] for m in body["falling"]] == ["Pilot"]
    (pilot,) = body["falling"]
    assert (pilot["before"], pilot["after"], pilot["change"]) == (12, 6, -6)
    assert pilot["relative"] == pytest.approx(-0.5)
    assert body["rising"] == []
    assert "Skunkworks" not in r.content.decode()
    skunk = stored_figures([moving.skunk])[moving.skunk.pk]
    assert mover_of(moving.skunk.pk, "Skunkworks", skunk, 2).change == 6
    assert body["compared"] + body["not_compared"] == 3  # Launch, Finance, Pilot


def test_the_page_draws_the_three_series_and_names_the_movers(moving, browser_client):
    r = browser_client(moving.mia).get("/org/trends?window=2")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Share of the organisation&#x27;s people active each week" in html or (
        "Share of the organisation's people active each week" in html
    )
    assert "Share of posts on topic, each week" in html
    assert "<svg" in html  # drawn without JavaScript too
    assert "Pilot" in html and "Skunkworks" not in html
    # the portfolio links to it
    assert "/org/trends" in browser_client(moving.mia).get("/org").content.decode()


@pytest.mark.parametrize("who", ["olivia", "fred", "otto"])
def test_non_executives_get_403(moving, api, browser_client, who):
    person = getattr(moving, who)
    r = api(person).get("/org/trends")
    assert r.status_code == 403 and r["Content-Type"] == PROBLEM
    assert browser_client(person).get("/org/trends").status_code == 403


def test_anonymous_gets_401(moving, api):
    assert api(None).get("/org/trends").status_code == 401


@pytest.mark.parametrize(
    "params", [{"weeks": 3}, {"weeks": 53}, {"window": 0}, {"window": 7}, {"weeks": "many"}]
)
def test_weeks_or_a_window_out_of_range_are_refused(moving, api, browser_client, params):
    r = api(moving.mia).get("/org/trends", **params)
    assert r.status_code == 422 and r["Content-Type"] == PROBLEM
    assert browser_client(moving.mia).get("/org/trends", params).status_code == 400


def test_a_workspace_excluded_by_its_owners_is_not_compared(moving, api):
    from lumoflow.workspaces import actions as ws

    ws.update_workspace(moving.pilot_owner, moving.pilot.pk, excluded_from_org_analytics=True)
    body = api(moving.mia).get("/org/trends", window=2).json()
    assert body["falling"] == [] and body["compared"] + body["not_compared"] == 2


def _figures(weekly):
    at = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    return Figures("stable", "", 0.0, (), None, tuple(weekly), None, None, 5, at)


def test_a_mover_compares_the_last_weeks_with_the_weeks_before():
    weeks = [(f"w{i}", v, False) for i, v in enumerate([9, 9, 6, 6, 10, 12])]
    m = mover_of(1, "A", _figures(weeks), 2)
    assert m is not None and (m.before, m.after, m.change) == (6, 11, 5)
    assert m.relative == pytest.approx(5 / 6, abs=1e-4)


def test_a_hidden_or_unknown_week_in_either_stretch_is_not_compared():
    hidden = [("a", 6, False), ("b", None, True), ("c", 7, False), ("d", 8, False)]
    unknown = [("a", 6, False), ("b", None, False), ("c", 7, False), ("d", 8, False)]
    assert mover_of(1, "A", _figures(hidden), 2) is None
    assert mover_of(1, "A", _figures(unknown), 2) is None
    assert mover_of(1, "A", _figures(hidden), 1) is not None  # only the last two weeks
    too_few = Figures("", "Too few people.", 0.0, (), None, (), None, None, 5, dt.datetime.now())
    assert mover_of(1, "A", too_few, 1) is None
