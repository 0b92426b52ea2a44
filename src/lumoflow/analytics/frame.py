"""Selecting what a measurement looks at: period, workspace, bots; shared SQL helpers.

A :class:`Frame` is the log cut to a period (and optionally a workspace) with bots removed, plus
the history the metrics need (first-ever activity, returns after the period). Everything here is
vectorised through DuckDB over Arrow.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lumoflow.analytics.log import TS_TYPE, UTC, InteractionLog, LogError
from lumoflow.analytics.privacy import DEFAULT_MIN_GROUP_SIZE

#: Verbs that count as engagement ("engaged = posted, replied or reacted"; an e-mail is a post).
ENGAGED_VERBS = ("post", "reply", "reaction", "message")
#: Verbs that count as a contribution (for Gini, Contributor Absence Factor, inactivity).
CONTRIBUTION_VERBS = ENGAGED_VERBS + ("article", "wiki_edit", "decision", "check_in")
#: Verbs that make an interaction tie from actor to target (the network).
TIE_VERBS = ("reply", "mention", "reaction", "message")
#: Verbs that author an object (whose author a reply or reaction is addressed to).
AUTHOR_VERBS = ("post", "reply", "message", "article", "wiki_edit", "decision", "check_in")
WEEK = dt.timedelta(days=7)


@dataclass(frozen=True)
class Period:
    """Half-open interval ``[start, end)`` in UTC; ``None`` means unbounded on that side."""

    start: dt.datetime | None = None
    end: dt.datetime | None = None

    @classmethod
    def from_dates(cls, start: dt.date | None, end: dt.date | None) -> Period:
        """Period from ``start`` (00:00 UTC) to the end of day ``end`` (both inclusive)."""
        if start and end and start > end:
            raise LogError(f"--from {start} is after --to {end}")
        s = dt.datetime.combine(start, dt.time(), UTC) if start else None
        e = dt.datetime.combine(end, dt.time(), UTC) + dt.timedelta(days=1) if end else None
        return cls(s, e)


@dataclass(frozen=True)
class Options:
    """Options shared by all metric families (configurable per workspace)."""

    min_group_size: int = DEFAULT_MIN_GROUP_SIZE
    department_depth: int = 1
    include_bots: bool = False
    individuals: bool = False
    names: bool = False
    #: Brokers listed with ``individuals`` (``lumoflow analyze --top N``).
    top_brokers: int = 10
    pseudonym_key: str = "lumoflow"
    seed: int = 42
    #: When the input's times are offsets rather than dates: the origin they were placed at
    #: (``--epoch``). Reports then give relative weeks instead of calendar dates.
    epoch: dt.datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Frame:
    """The events a measurement looks at.

    ``events``: in the period (bots excluded unless asked); ``history``: the same filters without
    the period cut (first activity, returns); ``people``: canonical people minus bots, with the
    ``dept`` column (department path cut to ``department_depth`` segments).
    """

    events: pa.Table
    history: pa.Table
    people: pa.Table
    workspaces: pa.Table
    start: dt.datetime | None
    end: dt.datetime | None
    workspace: str | None
    has_time: bool
    skipped: dict[str, int]
    options: Options
    #: Intermediate tables shared by metric families (e.g. the threads table), keyed by name;
    #: a key's part before any ``:`` names its kind (``actor_codes:…``).
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def release(self, keep: Iterable[str] = ()) -> None:
        """Drop the intermediate tables except the kinds named in ``keep``."""
        kept = set(keep)
        for key in [k for k in self.cache if k.split(":", 1)[0] not in kept]:
            del self.cache[key]

    #: Where observation stopped: ``--to`` when given, else the log's export time (``log.json``
    #: ``created``) when later than its last event, else the last event of the whole log (not
    #: only of the selected workspace). Silence up to it is activity that stopped, not missing
    #: data.
    observed_end: dt.datetime | None = None


_LOCAL = threading.local()
#: Memory DuckDB may take for its own work (joins, aggregates, sorts, windows) before it spills
#: to a temporary folder; the Arrow tables it reads are not counted.
#: ``LUMOFLOW_ANALYTICS_MEMORY`` (e.g. ``3GB``) overrides it.
DUCKDB_MEMORY_LIMIT = "1536MB"


def _spill_folder() -> str:
    """A private temporary folder for DuckDB to spill to, removed when the process ends."""
    path = tempfile.mkdtemp(prefix="lumoflow-duckdb-")
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def _connection() -> duckdb.DuckDBPyConnection:
    con: duckdb.DuckDBPyConnection | None = getattr(_LOCAL, "con", None)
    if con is None:
        con = duckdb.connect(
            config={
                "memory_limit": os.environ.get("LUMOFLOW_ANALYTICS_MEMORY") or DUCKDB_MEMORY_LIMIT,
                "temp_directory": _spill_folder(),
            }
        )
        con.execute("SET TimeZone='UTC'")
        con.execute("SET enable_progress_bar = false")  # progress is the command's to show
        _LOCAL.con = con
    return con


def return_freed_memory() -> None:
    """Take Arrow memory from jemalloc, which hands freed memory back to the system.

    The default pool (mimalloc) keeps what is freed for reuse, so the leftovers of reading the
    log and of each metric family stay in the process and add up to its peak. Called by the
    command, which owns its process; a pyarrow built without jemalloc keeps its default.
    """
    with contextlib.suppress(NotImplementedError):
        pa.set_memory_pool(pa.jemalloc_memory_pool())


def sql(query: str, **tables: Any) -> pa.Table:
    """Run ``query`` in this thread's in-memory DuckDB with ``tables`` registered by name.

    The connection holds no data between calls: the Arrow tables are registered for the query
    (zero-copy) and unregistered afterwards.
    """
    con = _connection()
    try:
        for name, table in tables.items():
            con.register(name, table)
        return con.sql(query).to_arrow_table()
    finally:
        for name in tables:
            con.unregister(name)


def take_rows(column: pa.ChunkedArray, rows: np.ndarray) -> pa.Array:
    """``column[rows]`` for ascending ``rows``, taken chunk by chunk (no whole-column copy).

    >>> take_rows(pa.chunked_array([["a", "b"], ["c", "d"]]), np.array([1, 2])).to_pylist()
    ['b', 'c']
    """
    sizes = np.fromiter((len(c) for c in column.chunks), dtype=np.int64, count=column.num_chunks)
    ends = np.cumsum(sizes)
    first = np.searchsorted(ends, rows, side="right")
    bounds = np.searchsorted(first, np.arange(column.num_chunks + 1))
    parts = [
        column.chunk(k).take(pa.array(rows[bounds[k] : bounds[k + 1]] - (ends[k] - sizes[k])))
        for k in range(column.num_chunks)
        if bounds[k + 1] > bounds[k]
    ]
    return pa.concat_arrays(parts) if parts else pa.array([], column.type)


def _ts_scalar(value: dt.datetime) -> pa.Scalar:
    return pa.scalar(value, TS_TYPE)


def make_frame(
    log: InteractionLog,
    period: Period | None = None,
    *,
    workspace: str | None = None,
    options: Options | None = None,
) -> Frame:
    """Cut ``log`` to ``period`` and ``workspace``; remove bots; count what was skipped.

    Raises ``LogError`` when the workspace does not exist or the period holds no events.
    """
    options = options or Options()
    period = period or Period()
    ev = log.events
    skipped: dict[str, int] = {}
    people = log.people
    if not options.include_bots:
        bots = people.filter(people["is_bot"])["actor"]
        is_bot = (
            ev["is_bot"] if len(bots) == 0 else pc.or_(ev["is_bot"], pc.is_in(ev["actor"], bots))
        )
        skipped["bot events"] = int(pc.sum(is_bot).as_py() or 0)
        if skipped["bot events"]:  # filtering copies every column: only when it removes rows
            ev = ev.filter(pc.invert(is_bot))
        if len(bots):  # ties to a bot are not ties between people
            ev = ev.filter(pc.invert(pc.is_in(ev["target_actor"], bots)))
            people = people.filter(pc.invert(people["is_bot"]))
    if workspace is not None:
        known = set(log.workspaces["workspace"].to_pylist()) | set(
            pc.unique(log.events["workspace"]).to_pylist()
        )
        if workspace not in known:
            raise LogError(f"no workspace with id {workspace!r} in the log")
        mask = pc.equal(ev["workspace"], workspace)
        skipped["other workspaces"] = int(len(ev) - (pc.sum(mask).as_py() or 0))
        ev = ev.filter(mask)
    has_time = ev.num_rows > 0 and ev["ts"].null_count < ev.num_rows
    history = ev
    if period.start or period.end:
        if not has_time:
            raise LogError("--from/--to need timestamps, and this input has none")
        mask = pa.chunked_array([pa.array(np.ones(len(ev), dtype=bool))])
        if period.start:
            mask = pc.and_(mask, pc.greater_equal(ev["ts"], _ts_scalar(period.start)))
        if period.end:
            mask = pc.and_(mask, pc.less(ev["ts"], _ts_scalar(period.end)))
        skipped["outside the period"] = int(len(ev) - (pc.sum(mask).as_py() or 0))
        ev = ev.filter(mask)
    if ev.num_rows == 0:
        raise LogError(
            "no events in the selected period"
            + (f" for workspace {workspace!r}" if workspace else "")
        )
    start = period.start or (pc.min(ev["ts"]).as_py() if has_time else None)
    end = period.end or (
        pc.max(ev["ts"]).as_py() + dt.timedelta(microseconds=1) if has_time else None
    )
    observed_end = end
    if end is not None and not period.end:  # the log's own end, not the selection's
        logged = pc.max(log.events["ts"]).as_py() + dt.timedelta(microseconds=1)
        observed_end = max(end, logged, _created(log) or end)
    depth = max(1, options.department_depth)
    dept = pc.binary_join(pc.list_slice(pc.split_pattern(people["department"], "/"), 0, depth), "/")
    people = people.append_column("dept", dept)
    return Frame(
        ev,
        history,
        people,
        log.workspaces,
        start,
        end,
        workspace,
        bool(has_time),
        {k: v for k, v in skipped.items() if v},
        options,
        observed_end=observed_end,
    )


def _created(log: InteractionLog) -> dt.datetime | None:
    """The log's export time (``log.json`` ``created``), or ``None`` when absent or unreadable."""
    try:
        created = dt.datetime.fromisoformat(str(log.meta["created"]))
    except (KeyError, ValueError):
        return None
    return created if created.tzinfo else created.replace(tzinfo=UTC)


def week_start(value: dt.datetime) -> dt.date:
    """Monday of the ISO week holding ``value``."""
    d = value.date()
    return d - dt.timedelta(days=d.weekday())


def weeks_of(frame: Frame, *, end: dt.datetime | None = None) -> list[dt.date]:
    """Every ISO week (its Monday) from the period's start to its end (or to ``end``), gaps
    included."""
    end = end or frame.end
    if frame.start is None or end is None:
        return []
    first = week_start(frame.start)
    last = week_start(end - dt.timedelta(microseconds=1))
    n = (last - first).days // 7 + 1
    return [first + dt.timedelta(days=7 * i) for i in range(n)]


def members_table(frame: Frame) -> pa.Table:
    """Everyone who counts as a member: listed people (whole log) or, for a workspace, anyone
    who acted in it or was addressed in it, up to the period's end."""
    if "members" in frame.cache:
        cached: pa.Table = frame.cache["members"]
        return cached
    hist = frame.history.select(["actor", "target_actor", "verb", "ts"])
    until = (
        f"ts < TIMESTAMPTZ '{frame.end}'" if frame.end is not None and frame.has_time else "true"
    )
    listed = frame.people if frame.workspace is None else frame.people.slice(0, 0)
    table = sql(
        f"""SELECT actor FROM listed
           UNION SELECT actor FROM hist WHERE {until}
           UNION SELECT target_actor FROM hist WHERE target_actor <> ''
             AND verb IN ('message', 'mention') AND {until}""",
        listed=listed.select(["actor"]),
        hist=hist,
    )
    frame.cache["members"] = table
    return table


def with_actor_codes(frame: Frame, table: pa.Table, columns: list[str]) -> pa.Table:
    """``table[columns]`` with ``actor`` replaced by an int32 code (same code, same person).

    For queries that only need to tell people apart: grouping on integers instead of text.
    The codes are computed once per table and kept in the frame's cache.
    """
    key = f"actor_codes:{id(table)}"
    if key not in frame.cache:
        # one array, one dictionary: the same person gets the same code in every row
        encoded = pc.dictionary_encode(table["actor"].combine_chunks())
        frame.cache[key] = pa.chunked_array([encoded.indices], pa.int32())
    out = table.select(columns)
    return out.set_column(columns.index("actor"), "actor", frame.cache[key])


def object_authors(frame: Frame) -> pa.Table:
    """``(object_id, author)``: each object's author, the actor of its first authoring event
    (``AUTHOR_VERBS``) by (time, event id). Later edits (a wiki page's next editors) make no
    author, and events at the same second (or without a time) are not settled by row order.

    >>> from lumoflow.analytics.log import make_log
    >>> rows = [dict(event_id="2", ts="2024-03-04T10:00Z", actor="adam", verb="wiki_edit",
    ...              object_id="w1"),
    ...         dict(event_id="1", ts="2024-03-04T09:00Z", actor="zoe", verb="wiki_edit",
    ...              object_id="w1")]
    >>> object_authors(make_frame(make_log(rows))).to_pylist()
    [{'object_id': 'w1', 'author': 'zoe'}]
    """
    if "authors" not in frame.cache:  # kept for every family that needs it
        hist = frame.history.select(["object_id", "actor", "verb", "ts", "event_id"])
        frame.cache["authors"] = sql(
            f"""SELECT object_id, arg_min(actor, (coalesce(epoch(ts), 0), event_id)) AS author
                FROM hist WHERE object_id <> '' AND verb IN {verb_list(AUTHOR_VERBS)}
                GROUP BY 1 ORDER BY 1""",
            hist=hist,
        )
    table: pa.Table = frame.cache["authors"]
    return table


def verb_list(verbs: tuple[str, ...]) -> str:
    """SQL list literal of ``verbs``."""
    return "(" + ", ".join(f"'{v}'" for v in verbs) + ")"
