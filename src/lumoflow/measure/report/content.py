"""What the executive report says for a period, read from the same places as the pages.

- the portfolio of the period (`portfolio_for(viewer, period=...)`: the stored results of that
  period, computed once from one read of the log when first asked for), ranked by health;
- the organisation's verdict in one paragraph, made of those rows' figures;
- the fading workspaces with the engine's evidence and the suggested actions
  (`analytics.advice.suggested_actions`) of the period's results;
- value with its assumptions (`analytics.value.estimate` under the organisation's assumptions);
- the department network map and its silos from the organisation's result of the period;
- the alerts acted on during the period, each with its metric before and after the day
  (`measure.alerts.alert_view`, on the workspace's latest stored result: what changed after).

Privacy: the portfolio never lists a secret workspace; figures under the threshold are hidden
there already (a hidden week is None, a selection under the threshold has no verdict); the
network map merges departments under the threshold; nothing individual is read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from lumoflow.analytics.advice import suggested_actions
from lumoflow.analytics.fading_verdict import VERDICTS
from lumoflow.charts import department_network, group_bars
from lumoflow.core.errors import NotFound
from lumoflow.notifications.models import Alert
from lumoflow.people.models import Capability, Viewer
from lumoflow.people.queries import require_capability
from lumoflow.workspaces.models import Visibility, Workspace

from ..alerts import AlertView, alert_view
from ..models import ORGANISATION, StoredMetrics
from ..portfolio import (
    EXCLUDED,
    NOT_MEASURED,
    VERDICT_CHOICES,
    Portfolio,
    Row,
    portfolio_for,
    stored_data,
)
from ..queries import valid_for, workspace_targets
from .period import ReportPeriod

#: Alerts acted on that the report shows with their before-and-after chart (newest first).
ACTED_CHARTS = 6


@dataclass(frozen=True)
class FadingWorkspace:
    row: Row
    reasons: tuple[str, ...]  # the engine's evidence, in words
    actions: tuple[tuple[str, str], ...]  # (what to do, the evidence that suggests it)


@dataclass(frozen=True)
class Acted:
    workspace: str
    view: AlertView
    day: dt.date


@dataclass(frozen=True)
class Report:
    """One report: a period of the portfolio, as the viewer may see it."""

    period: ReportPeriod
    generated_at: dt.datetime
    portfolio: Portfolio
    workspace: Row | None  # the one workspace a report is narrowed to, else None
    has_data: bool  # any workspace measured with activity in the period
    verdict: str  # the organisation's verdict, one paragraph
    counts: tuple[tuple[str, str, int], ...]  # (verdict key, words, workspaces)
    counts_chart: dict[str, Any] | None
    fading: tuple[FadingWorkspace, ...]
    network: dict[str, Any] | None  # the department map of the period, None when not measured
    network_chart: dict[str, Any] | None
    acted: tuple[Acted, ...]
    acted_total: int
    notes: tuple[str, ...] = field(default_factory=tuple)


def verdict_words(verdict: str) -> str:
    return VERDICT_CHOICES.get(verdict, "Too few people to say")


def _counts(rows: list[Row]) -> tuple[tuple[str, str, int], ...]:
    every = (*VERDICTS, "", NOT_MEASURED, EXCLUDED)
    return tuple(
        (v, verdict_words(v), n) for v in every if (n := sum(1 for r in rows if r.verdict == v))
    )


def _money(value: float, currency: str) -> str:
    return f"{currency} {value:,.0f}"


def _paragraph(p: Portfolio, counts: dict[str, int], period: ReportPeriod, silos: list[str]) -> str:
    """The organisation's verdict in one paragraph, from the figures the report shows."""
    measured = sum(n for v, n in counts.items() if v in VERDICTS)
    if not measured:
        return (
            f"No workspace had enough activity from {period.days} for a verdict: there is "
            "nothing to judge in this period."
        )
    fading, growing = counts.get("fading", 0), counts.get("growing", 0)
    stable, unsure = counts.get("stable", 0), counts.get("inconclusive", 0)
    little = counts.get("too_little_data", 0)
    decided = fading + growing + stable + unsure
    if decided:
        parts = [
            f"Of the {measured} workspace{'s' * (measured != 1)} measured for {period.label} "
            f"({period.days}), {growing} {'is' if growing == 1 else 'are'} growing, {stable} "
            f"stable and {fading} fading"
            + (f"; for {unsure} the evidence is inconclusive" if unsure else "")
            + (f"; {little} had too little data to judge" if little else "")
            + "."
        ]
    else:
        parts = [
            f"The {measured} workspace{'s' * (measured != 1)} measured for {period.label} "
            f"({period.days}) had too few weeks of activity for a trend: choose a longer period "
            "for the verdicts."
        ]
    attention = [r.name for r in p.rows if r.verdict == "fading"]
    if not attention:
        attention = [r.name for r in p.rows if r.figures is not None and r.figures.missed]
    if attention:
        parts.append(
            "Needing attention first: "
            + ", ".join(attention[:3])
            + (", …" if len(attention) > 3 else "")
            + "."
        )
    missed = sum(1 for r in p.rows if r.figures is not None and r.figures.missed)
    if missed:
        parts.append(
            f"{missed} workspace{'s' * (missed != 1)} missed at least one engagement target "
            "over the period's last four complete weeks."
        )
    if p.total_cost:
        a = p.assumptions
        parts.append(
            f"Their estimated value is {_money(p.total_cost['base'], a.currency)} "
            f"({_money(p.total_cost['low'], a.currency)} to "
            f"{_money(p.total_cost['high'], a.currency)}), an estimate that rests on the "
            "assumptions stated below."
        )
    if len(silos) == 1:
        parts.append(f"The department {silos[0]} works as a silo (most of its ties stay inside).")
    elif silos:
        parts.append(f"The departments {', '.join(silos)} work as silos.")
    return " ".join(parts)


def _fading(rows: list[Row], data: dict[int, dict[str, Any]]) -> tuple[FadingWorkspace, ...]:
    wids = [r.workspace_id for r in rows if r.verdict == "fading"]
    spaces = {w.pk: w for w in Workspace.objects.filter(pk__in=wids)}
    out = []
    for r in rows:
        if r.verdict != "fading" or r.workspace_id not in data:
            continue
        d = data[r.workspace_id]
        evidence = (d.get("fading") or {}).get("evidence") or []
        reasons = tuple(str(e["sentence"]) for e in evidence if e.get("sentence"))
        t = workspace_targets(spaces[r.workspace_id])
        acts = suggested_actions(
            d, target_hours=t.first_reply_hours, target_on_topic=t.on_topic_share
        )
        out.append(FadingWorkspace(r, reasons[:3], tuple((a.text, a.evidence) for a in acts)))
    return tuple(out)


def _organisation(period: ReportPeriod) -> dict[str, Any] | None:
    """The organisation's stored result of the period (stored with the workspaces')."""
    row = (
        StoredMetrics.objects.filter(scope=ORGANISATION, start=period.start, end=period.end)
        .order_by("-computed_at")
        .values_list("data", "computed_at", "engine")
        .first()
    )
    from .. import compute

    if row is None or row[2] != compute.engine_version():
        return None
    if not valid_for(period.end, row[1], timezone.now()):
        return None
    data: dict[str, Any] = row[0]
    return data


def _acted(rows: list[Row], period: ReportPeriod) -> tuple[tuple[Acted, ...], int]:
    """The alerts of the report's workspaces acted on during the period, newest first, each
    with its metric before and after the day from the workspace's latest stored result."""
    shown = {r.workspace_id: r for r in rows if not r.excluded}
    start = dt.datetime.combine(period.start, dt.time(), dt.UTC)
    end = dt.datetime.combine(period.end, dt.time(), dt.UTC) + dt.timedelta(days=1)
    alerts = list(
        Alert.objects.filter(
            workspace_id__in=list(shown), acted_on_at__gte=start, acted_on_at__lt=end
        ).order_by("-acted_on_at", "-pk")
    )
    first = alerts[:ACTED_CHARTS]
    latest = stored_data(Workspace.objects.filter(pk__in={a.workspace_id for a in first}))
    out = tuple(
        Acted(
            shown[a.workspace_id].name,
            alert_view(a, latest.get(a.workspace_id) or {}),
            timezone.localtime(a.acted_on_at).date() if a.acted_on_at else period.end,
        )
        for a in first
    )
    return out, len(alerts)


def report_for(viewer: Viewer, period: ReportPeriod, *, workspace_id: int | None = None) -> Report:
    """The report of `period` as `viewer` (an executive: PermissionDenied for others) may see
    it; narrowed to one workspace with `workspace_id` (NotFound for a secret, archived or
    unknown one: the portfolio does not list it)."""
    require_capability(viewer, Capability.EXECUTIVE)
    p = portfolio_for(viewer, period=(period.start, period.end))
    one = None
    if workspace_id is not None:
        one = next((r for r in p.rows if r.workspace_id == workspace_id), None)
        if one is None:
            raise NotFound(f"No workspace {workspace_id} in the organisation's portfolio.")
    rows = p.rows if one is None else [one]
    measured = [r for r in rows if r.figures is not None and r.figures.verdict]
    data = stored_data(
        Workspace.objects.filter(
            pk__in=[r.workspace_id for r in measured if r.verdict == "fading"]
        ).exclude(visibility=Visibility.SECRET),
        (period.start, period.end),
    )
    org = _organisation(period) if one is None else None
    network = (org or {}).get("department_map")
    silos = [str(s) for s in (network or {}).get("silos") or []]
    counts = _counts(rows)
    counts_chart = (
        group_bars(
            [{"group": w, "value": n, "suppressed": False} for _, w, n in counts],
            title=f"Workspaces by verdict, {period.label}",
            x_title="Workspaces",
            group_title="verdict",
            kind="count",
            width=420,
        )
        if counts and measured
        else None
    )
    network_chart = (
        department_network(
            network["nodes"],
            network["edges"],
            title=f"Departments and the ties between them, {period.label}",
            min_group_size=int(network["min_group_size"]),
            width=620,
        )
        if network and network.get("nodes")
        else None
    )
    acted, acted_total = _acted(rows, period)
    notes = []
    if p.not_measured:
        notes.append(f"{p.not_measured} workspace(s) could not be measured for this period.")
    scoped = Portfolio(
        rows=rows,
        assumptions=p.assumptions,
        departments=p.departments,
        sponsors=p.sponsors,
        total_hours=p.total_hours if one is None else (one.hours or {}),
        total_cost=p.total_cost if one is None else (one.cost or {}),
        measured=p.measured if one is None else int(one.figures is not None),
        excluded=p.excluded if one is None else int(one.excluded),
        not_measured=p.not_measured if one is None else int(one.verdict == NOT_MEASURED),
    )
    return Report(
        period=period,
        generated_at=timezone.now(),
        portfolio=scoped,
        workspace=one,
        has_data=bool(measured),
        verdict=_paragraph(scoped, {v: n for v, _, n in counts}, period, silos),
        counts=counts,
        counts_chart=counts_chart,
        fading=_fading(rows, data),
        network=network,
        network_chart=network_chart,
        acted=acted,
        acted_total=acted_total,
        notes=tuple(notes),
    )
