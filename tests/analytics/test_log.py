"""The canonical interaction log: round trips through every table format, and each broken rule."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lumoflow.analytics.log import LogError, make_log, read_log, validate, write_log
from lumoflow.analytics.log.validate import all_distinct

from .conftest import rows

EVENTS = rows(
    (
        "2024-03-04T09:00:00Z",
        "ann",
        "post",
        {"object_id": "p1", "kind": "question", "text": "How do we deploy, ünïcode?"},
    ),
    (
        "2024-03-04T10:30:00+02:00",
        "bob",
        "reply",
        {"object_id": "r1", "parent_id": "p1", "thread_id": "p1", "target_actor": "ann"},
    ),
    ("2024-03-05 08:00:00", "bot1", "message", {"target_actor": "ann", "is_bot": True}),
    workspace="w1",
)
PEOPLE = [
    {"actor": "ann", "department": "eng/platform", "is_bot": False},
    {"actor": "bot1", "is_bot": True},
]
WORKSPACES = [{"workspace": "w1", "name": "Deploys", "objectives": "Ship weekly"}]


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_write_then_read_gives_the_same_tables(tmp_path: Path, fmt: str) -> None:
    # given
    log = make_log(EVENTS, PEOPLE, WORKSPACES, meta={"format": 1, "source": "test"})
    # when
    out = write_log(log, tmp_path / "log", fmt=fmt)
    back = read_log(out)
    # then
    assert back.events.equals(log.events)
    assert back.people.equals(log.people)
    assert back.workspaces.equals(log.workspaces)
    assert back.meta["source"] == "test" and back.meta["format"] == 1
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["log.json", f"events.{fmt}", f"people.{fmt}", f"workspaces.{fmt}"]
    )


def test_timestamps_are_normalised_to_utc() -> None:
    log = make_log(EVENTS)
    assert log.events["ts"].to_pylist()[1] == dt.datetime(2024, 3, 4, 8, 30, tzinfo=dt.UTC)
    assert log.events["ts"].to_pylist()[2] == dt.datetime(2024, 3, 5, 8, 0, tzinfo=dt.UTC)


def test_a_zip_of_the_folder_reads_the_same(tmp_path: Path) -> None:
    log = make_log(EVENTS, PEOPLE, WORKSPACES)
    out = write_log(log, tmp_path / "export", fmt="csv")
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in out.iterdir():
            z.write(f, f"export/{f.name}")
    assert read_log(archive).events.equals(log.events)


def test_write_refuses_a_non_empty_folder_and_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("x")
    with pytest.raises(LogError, match="not empty"):
        write_log(make_log(EVENTS), tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["keep.txt"]


def _log_dir(tmp_path: Path, events_csv: str, meta: object | None = None) -> Path:
    d = tmp_path / "log"
    d.mkdir()
    (d / "log.json").write_text(json.dumps(meta or {"format": 1, "source": "t"}))
    (d / "events.csv").write_text(events_csv)
    return d


HEADER = "event_id,ts,actor,verb,workspace,is_bot\n"


@pytest.mark.parametrize(
    ("body", "line", "column", "words"),
    [
        ("e1,2024-03-04T09:00:00Z,ann,post,w,false\ne2,2024-03-04,bob\n", 3, None, "malformed"),
        ("e1,yesterday,ann,post,w,false\n", 2, "ts", "not a timestamp"),
        ("e1,2024-03-04,ann,shout,w,false\n", 2, "verb", "unknown verb"),
        (
            "e1,2024-03-04,ann,post,w,false\ne1,2024-03-05,bob,post,w,false\n",
            3,
            "event_id",
            "duplicate",
        ),
        ("e1,2024-03-04,ann,post,w,\n", 2, "is_bot", "never empty"),
        ("e1,2024-03-04,ann,post,w,false\ne2,2999-01-01,bob,post,w,false\n", 3, "ts", "future"),
        ("e1,1989-12-31T23:59:59Z,ann,post,w,false\n", 2, "ts", "before 1990"),
        ("e1,2024-03-04,,post,w,false\n", 2, "actor", "empty actor"),
    ],
)
def test_broken_rows_are_rejected_naming_file_line_and_column(
    tmp_path: Path, body: str, line: int, column: str | None, words: str
) -> None:
    d = _log_dir(tmp_path, HEADER + body)
    with pytest.raises(LogError) as err:
        read_log(d)
    assert err.value.line == line
    assert err.value.column == column
    assert err.value.file is not None and err.value.file.endswith("events.csv")
    assert words in str(err.value) and "\n" not in str(err.value)


def test_unknown_column_is_rejected(tmp_path: Path) -> None:
    d = _log_dir(tmp_path, "event_id,ts,actor,verb,colour,is_bot\ne1,2024-03-04,a,post,red,0\n")
    with pytest.raises(LogError, match="unknown column 'colour'") as err:
        read_log(d)
    assert err.value.column == "colour"


def test_non_utf8_text_is_rejected_with_line(tmp_path: Path) -> None:
    d = _log_dir(tmp_path, HEADER)
    (d / "events.csv").write_bytes(HEADER.encode() + b"e1,2024-03-04,\xffann,post,w,false\n")
    with pytest.raises(LogError, match="not UTF-8") as err:
        read_log(d)
    assert err.value.line == 2


def test_wrong_format_version_and_missing_log_json(tmp_path: Path) -> None:
    d = _log_dir(tmp_path, HEADER, meta={"format": 2})
    with pytest.raises(LogError, match="unsupported format"):
        read_log(d)
    (d / "log.json").unlink()
    with pytest.raises(LogError, match="no log.json"):
        read_log(d)


def test_parquet_rows_are_named_by_row_number(tmp_path: Path) -> None:
    log = make_log(EVENTS)
    out = write_log(log, tmp_path / "log")
    bad = log.events.set_column(3, "verb", pa.chunked_array([["post", "reply", "nope"]]))
    import pyarrow.parquet as pq

    pq.write_table(bad, out / "events.parquet")
    with pytest.raises(LogError, match="unknown verb 'nope'") as err:
        read_log(out)
    assert err.value.line == 3


def test_validate_rejects_tables_without_the_schema() -> None:
    log = make_log(EVENTS)
    broken = type(log)(log.events.drop_columns(["text"]), log.people, log.workspaces, {})
    with pytest.raises(LogError, match="schema"):
        validate(broken)


FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "'=quoted"]


def test_csv_cells_a_spreadsheet_would_run_are_escaped_and_read_back(tmp_path: Path) -> None:
    import csv

    events = rows(
        *[
            ("2024-03-04T09:00:00Z", "ann", "post", {"object_id": f"p{i}", "text": text})
            for i, text in enumerate([*FORMULAS, "plain", "'not a formula"])
        ],
        workspace="w1",
    )
    people = [{"actor": "ann", "department": "=cmd|' /C calc'!A0", "is_bot": False}]
    log = make_log(events, people, WORKSPACES)
    out = write_log(log, tmp_path / "log", fmt="csv")
    with (out / "events.csv").open(newline="", encoding="utf-8") as fh:
        texts = [row["text"] for row in csv.DictReader(fh)]
    with (out / "people.csv").open(newline="", encoding="utf-8") as fh:
        departments = [row["department"] for row in csv.DictReader(fh)]
    written = [*texts, *departments]
    assert all(not cell or cell[0] not in "=+-@\t\r" for cell in written), written
    assert texts[:7] == ["'" + t for t in FORMULAS]
    assert texts[7:] == ["plain", "'not a formula"]
    back = read_log(out)
    assert back.events.equals(log.events)
    assert back.people.equals(log.people)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.text(max_size=3), max_size=8), max_size=4))
def test_all_distinct_agrees_with_counting_the_distinct_values(chunks: list[list[str]]) -> None:
    values = pa.chunked_array([pa.array(c, pa.string()) for c in chunks], pa.string())
    assert all_distinct(values) is (len(values) == len(pc.unique(values)))
