"""Readers for the simple inputs `lumoflow analyze` accepts besides a canonical log.

* an **edge list**: ``src dst [ts]`` per line (whitespace-separated) -> ``message`` events;
* an **events CSV**: a header naming canonical event columns (optional columns may be missing);
* a **people file**: a CSV with a header (``actor``/``username``/``email`` and any of ``name``,
  ``department``, ``manager``, ``location``, ``time_zone``), or ``actor department`` lines.

Each returns canonical tables (see :mod:`lumoflow.analytics.log`) so the metrics see one format.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from lumoflow.analytics.log import (
    EVENTS_SCHEMA,
    MIN_TS,
    SCHEMAS,
    TS_TYPE,
    UTC,
    InteractionLog,
    LogError,
    check_utf8,
    normalise_table,
    physical_line,
    read_csv_text,
    read_log,
    validate_events,
    validate_people,
)

DEFAULT_EPOCH = dt.datetime(2000, 1, 1, tzinfo=UTC)
_MIN_UNIX = int(MIN_TS.timestamp())
_PERSON_KEYS = ("actor", "username", "email", "identifier")
_PEOPLE_OPTIONAL = ("name", "department", "manager", "location", "time_zone", "is_bot", "joined_at")
INPUT_FORMATS = ("log", "edges", "events-csv")
#: Log meta key (and edge-list schema metadata key): the origin of times that are offsets.
EPOCH_KEY = "epoch"


def detect_format(path: Path) -> str:
    """Guess ``log`` (folder/zip with log.json), ``events-csv`` (header with ts and actor) or
    ``edges`` (anything else that is text)."""
    if path.is_dir() or zipfile.is_zipfile(path):
        return "log"
    with path.open("rb") as fh:
        head = fh.readline(4096).decode("utf-8", "replace")
    names = {h.strip().lstrip("\ufeff") for h in head.split(",")}
    if "," in head and {"ts", "actor"} <= names:
        return "events-csv"
    return "edges"


def read_edge_list(
    path: str | os.PathLike[str],
    *,
    epoch: dt.datetime = DEFAULT_EPOCH,
    now: dt.datetime | None = None,
) -> pa.Table:
    """Read ``src dst [ts]`` lines into canonical ``message`` events.

    ``ts`` is Unix seconds; a value before 1990 (below 631,152,000) is read as seconds after
    ``epoch`` (anonymised SNAP times start at 0), and the table's schema metadata then holds
    ``EPOCH_KEY``: the times are offsets, not dates. Lines starting with ``#`` or ``%`` are
    comments.
    Without ``ts`` every event gets a null time and the time-based metrics say too_little_data.
    """
    file = str(path)
    data = Path(path).read_bytes()
    text = check_utf8(data, file)
    clean = re.sub(r"(?m)^[ \t]*[#%].*$", "", text)
    clean = re.sub(r"[ \t]+", " ", clean)
    clean = re.sub(r"(?m)^ | $", "", clean)
    if not clean.strip():
        raise LogError("empty edge list: no events", file=file)
    first = next(s for s in clean.split("\n") if s)
    width = len(first.split(" "))
    if width not in (2, 3):
        raise LogError(
            f"expected 'src dst [ts]', got {width} fields", file=file, line=physical_line(clean, 1)
        )
    bad: list[int] = []

    def on_invalid(row: pa_csv.InvalidRow) -> str:
        bad.append(int(row.number) if row.number is not None else 0)
        return "skip"

    table = pa_csv.read_csv(
        io.BytesIO(clean.encode()),
        read_options=pa_csv.ReadOptions(
            use_threads=False, column_names=["src", "dst", "ts"][:width]
        ),
        parse_options=pa_csv.ParseOptions(
            delimiter=" ", invalid_row_handler=on_invalid, quote_char=False
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types={c: pa.string() for c in ("src", "dst", "ts")[:width]},
            strings_can_be_null=False,
        ),
    )
    if bad:
        raise LogError(
            f"malformed line: expected {width} fields ('src dst{' ts' * (width == 3)}')",
            file=file,
            line=physical_line(clean, bad[0]) if bad[0] else None,
        )
    n = table.num_rows
    if width == 3:
        ts_text = table.column("ts")
        ok = pc.match_substring_regex(ts_text, r"^-?[0-9]+(\.[0-9]+)?$")
        bad_rows = np.flatnonzero(~np.asarray(ok.to_numpy(zero_copy_only=False), dtype=bool))
        if bad_rows.size:
            row = int(bad_rows[0])
            raise LogError(
                f"not a number of seconds: {ts_text[row].as_py()!r}",
                file=file,
                line=physical_line(clean, row + 1),
                column="ts",
            )
        secs = pc.cast(ts_text, pa.float64()).to_numpy()
        offsets = secs < _MIN_UNIX
        relative = bool(offsets.any())
        secs = np.where(offsets, secs + epoch.timestamp(), secs)
        ts = pa.array((secs * 1e6).astype("int64"), pa.int64()).cast(TS_TYPE)
    else:
        ts = pa.nulls(n, TS_TYPE)
        relative = False
    ids = pc.cast(pa.array(np.arange(1, n + 1)), pa.string())
    empty = pa.array([""] * n, pa.string())
    events = pa.Table.from_arrays(
        [
            ids,
            ts,
            table.column("src"),
            pa.array(["message"] * n),
            empty,
            ids,
            empty,
            empty,
            table.column("dst"),
            empty,
            empty,
            pa.array(np.zeros(n, dtype=bool)),
        ],
        schema=EVENTS_SCHEMA,
    )
    if width == 3:
        try:
            validate_events(events, file=file, first_line=1, now=now, min_ts=None)
        except LogError as exc:
            line = physical_line(clean, exc.line) if exc.line else None
            raise LogError(exc.message, file=file, line=line, column=exc.column) from None
    if relative:
        events = events.replace_schema_metadata({EPOCH_KEY: epoch.isoformat()})
    return events


def read_events_csv(path: str | os.PathLike[str], *, now: dt.datetime | None = None) -> pa.Table:
    """Read a CSV whose header names canonical event columns.

    ``event_id`` defaults to the line number and ``is_bot`` to false when those columns are
    missing; ``ts``, ``actor`` and ``verb`` are required.
    """
    file = str(path)
    raw = read_csv_text(Path(path).read_bytes(), file)
    if raw.num_rows == 0:
        raise LogError("empty events CSV: no events", file=file)
    defaults: dict[str, object] = {"is_bot": False}
    if "event_id" not in raw.column_names:
        raw = raw.append_column(
            "event_id", pc.cast(pa.array(np.arange(2, raw.num_rows + 2)), pa.string())
        )
    for col in ("ts", "actor", "verb"):
        if col not in raw.column_names:
            raise LogError(f"missing required column {col!r}", file=file, line=1, column=col)
    events = normalise_table(raw, "events", file=file, first_line=2, defaults=defaults)
    validate_events(events, file=file, first_line=2, now=now)
    return events


def read_people(path: str | os.PathLike[str]) -> pa.Table:
    """Read a people file (CSV with header, or ``actor department`` lines) to canonical people."""
    file = str(path)
    data = Path(path).read_bytes()
    text = check_utf8(data, file)
    first = text.split("\n", 1)[0]
    if "," in first:
        raw = read_csv_text(data, file)
        key = next((k for k in _PERSON_KEYS if k in raw.column_names), None)
        if key is None:
            raise LogError(
                "the header needs an actor, username, email or identifier column", file=file, line=1
            )
        unknown = [c for c in raw.column_names if c not in _PERSON_KEYS + _PEOPLE_OPTIONAL]
        if unknown:
            raise LogError(f"unknown column {unknown[0]!r}", file=file, line=1, column=unknown[0])
        raw = raw.select([key, *[c for c in raw.column_names if c in _PEOPLE_OPTIONAL]])
        raw = raw.rename_columns(["actor", *raw.column_names[1:]])
        people = normalise_table(raw, "people", file=file, first_line=2, defaults={"is_bot": False})
        validate_people(people, file=file, first_line=2)
        return people
    clean = re.sub(r"[ \t]+", " ", text)
    clean = re.sub(r"(?m)^ | $", "", clean)
    bad: list[int] = []

    def on_invalid(row: pa_csv.InvalidRow) -> str:
        bad.append(int(row.number) if row.number is not None else 0)
        return "skip"

    if not clean.strip():
        raise LogError("empty people file", file=file)
    table = pa_csv.read_csv(
        io.BytesIO(clean.encode()),
        read_options=pa_csv.ReadOptions(use_threads=False, column_names=["actor", "department"]),
        parse_options=pa_csv.ParseOptions(
            delimiter=" ", invalid_row_handler=on_invalid, quote_char=False
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types={"actor": pa.string(), "department": pa.string()},
            strings_can_be_null=False,
        ),
    )
    if bad:
        raise LogError(
            "malformed line: expected 'actor department'",
            file=file,
            line=physical_line(clean, bad[0]) if bad[0] else None,
        )
    people = normalise_table(table, "people", file=file, first_line=1, defaults={"is_bot": False})
    validate_people(people, file=file, first_line=1)
    return people


def load_input(
    path: str | os.PathLike[str],
    *,
    input_format: str | None = None,
    people: str | os.PathLike[str] | None = None,
    epoch: dt.datetime = DEFAULT_EPOCH,
    now: dt.datetime | None = None,
) -> tuple[InteractionLog, str]:
    """Read any accepted input (and an optional people file) into an ``InteractionLog``.

    Returns the log and the format read (``log``, ``edges`` or ``events-csv``). A people file
    replaces the log's people table.
    """
    p = Path(path)
    if not p.exists():
        raise LogError("no such file or folder", file=str(p))
    fmt = input_format or detect_format(p)
    if fmt == "log":
        log = read_log(p, now=now)
    elif fmt == "edges":
        edges = read_edge_list(p, epoch=epoch, now=now)
        origin = (edges.schema.metadata or {}).get(EPOCH_KEY.encode())
        log = InteractionLog(
            edges,
            SCHEMAS["people"].empty_table(),
            SCHEMAS["workspaces"].empty_table(),
            {"format": 1, "source": "edges"} | ({EPOCH_KEY: origin.decode()} if origin else {}),
        )
    elif fmt == "events-csv":
        log = InteractionLog(
            read_events_csv(p, now=now),
            SCHEMAS["people"].empty_table(),
            SCHEMAS["workspaces"].empty_table(),
            {"format": 1, "source": "events-csv"},
        )
    else:
        raise LogError(f"unknown input format {fmt!r} (log, edges or events-csv)")
    if log.events.num_rows == 0:
        raise LogError("the log has no events", file=str(p))
    if people is not None:
        log = InteractionLog(log.events, read_people(people), log.workspaces, log.meta)
    return log, fmt
