"""The workspace's health: the "Engagement targets" card of the workspace page and the health
page (`/workspaces/{id}/health`).

Both read the stored metrics (`measure.queries.get_workspace_metrics_for`): a page never waits for
a computation it can show from the store. The card fills the workspace page's
``workspace-engagement`` slot (`core.panels`, registered by `MeasureConfig.ready`): the
workspaces app may not import measure, so the page keeps its own card (the three targets) until
this one is registered.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from lumoflow.activity.queries import change_marks_of
from lumoflow.analytics.html_page import VERDICTS, Page
from lumoflow.analytics.html_sections import fill_weeks
from lumoflow.analytics.targets import (
    METRICS,
    Targets,
    TargetStatus,
    complete_weeks,
    period_end,
    targets_against_actuals,
)
from lumoflow.charts import (
    department_reach,
    participation_funnel,
    sparkline,
    trend_line,
    weekly_chart,
)
from lumoflow.core import fragments
from lumoflow.core.errors import NotFound, PermissionDenied
from lumoflow.core.marks import Marks
from lumoflow.measure.queries import (
    get_stored_key_for,
    get_workspace_metrics_for,
    workspace_targets,
)
from lumoflow.people.models import Capability
from lumoflow.people.queries import has_capability

STATUS_WORDS = {"met": "Met", "near": "Near", "missed": "Missed", "unknown": "Not shown"}


def figure(value: float | None, unit: str) -> str:
    """A target's figure as people read it: 42% or 5.3 h (an empty string for none)."""
    if value is None:
        return ""
    if unit == "share":
        return f"{value * 100:.0f}%"
    text = f"{value:.1f}".removesuffix(".0") if value < 10 else f"{value:.0f}"
    return f"{text} h"


@dataclass(frozen=True)
class TargetRow:
    """A target as the card and the health page show it."""

    status: TargetStatus
    actual: str
    target: str
    words: str
    weeks: tuple[tuple[str, str, str], ...]  # (week label, figure or "hidden" / "none", status)
    note: str
    spark: str = ""  # the sparkline's HTML (`{% chart %}`), on the workspace page's card


#: Weeks a sparkline shows, up to the last complete week.
SPARK_WEEKS = 12


def _spark(data: dict[str, Any], s: TargetStatus) -> str:
    """The sparkline of a target's weekly actuals, ending with the weeks it is judged on."""
    metric = next(m for m in METRICS if m.key == s.key)
    weekly = (data.get(metric.family) or {}).get("weekly") or []
    last = s.weeks[-1].week.isoformat() if s.weeks else ""
    points = [p for p in fill_weeks(Page(data), weekly, metric.column) if p["week"] <= last]
    if len(points) < 2:
        return ""
    spec = sparkline(
        points[-SPARK_WEEKS:],
        title=s.label,
        kind=s.unit,
        target=s.target,
        min_group_size=Page(data).min_group_size,
    )
    return chart_html(spec)


def target_rows(data: dict[str, Any], targets: Targets, *, spark: bool = False) -> list[TargetRow]:
    """The three targets against their actuals, with their words (and sparklines)."""
    rows = []
    for s in targets_against_actuals(data, targets):
        weeks = tuple(
            (
                f"{w.week.day} {w.week:%b}",
                figure(w.value, s.unit) or ("hidden" if w.hidden else "none"),
                w.status,
            )
            for w in s.weeks
        )
        note = ""
        if s.status == "unknown":
            if any(w.hidden for w in s.weeks):
                note = "Some weeks are hidden: too few people to show them."
            elif s.weeks:
                note = "Some weeks had nothing to measure."
            else:
                note = "No complete week measured yet."
        elif s.watch and s.missed_since:
            note = f"Missed every week since {s.missed_since.day} {s.missed_since:%b}."
        rows.append(
            TargetRow(
                status=s,
                actual=figure(s.actual, s.unit) or "—",
                target=figure(s.target, s.unit),
                words=STATUS_WORDS[s.status],
                weeks=weeks,
                note=note,
                spark=_spark(data, s) if spark else "",
            )
        )
    return rows


def verdict_of(data: dict[str, Any]) -> tuple[str, str, str]:
    """The health verdict: (key, label, meaning); ``unknown`` when it was not measured."""
    key = str((data.get("fading") or {}).get("verdict") or "unknown")
    label, meaning = VERDICTS.get(key, ("Not measured", "Too few people to measure."))
    return key, label, meaning


def health_url(workspace_id: int) -> str:
    from lumoflow.conversation.cards import url_template

    return url_template("workspace_health").format(workspace_id)


@dataclass(frozen=True)
class Card:
    """HTML (the card, the health page) and until when its relative times read the same."""

    html: str
    expires: float

    def fresh(self) -> bool:
        return timezone.now().timestamp() < self.expires


def engagement_card(request: Any, *, workspace: Any, role: str | None, marks: Marks) -> str | None:
    """The workspace page's "Engagement targets" card from the stored metrics; ``None`` (the
    page's own card) when the viewer may not read them. Per request it reads the stored
    result's key only (one query); the data is read when the card is built."""
    try:
        key = get_stored_key_for(request.user, workspace)
    except (NotFound, PermissionDenied):
        return None
    targets = workspace_targets(workspace)
    parts = (
        "engagement-card",
        workspace.pk,
        key.computed_at.isoformat(),
        key.end.isoformat(),
        key.refreshing,
        tuple(vars(targets).values()),
        timezone.get_current_timezone_name(),
    )

    def build() -> Card:
        return _card(workspace.pk, get_workspace_metrics_for(request.user, workspace), targets)

    card = fragments.cached(parts, build, Card.fresh, marks=marks)
    return card.html


def _card(workspace_id: int, m: Any, targets: Targets) -> Card:
    from lumoflow.core.times import age_unchanged_for, ago

    now = timezone.now()
    key, label, meaning = verdict_of(m.data)
    rows = target_rows(m.data, targets, spark=True)
    weeks = rows[0].status.weeks if rows else ()
    selection = (m.data.get("privacy") or {}).get("selection") or {}
    html = render_to_string(
        "measure/health_card.html",
        {
            "rows": rows,
            "withheld": selection.get("reason") if selection.get("suppressed") else "",
            "verdict": key,
            "verdict_label": label,
            "verdict_meaning": meaning,
            "first": weeks[0].week if weeks else None,
            "last": weeks[-1].week + dt.timedelta(days=6) if weeks else None,
            "computed_at": m.computed_at,
            "computed_ago": ago(m.computed_at, now),
            "refreshing": m.refreshing,
            "health_url": health_url(workspace_id),
        },
    )
    return Card(html, now.timestamp() + age_unchanged_for(m.computed_at, now))


# -- the health page -----------------------------------------------------------------------------

#: The weekly charts: (family, column, title, y-axis title, kind, the fading trend drawn on it).
CHARTS = (
    ("participation", "engaged", "People contributing each week", "people", "count", "active"),
    (
        "participation",
        "active",
        "People active each week (reading included)",
        "people",
        "count",
        "",
    ),
    ("participation", "posts", "Posts each week", "posts", "count", "posts"),
    ("participation", "replies", "Replies each week", "replies", "count", "replies"),
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
#: The fading trend series behind each chart's trend key.
TRENDS = {"active": "active_contributors"}
#: A second line drawn beside a chart's series: (its column, the two lines' names).
SECOND_LINES = {"median_first_reply_h": ("p90_first_reply_h", ("median", "P90"))}
FUNNEL_WORDS = {
    "readers": "Read",
    "reactors": "Reacted",
    "repliers": "Replied",
    "posters": "Posted",
}


def chart_html(spec: dict[str, Any], svg_url: str = "", *, static: bool = True) -> str:
    """One chart as pages show it (`{% chart %}`: interactive, static SVG unless `static` is
    False, text alternative); with `svg_url`, the static SVG is an image fetched from there by
    browsers without JavaScript only, instead of drawn into the page."""
    return render_to_string(
        "measure/health_chart.html", {"spec": spec, "static": static, "svg_url": svg_url}
    )


def _target_of(data: dict[str, Any], column: str, targets: Targets | None) -> float | None:
    """The target line of a weekly chart: weekly active share as people (of the period's
    members), the reply time in hours, the on-topic share; none for the other series, nor
    without targets (the organisation has none)."""
    if targets is None:
        return None
    if column == "active":
        members = (data.get("participation") or {}).get("members")
        return targets.weekly_active_share * members if members else None
    return {
        "median_first_reply_h": targets.first_reply_hours,
        "on_topic_share": targets.on_topic_share,
    }.get(column)


def weekly_charts(
    page: Page,
    data: dict[str, Any],
    targets: Targets | None,
    *,
    charts: tuple[tuple[str, str, str, str, str, str], ...] = CHARTS,
    weeks: int | None = None,
) -> list[dict[str, Any]]:
    """The weekly charts (`charts`: rows as CHARTS), each with its target line, the engine's
    trend line where it fitted one and, on the people contributing, the changepoint when the
    step test found it significant; with `weeks`, only the last that many complete weeks."""
    fading = data.get("fading") or {}
    trends = fading.get("trends") or {}
    silent_run = int((fading.get("rule") or {}).get("min_silent_weeks") or 4)
    step_found = any(
        str(e.get("test", "")).startswith("PELT") and e.get("significant") is True
        for e in fading.get("evidence") or []
    )
    first = _first_week(data)
    end = period_end(data)
    # the week under way is left out, as the targets leave it: its part-week would read as a fall
    last = complete_weeks(end, 1)[0].isoformat() if end else "9999"
    if weeks is not None and end:
        first = max(first, complete_weeks(end, weeks)[0].isoformat())
    out = []
    for family, column, title, y_title, kind, trend_key in charts:
        weekly = (data.get(family) or {}).get("weekly") or []
        points = [p for p in fill_weeks(page, weekly, column) if first <= p["week"] <= last]
        if len(points) < 2:
            continue
        trend = trends.get(TRENDS.get(trend_key, trend_key)) or {} if trend_key else {}
        cp = trend.get("changepoint") if trend_key == "active" and step_found else None
        second, names = SECOND_LINES.get(column, ("", ("", "")))
        compare = (
            [p for p in fill_weeks(page, weekly, second) if first <= p["week"] <= last]
            if second
            else None
        )
        spec = weekly_chart(
            points,
            title=title,
            y_title=y_title,
            kind=kind,
            min_group_size=page.min_group_size,
            trend=trend_line(trend, points, silent_run=silent_run) if trend else None,
            changepoint=str(cp)[:10] if cp else None,
            target=_target_of(data, column, targets),
            compare=compare,
            names=names,
            width="container",
        )
        out.append(spec)
    return out


def _first_week(data: dict[str, Any]) -> str:
    """The first week anyone was active in (a hidden week counts): the charts start there, not
    at the start of a period the workspace did not exist for."""
    for w in (data.get("participation") or {}).get("weekly") or []:
        if w.get("suppressed") or w.get("active"):
            return str(w["week"])[:10]
    return ""


def _funnel(
    page: Page, data: dict[str, Any]
) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """The participation funnel as a chart and as rows of words; hidden steps say so."""
    funnel = (data.get("participation") or {}).get("funnel") or {}
    rows = [(FUNNEL_WORDS.get(k, k), page.guarded(g, "count")) for k, g in funnel.items()]
    if not any(g.get("value") for g in funnel.values() if not g.get("suppressed")):
        return None, rows
    spec = participation_funnel(funnel, min_group_size=page.min_group_size, width="container")
    return spec, rows


def _reach(page: Page, data: dict[str, Any]) -> tuple[dict[str, Any] | None, list[str], int]:
    """Department reach: the chart of each department's share of contributions, the
    departments whose members never contributed, and how many departments are hidden."""
    by_dept = (data.get("participation") or {}).get("by_department") or {}
    shown = {d: g for d, g in by_dept.items() if not g.get("suppressed")}
    never = sorted(d for d, g in shown.items() if g.get("value") == 0)
    hidden = len(by_dept) - len(shown)
    departments = [
        {"department": d, "value": g.get("value"), "suppressed": g.get("suppressed")}
        for d, g in by_dept.items()
    ]
    chart = None
    if shown:
        chart = department_reach(
            departments,
            title="Departments taking part",
            x_title="share of the workspace's contributions",
            min_group_size=page.min_group_size,
            width="container",
        )
    return chart, never, hidden


@login_required
def page(request: HttpRequest, workspace_id: int) -> HttpResponse:
    """The workspace's health from the stored metrics: owners, facilitators and administrators
    see all of it, members the verdict, the targets and the charts. NotFound / PermissionDenied
    as `measure.queries.get_workspace_metrics_for`."""
    from lumoflow.notifications.queries import unread_count_for
    from lumoflow.workspaces.queries import get_workspace_for, may_manage, role_of

    marks = change_marks_of([workspace_id])  # before the data it stands for
    ws = get_workspace_for(request.user, workspace_id)
    key = get_stored_key_for(request.user, ws)
    role = role_of(request.user, ws)
    targets = workspace_targets(ws)
    # the way in to the individual-level figures, for their holders only
    analyst = has_capability(request.user, Capability.PEOPLE_ANALYTICS)
    parts = (
        "health-page",
        ws.pk,
        marks.of(ws.pk),
        key.computed_at.isoformat(),
        key.end.isoformat(),
        key.full,
        key.refreshing,
        role,
        analyst,
        tuple(vars(targets).values()),
        timezone.get_current_timezone_name(),
    )

    def build() -> Card:
        m = get_workspace_metrics_for(request.user, ws)
        return _body(
            request, ws, m, targets, marks, role=role, owner=may_manage(role), analyst=analyst
        )

    body = fragments.cached(parts, build, Card.fresh, marks=marks)
    return fragments.page(
        request,
        title=f"{ws.name}: health",
        nav="workspaces",
        content=mark_safe(body.html),  # noqa: S308 (rendered escaped)
        shows=(unread_count_for(request.user),),
        marks=marks,
    )


def _body(
    request: Any,
    ws: Any,
    m: Any,
    targets: Targets,
    marks: Marks,
    *,
    role: str | None,
    owner: bool,
    analyst: bool,
) -> Card:
    from lumoflow.conversation import queries as cq
    from lumoflow.conversation.cards import url_template
    from lumoflow.core.times import age_unchanged_for, ago
    from lumoflow.measure.alerts import alerts_section_for
    from lumoflow.workspaces import queries as wq

    now = timezone.now()
    data = m.data
    pg = Page(data)
    key, label, meaning = verdict_of(data)
    fading = data.get("fading") or {}
    selection = (data.get("privacy") or {}).get("selection") or {}
    rows = target_rows(data, targets)
    ctx: dict[str, Any] = {
        **figures_of(ws.pk, m, targets, marks).context(),
        "ws": ws,
        "ws_url": url_template("workspaces:detail").format(ws.pk),
        "m": m,
        "full": m.full,
        "can_refresh": m.full,
        "owner": owner,
        "csrf_token": fragments.csrf_mark(),
        "computed_ago": ago(m.computed_at, now),
        "withheld": selection.get("reason") if selection.get("suppressed") else "",
        "verdict": key,
        "verdict_label": label,
        "verdict_meaning": meaning,
        "evidence": [e for e in fading.get("evidence") or [] if e.get("sentence")],
        "rows": rows,
        "watch": [r for r in rows if r.status.watch],
        "min_group_size": pg.min_group_size,
        "alerts": alerts_section_for(request.user, ws.pk, data),
        "analyst": analyst,
    }
    if m.full:
        since = dt.datetime.combine(m.start, dt.time(), dt.UTC)
        ctx |= {
            "top_threads": cq.list_top_threads_for(request.user, ws.pk, since=since),
            "objectives": [
                {
                    "objective": o,
                    "key_results": [wq.key_result_status(kr) for kr in o.key_results.all()],
                }
                for o in wq.list_objectives_for(request.user, ws.pk)
            ],
            "queue": cq.list_unanswered_queue_for(request.user, ws.pk),
            "post_url": url_template("conversation:post"),
        }
    html = render_to_string("measure/health.html", ctx)
    # "computed 5 min ago", the questions' ages and today's date read the same until then
    midnight = (timezone.localtime(now) + dt.timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    until = min(
        age_unchanged_for(m.computed_at, now),
        (midnight - timezone.localtime(now)).total_seconds(),
        3600.0 if not m.full else 60.0,
    )
    return Card(html, now.timestamp() + max(1.0, until))


@dataclass(frozen=True)
class Figures:
    """What is drawn from one stored result: the weekly charts, and for a full view the funnel
    and the department reach (HTML escaped by the report's `Page`)."""

    charts: tuple[str, ...]
    funnel_chart: str = ""
    funnel_rows: tuple[tuple[str, str], ...] = ()
    reach_chart: str = ""
    never: tuple[str, ...] = ()
    hidden_departments: int = 0
    #: (name in its SVG's address, spec as JSON) of each chart (`chart_svg`): text, as the
    #: cache keeps values that cannot change
    specs: tuple[tuple[str, str], ...] = ()

    def spec(self, name: str) -> dict[str, Any] | None:
        """The spec of the chart called `name`, or None when the page has no such chart."""
        found = dict(self.specs).get(name)
        return None if found is None else dict(json.loads(found))

    def context(self) -> dict[str, Any]:
        return {
            "charts": [mark_safe(c) for c in self.charts],  # noqa: S308 (escaped by Page)
            "funnel_chart": mark_safe(self.funnel_chart),  # noqa: S308
            "funnel_rows": [(k, mark_safe(v)) for k, v in self.funnel_rows],  # noqa: S308
            "reach_chart": mark_safe(self.reach_chart),  # noqa: S308
            "never": self.never,
            "hidden_departments": self.hidden_departments,
        }


def figures_of(workspace_id: int, m: Any, targets: Targets, marks: Marks) -> Figures:
    """The figures of one stored result, drawn once per result and kind of viewer, whatever
    else changes in the workspace: drawing is the page's slow part."""
    parts = (
        "health-figures",
        workspace_id,
        m.computed_at.isoformat(),
        m.end.isoformat(),
        m.full,
        tuple(vars(targets).values()),
    )
    return fragments.cached(parts, lambda: _draw(workspace_id, m, targets), marks=marks)


def _draw(workspace_id: int, m: Any, targets: Targets) -> Figures:
    pg = Page(m.data)
    specs = {f"week-{i}": spec for i, spec in enumerate(weekly_charts(pg, m.data, targets))}
    funnel_rows: list[tuple[str, str]] = []
    never: list[str] = []
    hidden = 0
    if m.full:
        funnel, funnel_rows = _funnel(pg, m.data)
        reach, never, hidden = _reach(pg, m.data)
        specs |= {k: v for k, v in (("funnel", funnel), ("reach", reach)) if v is not None}
    version = int(m.computed_at.timestamp())

    def html(name: str) -> str:
        if name not in specs:
            return ""
        url = reverse("workspace_health_chart", args=[workspace_id, name]) + f"?v={version}"
        return chart_html(specs[name], url)

    return Figures(
        tuple(html(k) for k in specs if k.startswith("week-")),
        html("funnel"),
        tuple(funnel_rows),
        html("reach"),
        tuple(never),
        hidden,
        tuple((k, json.dumps(v, sort_keys=True)) for k, v in specs.items()),
    )


@login_required
def chart_svg(request: HttpRequest, workspace_id: int, name: str) -> HttpResponse:
    """One chart of the health page as a static SVG image, for browsers without JavaScript
    (the page draws the others itself): the figures of the stored result the viewer may see,
    as the page's. 404 for a chart the viewer's page does not have; NotFound /
    PermissionDenied as the page."""
    from lumoflow.core.charts import static_svg
    from lumoflow.workspaces.queries import get_workspace_for

    marks = change_marks_of([workspace_id])
    ws = get_workspace_for(request.user, workspace_id)
    m = get_workspace_metrics_for(request.user, ws)
    spec = figures_of(ws.pk, m, workspace_targets(ws), marks).spec(name)
    if spec is None:
        raise NotFound(f"No chart {name!r} on this health page.")
    response = HttpResponse(static_svg(spec), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def refresh(request: HttpRequest, workspace_id: int) -> HttpResponse:
    """Refresh the workspace's metrics now, in the background ("Refresh now"): owners,
    facilitators and administrators (403 for members, 404 for whoever may not see it)."""
    from lumoflow.measure.actions import refresh_metrics

    refresh_metrics(request.user, workspace_id)
    messages.success(request, "Refresh queued: the page shows the new figures once computed.")
    return redirect(health_url(workspace_id))
