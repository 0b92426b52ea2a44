"""The organisation's portfolio: every workspace that is not secret, ranked by health, read from
the stored metrics (never computed in the request).

Plain functions a page, the API and a report call alike: `portfolio_for(viewer, ...)` gives the
rows, ranked, filtered and sorted; `figures_of(data, targets)` is what one stored result gives
its row (pure, cached per stored result).

Ranking ("health"): the engine's verdict from the worst news to no news (fading, inconclusive,
growing, stable, too little data), then how far the workspace misses its targets (the sum over
its missed targets of the shortfall as a share of the target), then name. Workspaces with
nothing stored yet come after, excluded ones last.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from lumoflow.activity.queries import change_marks_of
from lumoflow.analytics.fading_verdict import VERDICTS
from lumoflow.analytics.html_page import VERDICTS as VERDICT_WORDS
from lumoflow.analytics.targets import Targets, complete_weeks, period_end, targets_against_actuals
from lumoflow.analytics.value import ValueAssumptions, estimate
from lumoflow.core import fragments
from lumoflow.people.models import Capability, Viewer
from lumoflow.people.queries import require_capability
from lumoflow.workspaces.models import (
    CheckIn,
    KeyResult,
    Membership,
    Objective,
    Role,
    Visibility,
    Workspace,
)
from lumoflow.workspaces.progress import progress

from . import compute
from .assumptions import value_assumptions
from .models import StoredMetrics
from .queries import targets_key, valid_for, workspace_targets

#: Weeks of weekly actives a row's sparkline shows, up to the last complete week.
SPARK_WEEKS = 12
#: The columns the portfolio sorts by, with the label a page shows.
SORTS = {
    "health": "Health",
    "name": "Workspace",
    "progress": "Objective progress",
    "active": "Weekly actives",
    "value": "Estimated value",
    "owner": "Owner",
    "department": "Department",
    "sponsor": "Sponsor",
}
#: The verdict filter's choices beyond the engine's verdicts.
NOT_MEASURED, EXCLUDED = "not_measured", "excluded"
VERDICT_CHOICES = {
    **{v: VERDICT_WORDS[v][0] for v in VERDICTS},
    NOT_MEASURED: "Not measured yet",
    EXCLUDED: "Excluded",
}


@dataclass(frozen=True)
class Figures:
    """What one stored result gives a workspace's row (cached per stored result)."""

    verdict: str  # one of VERDICTS, or "" when the selection was withheld (too few people)
    withheld: str  # why nothing is shown, else ""
    shortfall: float  # sum of missed targets' shortfalls as shares of their targets
    missed: tuple[str, ...]  # labels of the targets missed
    weekly_active: int | None  # people active in the last complete week; None when hidden
    #: (week, people active or None when hidden, hidden), the last SPARK_WEEKS: tuples, as the
    #: fragments cache keeps only values that cannot change
    weekly: tuple[tuple[str, int | None, bool], ...]
    questions_answered: int | None
    reuse: int | None
    min_group_size: int
    computed_at: dt.datetime

    def points(self) -> list[dict[str, Any]]:
        """The weekly actives as the charts take them: {"week", "value", "suppressed"}."""
        return [{"week": w, "value": v, "suppressed": h} for w, v, h in self.weekly]


@dataclass(frozen=True)
class Row:
    """One workspace of the portfolio."""

    workspace_id: int
    name: str
    visibility: str
    owner: str  # the first owner's name ("" without one)
    owner_username: str
    department: str  # the first owner's department path ("" without one)
    sponsor: str  # the name of the owner of the workspace's latest objective
    sponsor_username: str
    progress: float | None  # mean progress of the latest objective's key results, 0..1
    excluded: bool
    figures: Figures | None  # None: excluded, or nothing stored yet
    hours: dict[str, float] | None = None  # low / base / high, under the assumptions
    cost: dict[str, float] | None = None

    @property
    def verdict(self) -> str:
        if self.excluded:
            return EXCLUDED
        if self.figures is None:
            return NOT_MEASURED
        return self.figures.verdict

    @property
    def top_department(self) -> str:
        return self.department.split("/", 1)[0]


@dataclass(frozen=True)
class Portfolio:
    rows: list[Row]
    assumptions: ValueAssumptions
    departments: list[str]  # top-level departments of the workspaces' owners
    sponsors: list[tuple[str, str]]  # (username, name)
    total_hours: dict[str, float] = field(default_factory=dict)
    total_cost: dict[str, float] = field(default_factory=dict)
    measured: int = 0
    excluded: int = 0
    not_measured: int = 0


def figures_of(
    data: dict[str, Any], targets: Targets, computed_at: dt.datetime, *, weeks: int = SPARK_WEEKS
) -> Figures:
    """A row's figures from a stored result: the verdict, the targets missed and by how much,
    the weekly actives of the last complete weeks (hidden weeks stay hidden) and the counts the
    value estimate is made of."""
    mgs = int((data.get("privacy") or {}).get("min_group_size") or 5)
    reason = ((data.get("privacy") or {}).get("selection") or {}).get("reason") or ""
    fading = data.get("fading") or {}
    verdict = str(fading.get("verdict") or "")
    if not verdict:
        return Figures(
            "", reason or "Not measured.", 0.0, (), None, (), None, None, mgs, computed_at
        )
    shortfall, missed = 0.0, []
    for s in targets_against_actuals(data, targets):
        if s.status == "missed" and s.actual is not None and s.target:
            gap = (s.target - s.actual) if s.higher_is_better else (s.actual - s.target)
            shortfall += max(0.0, gap) / s.target
            missed.append(s.label)
    end = period_end(data)
    by_week = {
        str(w["week"])[:10]: w for w in (data.get("participation") or {}).get("weekly") or []
    }
    spark: list[tuple[str, int | None, bool]] = []
    for monday in complete_weeks(end, weeks) if end else []:
        w = by_week.get(monday.isoformat()) or {}
        hidden = bool(w.get("suppressed"))
        active = None if hidden else w.get("active", 0 if not w else None)
        spark.append((monday.isoformat(), active, hidden))
    last = spark[-1][1] if spark else None
    value = data.get("value") or {}
    return Figures(
        verdict=verdict,
        withheld="",
        shortfall=round(shortfall, 6),
        missed=tuple(missed),
        weekly_active=last,
        weekly=tuple(spark),
        questions_answered=value.get("questions_answered"),
        reuse=value.get("knowledge_reuse_views"),
        min_group_size=mgs,
        computed_at=computed_at,
    )


def _health_key(r: Row) -> tuple[Any, ...]:
    if r.excluded:
        return (2, 0, 0.0, r.name.lower())
    if r.figures is None:
        return (1, 0, 0.0, r.name.lower())
    rank = VERDICTS.index(r.figures.verdict) if r.figures.verdict in VERDICTS else len(VERDICTS)
    return (0, rank, -r.figures.shortfall, r.name.lower())


def _last(value: Any) -> tuple[bool, Any]:
    """Sort key that puts rows without a value last whatever the direction."""
    return (value is None or value == "", value if value is not None else 0)


SORT_KEYS: dict[str, Callable[[Row], Any]] = {
    "health": _health_key,
    "name": lambda r: r.name.lower(),
    "progress": lambda r: _last(r.progress),
    "active": lambda r: _last(r.figures.weekly_active if r.figures else None),
    "value": lambda r: _last(r.hours["base"] if r.hours else None),
    "owner": lambda r: _last(r.owner.lower()),
    "department": lambda r: _last(r.department.lower()),
    "sponsor": lambda r: _last(r.sponsor.lower()),
}


def sort_rows(rows: list[Row], sort: str, *, descending: bool = False) -> list[Row]:
    """Rows sorted by a column of SORTS; rows without a value stay last either way."""
    key = SORT_KEYS[sort]
    if not descending or sort in ("health", "name"):
        ordered = sorted(rows, key=key)
        return ordered[::-1] if descending else ordered
    with_value = [r for r in rows if not key(r)[0]]
    without = [r for r in rows if key(r)[0]]
    return sorted(with_value, key=key, reverse=True) + sorted(without, key=lambda r: r.name)


def _people_of(workspace_ids: list[int]) -> dict[int, tuple[str, str, str]]:
    """Each workspace's first owner: (name, username, department path)."""
    owners = (
        Membership.objects.filter(workspace_id__in=workspace_ids, role=Role.OWNER, status="active")
        .order_by("workspace_id", "joined_at", "pk")
        .values_list(
            "workspace_id",
            "user__username",
            "user__display_name",
            "user__first_name",
            "user__last_name",
            "user__department__path",
        )
    )
    from lumoflow.people.models import person_name

    out: dict[int, tuple[str, str, str]] = {}
    for wid, username, display, first, last, dept in owners:
        if wid not in out:
            out[wid] = (person_name(username, display, first, last), username, dept or "")
    return out


def _objectives_of(
    workspace_ids: list[int],
) -> tuple[dict[int, tuple[str, str]], dict[int, float]]:
    """Each workspace's sponsor (the owner of its latest objective: name, username) and the
    mean progress of that objective's key results from their latest check-ins."""
    from lumoflow.people.models import person_name

    latest = (
        Objective.objects.filter(workspace_id__in=workspace_ids)
        .order_by("workspace_id", "-end", "-pk")
        .values_list(
            "pk",
            "workspace_id",
            "owner__username",
            "owner__display_name",
            "owner__first_name",
            "owner__last_name",
        )
    )
    sponsors: dict[int, tuple[str, str]] = {}
    objective_of: dict[int, int] = {}
    for pk, wid, username, display, first, last in latest:
        if wid not in sponsors:
            sponsors[wid] = (person_name(username, display, first, last), username)
            objective_of[pk] = wid
    last_value = Subquery(
        CheckIn.objects.filter(key_result=OuterRef("pk"))
        .order_by("-date", "-pk")
        .values("value")[:1]
    )
    krs = (
        KeyResult.objects.filter(objective_id__in=list(objective_of))
        .annotate(current=last_value)
        .values_list("objective_id", "baseline", "target", "current")
    )
    shares: dict[int, list[float]] = defaultdict(list)
    for oid, baseline, target, current in krs:
        now = baseline if current is None else current
        shares[objective_of[oid]].append(progress(now, baseline, target))
    return sponsors, {wid: sum(v) / len(v) for wid, v in shares.items()}


def _stored_of(
    workspaces: Iterable[Workspace], period: tuple[dt.date, dt.date] | None = None
) -> dict[int, tuple[int, dt.datetime]]:
    """Each workspace's latest stored default-period result of the current engine and its
    targets: (row id, computed at). Read without the data.

    With `period` (start, end): the results of exactly that period instead, those that are
    still valid (`queries.stored`'s rule: computed after the period ended, or recently)."""
    wanted = {ws.pk: targets_key(ws) for ws in workspaces}
    rows = StoredMetrics.objects.filter(scope__in=list(wanted), engine=compute.engine_version())
    if period is None:
        rows = rows.filter(rolling=True)
    else:
        rows = rows.filter(start=period[0], end=period[1])
    out: dict[int, tuple[int, dt.datetime]] = {}
    now = timezone.now()
    for scope, targets, pk, at in rows.order_by("scope", "-computed_at").values_list(
        "scope", "targets", "pk", "computed_at"
    ):
        if scope in out or wanted.get(scope) != targets:
            continue
        if period is not None and not valid_for(period[1], at, now):
            continue
        out[scope] = (pk, at)
    return out


def _figures(
    workspaces: dict[int, Workspace], stored: dict[int, tuple[int, dt.datetime]]
) -> dict[int, Figures]:
    """The figures of each stored result, from the cache when that result was read before."""
    marks = change_marks_of([])  # the epoch only: a stored result's id and time name its data
    parts = {wid: ("portfolio-figures", pk, at.isoformat()) for wid, (pk, at) in stored.items()}

    def build(wids: list[int]) -> dict[int, Figures]:
        ids = {stored[w][0]: w for w in wids}
        data = StoredMetrics.objects.filter(pk__in=list(ids)).values_list("pk", "data")
        return {
            ids[pk]: figures_of(d, workspace_targets(workspaces[ids[pk]]), stored[ids[pk]][1])
            for pk, d in data
        }

    return fragments.cached_many(parts, build, marks=marks)


def stored_figures(workspaces: Iterable[Workspace]) -> dict[int, Figures]:
    """The figures of each workspace's latest stored result (none for those without one);
    no permission check: the caller chose the workspaces."""
    by_id = {ws.pk: ws for ws in workspaces}
    return _figures(by_id, _stored_of(by_id.values()))


def stored_data(
    workspaces: Iterable[Workspace], period: tuple[dt.date, dt.date] | None = None
) -> dict[int, dict[str, Any]]:
    """The stored result's data of each workspace (default period, or `period`), as the
    portfolio reads them; none for those without one. No permission check: the caller chose
    the workspaces."""
    ids = {pk: wid for wid, (pk, _) in _stored_of(workspaces, period).items()}
    rows = StoredMetrics.objects.filter(pk__in=list(ids)).values_list("pk", "data")
    return {ids[pk]: data for pk, data in rows}


def _listed() -> dict[int, Workspace]:
    """The workspaces the portfolio lists: not secret, not archived."""
    return {
        ws.pk: ws
        for ws in Workspace.objects.exclude(visibility=Visibility.SECRET).filter(
            archived_at__isnull=True
        )
    }


def missing_of_period(period: tuple[dt.date, dt.date]) -> list[int]:
    """The measured workspaces of the portfolio with no valid stored result of `period`: those
    `portfolio_for(viewer, period=period)` would compute (`actions.store_ended_periods`
    stores them ahead). No permission check: read by the worker."""
    listed = _listed()
    measured = [w for w in sorted(listed) if not listed[w].excluded_from_org_analytics]
    stored = _stored_of((listed[w] for w in measured), period)
    return [w for w in measured if w not in stored]


def portfolio_for(
    viewer: Viewer,
    *,
    department: str = "",
    verdict: str = "",
    sponsor: str = "",
    sort: str = "health",
    descending: bool = False,
    assumptions: ValueAssumptions | None = None,
    period: tuple[dt.date, dt.date] | None = None,
) -> Portfolio:
    """Every workspace that is not secret (nor archived), with its figures from the store,
    ranked, filtered (top-level department of its owner, verdict, sponsor's username) and
    sorted (a key of SORTS). Executives only (PermissionDenied for others).

    Workspaces with nothing stored yet are listed as not measured and their refresh is asked
    for; excluded ones are listed with no figures. The value estimate (hours and cost, low /
    base / high) is computed from each stored result's counts under `assumptions` (default:
    the organisation's), so editing them changes every figure at once.

    With `period` (start, end; checked by the caller) the figures are those of that period:
    its stored results, and those not stored yet computed now from one read of the log
    (`actions.store_period`) and stored for the next time.
    """
    from . import actions

    require_capability(viewer, Capability.EXECUTIVE)
    a = assumptions or value_assumptions()
    workspaces = _listed()
    ids = sorted(workspaces)
    measured = [w for w in ids if not workspaces[w].excluded_from_org_analytics]
    stored = _stored_of((workspaces[w] for w in measured), period)
    missing = [w for w in measured if w not in stored]  # as `missing_of_period`
    if missing and period is None:
        actions.request_refresh(missing)
    elif missing and period is not None:
        actions.store_period(period[0], period[1], missing)
        stored = _stored_of((workspaces[w] for w in measured), period)
    figures = _figures(workspaces, stored)
    owners = _people_of(ids)
    sponsors, progress_of = _objectives_of(ids)
    rows = []
    for wid in ids:
        ws = workspaces[wid]
        owner, owner_username, dept = owners.get(wid, ("", "", ""))
        sponsor_name, sponsor_username = sponsors.get(wid, ("", ""))
        row = Row(
            workspace_id=wid,
            name=ws.name,
            visibility=ws.visibility,
            owner=owner,
            owner_username=owner_username,
            department=dept,
            sponsor=sponsor_name,
            sponsor_username=sponsor_username,
            progress=None if ws.excluded_from_org_analytics else progress_of.get(wid),
            excluded=ws.excluded_from_org_analytics,
            figures=figures.get(wid),
        )
        f = row.figures
        if f is not None and f.questions_answered is not None and f.reuse is not None:
            hours, cost = estimate(f.questions_answered, f.reuse, a)
            row = replace(row, hours=hours, cost=cost)
        rows.append(row)
    departments = sorted({r.top_department for r in rows if r.department})
    sponsor_list = sorted({(r.sponsor_username, r.sponsor) for r in rows if r.sponsor_username})
    totals_h: dict[str, float] = defaultdict(float)
    totals_c: dict[str, float] = defaultdict(float)
    for r in rows:
        for level, h in (r.hours or {}).items():
            totals_h[level] += h
            totals_c[level] += (r.cost or {})[level]
    counts = {
        "measured": sum(1 for r in rows if r.figures is not None),
        "excluded": sum(1 for r in rows if r.excluded),
        "not_measured": sum(1 for r in rows if r.verdict == NOT_MEASURED),
    }
    shown = [
        r
        for r in rows
        if (not department or r.top_department == department)
        and (not verdict or r.verdict == verdict)
        and (not sponsor or r.sponsor_username == sponsor)
    ]
    return Portfolio(
        rows=sort_rows(shown, sort, descending=descending),
        assumptions=a,
        departments=departments,
        sponsors=sponsor_list,
        total_hours=dict(totals_h),
        total_cost=dict(totals_c),
        **counts,
    )
