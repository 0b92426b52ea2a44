"""The canonical interaction log (format 1): schema, reader, validator and writer.

The log is the seam between the platform, the importers and the analytics (DESIGN.md rule 2).
A log is a folder, or a ``.zip`` of one, holding ``events``, ``people`` and ``workspaces`` tables
(each as ``.parquet``, ``.csv`` or ``.jsonl``) and ``log.json``
(``{"format": 1, "source": "...", "created": "...", "notes": [...]}``).

Public API
----------
``InteractionLog``   frozen dataclass of three Arrow tables plus ``meta``.
``read_log(path)``   read and validate a folder or zip; raises ``LogError``.
``write_log(log, out_dir, *, fmt="parquet")``  write a log atomically (the folder appears whole).
``validate(log)``    check a log built in memory; raises ``LogError`` naming table, row and column.
``normalise_events`` / ``normalise_people`` / ``normalise_workspaces``: coerce tables whose
columns are all text (as read from CSV) to the canonical types.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json
import pyarrow.parquet as pq

FORMAT_VERSION = 1
UTC = dt.UTC
TS_TYPE = pa.timestamp("us", tz="UTC")
#: Unix time of 1990-01-01T00:00:00Z: canonical timestamps before this are rejected.
MIN_TS = dt.datetime(1990, 1, 1, tzinfo=UTC)
#: Clock skew tolerated before a timestamp counts as "in the future".
FUTURE_TOLERANCE = dt.timedelta(minutes=10)

VERBS = (
    "post",
    "reply",
    "reaction",
    "mention",
    "message",
    "view",
    "join",
    "leave",
    "follow",
    "unfollow",
    "edit",
    "delete",
    "hide",
    "accept_answer",
    "idea_status",
    "decision",
    "knowledge_saved",
    "wiki_edit",
    "article",
    "check_in",
    "objective",
)
KINDS = ("", "update", "question", "idea", "decision", "announcement")

EVENTS_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("ts", TS_TYPE),
        ("actor", pa.string()),
        ("verb", pa.string()),
        ("workspace", pa.string()),
        ("object_id", pa.string()),
        ("parent_id", pa.string()),
        ("thread_id", pa.string()),
        ("target_actor", pa.string()),
        ("kind", pa.string()),
        ("text", pa.string()),
        ("is_bot", pa.bool_()),
    ]
)
PEOPLE_SCHEMA = pa.schema(
    [
        ("actor", pa.string()),
        ("name", pa.string()),
        ("department", pa.string()),
        ("manager", pa.string()),
        ("location", pa.string()),
        ("joined_at", TS_TYPE),
        ("is_bot", pa.bool_()),
        ("time_zone", pa.string()),
    ]
)
WORKSPACES_SCHEMA = pa.schema(
    [
        ("workspace", pa.string()),
        ("name", pa.string()),
        ("purpose", pa.string()),
        ("objectives", pa.string()),
        ("created_at", TS_TYPE),
    ]
)
SCHEMAS: dict[str, pa.Schema] = {
    "events": EVENTS_SCHEMA,
    "people": PEOPLE_SCHEMA,
    "workspaces": WORKSPACES_SCHEMA,
}
#: Columns a table must have; every other column of its schema is optional.
REQUIRED: dict[str, tuple[str, ...]] = {
    "events": ("event_id", "ts", "actor", "verb", "is_bot"),
    "people": ("actor", "is_bot"),
    "workspaces": ("workspace",),
}
EXTENSIONS = (".parquet", ".csv", ".jsonl")
_TRUE = ("true", "1", "yes", "t", "y")
_FALSE = ("false", "0", "no", "f", "n")


class LogError(ValueError):
    """Bad input: carries where it is (file, line, column) and what is wrong.

    ``str(err)`` is one line, e.g. ``events.csv, line 7, column ts: not a timestamp: 'x'``.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        message = " ".join(message.split())  # always one line
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        where = [p for p in (file, f"line {line}" if line else None) if p]
        if column:
            where.append(f"column {column}")
        super().__init__(", ".join(where) + (": " if where else "") + message)


@dataclass(frozen=True)
class InteractionLog:
    """A canonical interaction log: three Arrow tables with the format-1 schemas, plus meta.

    Build one with :func:`make_log` (fills missing optional columns and checks it) or read one
    with :func:`read_log`.
    """

    events: pa.Table
    people: pa.Table
    workspaces: pa.Table
    meta: Mapping[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- coercion
def _where(file: str | None, first_line: int | None, row: int) -> tuple[str | None, int]:
    """Return (file, line) for data row ``row`` (0-based)."""
    return file, row + (first_line if first_line is not None else 1)


def _first_true(mask: pa.Array | pa.ChunkedArray) -> int | None:
    arr = np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)
    idx = np.flatnonzero(arr)
    return int(idx[0]) if idx.size else None


def _as_text(col: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    if pa.types.is_string(col.type) and col.null_count == 0:
        return col  # already canonical: no copy
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        return pc.fill_null(pc.cast(col, pa.string()), "")
    if pa.types.is_null(col.type):
        return pa.array([""] * len(col), pa.string())
    if pa.types.is_timestamp(col.type):
        return pc.fill_null(pc.cast(pc.cast(col, TS_TYPE), pa.string()), "")
    return pc.fill_null(pc.cast(col, pa.string()), "")


def _parse_ts(
    col: pa.ChunkedArray | pa.Array,
    *,
    table: str,
    column: str,
    file: str | None,
    first_line: int | None,
    allow_empty: bool,
) -> pa.ChunkedArray | pa.Array:
    """Parse ISO 8601 text (offset-less means UTC) or Unix seconds into ``TS_TYPE``."""
    if pa.types.is_timestamp(col.type):
        if col.type.tz is None:
            return pc.cast(pc.assume_timezone(col, "UTC"), TS_TYPE)
        return pc.cast(col, TS_TYPE)
    if pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
        micros = pc.cast(pc.multiply(pc.cast(col, pa.float64()), 1e6), pa.int64())
        return pc.cast(micros, TS_TYPE)
    text = pc.utf8_trim_whitespace(_as_text(col))
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    con.register("tbl", pa.table({"s": text}))
    parsed = con.sql(
        """SELECT CASE
             WHEN s = '' THEN NULL
             WHEN regexp_full_match(s, '-?[0-9]+(\\.[0-9]+)?') THEN to_timestamp(CAST(s AS DOUBLE))
             ELSE TRY_CAST(s AS TIMESTAMPTZ) END AS t,
           s = '' AS empty FROM tbl"""
    ).to_arrow_table()
    out = pc.cast(parsed.column("t"), TS_TYPE)
    bad = pc.and_(pc.is_null(out), pc.invert(parsed.column("empty")))
    if not allow_empty:
        bad = pc.is_null(out)
    row = _first_true(bad)
    if row is not None:
        f, line = _where(file, first_line, row)
        value = text[row].as_py()
        msg = f"{table}: empty timestamp" if value == "" else f"not a timestamp: {value!r}"
        raise LogError(msg, file=f or table, line=line, column=column)
    return out


def _parse_bool(
    col: pa.ChunkedArray | pa.Array,
    *,
    table: str,
    column: str,
    file: str | None,
    first_line: int | None,
) -> pa.ChunkedArray | pa.Array:
    if pa.types.is_boolean(col.type):
        row = _first_true(pc.is_null(col))
        if row is None:
            return col
        f, line = _where(file, first_line, row)
        raise LogError(
            "must be true or false, never empty", file=f or table, line=line, column=column
        )
    text = pc.utf8_lower(pc.utf8_trim_whitespace(_as_text(col)))
    is_true = pc.is_in(text, pa.array(_TRUE))
    is_false = pc.is_in(text, pa.array(_FALSE))
    row = _first_true(pc.invert(pc.or_(is_true, is_false)))
    if row is not None:
        f, line = _where(file, first_line, row)
        got = text[row].as_py()
        raise LogError(
            f"must be true or false, got {got!r}" if got else "must be true or false, never empty",
            file=f or table,
            line=line,
            column=column,
        )
    return is_true


def normalise_table(
    table: pa.Table,
    name: str,
    *,
    file: str | None = None,
    first_line: int | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> pa.Table:
    """Coerce ``table`` to the canonical schema ``SCHEMAS[name]``.

    Unknown columns and missing required columns are errors; missing optional columns are
    filled (text with "", timestamps with null, ``is_bot`` with ``defaults``). ``first_line``
    is the file line of data row 0 (2 for CSV with a header, 1 for JSONL, None for parquet rows).
    """
    schema = SCHEMAS[name]
    where = file or name
    unknown = [c for c in table.column_names if c not in schema.names]
    if unknown:
        raise LogError(
            f"unknown column {unknown[0]!r} in table {name}",
            file=where,
            line=1 if first_line else None,
            column=unknown[0],
        )
    defaults = dict(defaults or {})
    for col in REQUIRED[name]:
        if col not in table.column_names and col not in defaults:
            raise LogError(
                f"missing required column {col!r} in table {name}", file=where, column=col
            )
    n = table.num_rows
    arrays: list[pa.ChunkedArray | pa.Array] = []
    for fld in schema:
        if fld.name not in table.column_names:
            if fld.name in defaults:
                arrays.append(pa.array([defaults[fld.name]] * n, fld.type))
            elif pa.types.is_string(fld.type):
                arrays.append(pa.array([""] * n, pa.string()))
            else:
                arrays.append(pa.nulls(n, fld.type))
            continue
        col = table.column(fld.name)
        if pa.types.is_timestamp(fld.type):
            required = fld.name in REQUIRED[name]
            arrays.append(
                _parse_ts(
                    col,
                    table=name,
                    column=fld.name,
                    file=file,
                    first_line=first_line,
                    allow_empty=not required,
                )
            )
        elif pa.types.is_boolean(fld.type):
            arrays.append(
                _parse_bool(col, table=name, column=fld.name, file=file, first_line=first_line)
            )
        else:
            arrays.append(_as_text(col))
    return pa.Table.from_arrays(
        [pa.chunked_array(a) if isinstance(a, pa.Array) else a for a in arrays], schema=schema
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
    if ids.num_chunks != 0 and len(ids) != len(pc.unique(ids)):
        dup = _first_duplicate(ids)
        found.append((dup, "event_id", f"duplicate event_id {ids[dup].as_py()!r}"))
    if found:
        row, column, message = min(found)
        f, line = _where(file, first_line, row)
        raise LogError(message, file=f or where, line=line, column=column)


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
    if len(people) != len(pc.unique(people["actor"])):
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


# --------------------------------------------------------------------------- reading
def check_utf8(data: bytes, file: str) -> str:
    """Decode ``data`` as UTF-8 or raise ``LogError`` naming the line and column of the bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LogError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at character {col})",
            file=file,
            line=line,
        ) from None


def physical_line(text: str, row_number: int) -> int:
    """Return the physical line of the ``row_number``-th non-blank line (1-based)."""
    lines = np.array([len(s.strip()) > 0 for s in text.split("\n")])
    nonblank = np.flatnonzero(lines)
    return int(nonblank[min(row_number, nonblank.size) - 1]) + 1 if nonblank.size else 1


def read_csv_text(data: bytes, file: str) -> pa.Table:
    """Read CSV bytes with a header into an all-text table; reject ragged rows by line."""
    text = check_utf8(data, file)
    header = text.split("\n", 1)[0].strip().lstrip("\ufeff")
    names = [h.strip() for h in next(csv.reader([header]))] if header else []
    if not header or any(n == "" for n in names):
        raise LogError("the header line must name every column", file=file, line=1)
    bad: list[int] = []

    def on_invalid(row: Any) -> str:
        bad.append(int(row.number) if row.number is not None else 0)
        return "skip"

    try:
        table = pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(use_threads=False, column_names=names, skip_rows=1),
            parse_options=pa_csv.ParseOptions(
                invalid_row_handler=on_invalid, newlines_in_values=True
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=False
            ),
        )
    except pa.ArrowInvalid as exc:
        raise LogError(f"malformed CSV: {str(exc).splitlines()[0]}", file=file) from None
    if bad:
        raise LogError(
            f"malformed row: expected {len(names)} fields",
            file=file,
            line=physical_line(text, bad[0] + 1) if bad[0] else None,
        )
    return table


def _read_jsonl(data: bytes, file: str) -> pa.Table:
    check_utf8(data, file)
    if not data.strip():
        return pa.table({})
    try:
        return pa_json.read_json(io.BytesIO(data))
    except pa.ArrowInvalid as exc:
        line = None
        for i, raw in enumerate(data.split(b"\n"), 1):
            if raw.strip():
                try:
                    json.loads(raw)
                except ValueError:
                    line = i
                    break
        raise LogError(
            f"malformed JSON line ({str(exc).splitlines()[0]})", file=file, line=line
        ) from None


def read_table_bytes(data: bytes, name: str, ext: str, file: str) -> tuple[pa.Table, int | None]:
    """Read one table file; return it with the file line of its first data row."""
    if ext == ".parquet":
        try:
            return pq.read_table(io.BytesIO(data)), None
        except (pa.ArrowInvalid, OSError) as exc:
            raise LogError(f"not a parquet file ({exc})", file=file) from None
    if ext == ".csv":
        return read_csv_text(data, file), 2
    return _read_jsonl(data, file), 1


class _Source:
    """A folder or zip seen as a flat mapping of member name -> bytes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        if path.is_dir():
            self.root = path
        elif zipfile.is_zipfile(path):
            self.zip = zipfile.ZipFile(path)
            names = [n for n in self.zip.namelist() if n.rsplit("/", 1)[-1] == "log.json"]
            if not names:
                raise LogError("no log.json in the zip", file=str(path))
            self.prefix = min(names, key=len)[: -len("log.json")]
        else:
            raise LogError("not a folder or a zip of a canonical log", file=str(path))

    def find(self, stem: str) -> list[str]:
        found = []
        for ext in EXTENSIONS + (".json",):
            name = stem + ext
            if self.zip is not None:
                if self.prefix + name in self.zip.namelist():
                    found.append(name)
            elif (self.root / name).is_file():
                found.append(name)
        return found

    def read(self, name: str) -> bytes:
        if self.zip is not None:
            return self.zip.read(self.prefix + name)
        return (self.root / name).read_bytes()

    def label(self, name: str) -> str:
        return str(self.path / name) if self.zip is None else f"{self.path}:{self.prefix}{name}"


def read_log(path: str | os.PathLike[str], *, now: dt.datetime | None = None) -> InteractionLog:
    """Read and validate a canonical interaction log (folder or zip).

    Raises ``LogError`` naming the file, line and column of the first problem. A table that is
    absent is empty, except ``events`` which must exist.
    """
    src = _Source(Path(path))
    meta_files = src.find("log")
    if "log.json" not in meta_files:
        raise LogError("no log.json: not a canonical interaction log", file=str(path))
    try:
        meta = json.loads(check_utf8(src.read("log.json"), src.label("log.json")))
    except ValueError as exc:
        raise LogError(f"log.json is not JSON ({exc})", file=src.label("log.json")) from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_VERSION:
        raise LogError(
            f"unsupported format {meta.get('format') if isinstance(meta, dict) else meta!r}"
            " (expected 1)",
            file=src.label("log.json"),
            column="format",
        )
    tables: dict[str, pa.Table] = {}
    for name in SCHEMAS:
        files = [f for f in src.find(name) if not f.endswith(".json")]
        if len(files) > 1:
            raise LogError(f"table {name} given twice ({', '.join(files)})", file=str(path))
        if not files:
            if name == "events":
                raise LogError("no events table (events.parquet, .csv or .jsonl)", file=str(path))
            tables[name] = SCHEMAS[name].empty_table()
            continue
        fname = files[0]
        label = src.label(fname)
        raw, first = read_table_bytes(src.read(fname), name, Path(fname).suffix, label)
        if raw.num_columns == 0 and raw.num_rows == 0:
            raw = SCHEMAS[name].empty_table()
        tables[name] = normalise_table(raw, name, file=label, first_line=first)
        if name == "events":
            validate_events(tables[name], file=label, first_line=first, now=now)
        elif name == "people":
            validate_people(tables[name], file=label, first_line=first)
    return InteractionLog(tables["events"], tables["people"], tables["workspaces"], meta)


# --------------------------------------------------------------------------- writing
def _write_table(table: pa.Table, path: Path, fmt: str) -> None:
    if fmt == "parquet":
        pq.write_table(table, path, compression="zstd")
    elif fmt == "csv":
        out = table
        for i, fld in enumerate(table.schema):
            if pa.types.is_timestamp(fld.type):
                text = pc.strftime(table.column(i), format="%Y-%m-%dT%H:%M:%SZ")
                out = out.set_column(i, fld.name, pc.fill_null(text, ""))
        pa_csv.write_csv(out, path)
    elif fmt == "jsonl":
        with path.open("w", encoding="utf-8") as fh:
            for batch in table.to_batches(65536):
                for row in batch.to_pylist():
                    fh.write(json.dumps(row, default=_json_default, ensure_ascii=False) + "\n")
    else:
        raise ValueError(f"unknown format {fmt!r} (parquet, csv or jsonl)")


def _json_default(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    raise TypeError(type(value).__name__)


def write_log(
    log: InteractionLog, out_dir: str | os.PathLike[str], *, fmt: str = "parquet"
) -> Path:
    """Write ``log`` to the folder ``out_dir`` in format 1, atomically.

    The folder must not exist or be empty. Everything is written to a temporary sibling folder
    that is renamed into place, so a failure leaves nothing behind. Returns the folder path.
    """
    validate(log)
    out = Path(out_dir)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise LogError("the output folder exists and is not empty", file=str(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for name in SCHEMAS:
            _write_table(getattr(log, name), tmp / f"{name}.{fmt}", fmt)
        meta = {"format": FORMAT_VERSION, "source": "unknown", "notes": []} | dict(log.meta)
        meta.setdefault("created", dt.datetime.now(UTC).isoformat().replace("+00:00", "Z"))
        meta["format"] = FORMAT_VERSION
        (tmp / "log.json").write_text(json.dumps(meta, indent=2, default=_json_default) + "\n")
        if out.exists():
            out.rmdir()
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
