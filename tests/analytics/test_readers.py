"""Edge lists, events CSVs and people files become canonical tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from lumoflow.analytics.log import LogError
from lumoflow.analytics.readers import (
    detect_format,
    load_input,
    read_edge_list,
    read_events_csv,
    read_people,
)


def test_edge_list_with_anonymised_times_counts_from_the_epoch(tmp_path: Path) -> None:
    f = tmp_path / "e.txt"
    f.write_text("# comment\n0 1 0\n1\t2   86400\n\n2 0 1700000000\n")
    ev = read_edge_list(f)
    assert ev["actor"].to_pylist() == ["0", "1", "2"]
    assert ev["target_actor"].to_pylist() == ["1", "2", "0"]
    assert set(ev["verb"].to_pylist()) == {"message"}
    assert ev["ts"].to_pylist() == [
        dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
        dt.datetime(2000, 1, 2, tzinfo=dt.UTC),
        dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC),
    ]
    other = read_edge_list(f, epoch=dt.datetime(2010, 1, 1, tzinfo=dt.UTC))
    assert other["ts"][0].as_py() == dt.datetime(2010, 1, 1, tzinfo=dt.UTC)


def test_edge_list_without_times_has_null_timestamps(tmp_path: Path) -> None:
    f = tmp_path / "e.txt"
    f.write_text("a b\nb c\n")
    ev = read_edge_list(f)
    assert ev["ts"].null_count == 2


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("0 1 5\n0 1\n", 2, "malformed"),
        ("0 1 5\n0 1 x\n", 2, "not a number"),
        ("0 1 2 3\n", 1, "expected"),
        ("\n\n", None, "empty"),
    ],
)
def test_bad_edge_lists_name_the_line(
    tmp_path: Path, text: str, line: int | None, words: str
) -> None:
    f = tmp_path / "e.txt"
    f.write_text(text)
    with pytest.raises(LogError, match=words) as err:
        read_edge_list(f)
    assert err.value.line == line


def test_events_csv_fills_missing_optional_columns(tmp_path: Path) -> None:
    f = tmp_path / "ev.csv"
    f.write_text("ts,actor,verb,workspace\n2024-03-04T09:00Z,ann,post,w\n2024-03-05,bob,reply,w\n")
    assert detect_format(f) == "events-csv"
    ev = read_events_csv(f)
    assert ev["event_id"].to_pylist() == ["2", "3"]  # the line numbers
    assert ev["is_bot"].to_pylist() == [False, False]
    assert ev["text"].to_pylist() == ["", ""]


def test_people_csv_with_username_and_departments(tmp_path: Path) -> None:
    f = tmp_path / "p.csv"
    f.write_text("username,name,department,time_zone\nann,Ann A,eng/platform,Europe/Paris\n")
    people = read_people(f)
    assert people["actor"].to_pylist() == ["ann"]
    assert people["department"].to_pylist() == ["eng/platform"]
    assert people["time_zone"].to_pylist() == ["Europe/Paris"]


def test_people_lines_and_their_errors(tmp_path: Path) -> None:
    f = tmp_path / "p.txt"
    f.write_text("0 1\n1 1\n2 7\n")
    assert read_people(f)["department"].to_pylist() == ["1", "1", "7"]
    f.write_text("0 1\n1\n")
    with pytest.raises(LogError, match="actor department") as err:
        read_people(f)
    assert err.value.line == 2
    f.write_text("0 1\n0 2\n")
    with pytest.raises(LogError, match="listed twice") as err:
        read_people(f)
    assert err.value.line == 2


def test_people_file_replaces_the_people_and_every_person_is_a_node(tmp_path: Path) -> None:
    e = tmp_path / "e.txt"
    e.write_text("a b\n")
    p = tmp_path / "p.txt"
    p.write_text("a x\nb x\nc y\n")
    log, fmt = load_input(e, people=p)
    assert fmt == "edges" and log.people.num_rows == 3
