"""Company trends: the organisation's participation, responsiveness and on-topic share week by
week, and the workspaces whose weekly actives moved most, read from the store (never computed
in the request).

Plain functions a page, the API and a report call alike. The organisation's weekly series come
from its stored result (`get_org_stored_for`: every workspace that is not secret nor excluded,
as the background refresh left it); the movers from each workspace's stored result through the
portfolio's figures (`portfolio.stored_figures`, cached per stored result), so nothing here
measures anything the engine has not.

A mover compares the mean people active per week over the last `window` complete weeks with
the `window` weeks before. A workspace with a hidden week (fewer people than the privacy
threshold) in either stretch, or with nothing measured, is not compared: it is counted, never
shown with a small number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from lumoflow.analytics.html_page import Page
from lumoflow.analytics.html_sections import fill_weeks
from lumoflow.analytics.targets import complete_weeks, period_end
from lumoflow.core.errors import Invalid
from lumoflow.people.models import Viewer
from lumoflow.workspaces.models import Visibility, Workspace

from .portfolio import SPARK_WEEKS, Figures, stored_figures
from .queries import Metrics, get_org_stored_for

#: Weeks of the organisation's series shown by default, and the range one may ask for.
WEEKS, MIN_WEEKS, MAX_WEEKS = 26, 4, 52
#: Weeks a mover's two stretches hold by default, and the range (two stretches fit in the
#: weeks each workspace's stored figures keep).
WINDOW, MIN_WINDOW, MAX_WINDOW = 4, 1, SPARK_WEEKS // 2
#: Workspaces shown each way.
MOVERS = 5

#: The organisation's weekly series: (family, column, title, y-axis title, kind, trend key), the
#: rows of the health page's charts (`views.health.CHARTS`) that the issue names.
SERIES = (
    (
        "participation",
        "active_share",
        "Share of the organisation's people active each week",
        "active",
        "share",
        "",
    ),
    (
        "responsiveness",
        "median_first_reply_h",
        "Hours to the first reply, median and P90, by week of the post",
        "hours",
        "hours",
        "median_first_reply_h",
    ),
    ("relevance", "on_topic_share", "Share of posts on topic, each week", "on topic", "share", ""),
)
#: The API's names of the series.
SERIES_KEYS = {"active_share": "participation", "median_first_reply_h": "responsiveness"}


@dataclass(frozen=True)
class Mover:
    """A workspace whose weekly actives moved: the mean people active per week before and
    after, and the change (after − before; relative: None when nobody was active before)."""

    workspace_id: int
    name: str
    before: float
    after: float
    change: float
    relative: float | None


@dataclass(frozen=True)
class Trends:
    metrics: Metrics  # the organisation's stored result
    weeks: int
    window: int
    #: key ("participation", "responsiveness", "relevance") → {"week", "value", "suppressed"}
    series: dict[str, list[dict[str, Any]]]
    rising: list[Mover]
    falling: list[Mover]
    compared: int  # workspaces with every week of both stretches shown
    not_compared: int  # workspaces measured too little, or with a hidden week

    @property
    def min_group_size(self) -> int:
        return Page(self.metrics.data).min_group_size


def check(weeks: int, window: int) -> None:
    """Invalid (422) for weeks or a window out of range."""
    errors = {}
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        errors["weeks"] = [f"Between {MIN_WEEKS} and {MAX_WEEKS} weeks."]
    if not MIN_WINDOW <= window <= MAX_WINDOW:
        errors["window"] = [f"Between {MIN_WINDOW} and {MAX_WINDOW} weeks."]
    if errors:
        raise Invalid("These trends cannot be shown.", errors=errors)


def series_of(data: dict[str, Any], weeks: int) -> dict[str, list[dict[str, Any]]]:
    """The organisation's weekly series over the last `weeks` complete weeks (hidden weeks
    stay hidden; a week without anything to measure has no value)."""
    page = Page(data)
    end = period_end(data)
    if not end:
        return {SERIES_KEYS.get(c, f): [] for f, c, *_ in SERIES}
    mondays = {m.isoformat() for m in complete_weeks(end, weeks)}
    out = {}
    for family, column, *_ in SERIES:
        weekly = (data.get(family) or {}).get("weekly") or []
        out[SERIES_KEYS.get(column, family)] = [
            p for p in fill_weeks(page, weekly, column) if p["week"] in mondays
        ]
    return out


def mover_of(workspace_id: int, name: str, f: Figures, window: int) -> Mover | None:
    """The workspace's move over the last `window` weeks against the `window` before, or None
    when a week of either is hidden or unknown."""
    values = [v for _, v, hidden in f.weekly[-2 * window :] if not hidden and v is not None]
    if not f.verdict or len(values) < 2 * window:
        return None
    before = sum(values[:window]) / window
    after = sum(values[window:]) / window
    return Mover(
        workspace_id,
        name,
        round(before, 2),
        round(after, 2),
        round(after - before, 2),
        round((after - before) / before, 4) if before else None,
    )


def _movers(window: int) -> tuple[list[Mover], list[Mover], int, int]:
    workspaces = list(
        Workspace.objects.exclude(visibility=Visibility.SECRET).filter(
            archived_at__isnull=True, excluded_from_org_analytics=False
        )
    )
    names = {ws.pk: ws.name for ws in workspaces}
    figures = stored_figures(workspaces)
    moved = [m for wid, f in figures.items() if (m := mover_of(wid, names[wid], f, window))]
    rising = sorted((m for m in moved if m.change > 0), key=lambda m: (-m.change, m.name))
    falling = sorted((m for m in moved if m.change < 0), key=lambda m: (m.change, m.name))
    return rising[:MOVERS], falling[:MOVERS], len(moved), len(workspaces) - len(moved)


def trends_for(viewer: Viewer, *, weeks: int = WEEKS, window: int = WINDOW) -> Trends:
    """The organisation's trends over the last `weeks` complete weeks and the workspaces that
    moved most over the last `window` weeks: executives only (PermissionDenied for others);
    Invalid for weeks or a window out of range."""
    check(weeks, window)
    m = get_org_stored_for(viewer)
    rising, falling, compared, not_compared = _movers(window)
    return Trends(
        metrics=m,
        weeks=weeks,
        window=window,
        series=series_of(m.data, weeks),
        rising=rising,
        falling=falling,
        compared=compared,
        not_compared=not_compared,
    )


def stretch(end: dt.date | None, window: int) -> tuple[dt.date, dt.date] | None:
    """The first Monday and the last Sunday of the last `window` complete weeks up to `end`."""
    if end is None:
        return None
    mondays = complete_weeks(end, window)
    return mondays[0], mondays[-1] + dt.timedelta(days=6)
