"""Viva Engage / Yammer network data export -> canonical log, on fixture exports built from the
published export format (Messages.csv, Users.csv, Groups.csv): threads, groups, private
conversations, deletions, column order and extra columns, bad input, fuzzing."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lumoflow.analytics.log import LogError, read_log
from lumoflow.importers import detect_source, read_export

from .conftest import run

MESSAGES = [
    # the columns of a network data export, in its order, with columns the reader ignores
    ["id", "replied_to_id", "thread_id", "conversation_id", "group_id", "group_name",
     "participants", "in_private_group", "in_private_conversation", "sender_id", "sender_type",
     "sender_name", "sender_email", "body", "api_url", "attachments", "deleted_by_id",
     "deleted_by_type", "created_at", "deleted_at"],
    ["101", "", "101", "9", "7", "Sales", "", "false", "false", "1", "User", "Ann",
     "ann@example.com", "Who owns the Q2 plan?", "", "", "", "", "2024-03-04 09:00:00 UTC", ""],
    ["102", "101", "101", "9", "7", "Sales", "", "false", "false", "2", "User", "Bob",
     "bob@example.com", "I do,\nsee the draft", "", "", "", "", "2024-03-04 09:30:00 UTC", ""],
    ["103", "102", "101", "9", "7", "Sales", "", "false", "false", "3", "User", "Cat", "",
     "thanks", "", "", "3", "user", "2024-03-04 10:00:00 UTC", "2024-03-05 08:00:00 UTC"],
    ["104", "", "104", "10", "", "", "", "false", "false", "1", "User", "Ann", "",
     "All-company news", "", "", "", "", "2024-03-04T11:00:00Z", ""],
    ["105", "", "105", "11", "", "", "user:1,user:2,user:3", "false", "true", "2", "User",
     "Bob", "", "private note", "", "", "", "", "2024-03-04 12:00:00 UTC", ""],
    ["106", "", "106", "12", "7", "Sales", "", "false", "false", "99", "Bot", "Praise bot", "",
     "Kudos!", "", "", "", "", "2024-03-04 13:00:00 UTC", ""],
]  # fmt: skip
USERS = [
    ["id", "name", "email", "job_title", "location", "department", "api_url", "joined_at",
     "deleted_at", "state"],
    ["1", "Ann Lee", "Ann@Example.com", "Lead", "Paris", "Sales", "", "2020-01-01 00:00:00 UTC",
     "", "active"],
    ["2", "Bob Roy", "bob@example.com", "", "Lyon", "Sales", "", "", "", "active"],
    ["3", "Cat Sun", "", "", "", "IT", "", "", "", "active"],
]  # fmt: skip
GROUPS = [
    ["id", "name", "description", "private", "deleted", "api_url", "created_at", "updated_at"],
    ["7", "Sales", "Where the sales team shares leads", "false", "false", "",
     "2023-01-01 00:00:00 UTC", ""],
    ["8", "Board", "", "true", "false", "", "2023-01-01 00:00:00 UTC", ""],
]  # fmt: skip


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def write_export(root: Path, messages: list[list[str]] | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "Messages.csv").write_text(_csv(messages or MESSAGES))
    (root / "Users.csv").write_text(_csv(USERS))
    (root / "Groups.csv").write_text(_csv(GROUPS))
    return root


def test_threads_groups_private_conversations_deletions_and_bots(tmp_path: Path) -> None:
    log = read_export("yammer", write_export(tmp_path / "y"))
    rows = {r["event_id"]: r for r in log.events.to_pylist()}
    assert rows["101"]["verb"] == "post" and rows["101"]["actor"] == "ann@example.com"
    assert rows["102"]["verb"] == "reply" and rows["102"]["target_actor"] == "ann@example.com"
    assert rows["102"]["text"] == "I do,\nsee the draft"  # a quoted newline in a body
    assert rows["103"]["parent_id"] == "102" and rows["103"]["thread_id"] == "101"
    assert rows["103"]["actor"] == "yammer:3"  # no e-mail address: known by id
    assert rows["103:delete"]["verb"] == "delete"  # deleted, yet it happened
    assert rows["104"]["workspace"] == "all-company"
    assert rows["105"]["workspace"] == "conversation:105"
    private = sorted(r["target_actor"] for r in rows.values() if r["verb"] == "message")
    assert private == ["ann@example.com", "yammer:3"]
    assert rows["106"]["is_bot"] and not rows["101"]["is_bot"]
    spaces = {w["workspace"]: w for w in log.workspaces.to_pylist()}
    assert spaces["7"]["purpose"] == "Where the sales team shares leads"
    assert sorted(log.meta["private_workspaces"]) == ["8", "conversation:105"]
    people = {p["actor"]: p for p in log.people.to_pylist()}
    assert people["ann@example.com"]["department"] == "Sales"
    assert people["ann@example.com"]["joined_at"].year == 2020


def test_column_order_and_extra_columns_do_not_matter_and_zip_reads_alike(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reordered = [list(reversed(r)) + ["x"] for r in MESSAGES]
    reordered[0][-1] = "new_column_2025"
    src = write_export(tmp_path / "y", reordered)
    zpath = tmp_path / "export.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for f in src.iterdir():
            zf.write(f, f"export-2024/{f.name}")
    assert detect_source(zpath) == "yammer" and detect_source(src) == "yammer"
    baseline = read_export("yammer", write_export(tmp_path / "base"))
    for path in (src, zpath):
        assert read_export("yammer", path).events.to_pylist() == baseline.events.to_pylist()
    code, out, err = run(capsys, "import", "yammer", str(zpath), "--out", str(tmp_path / "log"))
    assert code == 0, err
    assert read_log(tmp_path / "log").meta["source"] == "yammer"
    code, out, err = run(capsys, "analyze", str(zpath), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["input"]["format"] == "yammer"


def test_unusable_messages_are_skipped_and_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = [*MESSAGES, [*MESSAGES[1][:9], "", *MESSAGES[1][10:]]]
    bad[1] = [*MESSAGES[1][:18], "last tuesday", ""]
    src = write_export(tmp_path / "y", bad)
    code, out, err = run(capsys, "import", "yammer", str(src), "--out", str(tmp_path / "log"))
    assert code == 0, err
    assert "skipped 2 records:" in err
    assert "message in data row 1: created_at is not a time: last tuesday" in err
    assert "message in data row 7: no sender_id" in err


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (
            lambda p: (p / "Messages.csv").write_text(_csv([r[:18] for r in MESSAGES])),
            "Messages.csv, line 1, column created_at: missing required column 'created_at'",
        ),
        (
            lambda p: (p / "Messages.csv").write_text(_csv(MESSAGES) + '"1","2"\n'),
            "Messages.csv, line 9: malformed row",  # the 8 lines before hold a quoted newline
        ),
        (
            lambda p: (p / "Users.csv").write_bytes(b"id,name\n1,Ann\n2,Jos\xe9\n"),
            "Users.csv, line 3",
        ),
    ],
)
def test_bad_exports_exit_2_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: Any, words: str
) -> None:
    src = write_export(tmp_path / "y")
    damage(src)
    code, _, err = run(capsys, "import", "yammer", str(src), "--out", str(tmp_path / "log"))
    assert code == 2 and words in err and err.count("\n") == 1, err


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(
        st.binary(max_size=300),
        st.lists(
            st.lists(st.sampled_from(["", "1", "2", "x,y", '"q"', "2024-03-04 09:00:00 UTC",
                                      "user:1,user:2", "true", "\n"]), min_size=20, max_size=20),
            max_size=4,
        ).map(lambda rows: _csv([MESSAGES[0], *rows]).encode()),
    )
)  # fmt: skip
def test_any_bytes_give_a_log_or_a_clear_error(tmp_path: Path, body: bytes) -> None:
    src = write_export(tmp_path / "fuzz")
    (src / "Messages.csv").write_bytes(body)
    try:
        read_export("yammer", src)
    except LogError as exc:
        assert str(exc) and "\n" not in str(exc)
