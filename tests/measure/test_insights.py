"""Personal insights, from the page and the API: one's own figures only, bad periods refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from lumoflow.conversation import actions
from lumoflow.people import actions as people
from tests.conftest import Org

KILN = "How hot should the kiln run for glazed porcelain?"


@pytest.fixture
def talk(org: Org) -> dict[str, Any]:
    """Mia asked three questions in Launch: a kiln question Fred answered after 2 h (Olivia 30
    min later), one nobody answered, and yesterday another kiln question; Fred reacted to it."""
    now = datetime.now(UTC).replace(microsecond=0)
    t0 = now - timedelta(days=20)
    kiln = actions.create_post(
        org.mia, org.launch.pk, kind="question", body="Which kiln setting for porcelain?", at=t0
    )
    actions.create_reply(
        org.fred, kiln.pk, body="1240 °C for porcelain.", at=t0 + timedelta(hours=2)
    )
    actions.create_reply(
        org.olivia, kiln.pk, body="Ask the plant too.", at=t0 + timedelta(hours=2, minutes=30)
    )
    actions.create_post(org.mia, org.launch.pk, kind="question", body="Lunch plans?", at=t0)
    open_q = actions.create_post(
        org.mia, org.launch.pk, kind="question", body=KILN, at=now - timedelta(days=1)
    )
    actions.add_reaction(org.fred, open_q.pk, emoji="👀")
    return {"kiln": kiln, "open": open_q, "t0": t0}


def test_the_api_gives_my_own_figures(org: Org, talk: dict[str, Any], api: Any) -> None:
    # when Fred and Mia ask for their insights
    fred = api(org.fred).get("/me/insights").json()
    mia = api(org.mia).get("/me/insights").json()
    # then each sees their own activity
    assert mia["total"]["posts"] == 3 and mia["total"]["replies"] == 0
    assert fred["total"] == {"posts": 0, "replies": 1, "reactions": 1}
    assert sum(w["posts"] for w in mia["weekly"]) == 3
    # Mia's questions: one of three got a reply from someone else, first after 2 h
    assert mia["questions"] == {"count": 3, "replied": 1, "median_hours": 2.0, "first": None}
    # Fred's answers: one question, 2 h after it was asked, and he was first
    assert fred["answers"] == {"count": 1, "replied": 1, "median_hours": 2.0, "first": 1}
    olivia = api(org.olivia).get("/me/insights").json()
    assert olivia["answers"]["first"] == 0 and olivia["answers"]["median_hours"] == 2.5
    # Launch is where both take part most
    assert [w["name"] for w in fred["most_active"]] == ["Launch"]
    assert [w["name"] for w in mia["most_active"]] == ["Launch"]
    assert [w["name"] for w in mia["least_active"]] == ["Finance"]


def test_questions_waiting_for_someone_like_me(org: Org, talk: dict[str, Any], api: Any) -> None:
    # when
    fred = api(org.fred).get("/me/insights").json()
    mia = api(org.mia).get("/me/insights").json()
    otto = api(org.otto).get("/me/insights").json()
    # then Fred, who answered a kiln question, sees Mia's new one with the shared terms
    (waiting,) = fred["waiting"]
    assert waiting["post_id"] == talk["open"].pk and waiting["workspace"] == "Launch"
    assert waiting["answered"] == 1 and {"kiln", "porcelain"} <= set(waiting["terms"])
    assert waiting["asker"]["username"] == "mia"
    # Mia asked it herself; Otto is in no workspace and answered nothing
    assert mia["waiting"] == [] and otto["waiting"] == []


def test_a_question_in_a_workspace_i_left_is_not_waiting_for_me(
    org: Org, talk: dict[str, Any], api: Any
) -> None:
    from lumoflow.workspaces import actions as ws

    ws.remove_member(org.fred, org.launch.pk, username="fred")
    assert api(org.fred).get("/me/insights").json()["waiting"] == []


def test_the_page_shows_my_insights(org: Org, talk: dict[str, Any], browser_client: Any) -> None:
    # when
    r = browser_client(org.fred).get("/me/insights")
    # then
    assert r.status_code == 200
    html = r.content.decode()
    assert "Your insights" in html and "Only you see this page." in html
    assert "Questions waiting for someone like you" in html
    assert KILN[:40] in html
    assert "You replied to 1 question of others, and were the first to reply to 1." in html
    assert 'aria-current="page">Insights' in html
    assert 'href="/org"' not in html  # the portfolio's way in is for executives only


def test_an_executive_finds_the_portfolio_from_insights(
    org: Org, talk: dict[str, Any], browser_client: Any
) -> None:
    # given Mia holds the executive capability
    people.grant_capability(org.ada, "mia", "executive")
    # when she opens her insights
    html = browser_client(org.mia).get("/me/insights").content.decode()
    # then they lead to the organisation's portfolio, which opens for her
    assert '<a href="/org">Organisation portfolio</a>' in html
    assert browser_client(org.mia).get("/org").status_code == 200


def test_nobody_signed_in_gets_no_insights(api: Any, client: Any, db: Any) -> None:
    r = api(None).get("/me/insights")
    assert r.status_code == 401
    assert r["Content-Type"] == "application/problem+json"
    page = client.get("/me/insights")
    assert page.status_code == 302 and "login" in page["Location"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-03-01", "to": "2026-02-01"}, "from"),
        ({"from": "2020-01-01", "to": "2024-01-01"}, "from"),
        ({"to": (date.today() + timedelta(days=3)).isoformat()}, "to"),
    ],
)
def test_a_period_that_cannot_be_measured_is_refused(
    org: Org, api: Any, browser_client: Any, params: dict[str, str], field: str
) -> None:
    # when
    r = api(org.mia).get("/me/insights", **params)
    page = browser_client(org.mia).get("/me/insights", params)
    # then a problem naming the field, and a page saying what is wrong
    assert r.status_code == 422, r.content
    assert r["Content-Type"] == "application/problem+json"
    assert field in r.json()["errors"]
    assert page.status_code == 400
    assert 'role="alert"' in page.content.decode()


@pytest.mark.parametrize("value", ["2026-13-01", "yesterday", "0"])
def test_a_date_that_is_not_a_date_is_refused(
    org: Org, api: Any, browser_client: Any, value: str
) -> None:
    r = api(org.mia).get("/me/insights", **{"from": value})
    assert r.status_code == 422 and r["Content-Type"] == "application/problem+json"
    page = browser_client(org.mia).get("/me/insights", {"from": value})
    assert page.status_code == 400
    assert "From: Enter a valid date." in page.content.decode()


def test_an_explicit_period_is_measured(org: Org, talk: dict[str, Any], api: Any) -> None:
    day = talk["t0"].date()
    r = api(org.mia).get("/me/insights", **{"from": day.isoformat(), "to": day.isoformat()})
    assert r.status_code == 200
    body = r.json()
    assert (body["start"], body["end"]) == (day.isoformat(), day.isoformat())
    assert body["total"]["posts"] == 2 and body["questions"]["count"] == 2


def test_a_question_in_an_archived_workspace_is_not_waiting(
    org: Org, talk: dict[str, Any], api: Any
) -> None:
    from lumoflow.workspaces import actions as ws

    ws.archive_workspace(org.olivia, org.launch.pk)
    assert api(org.fred).get("/me/insights").json()["waiting"] == []
