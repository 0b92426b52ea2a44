"""Permission-aware reads of the engine's metrics, served from the store.

Who may read (issue "Workspace health in the product"): owners and facilitators their
workspaces' full metrics; members (and, in a public workspace, anyone who may read it) the
summary; administrators every workspace that is not secret, in full, and the organisation's
metrics; a secret workspace only its members. A workspace the viewer may not see is NotFound; a
private one they see listed but may not read is PermissionDenied.

A read never waits for a computation it can show from the store: the default period (the 12
months up to today) is served from the latest stored result and refreshed in the background
when it is from an earlier day; a scope's first computation, or an explicit period nobody asked
for before, runs in the request and is stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from lumoflow.analytics.targets import Targets
from lumoflow.core.errors import Invalid, PermissionDenied
from lumoflow.core.sql import Frozen
from lumoflow.people.models import Capability, Viewer
from lumoflow.people.queries import is_administrator, require_capability
from lumoflow.workspaces.models import Visibility, Workspace
from lumoflow.workspaces.queries import can_read, get_workspace_for, may_facilitate, role_of

from . import compute
from .models import ORGANISATION, RefreshState, StoredMetrics

#: The longest period one may ask for.
MAX_PERIOD_DAYS = 3 * 366
#: The families of the summary members see: the verdict, the targets' actuals and the charts.
#: The network and the value estimate are for owners, facilitators and administrators.
SUMMARY_FAMILIES = ("participation", "responsiveness", "fading", "relevance")
FULL_ONLY_FAMILIES = ("network", "value")
#: An explicit period that still ran when its result was computed is recomputed once its result
#: is older than this (the default period is kept current by the background refresh instead).
OPEN_PERIOD_FRESH = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Metrics:
    """The engine's guarded metrics of a workspace (or the organisation) over a period."""

    workspace_id: int | None  # None: the organisation
    start: dt.date  # first day included (UTC)
    end: dt.date  # last day included
    computed_at: dt.datetime  # when the engine ran
    #: the engine's guarded JSON (`analytics.report.report_data`), the shape of `lumoflow analyze
    #: --format json`; for a summary, without the families in FULL_ONLY_FAMILIES (null)
    data: dict[str, Any]
    full: bool  # True for owners, facilitators, administrators
    refreshing: bool  # a refresh is queued or running


def workspace_targets(ws: Workspace) -> Targets:
    """A workspace's engagement targets as the engine reads them."""
    return Targets(
        weekly_active_share=float(ws.target_weekly_active_share),
        first_reply_hours=float(ws.target_first_reply_hours),
        on_topic_share=float(ws.target_on_topic_share),
    )


def targets_key(ws: Workspace) -> str:
    """What of a workspace a stored result depends on besides its events: its targets."""
    return (
        f"{ws.target_weekly_active_share}:{ws.target_first_reply_hours}:{ws.target_on_topic_share}"
    )


def metrics_access(viewer: Viewer, workspace_id: Any) -> tuple[Workspace, bool]:
    """The workspace and whether the viewer may see its full metrics.

    NotFound when the viewer may not see the workspace; PermissionDenied when it is private and
    they are neither a member nor an administrator.
    """
    ws = get_workspace_for(viewer, workspace_id)
    role = role_of(viewer, ws)
    if may_facilitate(role):
        return ws, True
    if is_administrator(viewer) and ws.visibility != Visibility.SECRET:
        return ws, True
    if role is not None or can_read(viewer, ws):
        return ws, False
    raise PermissionDenied(f"Workspace '{ws.name}' is private: only its members see its health.")


def require_full_access(viewer: Viewer, workspace_id: Any) -> Workspace:
    """The workspace when the viewer is an owner, facilitator or administrator; else
    PermissionDenied (NotFound when they may not see it at all)."""
    ws, full = metrics_access(viewer, workspace_id)
    if not full:
        raise PermissionDenied(
            "Only a workspace owner or facilitator, or an administrator, can do this."
        )
    return ws


def check_period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date, bool]:
    """(start, end, rolling): the period asked for, or the default one (rolling).

    Invalid when reversed, longer than three years, or ending after today (UTC).
    """
    today = timezone.now().astimezone(dt.UTC).date()
    if start is None and end is None:
        first, last = compute.default_period(today)
        return first, last, True
    last = end or today
    first = start or compute.default_period(last)[0]
    errors: dict[str, list[str]] = {}
    if last > today:
        errors["to"] = [f"The period ends on {last}, after today ({today}, UTC)."]
    if first > last:
        errors["from"] = [f"The period starts on {first}, after its end ({last})."]
    elif (last - first).days + 1 > MAX_PERIOD_DAYS:
        errors["from"] = [
            f"The period from {first} to {last} is longer than 3 years: ask for less."
        ]
    if errors:
        raise Invalid("This period cannot be measured.", errors=errors)
    return first, last, (first, last) == compute.default_period(today)


def _refreshing(scope: int) -> bool:
    state = RefreshState.objects.filter(scope=scope).first()
    if state is None:
        return False
    running = state.started_at is not None and (
        state.finished_at is None or state.finished_at < state.started_at
    )
    return state.due_at is not None or running


def stored(
    scope: int, start: dt.date, end: dt.date, *, targets: str, rolling: bool
) -> StoredMetrics | None:
    """The stored result to show for a scope and period, or None (compute it).

    The default period shows the latest rolling result of the current engine and targets, even
    from an earlier day (the caller asks for a refresh). An explicit period shows its own result
    when that period had ended when it was computed, or it is recent.
    """
    qs = StoredMetrics.objects.filter(scope=scope, engine=compute.engine_version(), targets=targets)
    if rolling:
        return qs.filter(rolling=True).order_by("-computed_at").first()
    row = qs.filter(start=start, end=end).first()
    if row is None:
        return None
    return row if valid_for(end, row.computed_at, timezone.now()) else None


def valid_for(end: dt.date, computed_at: dt.datetime, now: dt.datetime) -> bool:
    """Whether a stored result of an explicit period ending on `end` may still be shown: the
    period had ended when it was computed, or it is recent (OPEN_PERIOD_FRESH)."""
    return computed_at.astimezone(dt.UTC).date() > end or now - computed_at < OPEN_PERIOD_FRESH


def _metrics(
    scope: int, start: dt.date, end: dt.date, *, targets: str, rolling: bool, full: bool
) -> Metrics:
    from . import actions  # actions read through these queries: imported when first needed

    row = stored(scope, start, end, targets=targets, rolling=rolling)
    if row is None:
        row = actions.compute_and_store(scope, start, end, rolling=rolling)
    elif rolling and row.end < end:
        actions.request_refresh([scope])  # yesterday's result, shown while today's is computed
    data = row.data if full else summary(row.data)
    return Metrics(
        workspace_id=None if scope == ORGANISATION else scope,
        start=row.start,
        end=row.end,
        computed_at=row.computed_at,
        data=data,
        full=full,
        refreshing=_refreshing(scope),
    )


def summary(data: dict[str, Any]) -> dict[str, Any]:
    """What members see of a result: every family but those for owners, facilitators and
    administrators (null)."""
    return {k: (None if k in FULL_ONLY_FAMILIES else v) for k, v in data.items()}


def get_workspace_metrics_for(
    viewer: Viewer, workspace_id: Any, *, start: dt.date | None = None, end: dt.date | None = None
) -> Metrics:
    """A workspace's metrics over [start, end] (default: the 12 months up to today), in full
    for owners, facilitators and administrators, the summary for members.

    NotFound when the viewer may not see the workspace (secret: members only); PermissionDenied
    for a private one they do not belong to; Invalid for a bad period.
    """
    ws, full = metrics_access(viewer, workspace_id)
    first, last, rolling = check_period(start, end)
    return _metrics(ws.pk, first, last, targets=targets_key(ws), rolling=rolling, full=full)


@dataclass(frozen=True)
class StoredKey:
    """What names a workspace's stored default-period result, read without its data: pages
    key their cached parts on it and read the data (`get_workspace_metrics_for`) only to build
    them."""

    computed_at: dt.datetime
    end: dt.date
    full: bool
    refreshing: bool


def _stored_key_query(wid: int) -> QuerySet[StoredMetrics, tuple[Any, ...]]:
    """The newest rolling result of a workspace by the current engine, without its data, and
    its refresh state, in one query. A scope's stored rows all have one engine and targets
    (`actions.store_metrics` deletes the others), so the targets are read and compared after."""
    state = RefreshState.objects.filter(scope=OuterRef("scope"))
    return (
        StoredMetrics.objects.filter(scope=wid, engine=compute.engine_version(), rolling=True)
        .annotate(
            due=Subquery(state.values("due_at")),
            started=Subquery(state.values("started_at")),
            finished=Subquery(state.values("finished_at")),
        )
        .order_by("-computed_at")
        .values_list("computed_at", "end", "targets", "due", "started", "finished")[:1]
    )


# Every workspace page and health page reads it: compiled once per process (`core.sql`).
_STORED_KEY = Frozen(_stored_key_query)
_STORED_KEY_FIELDS = (
    StoredMetrics._meta.get_field("computed_at"),
    StoredMetrics._meta.get_field("end"),
    StoredMetrics._meta.get_field("targets"),
    RefreshState._meta.get_field("due_at"),
    RefreshState._meta.get_field("started_at"),
    RefreshState._meta.get_field("finished_at"),
)


def _from_db(row: tuple[Any, ...], fields: tuple[Any, ...]) -> list[Any]:
    """A raw row's values as the fields give them (aware datetimes, dates), by the ORM's own
    converters of the database in use."""
    out = []
    for value, field in zip(row, fields, strict=True):
        col = field.get_col(field.model._meta.db_table)
        for fn in (*connection.ops.get_db_converters(col), *field.get_db_converters(connection)):
            value = fn(value, col, connection)
        out.append(value)
    return out


def get_stored_key_for(viewer: Viewer, workspace_id: Any) -> StoredKey:
    """The key of the workspace's stored result for the default period, in one precompiled
    query. When nothing is stored for the current engine and targets, the result is computed
    and stored in this request first (the one place a page computes); when it is from an
    earlier day, a refresh is asked for, as `get_workspace_metrics_for` does. NotFound /
    PermissionDenied as `get_workspace_metrics_for`."""
    ws, full = metrics_access(viewer, workspace_id)
    first, last, _ = check_period(None, None)
    rows = _STORED_KEY.rows(wid=ws.pk)
    if not rows or rows[0][2] != targets_key(ws):
        m = _metrics(ws.pk, first, last, targets=targets_key(ws), rolling=True, full=full)
        return StoredKey(m.computed_at, m.end, full, m.refreshing)
    computed_at, end, _, due, started, finished = _from_db(rows[0], _STORED_KEY_FIELDS)
    if end < last:
        from . import actions

        actions.request_refresh([ws.pk])
    running = started is not None and (finished is None or finished < started)
    return StoredKey(computed_at, end, full, due is not None or running)


def get_org_metrics_for(
    viewer: Viewer, *, start: dt.date | None = None, end: dt.date | None = None
) -> Metrics:
    """The organisation's metrics (every workspace that is not secret): administrators only
    (PermissionDenied for others); Invalid for a bad period."""
    if not is_administrator(viewer):
        raise PermissionDenied("Only administrators can read the organisation's metrics.")
    first, last, rolling = check_period(start, end)
    return _metrics(ORGANISATION, first, last, targets="", rolling=rolling, full=True)


def organisation_workspace_ids() -> list[int]:
    """The workspaces the organisation's metrics cover: every one that is not secret and not
    excluded from organisation analytics by its owners."""
    qs = (
        Workspace.objects.exclude(visibility=Visibility.SECRET)
        .exclude(excluded_from_org_analytics=True)
        .order_by("pk")
    )
    return list(qs.values_list("pk", flat=True))


#: What the individual-level figures of a workspace are called in the audit log.
PEOPLE_FIGURES = "brokers, peripheral and isolated people"


@dataclass(frozen=True)
class PeopleFigures:
    """A workspace's individual-level network figures over a period (never stored)."""

    workspace_id: int
    start: dt.date
    end: dt.date
    brokers: list[dict[str, Any]] | None  # {"actor", "betweenness", "constraint"}, top first
    peripheral: dict[str, Any] | None  # {"count", "share", "people": [username, ...]}
    isolated: dict[str, Any] | None
    load_concentration: float | None  # share of ties held by the top 5% of people
    withheld: str | None  # why nothing is shown (too few people), else None


def get_people_figures_for(
    viewer: Viewer,
    workspace_id: Any,
    *,
    via: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> PeopleFigures:
    """A workspace's brokers, peripheral and isolated people by name, for people-analytics
    holders who may read the workspace; each call is written to the audit log (`via`: "page"
    or "api").

    PermissionDenied without the capability (or for a private workspace the viewer does not
    belong to); NotFound for a workspace they may not see; Invalid for a bad period. Computed
    in the request, never stored: the stored results hold no individual-level figures.
    """
    from lumoflow.people import actions as people_actions

    user = require_capability(viewer, Capability.PEOPLE_ANALYTICS)
    ws, _ = metrics_access(user, workspace_id)
    first, last, _ = check_period(start, end)
    data = compute.compute_people_figures(ws.pk, first, last)
    people_actions.record_individual_view(
        user, what=PEOPLE_FIGURES, scope=f"workspace {ws.pk} ({ws.name})", via=via
    )
    net = data.get("network")
    if not net:
        reason = data["privacy"]["selection"].get("reason") or "Too few people to show."
        return PeopleFigures(ws.pk, first, last, None, None, None, None, reason)
    return PeopleFigures(
        workspace_id=ws.pk,
        start=first,
        end=last,
        brokers=(net.get("brokers") or {}).get("top"),
        peripheral=net.get("peripheral"),
        isolated=net.get("isolated"),
        load_concentration=net.get("load_concentration"),
        withheld=None,
    )


def get_org_stored_for(viewer: Viewer) -> Metrics:
    """The organisation's stored metrics for the default period: executives only
    (PermissionDenied for others). Read from the store; only the organisation's very first
    computation runs in the request."""
    require_capability(viewer, Capability.EXECUTIVE)
    first, last, rolling = check_period(None, None)
    return _metrics(ORGANISATION, first, last, targets="", rolling=rolling, full=True)


def get_org_network_for(viewer: Viewer) -> tuple[Metrics, dict[str, Any] | None]:
    """The organisation's stored metrics for the default period and their department network
    map (None when nothing was measured): executives only, as `get_org_stored_for`."""
    m = get_org_stored_for(viewer)
    return m, m.data.get("department_map")
