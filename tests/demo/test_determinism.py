"""Same seed and options give the same database: two runs into two fresh data folders."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

QUERIES = {
    "people": "SELECT id, username, display_name, title, department_id, manager_id, time_zone, "
    "date_joined, is_staff FROM people_user ORDER BY id",
    "workspaces": "SELECT id, name, visibility, created_by_id, created_at "
    "FROM workspaces_workspace",
    "members": "SELECT id, workspace_id, user_id, role, joined_at FROM workspaces_membership",
    "check_ins": "SELECT id, key_result_id, value, confidence, author_id, date "
    "FROM workspaces_checkin",
    "posts": "SELECT id, workspace_id, author_id, parent_id, thread_id, kind, body, objective_id, "
    "created_at, accepted_answer_id, idea_status FROM conversation_post ORDER BY id",
    "reactions": "SELECT id, post_id, user_id, emoji, created_at FROM conversation_reaction",
    # follows of the printed logins are made at run time; everything else is backdated
    "events": "SELECT id, CASE WHEN verb = 'follow' THEN '' ELSE ts END, actor_id, verb, "
    "workspace_id, object_type, object_id, parent_id, thread_id, target_actor_id, kind, text "
    "FROM activity_activityevent ORDER BY id",
}


def run_demo(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["LUMOFLOW_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "lumoflow.cli", "demo", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def dump(data_dir: Path) -> dict[str, list[tuple[object, ...]]]:
    con = sqlite3.connect(data_dir / "lumoflow.sqlite3")
    try:
        return {name: con.execute(q).fetchall() for name, q in QUERIES.items()}
    finally:
        con.close()


def test_same_seed_and_options_give_the_same_database(tmp_path: Path) -> None:
    # given two fresh data folders
    args = ("--people", "70", "--months", "3", "--seed", "5", "--until", "2026-03-31")
    # when the demo runs into each with the same options
    first = run_demo(tmp_path / "a", *args, "--password", "first-pass-1")
    second = run_demo(tmp_path / "b", *args, "--password", "second-pass-2")
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    # then every row, id and timestamp is the same
    a, b = dump(tmp_path / "a"), dump(tmp_path / "b")
    for table in QUERIES:
        assert a[table] == b[table], table
    assert len(a["events"]) > 1000
    # and a different seed gives a different company
    third = run_demo(tmp_path / "c", *args[:4], "--seed", "6", *args[6:])
    assert third.returncode == 0, third.stderr
    assert dump(tmp_path / "c")["posts"] != a["posts"]


def test_default_size_year_loads_within_a_minute(tmp_path: Path) -> None:
    # when the demo runs at its default size (300 people, 12 months) into a fresh folder
    done = run_demo(tmp_path, "--until", "2026-11-20", "--password", "default-size-1")
    # then it prints the logins and reports at least 20,000 events in at most 60 s
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "demo.json").read_text())
    assert summary["people"] == 300 and len(summary["workspaces"]) == 12
    assert summary["counts"]["events"] >= 20_000
    assert summary["seconds"] <= 60
    assert summary["logins"]["ceo"]["username"] in done.stdout
