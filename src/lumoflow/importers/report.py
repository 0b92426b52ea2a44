"""The report of a measured export as the product shows it: the verdict first, then the
charts of the health pages (`lumoflow.charts` specs drawn by `{% chart %}`: interactive,
static SVG and in words), drawn only from the engine's guarded data, so nothing the privacy
guard hides can be shown. The full report of `lumoflow analyze --format html` is offered as a
download beside it (`analytics.html.render_html`, the very same page)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lumoflow.analytics.html_page import VERDICTS, Page
from lumoflow.analytics.html_sections import fill_weeks
from lumoflow.charts import (
    department_reach,
    group_bars,
    numbers,
    participation_funnel,
    trend_line,
    weekly_chart,
)

#: The weekly charts after the verdict's: (family, column, title, y title, kind, second line).
WEEKLY = (
    ("participation", "posts", "Posts each week", "posts", "count", None),
    ("participation", "replies", "Replies each week", "replies", "count", None),
    (
        "responsiveness",
        "median_first_reply_h",
        "Hours to the first reply, median and P90, by week of the post",
        "hours",
        "hours",
        ("p90_first_reply_h", ("median", "P90")),
    ),
    (
        "relevance",
        "on_topic_share",
        "Share of posts on topic, each week",
        "on topic",
        "share",
        None,
    ),
)
VERDICT_ORDER = {"fading": 0, "inconclusive": 1, "growing": 2, "stable": 3, "too_little_data": 4}


@dataclass
class Report:
    """What the measurement's page shows (specs for `{% chart %}`, figures as text)."""

    withheld: str = ""
    verdict: str = "unknown"
    verdict_label: str = "Not measured"
    verdict_meaning: str = ""
    evidence: list[dict[str, Any]] = field(default_factory=list)
    activity: dict[str, Any] | None = None
    charts: list[dict[str, Any]] = field(default_factory=list)
    funnel: dict[str, Any] | None = None
    reach: dict[str, Any] | None = None
    ei: dict[str, Any] | None = None
    workspaces: list[tuple[str, str, str, str]] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)
    network: list[tuple[str, str]] = field(default_factory=list)
    value: list[tuple[str, str]] = field(default_factory=list)
    value_label: str = ""
    min_group_size: int = 5
    period: tuple[str, str] = ("", "")


def build(data: dict[str, Any]) -> Report:
    """The page's parts from the engine's guarded JSON (`report_data`)."""
    page = Page(data)
    r = Report(min_group_size=page.min_group_size)
    inp = data.get("input") or {}
    period = inp.get("period") or {}
    r.period = (str(period.get("from") or "")[:10], str(period.get("to") or "")[:10])
    selection = (data.get("privacy") or {}).get("selection") or {}
    if selection.get("suppressed"):
        r.withheld = str(selection.get("reason") or "Too few people to measure.")
        return r
    fading = data.get("fading") or {}
    r.verdict = str(fading.get("verdict") or "unknown")
    r.verdict_label, r.verdict_meaning = VERDICTS.get(
        r.verdict, ("Not measured", "Too few people to measure.")
    )
    r.evidence = [e for e in fading.get("evidence") or [] if e.get("sentence")]
    r.activity = _activity(page, data)
    r.charts = [c for c in (_weekly(page, data, *spec) for spec in WEEKLY) if c]
    r.funnel, r.reach = _funnel(page, data), _reach(page, data)
    r.ei = _ei(page, data)
    r.workspaces = _workspaces(page, fading.get("by_workspace") or {})
    r.figures = _figures(page, data)
    r.network = _network(page, data)
    r.value, r.value_label = _value(page, data)
    return r


def _activity(page: Page, data: dict[str, Any]) -> dict[str, Any] | None:
    """People contributing each week, with the trend and the week the level changed (when
    the step test found it significant), as the health page draws it."""
    fading = data.get("fading") or {}
    weekly = (data.get("participation") or {}).get("weekly") or []
    points = fill_weeks(page, weekly, "engaged")
    if len(points) < 2:
        return None
    trend = (fading.get("trends") or {}).get("active_contributors") or {}
    step = any(
        str(e.get("test", "")).startswith("PELT") and e.get("significant") is True
        for e in fading.get("evidence") or []
    )
    cp = trend.get("changepoint") if step else None
    silent = int((fading.get("rule") or {}).get("min_silent_weeks") or 4)
    return weekly_chart(
        points,
        title="People contributing each week",
        y_title="people",
        min_group_size=page.min_group_size,
        origin=page.origin,
        trend=trend_line(trend, points, silent_run=silent) if trend else None,
        changepoint=str(cp)[:10] if cp else None,
    )


def _weekly(
    page: Page,
    data: dict[str, Any],
    family: str,
    column: str,
    title: str,
    y_title: str,
    kind: str,
    second: tuple[str, tuple[str, str]] | None,
) -> dict[str, Any] | None:
    weekly = (data.get(family) or {}).get("weekly") or []
    points = fill_weeks(page, weekly, column)
    if len(points) < 2 or not any(p.get("value") for p in points):
        return None
    compare = fill_weeks(page, weekly, second[0]) if second else None
    return weekly_chart(
        points,
        title=title,
        y_title=y_title,
        kind=kind,
        min_group_size=page.min_group_size,
        origin=page.origin,
        compare=compare,
        names=second[1] if second else ("", ""),
    )


def _funnel(page: Page, data: dict[str, Any]) -> dict[str, Any] | None:
    funnel = (data.get("participation") or {}).get("funnel") or {}
    if not any(g.get("value") for g in funnel.values() if not g.get("suppressed")):
        return None
    return participation_funnel(funnel, min_group_size=page.min_group_size)


def _reach(page: Page, data: dict[str, Any]) -> dict[str, Any] | None:
    by_dept = (data.get("participation") or {}).get("by_department") or {}
    if not any(not g.get("suppressed") for g in by_dept.values()):
        return None
    return department_reach(
        [
            {"department": d, "value": g.get("value"), "suppressed": g.get("suppressed")}
            for d, g in by_dept.items()
        ],
        min_group_size=page.min_group_size,
    )


def _ei(page: Page, data: dict[str, Any]) -> dict[str, Any] | None:
    groups = ((data.get("network") or {}).get("ei_index") or {}).get("by_department") or {}
    rows = [
        {"group": g, "value": v.get("value"), "suppressed": v.get("suppressed")}
        for g, v in groups.items()
        if isinstance(v, dict)
    ]
    if not any(not r["suppressed"] and numbers.is_number(r["value"]) for r in rows):
        return None
    return group_bars(
        rows,
        title="E-I index by department",
        x_title="E-I index",
        group_title="department",
        min_group_size=page.min_group_size,
        domain=(-1.0, 1.0),
    )


def _workspaces(page: Page, by_ws: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(name, verdict key, verdict label, main evidence) per workspace, fading ones first."""
    ranked = sorted(
        by_ws.items(), key=lambda kv: (VERDICT_ORDER.get(str(kv[1].get("verdict")), 5), kv[0])
    )
    out = []
    for ws, v in ranked:
        key = str(v.get("verdict"))
        first = next((str(e["sentence"]) for e in v.get("evidence") or [] if e.get("sentence")), "")
        out.append((page.workspace(ws), key, VERDICTS.get(key, (key, ""))[0], first))
    return out


def _text(page: Page, html: str) -> str:
    """A figure of `Page` as plain text (its hidden figures are explained by the page)."""
    from django.utils.html import strip_tags

    return strip_tags(html).replace("&lt;", "<").replace("&amp;", "&")


def _figures(page: Page, data: dict[str, Any]) -> list[tuple[str, str]]:
    p = data.get("participation") or {}
    rs = data.get("responsiveness") or {}
    rel = data.get("relevance") or {}
    items = [
        ("People who took part", page.guarded(p.get("active"), "count")),
        ("Contributors", page.guarded(p.get("engaged"), "count")),
        ("Weekly active share", page.guarded(p.get("weekly_active_share"), "share")),
        ("Median hours to a first reply", page.guarded(rs.get("first_reply_median_h"), "hours")),
        ("Questions unanswered after 48 h", page.guarded(rs.get("unanswered_48h_share"), "share")),
        ("Posts on topic", page.guarded(rel.get("on_topic_share"), "share")),
    ]
    return [(k, _text(page, v)) for k, v in items]


def _network(page: Page, data: dict[str, Any]) -> list[tuple[str, str]]:
    n = data.get("network") or {}
    if not n:
        return []
    leiden = n.get("leiden") or {}
    items = [
        ("People in the network", page.guarded(n.get("nodes"), "count")),
        ("Ties between them", page.guarded(n.get("edges"), "count")),
        (
            "E-I index (ties across departments)",
            page.value((n.get("ei_index") or {}).get("overall")),
        ),
        ("Communities", page.guarded(leiden.get("count"), "count")),
        ("Reciprocity", page.value(n.get("reciprocity"), "share")),
        ("Clustering", page.value(n.get("avg_clustering"))),
    ]
    return [(k, _text(page, v)) for k, v in items]


def _value(page: Page, data: dict[str, Any]) -> tuple[list[tuple[str, str]], str]:
    v = data.get("value") or {}
    hours = v.get("hours_saved") or {}
    if not hours:
        return [], ""
    cost = v.get("cost_saved") or {}
    currency = str((v.get("assumptions") or {}).get("currency") or "")
    items = [
        (
            f"{level.capitalize()}",
            f"{numbers.count(hours.get(level) or 0)} h · {currency} "
            f"{numbers.count(cost.get(level) or 0)}",
        )
        for level in ("low", "base", "high")
    ]
    return items, str(v.get("label") or "")
