"""The alerts section of a workspace's health page: the workspace's alerts, and for each one
acted on, its metric before and after that day (the weekly series split at the day, with the
mean of each side), read from the metrics the page shows.

Alerts are the `notifications` app's (raised there from "metrics.refreshed"); this module only
puts them beside the metrics, which `notifications` may not import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from lumoflow.analytics.alerts import BeforeAfter, Week, before_after
from lumoflow.charts import numbers
from lumoflow.charts.weekly import weekly_chart
from lumoflow.core.errors import NotFound, PermissionDenied
from lumoflow.notifications import queries as alert_queries
from lumoflow.notifications.models import Alert
from lumoflow.people.models import Viewer

#: Alerts shown on the page (newest first); the API lists them all.
SHOWN = 10


@dataclass(frozen=True)
class Side:
    """One side of the split: its label and the mean of its shown weeks."""

    label: str
    mean: str


@dataclass(frozen=True)
class AlertView:
    alert: Alert
    url: str
    metric: str | None = None  # the metric's name, when acted on
    before: Side | None = None
    after: Side | None = None
    chart: dict[str, Any] | None = None  # the weekly series and the two means


#: How a series' unit reads in a chart.
CHART_KIND = {"people": "count", "share": "share", "hours": "hours"}


def before_after_chart(ba: BeforeAfter) -> dict[str, Any] | None:
    """The weekly series with the mean of each side drawn as a second line, stepping at the
    day's week; None when there are no weeks."""
    weeks = [*ba.before, *ba.after]
    if not weeks:
        return None
    points = [{"week": w.week.isoformat(), "value": w.value, "suppressed": w.hidden} for w in weeks]
    means = [
        {"week": w.week.isoformat(), "value": m, "suppressed": False}
        for side, m in ((ba.before, ba.mean_before), (ba.after, ba.mean_after))
        for w in side
    ]
    when = numbers.day(ba.day)
    return weekly_chart(
        points,
        title=f"{ba.series.label} before and after {when}",
        y_title=ba.series.label,
        kind=CHART_KIND[ba.series.unit],
        min_group_size=ba.min_group_size,
        compare=means,
        names=(ba.series.label.lower(), "mean before and after"),
        width="container",
    )


def _side(ba: BeforeAfter, label: str, rows: tuple[Week, ...], mean: float | None) -> Side:
    n = len(rows)
    return Side(
        f"{label} ({n} week{'s' * (n != 1)})",
        "no week shown" if mean is None else ba.figure(mean),
    )


def alert_view(alert: Alert, data: Mapping[str, Any]) -> AlertView:
    """An alert for the page; acted on, with its metric before and after the day it was acted
    on in the current time zone (the viewer's: the page shows that date)."""
    url = alert_queries.alert_url(alert)
    if alert.acted_on_at is None:
        return AlertView(alert, url)
    # the day as the viewer reads it beside the alert ("Acted on 30 November"): their own
    # time zone's, not UTC's (an evening in Oslo is already the next day there)
    day = timezone.localtime(alert.acted_on_at).date()
    ba = before_after(data, alert.metric, day)
    if ba is None:
        return AlertView(alert, url)
    when = numbers.day(day)
    return AlertView(
        alert,
        url,
        ba.series.label,
        _side(ba, f"Before {when}", ba.before, ba.mean_before),
        _side(ba, f"From {when}", ba.after, ba.mean_after),
        before_after_chart(ba),
    )


def alerts_section_for(
    viewer: Viewer, workspace_id: Any, data: Mapping[str, Any]
) -> list[AlertView] | None:
    """The section's alerts, newest first, or None when the viewer may not see the workspace's
    alerts (members, administrators who are not members: the section is left out)."""
    try:
        alerts = list(alert_queries.list_alerts_for(viewer, workspace_id)[:SHOWN])
    except (NotFound, PermissionDenied):
        return None
    return [alert_view(a, data) for a in alerts]
