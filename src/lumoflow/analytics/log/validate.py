"""The rules a log keeps, checked on tables in memory; `LogError` names table, row and column."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .normalise import _first_true, _where, normalise_table
from .schema import (
    FORMAT_VERSION,
    FUTURE_TOLERANCE,
    KINDS,
    MIN_TS,
    SCHEMAS,
    TS_TYPE,
    UTC,
    VERBS,
    InteractionLog,
    LogError,
)


def validate_events(
    events: pa.Table,
    *,
    file: str | None = None,
    first_line: int | None = None,
    now: dt.datetime | None = None,
    min_ts: dt.datetime | None = MIN_TS,
) -> None:
    """Check the rules of the events table; raise ``LogError`` at the first broken row."""
    where = file or "events"
    checks: list[tuple[str, Any, Any]] = [
        ("event_id", pc.equal(events["event_id"], ""), lambda v: "empty event_id"),
        ("actor", pc.equal(events["actor"], ""), lambda v: "empty actor"),
        (
            "verb",
            pc.invert(pc.is_in(events["verb"], pa.array(VERBS))),
            lambda v: f"unknown verb {v!r} (expected one of {', '.join(VERBS)})",
        ),
        (
            "kind",
            pc.invert(pc.is_in(events["kind"], pa.array(KINDS))),
            lambda v: (
                f"unknown kind {v!r} (expected update, question, idea, decision, "
                "announcement or empty)"
            ),
        ),
    ]
    limit = (now or dt.datetime.now(UTC)) + FUTURE_TOLERANCE
    checks.append(
        (
            "ts",
            pc.greater(events["ts"], pa.scalar(limit, TS_TYPE)),
            lambda v: f"timestamp in the future: {v}",
        )
    )
    if min_ts is not None:
        checks.append(
            (
                "ts",
                pc.less(events["ts"], pa.scalar(min_ts, TS_TYPE)),
                lambda v: f"timestamp before 1990: {v}",
            )
        )
    found: list[tuple[int, str, str]] = []
    for column, mask, message in checks:
        row = _first_true(mask)
        if row is not None:
            found.append((row, column, message(events[column][row].as_py())))
    ids = events["event_id"]
    if ids.num_chunks != 0 and not all_distinct(ids):
        dup = _first_duplicate(ids)
        found.append((dup, "event_id", f"duplicate event_id {ids[dup].as_py()!r}"))
    if found:
        row, column, message = min(found)
        f, line = _where(file, first_line, row)
        raise LogError(message, file=f or where, line=line, column=column)


def all_distinct(values: pa.ChunkedArray) -> bool:
    """Whether no value of ``values`` appears twice.

    Equal values have equal 64-bit hashes (DuckDB's ``hash``), so when the sorted hashes are
    all different, so are the values; hashing and sorting integers costs about a third of a
    hash table of the strings themselves. When two hashes meet (a repeated value or, about
    once in 10^12 logs of ten million rows, two values with one hash) the values themselves
    decide.

    >>> all_distinct(pa.chunked_array([["e1", "e2"], ["e3"]]))
    True
    >>> all_distinct(pa.chunked_array([["e1", "e2"], ["e1"]]))
    False
    """
    con = duckdb.connect()
    try:
        con.register("v", pa.table({"v": values}))
        hashes = con.sql("SELECT hash(v) AS h FROM v").to_arrow_table()["h"]
    finally:
        con.close()
    ordered = np.sort(np.asarray(hashes.to_numpy(), dtype=np.uint64))
    if not (ordered[1:] == ordered[:-1]).any():
        return True
    return len(values) == len(pc.unique(values))


def _first_duplicate(values: pa.ChunkedArray) -> int:
    codes = pc.dictionary_encode(values.combine_chunks()).indices.to_numpy()
    _, first = np.unique(codes, return_index=True)
    seen = np.zeros(codes.size, dtype=bool)
    seen[first] = True
    return int(np.flatnonzero(~seen)[0])


def validate_people(
    people: pa.Table, *, file: str | None = None, first_line: int | None = None
) -> None:
    """Every person has a non-empty, unique ``actor``."""
    row = _first_true(pc.equal(people["actor"], ""))
    if row is not None:
        f, line = _where(file, first_line, row)
        raise LogError("empty actor", file=f or "people", line=line, column="actor")
    if not all_distinct(people["actor"]):
        dup = _first_duplicate(people["actor"])
        f, line = _where(file, first_line, dup)
        raise LogError(
            f"person listed twice: {people['actor'][dup].as_py()!r}",
            file=f or "people",
            line=line,
            column="actor",
        )


def validate(log: InteractionLog, *, now: dt.datetime | None = None) -> None:
    """Check a log built in memory against format 1; raise ``LogError`` (row = data row, 1-based).

    Examples
    --------
    >>> log = make_log(events=[{"event_id": "e1", "ts": "2024-03-04T09:00:00Z", "actor": "ann",
    ...                         "verb": "shout", "is_bot": False}])
    Traceback (most recent call last):
    ...
    lumoflow.analytics.log.LogError: events, line 1, column verb: unknown verb 'shout' ...
    """
    for name in SCHEMAS:
        table: pa.Table = getattr(log, name)
        if table.schema != SCHEMAS[name]:
            raise LogError(f"table {name} does not have the format-1 schema", file=name)
    validate_events(log.events, now=now)
    validate_people(log.people)
    row = _first_true(pc.equal(log.workspaces["workspace"], ""))
    if row is not None:
        raise LogError("empty workspace id", file="workspaces", line=row + 1, column="workspace")


def make_log(
    events: pa.Table | list[dict[str, Any]] | None = None,
    people: pa.Table | list[dict[str, Any]] | None = None,
    workspaces: pa.Table | list[dict[str, Any]] | None = None,
    *,
    meta: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> InteractionLog:
    """Build a checked ``InteractionLog`` from tables or lists of row dicts.

    Missing optional columns are filled; ``is_bot`` defaults to false when absent.

    Examples
    --------
    >>> log = make_log(events=[{"event_id": "e1", "ts": "2024-03-04T09:00:00Z", "actor": "ann",
    ...                         "verb": "post", "workspace": "w1", "object_id": "p1"}])
    >>> log.events.num_rows, log.events.schema.field("ts").type
    (1, TimestampType(timestamp[us, tz=UTC]))
    """
    tables: dict[str, pa.Table] = {}
    for name, value in (("events", events), ("people", people), ("workspaces", workspaces)):
        if value is None:
            value = SCHEMAS[name].empty_table()
        if isinstance(value, list):
            keys = list(dict.fromkeys(k for row in value for k in row))
            value = (
                pa.table(
                    {
                        k: [row.get(k, False if k == "is_bot" else None) for row in value]
                        for k in keys
                    }
                )
                if value
                else SCHEMAS[name].empty_table()
            )
        tables[name] = normalise_table(value, name, defaults={"is_bot": False})
    log = InteractionLog(
        tables["events"],
        tables["people"],
        tables["workspaces"],
        dict(meta or {"format": FORMAT_VERSION, "source": "memory"}),
    )
    validate(log, now=now)
    return log
