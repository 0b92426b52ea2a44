"""What every parser shares: the error for bad input, the skipped-record summary, progress,
batched Arrow building, a folder-or-zip view of an export, and turning tables into a checked log.

Pure: no Django.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lumoflow.analytics.log import (
    FORMAT_VERSION,
    FUTURE_TOLERANCE,
    MIN_TS,
    SCHEMAS,
    TS_TYPE,
    UTC,
    InteractionLog,
    LogError,
    normalise_table,
    validate,
)

#: Rows gathered in Python lists before they become one Arrow record batch.
BATCH_ROWS = 65_536
#: Skipped records listed one by one in the log's meta (the count is always exact).
SKIPPED_LISTED = 1000


class ExportError(LogError):
    """An export that cannot be read: names the file (and line) and what is wrong; exit 2."""


@dataclass(frozen=True)
class ImportProblem:
    """One record left out of the log, where it was and why."""

    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        return f"{self.file}{f', line {self.line}' if self.line else ''}: {self.reason}"


class Problems:
    """The records a parser skipped: an export that is fine but holds a few unusable records
    imports the rest and lists each skipped one (up to ``SKIPPED_LISTED``) at the end."""

    def __init__(self) -> None:
        self.items: list[ImportProblem] = []
        self.count = 0

    def skip(self, file: str, line: int | None, reason: str) -> None:
        self.count += 1
        if len(self.items) < SKIPPED_LISTED:
            self.items.append(ImportProblem(file, line, " ".join(reason.split())))

    def meta(self) -> dict[str, Any]:
        return {
            "skipped_count": self.count,
            "skipped": [{"file": p.file, "line": p.line, "reason": p.reason} for p in self.items],
        }


def skipped_lines(meta: dict[str, Any]) -> list[str]:
    """The end-of-run summary of a log's skipped records, one line each."""
    count = int(meta.get("skipped_count", 0))
    if not count:
        return []
    lines = [f"skipped {count} record{'s' * (count != 1)}:"]
    for item in meta.get("skipped", []):
        lines.append("  " + str(ImportProblem(item["file"], item.get("line"), item["reason"])))
    if count > len(meta.get("skipped", [])):
        lines.append(f"  ... and {count - len(meta['skipped'])} more")
    return lines


class Progress:
    """Progress of one conversion, counting messages and files.

    On a terminal a tqdm bar on stderr; otherwise one summary line on stderr when closed.
    Parsers call ``message(n)`` and ``file()``; ``None`` as a parser's progress shows nothing.
    """

    def __init__(self, desc: str, *, stream: IO[str] | None = None) -> None:
        from tqdm import tqdm

        self.desc = desc
        self.stream = stream or sys.stderr
        self.terminal = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.perf_counter()
        self.messages = 0
        self.files = 0
        self.bar = tqdm(
            desc=desc, unit=" msg", file=self.stream, leave=False, disable=not self.terminal
        )

    def message(self, n: int = 1) -> None:
        self.messages += n
        self.bar.update(n)

    def file(self, n: int = 1) -> None:
        self.files += n
        self.bar.set_postfix_str(f"{self.files} files", refresh=False)

    def close(self, *, summary: bool = True) -> str:
        """Close the bar and print (and return) the one summary line (not after a failure)."""
        self.bar.close()
        if not summary:
            return ""
        took = time.perf_counter() - self.started
        line = f"{self.desc}: {self.messages:,} messages from {self.files:,} files in {took:.1f} s"
        print(line, file=self.stream)
        return line


def tick(progress: Progress | None, messages: int = 0, files: int = 0) -> None:
    """Advance ``progress`` when there is one."""
    if progress is not None:
        if messages:
            progress.message(messages)
        if files:
            progress.file(files)


class TableBuilder:
    """Rows in, one Arrow table out, built in record batches of ``BATCH_ROWS`` so that the
    Python objects of at most one batch are alive at a time.

    Columns are those of the canonical ``table`` ("events", "people", "workspaces"); time
    columns take microseconds since 1970 (int) or None, ``is_bot`` a bool, the rest text.
    ``append`` takes a whole row in schema order (the fast path of the parsers); ``add`` takes
    named values and fills the rest (empty text, ``is_bot`` false, no time).
    """

    def __init__(self, table: str, batch_rows: int = BATCH_ROWS) -> None:
        self.schema: pa.Schema = SCHEMAS[table]
        self.names = self.schema.names
        self.defaults = tuple(
            False if f.name == "is_bot" else "" if f.type == pa.string() else None
            for f in self.schema
        )
        self.batch_rows = batch_rows
        self.batches: list[pa.RecordBatch] = []
        self.rows: list[tuple[Any, ...]] = []
        self.count = 0

    def append(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch_rows:
            self._flush()

    def add(self, **values: Any) -> None:
        self.append(
            tuple(
                d if (v := values.get(n)) is None else v
                for n, d in zip(self.names, self.defaults, strict=True)
            )
        )

    def _flush(self) -> None:
        if not self.rows:
            return
        self.count += len(self.rows)
        columns = list(zip(*self.rows, strict=True))
        self.rows = []
        arrays = []
        for fld, values in zip(self.schema, columns, strict=True):
            if fld.type == TS_TYPE:
                arrays.append(pa.array(values, pa.int64()).cast(TS_TYPE))
            elif fld.type == pa.string():
                arrays.append(_text_array(values))
            else:
                arrays.append(pa.array(values, fld.type))
        self.batches.append(pa.RecordBatch.from_arrays(arrays, schema=self.schema))

    def table(self) -> pa.Table:
        self._flush()
        return pa.Table.from_batches(self.batches, schema=self.schema)


def clean_text(value: str) -> str:
    """``value`` with lone surrogates (JSON's ``"\\ud800"``: text from a broken encoding, which
    no file or database can store) replaced by U+FFFD."""
    return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _text_array(values: Sequence[Any]) -> pa.Array:
    try:
        return pa.array(values, pa.string())
    except UnicodeEncodeError:
        return pa.array([clean_text(v) for v in values], pa.string())


def micros(seconds: float) -> int:
    """Seconds since 1970 (float, as Slack writes them) to whole microseconds."""
    return int(round(seconds * 1_000_000))


class ExportFiles:
    """A folder or a zip seen as member names relative to the export's root.

    The root is where ``marker`` (e.g. ``users.json``) lies, so a zip holding one top folder
    reads like the folder itself. A corrupt zip is an ``ExportError``.
    """

    def __init__(self, path: Path, marker: str | None = None) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        self.prefix = ""
        if path.is_dir():
            self.members = sorted(
                str(p.relative_to(path)).replace("\\", "/") for p in path.rglob("*") if p.is_file()
            )
        else:
            try:
                self.zip = zipfile.ZipFile(path)
                self.members = sorted(
                    n for n in self.zip.namelist() if not n.endswith("/") and "__MACOSX" not in n
                )
            except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
                raise ExportError(f"not a readable zip ({exc})", file=str(path)) from None
        if marker is not None:
            found = [m for m in self.members if m.rsplit("/", 1)[-1] == marker]
            if found:
                top = min(found, key=len)
                self.prefix = top[: -len(marker)]
                self.members = [
                    m[len(self.prefix) :] for m in self.members if m.startswith(self.prefix)
                ]

    def __contains__(self, name: str) -> bool:
        return name in self.members

    def label(self, name: str) -> str:
        """How a member is named in messages: ``export.zip:users.json`` or ``folder/users.json``."""
        if self.zip is None:
            return str(self.path / name)
        return f"{self.path}:{self.prefix}{name}"

    def open(self, name: str) -> IO[bytes]:
        try:
            if self.zip is not None:
                return self.zip.open(self.prefix + name)
            return (self.path / name).open("rb")
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise ExportError(f"cannot read ({exc})", file=self.label(name)) from None

    def size(self, name: str) -> int:
        """The size of a member in bytes (uncompressed)."""
        try:
            if self.zip is not None:
                return self.zip.getinfo(self.prefix + name).file_size
            return (self.path / name).stat().st_size
        except (KeyError, OSError) as exc:
            raise ExportError(f"cannot read ({exc})", file=self.label(name)) from None

    def read(self, name: str) -> bytes:
        with self.open(name) as fh:
            try:
                return fh.read()
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
                raise ExportError(f"cannot read ({exc})", file=self.label(name)) from None

    def json(self, name: str) -> Any:
        """A member parsed as JSON; bad bytes or bad JSON name the file and line."""
        return load_json(self.read(name), self.label(name))

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def is_zip(path: Path) -> bool:
    try:
        return path.is_file() and zipfile.is_zipfile(path)
    except OSError:
        return False


def zip_names(path: Path) -> list[str]:
    """The member names of a zip, or [] when it is not a readable one (for ``detect``)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        return []


def load_json(data: bytes, label: str) -> Any:
    """Parse JSON bytes (UTF-8, a BOM allowed); an error names the file and line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ExportError("not UTF-8 text", file=label, line=line) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExportError(f"not JSON: {exc.msg}", file=label, line=exc.lineno) from None
    except RecursionError:
        raise ExportError("not JSON: nested too deeply", file=label) from None


def json_lines(stream: IO[bytes], label: str) -> Iterator[tuple[int, Any]]:
    """(line number, object) for each non-blank line of a JSONL stream.

    A line that is not JSON (e.g. a truncated last line) is an ``ExportError`` naming the line.
    """
    for number, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        try:
            yield number, json.loads(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
        except UnicodeDecodeError:
            raise ExportError("not UTF-8 text", file=label, line=number) from None
        except json.JSONDecodeError as exc:
            raise ExportError(f"not JSON ({exc.msg})", file=label, line=number) from None
        except RecursionError:
            raise ExportError("not JSON: nested too deeply", file=label, line=number) from None


def obj(value: Any) -> dict[str, Any]:
    """A JSON value that should be an object, or an empty one when it is not."""
    return value if isinstance(value, dict) else {}


def text(value: Any) -> str:
    """A JSON value as text: None is empty, numbers are written out, the rest as given."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _in_range(events: pa.Table, now: dt.datetime) -> np.ndarray:
    ts = events["ts"]
    low = pc.greater_equal(ts, pa.scalar(MIN_TS, TS_TYPE))
    high = pc.less_equal(ts, pa.scalar(now + FUTURE_TOLERANCE, TS_TYPE))
    ok = pc.and_(low, high)
    return np.asarray(pc.fill_null(ok, False).to_numpy(zero_copy_only=False), dtype=bool)


def finish(
    source: str,
    events: pa.Table,
    people: pa.Table,
    workspaces: pa.Table,
    problems: Problems,
    *,
    label: str,
    notes: Sequence[str] = (),
    meta: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> InteractionLog:
    """The checked log of a parser's tables.

    Events without a usable time (missing, before 1990, in the future) are skipped and listed;
    events whose ``event_id`` repeats keep their first occurrence; an export with no events left
    is an ``ExportError``.
    """
    now = now or dt.datetime.now(UTC)
    keep = _in_range(events, now)
    if not keep.all():
        for row in np.flatnonzero(~keep)[:SKIPPED_LISTED]:
            value = events["ts"][int(row)].as_py()
            problems.skip(
                label,
                None,
                f"event {events['event_id'][int(row)].as_py()}: "
                + ("no time" if value is None else f"time out of range: {value.isoformat()}"),
            )
        problems.count += max(0, int((~keep).sum()) - SKIPPED_LISTED)
        events = events.filter(pa.array(keep))
    if events.num_rows:
        codes = pc.dictionary_encode(events["event_id"].combine_chunks()).indices.to_numpy()
        _, first = np.unique(codes, return_index=True)
        if first.size != events.num_rows:
            events = events.take(pa.array(np.sort(first)))
    if events.num_rows == 0:
        raise ExportError("the export holds no messages", file=label)
    if people.num_rows:
        codes = pc.dictionary_encode(people["actor"].combine_chunks()).indices.to_numpy()
        _, first = np.unique(codes, return_index=True)
        people = people.take(pa.array(np.sort(first)))
        people = people.filter(pc.not_equal(people["actor"], ""))
    if workspaces.num_rows:
        codes = pc.dictionary_encode(workspaces["workspace"].combine_chunks()).indices.to_numpy()
        _, first = np.unique(codes, return_index=True)
        workspaces = workspaces.take(pa.array(np.sort(first)))
    meta = {
        **(meta or {}),
        "format": FORMAT_VERSION,
        "source": source,
        "created": now.isoformat().replace("+00:00", "Z"),
        "notes": list(notes),
    } | problems.meta()
    log = InteractionLog(
        normalise_table(events, "events"),
        normalise_table(people, "people"),
        normalise_table(workspaces, "workspaces"),
        meta,
    )
    validate(log, now=now)
    return log


def with_people(log: InteractionLog, people: pa.Table) -> InteractionLog:
    """``log`` enriched with an org-structure table (``--people``).

    A row matches a person of the log by identifier, or by the part of an e-mail address before
    the ``@`` when the log knows people by username (and the other way round); its name,
    department, manager and location replace the log's. People of the file the log does not
    know are added: every person listed is a node of the network.
    """
    known = log.people.column("actor").to_pylist()
    by_key: dict[str, str] = {}
    for actor in known:
        by_key.setdefault(actor.casefold(), actor)
        by_key.setdefault(actor.split("@", 1)[0].casefold(), actor)

    def resolve(ident: str) -> str:
        if not ident:
            return ident
        return (
            by_key.get(ident.casefold()) or by_key.get(ident.split("@", 1)[0].casefold()) or ident
        )

    rows = {r["actor"]: r for r in log.people.to_pylist()}
    for r in people.to_pylist():
        actor = resolve(r["actor"])
        base = rows.get(actor, {"actor": actor, "is_bot": False, "joined_at": None})
        update = {
            k: v for k, v in r.items() if k not in ("actor", "is_bot") and v not in (None, "")
        }
        if update.get("manager"):
            update["manager"] = resolve(update["manager"])
        rows[actor] = {**base, **update}
    merged = pa.Table.from_pylist(list(rows.values()), schema=SCHEMAS["people"])
    return InteractionLog(log.events, merged, log.workspaces, log.meta)


def fill_parent_authors(events: pa.Table) -> pa.Table:
    """``target_actor`` of replies, reactions and mentions-free rows left empty: the author of
    the post or reply named by their ``parent_id`` (a vectorised hash lookup; the parent may
    come later in the export, or not at all, in which case it stays empty; when an object id
    repeats, its first post or reply is the parent)."""
    said = pc.is_in(events["verb"], pa.array(["post", "reply"]))
    authors = events.filter(said).select(["object_id", "actor"])
    if authors.num_rows == 0:
        return events
    where = pc.index_in(events["parent_id"], value_set=authors["object_id"].combine_chunks())
    author = pc.take(authors["actor"].combine_chunks(), where)
    empty = pc.equal(events["target_actor"], "")
    filled = pc.if_else(pc.and_(empty, pc.is_valid(where)), author, events["target_actor"])
    return events.set_column(events.schema.get_field_index("target_actor"), "target_actor", filled)
