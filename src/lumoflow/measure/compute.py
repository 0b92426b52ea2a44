"""Run the engine on the platform's own activity log, in-process.

The log is built as Arrow tables straight from the database (`conversation.export.build_log`,
narrowed in SQL to the events the selection needs), measured by the same pure engine as
`lumoflow analyze` (`analytics.report.analyze`) and guarded by `report_data`: no second
implementation, no temporary files. Results are computed with individuals off.

Nothing here checks permissions or writes: `measure.queries` and `measure.tasks` do.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings

import lumoflow
from lumoflow.analytics import report
from lumoflow.analytics.department_map import department_map
from lumoflow.analytics.frame import Options, Period, make_frame
from lumoflow.analytics.log import InteractionLog, LogError
from lumoflow.analytics.network import build_graph
from lumoflow.conversation.export import build_log

from .models import ORGANISATION


@functools.cache
def engine_version() -> str:
    """The engine's version: the product's version and a digest of the engine's source.

    Any change to `lumoflow.analytics` gives a new version, so stored results computed by an
    older engine are no longer read (`measure.queries`).
    """
    root = Path(report.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return f"{lumoflow.__version__}+{digest.hexdigest()[:12]}"


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The 12 months up to `today` (UTC), both ends included: from the day after the same date
    a year before."""
    end = today or dt.datetime.now(dt.UTC).date()
    before = dt.date(end.year - 1, end.month, 28) + dt.timedelta(days=end.day - 28)
    if before.month != end.month:  # 29 February: the year before has none
        before = dt.date(end.year - 1, end.month, 28)
    return before + dt.timedelta(days=1), end


def engine_options() -> Options:
    """The options of stored results: the configured threshold, individuals off."""
    return Options(min_group_size=settings.LUMOFLOW_MIN_GROUP_SIZE, individuals=False)


def end_instant(end: dt.date) -> dt.datetime:
    """The instant a period ending on `end` (included) ends: the next day's midnight, UTC."""
    return dt.datetime.combine(end, dt.time(), dt.UTC) + dt.timedelta(days=1)


def measure(
    log: InteractionLog,
    start: dt.date,
    end: dt.date,
    *,
    workspace: int | None = None,
    options: Options | None = None,
    families: Collection[str] = report.FAMILIES,
) -> dict[str, Any]:
    """The engine's guarded JSON for `log` over [start, end] (one workspace, or all of `log`),
    with the stored results' options unless told others.

    A selection with no activity in the period gives the withheld shape (every family null)
    with the reason in `privacy.selection.reason`.
    """
    options = options or engine_options()
    ws = None if workspace is None else str(workspace)
    try:
        result = report.analyze(
            log,
            period=Period.from_dates(start, end),
            workspace=ws,
            options=options,
            families=families,
        )
    except LogError:
        return _nothing_measured(log, start, end, ws, options)
    return report.report_data(result)


def _nothing_measured(
    log: InteractionLog, start: dt.date, end: dt.date, workspace: str | None, options: Options
) -> dict[str, Any]:
    where = f"workspace {workspace}" if workspace else "the organisation"
    empty = report.Report(
        participation=None,
        responsiveness=None,
        fading=None,
        network=None,
        relevance=None,
        value=None,
        privacy={
            "min_group_size": options.min_group_size,
            "individuals": options.individuals,
            "names": False,
            "note": "",
            "selection": {
                "suppressed": True,
                "reason": f"Nothing to measure: no activity in {where} from {start} to {end}.",
            },
        },
        input={
            "format": "log",
            "source": str(log.meta.get("source", "")),
            "period": {"from": _start_instant(start), "to": end_instant(end)},
            "workspace": workspace,
            "skipped": {},
        },
    )
    return report.report_data(empty)


def _start_instant(start: dt.date) -> dt.datetime:
    return dt.datetime.combine(start, dt.time(), dt.UTC)


def workspace_log(workspace_id: int, end: dt.date) -> InteractionLog:
    """The log of one workspace's events up to the end of `end` (its whole history before the
    period too: the engine reads first activity and returns from it)."""
    return build_log(end=end_instant(end), workspaces=[workspace_id])


def compute_workspace(workspace_id: int, start: dt.date, end: dt.date) -> dict[str, Any]:
    """One workspace's metrics over [start, end], from that workspace's events alone."""
    return measure(workspace_log(workspace_id, end), start, end, workspace=workspace_id)


def compute_people_figures(workspace_id: int, start: dt.date, end: dt.date) -> dict[str, Any]:
    """One workspace's network family over [start, end] with its individual-level figures
    (brokers, peripheral and isolated people, by username). Never stored: the caller checks the
    viewer's capability and writes the view to the audit log."""
    options = dataclasses.replace(engine_options(), individuals=True, names=True)
    log = workspace_log(workspace_id, end)
    return measure(log, start, end, workspace=workspace_id, options=options, families=("network",))


def compute_organisation(
    workspace_ids: Collection[int], start: dt.date, end: dt.date
) -> dict[str, Any]:
    """The organisation's metrics over [start, end]: the events of `workspace_ids` together
    (the caller passes every workspace that is not secret)."""
    log = build_log(end=end_instant(end), workspaces=workspace_ids)
    return measure_organisation(log, start, end)


def measure_organisation(log: InteractionLog, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The engine's guarded JSON for the organisation's log, with the department network map
    (`department_map`: `analytics.department_map`, null when nothing was measured)."""
    data = measure(log, start, end)
    data["department_map"] = None
    if data.get("network") is not None:
        frame = make_frame(log, Period.from_dates(start, end), options=engine_options())
        found = department_map(build_graph(frame), engine_options().min_group_size)
        data["department_map"] = report.to_data(found)
    return data


def split_by_workspace(log: InteractionLog) -> Iterator[tuple[int, InteractionLog]]:
    """One log per workspace of `log` (its events in their order, every person, its row of the
    workspaces table), from one stable sort of the events: no pass over the whole log per
    workspace."""
    events = log.events
    order = pc.sort_indices(events, sort_keys=[("workspace", "ascending")])
    events = events.take(order)
    runs = pc.value_counts(events["workspace"]).to_pylist()
    counts = {r["values"]: r["counts"] for r in runs}
    names = log.workspaces["workspace"]
    offset = 0
    for ws in sorted(counts):
        n = counts[ws]
        part, offset = events.slice(offset, n), offset + n
        if not ws.isdigit():
            continue  # events outside any workspace
        row = log.workspaces.filter(pc.equal(names, ws))
        yield int(ws), InteractionLog(part, log.people, row, log.meta)
    for ws in names.to_pylist():
        if ws not in counts and ws.isdigit():
            row = log.workspaces.filter(pc.equal(names, ws))
            yield int(ws), InteractionLog(events.slice(0, 0), log.people, row, log.meta)


def only_workspaces(log: InteractionLog, workspace_ids: Collection[int]) -> InteractionLog:
    """`log` narrowed to the events and rows of `workspace_ids`."""
    keep = pa.array([str(w) for w in workspace_ids], pa.string())
    events = log.events.filter(pc.is_in(log.events["workspace"], keep))
    rows = log.workspaces.filter(pc.is_in(log.workspaces["workspace"], keep))
    return InteractionLog(events, log.people, rows, log.meta)


def compute_everything(
    start: dt.date, end: dt.date, organisation: Collection[int]
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Every workspace's metrics over [start, end], then the organisation's (the workspaces in
    `organisation`: those that are not secret), as (scope, data), from one build of the log."""
    log = build_log(end=end_instant(end))
    for wid, part in split_by_workspace(log):
        yield wid, measure(part, start, end, workspace=wid)
    yield ORGANISATION, measure_organisation(only_workspaces(log, organisation), start, end)
