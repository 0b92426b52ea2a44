"""Bytes of one table file (CSV or JSON lines) to an Arrow table: pure, no file I/O."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json
import pyarrow.parquet as pq

from .schema import LogError

# --------------------------------------------------------------------------- formulas
# A spreadsheet runs a cell starting with one of these as a formula. Such a cell is written
# behind a single quote (which spreadsheets show as text), as is a cell that starts with a
# quote before one of them, so that reading strips exactly one quote and gives the text back.
_FORMULA = "^'*[=+\\-@\t\r]"


def escape_formulas(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Text cells a spreadsheet would run as formulas, behind a single quote.

    >>> escape_formulas(pa.chunked_array([["=1+1", "ok", "-2", "'@x", "'a"]])).to_pylist()
    ["'=1+1", 'ok', "'-2", "''@x", "'a"]
    """
    risky = pc.fill_null(pc.match_substring_regex(column, _FORMULA), False)
    return pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)


def unescape_formulas(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """The text `escape_formulas` was given.

    >>> unescape_formulas(pa.chunked_array([["'=1+1", "ok", "''@x", "'a"]])).to_pylist()
    ['=1+1', 'ok', "'@x", "'a"]
    """
    quoted = pc.fill_null(pc.match_substring_regex(column, "^'" + _FORMULA[1:]), False)
    return pc.if_else(quoted, pc.utf8_slice_codeunits(column, 1), column)


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
    return pa.table([unescape_formulas(c) for c in table.columns], names=table.column_names)


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


def read_table_bytes(
    data: bytes | pa.NativeFile, name: str, ext: str, file: str
) -> tuple[pa.Table, int | None]:
    """Read one table file; return it with the file line of its first data row.

    ``data`` is the file's bytes, or for parquet an open Arrow file (a memory map: the table is
    then read without a copy of the whole file in memory first).
    """
    if ext == ".parquet":
        try:
            return pq.read_table(io.BytesIO(data) if isinstance(data, bytes) else data), None
        except (pa.ArrowInvalid, OSError) as exc:
            raise LogError(f"not a parquet file ({exc})", file=file) from None
    if not isinstance(data, bytes):
        data = data.read()
    if ext == ".csv":
        return read_csv_text(data, file), 2
    return _read_jsonl(data, file), 1
