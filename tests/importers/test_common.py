"""The parts every parser shares: batched Arrow building, the folder-or-zip view, JSON with
file and line in its errors, and turning tables into a checked log (skipping what is unusable)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pyarrow as pa
import pytest

from lumoflow.analytics.log import make_log
from lumoflow.importers.common import (
    ExportError,
    ExportFiles,
    Problems,
    Progress,
    TableBuilder,
    finish,
    json_lines,
    load_json,
    skipped_lines,
    with_people,
)

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
T0 = int(dt.datetime(2024, 3, 4, 9, tzinfo=dt.UTC).timestamp() * 1_000_000)


def _events(*rows: tuple[str, int | None]) -> pa.Table:
    b = TableBuilder("events", batch_rows=2)
    for event_id, ts in rows:
        b.add(event_id=event_id, ts=ts, actor="ann", verb="post", workspace="w")
    return b.table()


def test_table_builder_makes_batches_of_the_canonical_schema() -> None:
    table = _events(("a", T0), ("b", T0 + 1), ("c", None))
    assert table.num_rows == 3 and len(table.to_batches()) == 2
    assert table.column("is_bot").to_pylist() == [False] * 3
    assert table.column("parent_id").to_pylist() == [""] * 3


def test_finish_skips_events_without_a_usable_time_and_repeated_ids() -> None:
    problems = Problems()
    future = int((NOW + dt.timedelta(days=2)).timestamp() * 1_000_000)
    events = _events(("a", T0), ("a", T0), ("b", None), ("c", future), ("d", 0))
    log = finish(
        "test", events, TableBuilder("people").table(), TableBuilder("workspaces").table(),
        problems, label="x.json", now=NOW,
    )  # fmt: skip
    assert log.events.column("event_id").to_pylist() == ["a"]
    assert log.meta["skipped_count"] == 3
    lines = skipped_lines(dict(log.meta))
    assert lines[0] == "skipped 3 records:"
    assert "x.json: event b: no time" in lines[1]
    assert "time out of range: 2026-01-03" in lines[2]
    assert "time out of range: 1970-01-01" in lines[3]


def test_finish_refuses_an_export_with_no_messages() -> None:
    with pytest.raises(ExportError, match="x.json: the export holds no messages"):
        finish(
            "test", _events(), TableBuilder("people").table(),
            TableBuilder("workspaces").table(), Problems(), label="x.json", now=NOW,
        )  # fmt: skip


def test_export_files_read_a_zip_with_a_top_folder_like_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    (folder / "general").mkdir(parents=True)
    (folder / "users.json").write_text("[]")
    (folder / "general" / "2024-03-04.json").write_text('[{"ts": "1"}]')
    zpath = tmp_path / "export.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.write(folder / "users.json", "top/users.json")
        zf.write(folder / "general" / "2024-03-04.json", "top/general/2024-03-04.json")
    for path in (folder, zpath):
        files = ExportFiles(path, marker="users.json")
        assert files.members == ["general/2024-03-04.json", "users.json"]
        assert files.json("general/2024-03-04.json") == [{"ts": "1"}]
    assert ExportFiles(zpath, "users.json").label("users.json") == f"{zpath}:top/users.json"


def test_a_corrupt_zip_is_an_error_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "export.zip"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(ExportError, match="export.zip: not a readable zip"):
        ExportFiles(bad)


def test_json_errors_name_file_and_line() -> None:
    with pytest.raises(ExportError, match="a.json, line 3: not JSON"):
        load_json(b'[\n{"a": 1},\n{"b": }]', "a.json")
    with pytest.raises(ExportError, match="a.json, line 2: not UTF-8 text"):
        load_json(b'[\n"\xff"]', "a.json")
    stream = io.BytesIO(b'{"type": "version"}\n\n{"type": "post", "po')
    with pytest.raises(ExportError, match="e.jsonl, line 3: not JSON"):
        list(json_lines(stream, "e.jsonl"))


def test_progress_off_a_terminal_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    p = Progress("import x")
    p.message(3)
    p.file(2)
    line = p.close()
    assert line.startswith("import x: 3 messages from 2 files in ")
    assert capsys.readouterr().err == line + "\n"


def test_people_match_by_identifier_or_address_and_unknown_people_are_added() -> None:
    log = make_log(
        events=[{"event_id": "1", "ts": "2024-03-04T09:00:00Z", "actor": "ann", "verb": "post"}],
        people=[{"actor": "ann", "name": "Ann"}, {"actor": "bob"}],
    )
    org = pa.table(
        {
            "actor": ["ann@example.com", "BOB", "cat"],
            "department": ["Sales", "IT", "IT"],
            "manager": ["bob@example.com", "", "ann"],
        }
    )
    rows = {r["actor"]: r for r in with_people(log, org).people.to_pylist()}
    assert sorted(rows) == ["ann", "bob", "cat"]
    assert rows["ann"]["department"] == "Sales" and rows["ann"]["manager"] == "bob"
    assert rows["ann"]["name"] == "Ann" and rows["bob"]["department"] == "IT"
