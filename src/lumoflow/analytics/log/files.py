"""Reading a log from a folder or a zip, and writing one atomically: the only file I/O."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from .normalise import normalise_table
from .parse import check_utf8, escape_formulas, read_table_bytes
from .schema import EXTENSIONS, FORMAT_VERSION, SCHEMAS, UTC, InteractionLog, LogError
from .validate import validate, validate_events, validate_people


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
        ext = Path(fname).suffix
        if ext == ".parquet" and src.zip is None:  # a folder's parquet file, memory-mapped
            with pa.memory_map(str(src.root / fname)) as mapped:
                raw, first = read_table_bytes(mapped, name, ext, label)
        else:
            raw, first = read_table_bytes(src.read(fname), name, ext, label)
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
            elif pa.types.is_string(fld.type):
                out = out.set_column(i, fld.name, escape_formulas(table.column(i)))
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
