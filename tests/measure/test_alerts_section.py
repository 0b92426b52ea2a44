"""The health page's alerts section: owners and facilitators see the workspace's alerts, and
for one acted on, its metric before and after that day; members and outsiders see no section."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from lumoflow.measure.alerts import alerts_section_for
from lumoflow.notifications import actions as alerts
from lumoflow.notifications.models import Alert

pytestmark = pytest.mark.django_db

STEP = "Weekly active contributors fell from 16 to fewer than 5."


def data_with_weeks(values: list[int | None]) -> dict[str, Any]:
    """Fading, with weekly active people for the weeks up to this one (the last value)."""
    monday = timezone.now().date() - dt.timedelta(days=timezone.now().weekday())
    n = len(values)
    rows = [
        {
            "week": (monday - dt.timedelta(weeks=n - 1 - i)).isoformat(),
            "active": v,
            "suppressed": v is None,
        }
        for i, v in enumerate(values)
    ]
    return {
        "fading": {"verdict": "fading", "evidence": [{"sentence": STEP, "significant": True}]},
        "participation": {"weekly": rows},
        "privacy": {"min_group_size": 5},
    }


def test_acted_on_alert_shows_its_metric_before_and_after(org: Any) -> None:
    # given an alert raised from these metrics, and acted on today
    data = data_with_weeks([10, 14, 3, None, 20])
    alerts.raise_alerts(workspace_id=org.launch.pk, data=data)
    alert = Alert.objects.get(workspace=org.launch)
    alerts.mark_alert_acted_on(org.olivia, alert.pk, note="Pinned a question.")
    # when the owner's health page builds its alerts section
    (view,) = alerts_section_for(org.olivia, org.launch.pk, data) or []
    # then the series is split at today: 3 people and the hidden week count in neither mean
    assert view.metric == "Weekly active people"
    assert view.before is not None and view.after is not None
    assert (view.before.mean, view.after.mean) == ("12", "20")
    assert view.before.label.endswith("(4 weeks)") and view.after.label.endswith("(1 week)")
    assert view.chart is not None
    rows = view.chart["usermeta"]["table"]["rows"]
    assert [r[1] for r in rows] == ["10", "14", "fewer than 5 people", "fewer than 5 people", "20"]
    assert [r[2] for r in rows] == ["12", "12", "12", "12", "20"]
    html = render_to_string("notifications/_alerts_section.html", {"alerts": [view]})
    assert "Weekly active people before and after" in html and "Pinned a question." in html


def test_open_alert_links_to_its_form_and_others_see_no_section(org: Any) -> None:
    data = data_with_weeks([10, 12])
    alerts.raise_alerts(workspace_id=org.launch.pk, data=data)
    (view,) = alerts_section_for(org.fred, org.launch.pk, data) or []
    assert view.before is None and view.url == f"/alerts/{view.alert.pk}"
    html = render_to_string("notifications/_alerts_section.html", {"alerts": [view]})
    assert "Mark acted on" in html and STEP in html
    assert alerts_section_for(org.mia, org.launch.pk, data) is None  # a member
    assert alerts_section_for(org.otto, org.launch.pk, data) is None  # an outsider
    assert alerts_section_for(org.ada, org.launch.pk, data) is None  # an administrator
    empty = render_to_string("notifications/_alerts_section.html", {"alerts": []})
    assert "No alerts." in empty


def test_before_and_after_split_at_the_day_the_viewer_reads(org: Any) -> None:
    import time_machine

    # given an alert acted on at 23:30 UTC on a Sunday: already Monday in Oslo
    sunday_night = dt.datetime(2026, 11, 29, 23, 30, tzinfo=dt.UTC)
    with time_machine.travel(sunday_night, tick=False):
        data = data_with_weeks([10, 14, 12, 20])  # the last week began on Monday 23 November
        alerts.raise_alerts(workspace_id=org.launch.pk, data=data)
        alert = Alert.objects.get(workspace=org.launch)
        alerts.mark_alert_acted_on(org.olivia, alert.pk, note="Asked the sponsor.")
        # when the page is built in UTC and in Oslo
        with timezone.override("UTC"):
            (utc,) = alerts_section_for(org.olivia, org.launch.pk, data) or []
        with timezone.override("Europe/Oslo"):
            (oslo,) = alerts_section_for(org.olivia, org.launch.pk, data) or []
            html = render_to_string("notifications/_alerts_section.html", {"alerts": [oslo]})
    # then each splits at its own date, the one the page shows beside the alert
    assert utc.after is not None and utc.after.label == "From 29 November 2026 (1 week)"
    assert oslo.after is not None and oslo.after.label == "From 30 November 2026 (0 weeks)"
    assert oslo.before is not None and oslo.before.label.endswith("(4 weeks)")
    assert "Acted on</b> 30 November 2026" in html
