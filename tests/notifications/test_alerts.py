"""Alerts: raised from fresh metrics (the "metrics.refreshed" topic), one per open condition,
owners notified; read and marked acted on by owners and facilitators, through the API and the
page; members 403, anyone else (someone who left included) 404; bad notes refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from lumoflow.activity.models import ActivityEvent
from lumoflow.analytics.targets import complete_weeks
from lumoflow.notifications.models import Alert, Notification
from lumoflow.workspaces import actions as ws_actions

# Alerts are raised on commit: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

STEP = "Weekly active contributors fell from 16 to fewer than 5 in a step in the week of 27 July."


def fading(**extra: Any) -> dict[str, Any]:
    ev = {"test": "PELT changepoint", "significant": True, "sentence": STEP}
    return {
        "fading": {
            "verdict": "fading",
            "evidence": [ev],
            "trends": {"active_contributors": {"changepoint": "2026-07-27"}},
        },
        "responsiveness": {"unanswered_48h_share": 0.4},
        **extra,
    }


def stable() -> dict[str, Any]:
    return {"fading": {"verdict": "stable", "evidence": []}}


def missing_active_share() -> dict[str, Any]:
    """Weekly active share of 10% in the last four complete weeks (target 40%)."""
    today = timezone.now().date()
    rows = [
        {"week": w.isoformat(), "active_share": 0.1, "suppressed": False}
        for w in complete_weeks(today, 4)
    ]
    to = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), dt.UTC).isoformat()
    return {**stable(), "participation": {"weekly": rows}, "input": {"period": {"to": to}}}


def refresh(ws: Any, data: dict[str, Any] | None) -> None:
    """What measure does after storing a workspace's fresh metrics."""
    from lumoflow.core.oncommit import publish

    with transaction.atomic():
        publish("metrics.refreshed", workspace_id=ws.pk, data=data, computed_at=timezone.now())


def alerts_of(ws: Any) -> list[Alert]:
    return list(Alert.objects.filter(workspace=ws).order_by("id"))


def alert_notes(user: Any) -> list[int | None]:
    qs = Notification.objects.filter(recipient=user, type="alert").order_by("id")
    return list(qs.values_list("alert_id", flat=True))


def test_fading_raises_one_alert_and_notifies_the_owners(org: Any, api: Any) -> None:
    # when the metrics of Launch show it fading
    refresh(org.launch, fading())
    # then one alert says what changed, since when, and two or three suggested actions
    (alert,) = alerts_of(org.launch)
    assert (alert.kind, alert.metric, alert.since) == (
        "fading",
        "active_contributors",
        dt.date(2026, 7, 27),
    )
    assert alert.summary == f"Activity is fading. {STEP}"
    assert [a["kind"] for a in alert.actions] == ["ask_suggested_people", "route_open_questions"]
    assert all(a["evidence"].startswith("40% of questions") for a in alert.actions)
    # and only the owner is notified, in the API with no actor
    assert alert_notes(org.olivia) == [alert.pk]
    assert alert_notes(org.fred) == alert_notes(org.mia) == []
    (item,) = api(org.olivia).get("/notifications").json()["items"]
    assert item["alert_id"] == alert.pk and item["actor"] is None
    assert item["url"] == f"/alerts/{alert.pk}" and item["excerpt"].startswith("Activity is")


def test_no_duplicate_for_an_open_condition_and_a_new_one_when_it_comes_back(org: Any) -> None:
    refresh(org.launch, fading())
    refresh(org.launch, fading())  # still fading: the same open alert
    assert len(alerts_of(org.launch)) == 1
    assert len(alert_notes(org.olivia)) == 1
    refresh(org.launch, stable())  # no longer fading: closed
    (closed,) = alerts_of(org.launch)
    assert closed.closed_at is not None
    refresh(org.launch, fading())  # fading again: a new alert
    assert [a.closed_at is None for a in alerts_of(org.launch)] == [False, True]
    assert len(alert_notes(org.olivia)) == 2


def test_a_target_missed_two_weeks_running_raises_its_own_alert(org: Any) -> None:
    refresh(org.launch, missing_active_share())
    (alert,) = alerts_of(org.launch)
    assert (alert.kind, alert.metric) == ("target", "weekly_active_share")
    assert alert.summary == (
        "Weekly active members missed the target of 40% two weeks running (10% last week)."
    )
    assert alert.since == complete_weeks(timezone.now().date(), 4)[0]


def test_nothing_for_the_organisation_an_archived_workspace_or_a_muted_owner(
    org: Any, api: Any
) -> None:
    from lumoflow.core.oncommit import publish

    with transaction.atomic():
        publish("metrics.refreshed", workspace_id=None, data=fading(), computed_at=None)
    assert not Alert.objects.exists()
    ws_actions.archive_workspace(org.olivia, org.finance.pk)
    refresh(org.finance, fading())
    assert not Alert.objects.exists()
    olivia = api(org.olivia)
    olivia.client.put(
        "/api/v1/notifications/mutes",
        data='{"muted": ["alert"]}',
        content_type="application/json",
        headers=olivia.headers,
    )
    refresh(org.launch, fading())
    assert len(alerts_of(org.launch)) == 1 and alert_notes(org.olivia) == []


def test_who_reads_a_workspaces_alerts(org: Any, api: Any) -> None:
    refresh(org.launch, fading())
    path = f"/workspaces/{org.launch.pk}/alerts"
    # owners and facilitators read them
    got = api(org.olivia).get(path).json()
    assert [a["kind"] for a in got["items"]] == ["fading"] and got["next"] is None
    assert api(org.fred).get(path).status_code == 200
    # a member sees the workspace but lacks the role; an outsider, a stranger to a secret
    # workspace and an unknown workspace are not found
    assert api(org.mia).get(path).status_code == 403
    assert api(org.otto).get(path).status_code == 404
    assert api(org.otto).get(f"/workspaces/{org.merger.pk}/alerts").status_code == 404
    assert api(org.olivia).get("/workspaces/999999/alerts").status_code == 404
    assert api(org.olivia).get("/workspaces/abc/alerts").status_code in (404, 422)
    assert api(None).get(path).status_code == 401
    # a facilitator who left the workspace no longer sees them, nor their notifications
    ws_actions.remove_member(org.fred, org.launch.pk, username="fred")
    r = api(org.fred).get(path)
    assert r.status_code == 404 and r["Content-Type"] == "application/problem+json"
    assert api(org.olivia).get(path, open="true").json()["items"][0]["open"] is True


def test_mark_acted_on_and_the_bad_cases(org: Any, api: Any) -> None:
    refresh(org.launch, fading())
    (alert,) = alerts_of(org.launch)
    path = f"/alerts/{alert.pk}/acted-on"

    def events() -> int:
        return ActivityEvent.objects.filter(verb="workspace", object_type="alert").count()

    # bad notes: refused, nothing changed
    for body in ({}, {"note": ""}, {"note": "\u200b\u200b"}, {"note": "x" * 2001}):
        r = api(org.olivia).post(path, body)
        assert r.status_code == 422, (body, r.json())
        assert "note" in str(r.json().get("errors", r.json()))
    # members 403, outsiders and unknown alerts 404
    assert api(org.mia).post(path, {"note": "Done"}).status_code == 403
    assert api(org.otto).post(path, {"note": "Done"}).status_code == 404
    assert api(org.olivia).post("/alerts/999999/acted-on", {"note": "Done"}).status_code == 404
    assert events() == 0
    alert.refresh_from_db()
    assert alert.acted_on_at is None
    # when the owner marks it acted on
    r = api(org.olivia).post(path, {"note": "Asked Fred to answer the open questions."})
    # then it says so, and an activity event records it
    assert r.status_code == 200, r.json()
    got = r.json()
    assert got["acted_on_by"] == "olivia" and got["note"].startswith("Asked Fred")
    event = ActivityEvent.objects.latest("id")
    assert (event.verb, event.actor_id, event.workspace_id) == (
        "workspace",
        org.olivia.pk,
        org.launch.pk,
    )
    assert event.data["change"] == "alert acted on" and event.object_id == str(alert.pk)
    # and a second time is a conflict, nothing changed
    r = api(org.fred).post(path, {"note": "Me too"})
    assert r.status_code == 409 and "already" in r.json()["detail"]
    assert events() == 1


def test_the_alert_page_and_its_form(org: Any, browser_client: Any) -> None:
    refresh(org.launch, fading())
    (alert,) = alerts_of(org.launch)
    owner = browser_client(org.olivia)
    # the notifications list shows the alert, which leads to its page
    page = owner.get("/notifications").content.decode()
    assert "Launch" in page and "needs attention" in page and "Activity is fading" in page
    n = Notification.objects.get(recipient=org.olivia, alert=alert)
    assert owner.get(f"/notifications/{n.pk}")["Location"] == f"/alerts/{alert.pk}"
    page = owner.get(f"/alerts/{alert.pk}").content.decode()
    assert "Suggested actions" in page and "Because: 40% of questions" in page
    # members 403, outsiders 404
    assert browser_client(org.mia).get(f"/alerts/{alert.pk}").status_code == 403
    assert browser_client(org.otto).get(f"/alerts/{alert.pk}").status_code == 404
    # an empty note is refused with a field error, nothing changed
    r = owner.post(f"/alerts/{alert.pk}", {"note": "  "})
    assert r.status_code == 400 and "This field is required." in r.content.decode()
    alert.refresh_from_db()
    assert alert.acted_on_at is None
    # a note marks it acted on
    r = owner.post(f"/alerts/{alert.pk}", {"note": "Pinned a question about the launch date."})
    assert r.status_code == 302
    alert.refresh_from_db()
    assert alert.note == "Pinned a question about the launch date."
    page = owner.get(f"/alerts/{alert.pk}").content.decode()
    assert "Marked acted on" in page and "Mark acted on</button>" not in page
    assert "Weekly active people before and after" in page
