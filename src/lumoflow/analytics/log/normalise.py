"""Coerce tables whose columns are all text (as read from CSV) to the canonical types."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .schema import REQUIRED, SCHEMAS, TS_TYPE, LogError

_TRUE = ("true", "1", "yes", "t", "y")


_FALSE = ("false", "0", "no", "f", "n")


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
