"""Build the platform's canonical interaction log (format 1) from the activity log.

An administrator's operation: it covers every workspace (including private and secret ones) and
every person. `viewer=` narrows the events to what one person may read (used to check privacy).
Events are read in bulk, straight into Arrow columns; the writer is `lumoflow.analytics.log`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from lumoflow.activity.models import ActivityEvent
from lumoflow.analytics.log import (
    EVENTS_SCHEMA,
    KINDS,
    PEOPLE_SCHEMA,
    VERBS,
    WORKSPACES_SCHEMA,
    InteractionLog,
)
from lumoflow.people.models import Viewer
from lumoflow.workspaces.models import Objective, Workspace
from lumoflow.workspaces.queries import readable_workspace_ids

CHUNK = 50_000
_EVENT_FIELDS = (
    "id",
    "ts",
    "actor__username",
    "verb",
    "workspace_id",
    "object_id",
    "parent_id",
    "thread_id",
    "target_actor__username",
    "kind",
    "text",
    "actor__is_bot",
)


def _events_qs(
    start: dt.datetime | None,
    end: dt.datetime | None,
    viewer: Viewer | None,
    workspaces: Collection[int] | None = None,
) -> QuerySet[ActivityEvent]:
    qs = ActivityEvent.objects.filter(verb__in=VERBS)
    if workspaces is not None:
        qs = qs.filter(workspace__in=list(workspaces))
    if start is not None:
        qs = qs.filter(ts__gte=start)
    if end is not None:
        qs = qs.filter(ts__lt=end)
    if viewer is not None:
        qs = qs.filter(workspace__in=readable_workspace_ids(viewer))
    return qs.order_by("ts", "id")


def _batches(qs: QuerySet[ActivityEvent]) -> Iterator[pa.RecordBatch]:
    """The events of `qs` as record batches of at most CHUNK rows, built column by column.

    The ORM compiles the query; its rows are read with the database's own cursor
    (`_raw_columns`), so no model field converts a value in Python: a column goes to Arrow in
    one call. Equal to `build_log` over the ORM's `values_list` (tests/conversation/
    test_export.py keeps that version as the oracle).
    """
    yield from (_batch(cols) for cols in _raw_columns(qs, _EVENT_FIELDS, "ts"))


def _raw_columns(
    qs: QuerySet[Any], fields: Sequence[str], time_field: str
) -> Iterator[list[tuple[Any, ...]]]:
    """The values of `fields` of `qs`, CHUNK rows at a time, as columns, read with the
    database's cursor. `time_field` (a datetime) comes as SQLite's text ("YYYY-MM-DD
    HH:MM:SS[.ffffff]", UTC) or PostgreSQL's datetimes: `_times` reads both."""
    names: list[Any] = list(fields)
    if connection.vendor == "sqlite":
        # as text: the sqlite3 module would otherwise parse every row's time in Python (the
        # column is declared "datetime"); Arrow parses the column at once instead
        qs = qs.annotate(_time_text=Cast(time_field, TextField()))
        names[names.index(time_field)] = "_time_text"
    sql, params = qs.values_list(*names).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(CHUNK):
            yield list(zip(*chunk, strict=True))


def _batch(cols: list[tuple[Any, ...]]) -> pa.RecordBatch:
    text = {i: pa.array(cols[i], pa.string()) for i in (2, 3, 5, 6, 7, 8, 9, 10)}
    ws = pc.cast(pa.array(cols[4], pa.int64()), pa.string())
    kind = pc.fill_null(text[9], "")
    return pa.RecordBatch.from_arrays(
        [
            pc.cast(pa.array(cols[0], pa.int64()), pa.string()),
            _times(cols[1]),
            text[2],
            text[3],
            pc.fill_null(ws, ""),
            pc.fill_null(text[5], ""),
            pc.fill_null(text[6], ""),
            pc.fill_null(text[7], ""),
            pc.fill_null(text[8], ""),
            pc.if_else(pc.is_in(kind, pa.array(KINDS)), kind, ""),
            pc.fill_null(text[10], ""),
            pc.cast(pa.array(cols[11]), pa.bool_()),  # SQLite: 0 and 1
        ],
        schema=EVENTS_SCHEMA,
    )


def _times(values: tuple[Any, ...]) -> pa.Array:
    """The events' times as the log's UTC timestamps: parsed from SQLite's text, or converted
    from PostgreSQL's datetimes."""
    ts_type = EVENTS_SCHEMA.field("ts").type
    if values and isinstance(values[0], str):
        naive = pc.cast(pa.array(values, pa.string()), pa.timestamp(ts_type.unit))
        return naive.cast(ts_type)  # the text is UTC
    return pa.array(values, ts_type)


def _people() -> pa.Table:
    User = get_user_model()
    fields = (
        "username",
        "display_name",
        "first_name",
        "last_name",
        "department__path",
        "manager__username",
        "location",
        "date_joined",
        "is_bot",
        "time_zone",
    )
    chunks = list(_raw_columns(User.objects.order_by("id"), fields, "date_joined"))
    if not chunks:
        return PEOPLE_SCHEMA.empty_table()
    u, display, first, last, dept, manager, loc, joined, bot, tz = (
        [v for chunk in chunks for v in chunk[i]] for i in range(len(fields))
    )
    name = [
        d or f"{f} {la}".strip() or n for n, d, f, la in zip(u, display, first, last, strict=True)
    ]
    return pa.table(
        [
            pa.array(u, pa.string()),
            pa.array(name, pa.string()),
            pc.fill_null(pa.array(dept, pa.string()), ""),
            pc.fill_null(pa.array(manager, pa.string()), ""),
            pa.array(loc, pa.string()),
            _times(tuple(joined)),
            pc.cast(pa.array(bot), pa.bool_()),
            pa.array(tz, pa.string()),
        ],
        schema=PEOPLE_SCHEMA,
    )


def _workspaces(viewer: Viewer | None, only: Collection[int] | None = None) -> pa.Table:
    qs = Workspace.objects.order_by("id")
    if only is not None:
        qs = qs.filter(id__in=list(only))
    if viewer is not None:
        qs = qs.filter(id__in=readable_workspace_ids(viewer))
    texts: dict[int, list[str]] = {}
    objectives = Objective.objects.filter(workspace__in=qs).prefetch_related("key_results")
    for o in objectives.order_by("id"):
        parts = [o.title, o.description, *(kr.metric_name for kr in o.key_results.all())]
        texts.setdefault(o.workspace_id, []).extend(p for p in parts if p)
    rows = [
        (str(w.pk), w.name, w.purpose, "\n".join(texts.get(w.pk, [])), w.created_at) for w in qs
    ]
    cols: list[Sequence[Any]] = (
        list(zip(*rows, strict=True)) if rows else [[] for _ in WORKSPACES_SCHEMA]
    )
    return pa.table(
        [pa.array(c, f.type) for c, f in zip(cols, WORKSPACES_SCHEMA, strict=True)],
        schema=WORKSPACES_SCHEMA,
    )


def build_log(
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    viewer: Viewer | None = None,
    workspaces: Collection[int] | None = None,
) -> InteractionLog:
    """The interaction log of events in [start, end), every person, and the workspaces.

    `workspaces` narrows the events and the workspaces table to those ids (in SQL: the rest is
    never read); events outside any workspace are then left out too.
    """
    batches = list(_batches(_events_qs(start, end, viewer, workspaces)))
    events = pa.Table.from_batches(batches, schema=EVENTS_SCHEMA)
    notes = [
        "Exported from the LumoFlow activity log.",
        "All workspaces, including private and secret ones: an administrator's export."
        if viewer is None
        else f"Only workspaces {getattr(viewer, 'username', '')} may read.",
    ]
    if start or end:
        notes.append(f"Events from {start or 'the start'} to {end or 'now'} (end exclusive).")
    return InteractionLog(
        events=events,
        people=_people(),
        workspaces=_workspaces(viewer, workspaces),
        meta={"format": 1, "source": "lumoflow", "notes": notes},
    )
