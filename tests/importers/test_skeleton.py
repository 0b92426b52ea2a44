"""`lumoflow import` and `lumoflow analyze` over the registry of sources: the generic sources
(edge list, events CSV), the --out contract, --people, and the bad cases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lumoflow.analytics.log import read_log
from lumoflow.importers import SOURCES, detect_source

from .conftest import run

EDGES = "ann bob 1700000000\nbob ann 1700000300\ncat ann 1700000600\n"
EVENTS = (
    "ts,actor,verb,workspace,object_id\n"
    "2024-03-04T09:00:00Z,ann,post,w1,p1\n"
    "2024-03-04T09:05:00Z,bob,reply,w1,r1\n"
)


def test_import_of_an_edge_list_writes_a_canonical_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "edges.txt"
    src.write_text(EDGES)
    code, out, err = run(capsys, "import", "edges", str(src), "--out", str(tmp_path / "log"))
    assert code == 0, err
    assert "3 events" in out
    log = read_log(tmp_path / "log")
    assert log.meta["source"] == "edges"
    assert log.events.column("actor").to_pylist() == ["ann", "bob", "cat"]
    assert log.events.column("target_actor").to_pylist() == ["bob", "ann", "ann"]
    # off a terminal, progress is one summary line on stderr
    assert err.count("\n") == 1 and "3 messages from 1 files" in err


def test_import_of_an_events_csv_in_csv_tables_with_people(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "events.csv"
    src.write_text(EVENTS)
    people = tmp_path / "people.csv"
    people.write_text(
        "identifier,name,department,manager,location\n"
        "ann@example.com,Ann,Sales/EMEA,bob@example.com,Paris\n"
        "dan,Dan,IT,,\n"
    )
    out_dir = tmp_path / "log"
    code, _, err = run(
        capsys, "import", "csv", str(src), "--out", str(out_dir), "--format", "csv",
        "--people", str(people),
    )  # fmt: skip
    assert code == 0, err
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "events.csv",
        "log.json",
        "people.csv",
        "workspaces.csv",
    ]
    rows = {r["actor"]: r for r in read_log(out_dir).people.to_pylist()}
    # dan is in the file only: listed all the same (every person listed is a node)
    assert sorted(rows) == ["ann@example.com", "dan"]
    assert rows["ann@example.com"]["department"] == "Sales/EMEA"
    assert rows["ann@example.com"]["location"] == "Paris"


def test_analyze_reads_an_edge_list_through_the_importers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "edges.txt"
    src.write_text(EDGES)
    code, out, err = run(capsys, "analyze", str(src), "--format", "json", "--min-group-size", "1")
    assert code == 0, err
    assert json.loads(out)["input"]["format"] == "edges"
    code, out, err = run(capsys, "analyze", str(src), "--input-format", "edges", "--format", "json")
    assert code == 0, err


def test_analyze_and_import_run_without_django(tmp_path: Path) -> None:
    src = tmp_path / "edges.txt"
    src.write_text(EDGES)
    probe = (
        "import sys; from lumoflow.cli import main; "
        f"code = main(['analyze', {str(src)!r}]); "
        f"code += main(['import', 'edges', {str(src)!r}, '--out', {str(tmp_path / 'o')!r}]); "
        "assert code == 0, code; assert 'django' not in sys.modules, 'django imported'"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["import", "nope", "{src}", "--out", "{out}"], "invalid choice: 'nope'"),
        (["import", "edges", "{tmp}/missing", "--out", "{out}"], "missing: no such file"),
        (["import", "edges", "{src}"], "--out"),
        (["import", "edges", "{src}", "--out", "{src}"], "--out exists"),
        (["import", "csv", "{src}", "--out", "{out}"], "missing required column 'ts'"),
        (["analyze", "{tmp}/missing"], "no such file"),
        (["analyze", "{empty}"], "empty edge list"),
    ],
)
def test_bad_input_is_one_line_and_exit_2_and_leaves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    src = tmp_path / "edges.txt"
    src.write_text(EDGES)
    (tmp_path / "empty.txt").write_text("")
    names = {"src": str(src), "out": str(tmp_path / "out"), "tmp": str(tmp_path),
             "empty": str(tmp_path / "empty.txt")}  # fmt: skip
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = run(capsys, *[a.format(**names) for a in argv])
    assert code == 2, err
    assert words in err and err.strip().count("\n") == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_detection_tries_the_generic_sources_last(tmp_path: Path) -> None:
    csv = tmp_path / "e.csv"
    csv.write_text(EVENTS)
    edges = tmp_path / "e.txt"
    edges.write_text(EDGES)
    assert detect_source(csv) == "csv"
    assert detect_source(edges) == "edges"
    assert {"csv", "edges"} <= set(SOURCES)
