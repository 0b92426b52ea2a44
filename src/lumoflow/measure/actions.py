"""Every write of measurement: stored results and the state of each scope's background refresh.

Stored metrics are derived data, not social data: the actions that store them record no
ActivityEvent (an
event would move the workspace's change mark and ask for another refresh). `refresh_metrics` is
the one a person runs ("Refresh now"); the others are the system's (the refresh task, a read
that finds nothing stored, the hook that runs after activity commits).
`update_value_assumptions` is the administrators' (it records its event).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from lumoflow.activity.actions import record
from lumoflow.activity.models import Verb
from lumoflow.conversation.export import build_log
from lumoflow.core.errors import Invalid, PermissionDenied
from lumoflow.core.oncommit import publish
from lumoflow.people.models import User, Viewer
from lumoflow.people.queries import is_administrator
from lumoflow.workspaces.models import Workspace

from . import compute, queries
from .assumptions import problems, value_assumptions
from .models import ORGANISATION, RefreshState, StoredMetrics, ValueSettings

#: At most one background refresh of a scope starts in this long after activity.
DEBOUNCE = dt.timedelta(minutes=10)
#: Results of explicit periods kept per scope (the newest); older ones are deleted.
KEEP_EXPLICIT = 20


def store_metrics(
    scope: int,
    start: dt.date,
    end: dt.date,
    data: dict[str, Any],
    *,
    targets: str,
    rolling: bool,
    computed_at: dt.datetime,
) -> StoredMetrics:
    """Store one result, unless a result of the same key computed later is stored already.

    Deletes the scope's results of another engine version or other targets, older rolling
    results, and explicit ones past the newest KEEP_EXPLICIT. After a rolling result commits,
    `metrics.refreshed` is published (workspace_id None for the organisation).
    """
    engine = compute.engine_version()
    key = {"scope": scope, "start": start, "end": end, "engine": engine, "targets": targets}
    try:
        return _store(key, data, rolling=rolling, computed_at=computed_at)
    except IntegrityError:  # the same key stored at the same moment by another process
        return StoredMetrics.objects.get(**key)


def _store(
    key: dict[str, Any], data: dict[str, Any], *, rolling: bool, computed_at: dt.datetime
) -> StoredMetrics:
    scope, engine, targets = key["scope"], key["engine"], key["targets"]
    with transaction.atomic():
        row = StoredMetrics.objects.select_for_update().filter(**key).first()
        if row is not None and row.computed_at >= computed_at:
            return row
        if row is None:
            row = StoredMetrics(**key)
        row.data, row.computed_at, row.rolling = data, computed_at, rolling
        row.save()
        mine = StoredMetrics.objects.filter(scope=scope)
        mine.exclude(engine=engine, targets=targets).delete()
        if rolling:
            mine.filter(rolling=True, computed_at__lt=computed_at).delete()
        else:
            old = mine.filter(rolling=False).order_by("-computed_at")[KEEP_EXPLICIT:]
            mine.filter(pk__in=list(old.values_list("pk", flat=True))).delete()
        if rolling:
            publish(
                "metrics.refreshed",
                workspace_id=None if scope == ORGANISATION else scope,
                data=data,
                computed_at=computed_at,
            )
    return row


def compute_and_store(scope: int, start: dt.date, end: dt.date, *, rolling: bool) -> StoredMetrics:
    """Run the engine for a scope (a workspace's id, or ORGANISATION) and store the result."""
    computed_at = timezone.now()
    if scope == ORGANISATION:
        targets = ""
        data = compute.compute_organisation(queries.organisation_workspace_ids(), start, end)
    else:
        targets = queries.targets_key(Workspace.objects.get(pk=scope))
        data = compute.compute_workspace(scope, start, end)
    return store_metrics(
        scope, start, end, data, targets=targets, rolling=rolling, computed_at=computed_at
    )


def refresh_organisation(*, today: dt.date | None = None) -> int:
    """Compute and store the default period of every workspace and of the organisation from one
    build of the log (`compute.compute_everything`); return how many results were stored."""
    start, end = compute.default_period(today)
    computed_at = timezone.now()
    targets = {w.pk: queries.targets_key(w) for w in Workspace.objects.all()}
    stored = 0
    for scope, data in compute.compute_everything(start, end, queries.organisation_workspace_ids()):
        key = targets.get(scope, "")
        store_metrics(scope, start, end, data, targets=key, rolling=True, computed_at=computed_at)
        stored += 1
    return stored


def store_period(start: dt.date, end: dt.date, workspace_ids: Iterable[int]) -> int:
    """Compute and store the metrics of `workspace_ids` and of the organisation over [start,
    end] (an explicit period, e.g. a report's quarter) from one build of the log, as
    `refresh_organisation` does for the default period; return how many results were stored.

    The organisation's result is computed from the events of the workspaces it covers
    (`queries.organisation_workspace_ids`) and is stored with them.
    """
    wanted = {int(w) for w in workspace_ids}
    organisation = queries.organisation_workspace_ids()
    computed_at = timezone.now()
    targets = {w.pk: queries.targets_key(w) for w in Workspace.objects.filter(pk__in=wanted)}
    log = build_log(end=compute.end_instant(end), workspaces=wanted | set(organisation))
    stored = 0
    for wid, part in compute.split_by_workspace(compute.only_workspaces(log, wanted)):
        if wid in targets:
            data = compute.measure(part, start, end, workspace=wid)
            store_metrics(
                wid, start, end, data, targets=targets[wid], rolling=False, computed_at=computed_at
            )
            stored += 1
    data = compute.measure_organisation(compute.only_workspaces(log, organisation), start, end)
    store_metrics(
        ORGANISATION, start, end, data, targets="", rolling=False, computed_at=computed_at
    )
    return stored + 1


def store_ended_periods(*, today: dt.date | None = None) -> int:
    """Store the results of the last complete quarter and the last complete month (UTC, as
    the report reads them) for every workspace of the portfolio that has none valid yet, and
    the organisation's with them (`store_period`); return how many results were stored.

    Idempotent: a period already stored is only read (one query per period), nothing is
    recomputed. Run by the worker's schedule (`tasks.store_ended_periods_task`) so the first
    report of an ended period reads the store instead of computing in the request.
    """
    from .portfolio import missing_of_period
    from .report.period import last_complete_month, last_complete_quarter, parse_period

    today = today or timezone.now().date()
    stored = 0
    for key in (last_complete_quarter(today), last_complete_month(today)):
        period = parse_period(key, today=today)
        missing = missing_of_period((period.start, period.end))
        if missing:
            stored += store_period(period.start, period.end, missing)
    return stored


def request_refresh(scopes: Iterable[int], *, now: dt.datetime | None = None) -> int:
    """Queue a background refresh of each scope that has none queued, to run no sooner than
    DEBOUNCE after its last run started; return how many were queued.

    Runs after activity commits (`measure.apps`) and when a read finds yesterday's result: at
    most one queued task per scope, however many writes there are. One indexed read when every
    scope has its task queued already (the state is in the database only: a flush or a restore
    cannot leave a process believing in a task that is gone).
    """
    now = now or timezone.now()
    wanted = {int(s) for s in scopes}
    queued_already = RefreshState.objects.filter(scope__in=wanted, due_at__isnull=False)
    wanted -= set(queued_already.values_list("scope", flat=True))
    if not wanted:
        return 0
    from .tasks import refresh_metrics_task

    queued = 0
    with transaction.atomic():
        RefreshState.objects.bulk_create(
            [RefreshState(scope=s) for s in sorted(wanted)], ignore_conflicts=True
        )
        states = RefreshState.objects.filter(scope__in=wanted)
        for state in states.order_by("scope"):
            if state.due_at is not None:
                continue
            last = state.started_at
            due = max(now, last + DEBOUNCE) if last else now
            claimed = RefreshState.objects.filter(scope=state.scope, due_at__isnull=True).update(
                due_at=due
            )
            if claimed:
                task = refresh_metrics_task.using(run_after=due) if due > now else None
                (task or refresh_metrics_task).enqueue(state.scope)
                queued += 1
    return queued


def refresh_metrics(actor: Viewer, workspace_id: Any) -> None:
    """Refresh a workspace's metrics now, in the background ("Refresh now").

    Owners, facilitators and administrators (PermissionDenied for members; NotFound when the
    actor may not see the workspace). Queues a task to run at once unless one is due already.
    """
    ws = queries.require_full_access(actor, workspace_id)
    now = timezone.now()
    from .tasks import refresh_metrics_task

    with transaction.atomic():
        RefreshState.objects.bulk_create([RefreshState(scope=ws.pk)], ignore_conflicts=True)
        state = RefreshState.objects.select_for_update().get(scope=ws.pk)
        if state.due_at is not None and state.due_at <= now:
            return
        state.due_at = now
        state.save(update_fields=["due_at"])
        refresh_metrics_task.enqueue(ws.pk)


def start_refresh(scope: int) -> None:
    """Mark a scope's refresh as running: later activity queues the next one."""
    RefreshState.objects.update_or_create(
        scope=scope, defaults={"due_at": None, "started_at": timezone.now()}
    )


def finish_refresh(scope: int) -> None:
    """Mark a scope's refresh as finished (stored or failed)."""
    RefreshState.objects.filter(scope=scope).update(finished_at=timezone.now())


@transaction.atomic
def update_value_assumptions(
    actor: User,
    *,
    minutes_per_answered_question: tuple[float, float, float],
    minutes_per_reuse: tuple[float, float, float],
    hourly_cost: float,
    currency: str,
) -> Any:
    """Save the organisation's value assumptions (administrators only: PermissionDenied for
    others; Invalid, with each field's problem, for a value out of range). Records a
    `workspace` event outside any workspace (change "value assumptions updated") with the old
    and new values. Returns the assumptions now in force."""
    if not is_administrator(actor):
        raise PermissionDenied("Only administrators can change the value assumptions.")
    q = tuple(float(v) for v in minutes_per_answered_question)
    r = tuple(float(v) for v in minutes_per_reuse)
    errors = problems(q, r, float(hourly_cost), currency)  # type: ignore[arg-type]
    if errors:
        raise Invalid("These value assumptions are out of range.", errors=errors)
    before = value_assumptions()
    ValueSettings.objects.update_or_create(
        pk=1,
        defaults={
            "answered_low": q[0],
            "answered_base": q[1],
            "answered_high": q[2],
            "reuse_low": r[0],
            "reuse_base": r[1],
            "reuse_high": r[2],
            "hourly_cost": float(hourly_cost),
            "currency": currency,
            "updated_at": timezone.now(),
        },
    )
    after = value_assumptions()
    record(
        actor,
        Verb.WORKSPACE,
        object_type="valuesettings",
        object_id="1",
        data={
            "change": "value assumptions updated",
            "before": asdict(before),
            "after": asdict(after),
        },
    )
    return after
