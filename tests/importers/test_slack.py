"""Slack export -> canonical log: the real sample export (counts in its SOURCE.md), a fixture
built from Slack's published export format for threads, private channels and direct messages,
the bad inputs of the issue, and fuzzing of the parser."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lumoflow.analytics.log import LogError, read_log
from lumoflow.importers import detect_source, read_export

from .conftest import dataset, run

USERS = [
    {"id": "U1", "name": "ann", "real_name": "Ann Lee", "tz": "Europe/Paris"},
    {"id": "U2", "name": "bob", "profile": {"real_name": "Bob Roy"}},
    {"id": "U3", "name": "cat"},
    {"id": "B9", "name": "deploybot", "is_bot": True},
]
CHANNELS = [
    {
        "id": "C1",
        "name": "general",
        "created": "1709542800",
        "members": ["U1", "U2", "U3"],
        "purpose": {"value": "Company-wide news"},
        "topic": {"value": "ignored when a purpose is set"},
    }
]
GROUPS = [{"id": "G1", "name": "leads", "created": 1709542800, "members": ["U1", "U2"],
           "purpose": {"value": ""}, "topic": {"value": "Weekly leads sync"}}]  # fmt: skip
DMS = [{"id": "D1", "created": 1709542800, "members": ["U1", "U3"]}]
MPIMS = [{"id": "G2", "name": "mpdm-ann--bob--cat-1", "members": ["U1", "U2", "U3"]}]


def write_export(root: Path, days: dict[str, list[Any]], **lists: Any) -> Path:
    """A Slack export folder: users.json, the conversation lists given, and day files."""
    root.mkdir(parents=True, exist_ok=True)
    files = {"users.json": USERS, "channels.json": CHANNELS} | {
        f"{k}.json": v for k, v in lists.items()
    }
    for name, value in files.items():
        if value is not None:
            (root / name).write_text(json.dumps(value))
    for name, messages in days.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(json.dumps(messages))
    return root


THREAD_DAYS = {
    "general/2024-03-04.json": [
        {"type": "message", "subtype": "channel_join", "user": "U3", "ts": "1709542800.000100"},
        {"type": "message", "user": "U1", "text": "Plan for Q2? <@U2|bob> <@U3>",
         "ts": "1709542900.000200", "thread_ts": "1709542900.000200", "reply_count": 2,
         "reactions": [{"name": "eyes", "users": ["U2", "U3"], "count": 2}]},
        {"type": "message", "user": "U2", "text": "Draft attached", "ts": "1709543000.000300",
         "thread_ts": "1709542900.000200", "parent_user_id": "U1"},
        {"type": "message", "subtype": "bot_message", "bot_id": "B0X", "username": "ci",
         "text": "build passed", "ts": "1709543100.000400"},
        {"type": "message", "subtype": "bot_add", "user": "U1", "bot_id": "B0X",
         "text": "added an integration", "ts": "1709543150.000450"},
        {"type": "message", "subtype": "channel_topic", "user": "U1", "text": "set the topic",
         "ts": "1709543160.000460"},
    ],
    "general/2024-03-05.json": [
        {"type": "message", "user": "U3", "text": "late reply", "ts": "1709629200.000100",
         "thread_ts": "1709542900.000200"},
        {"type": "message", "subtype": "file_share", "user": "U3", "text": "uploaded a file",
         "ts": "1709629300.000200", "files": [{"id": "F1", "name": "plan.pdf"}]},
        {"type": "message", "subtype": "channel_leave", "user": "U2", "ts": "1709629400.000300"},
    ],
    "leads/2024-03-04.json": [
        {"type": "message", "user": "U1", "text": "private note", "ts": "1709542950.000100"},
    ],
    "D1/2024-03-04.json": [
        {"type": "message", "user": "U1", "text": "hi cat", "ts": "1709542960.000100"},
    ],
    "mpdm-ann--bob--cat-1/2024-03-04.json": [
        {"type": "message", "user": "U2", "text": "lunch?", "ts": "1709542970.000100"},
    ],
}  # fmt: skip


def _rows(log: Any) -> dict[str, dict[str, Any]]:
    return {r["event_id"]: r for r in log.events.to_pylist()}


@pytest.fixture
def export(tmp_path: Path) -> Path:
    return write_export(tmp_path / "slack", THREAD_DAYS, groups=GROUPS, dms=DMS, mpims=MPIMS)


def test_threads_reactions_mentions_bots_joins_and_private_channels(export: Path) -> None:
    log = read_export("slack", export)
    rows = _rows(log)
    root, reply = "C1:1709542900.000200", "C1:1709543000.000300"
    assert rows[root]["verb"] == "post" and rows[root]["thread_id"] == root
    assert rows[reply]["verb"] == "reply" and rows[reply]["actor"] == "bob"
    assert rows[reply]["parent_id"] == root and rows[reply]["target_actor"] == "ann"
    # a reply on the next day's file still finds its root's author
    late = rows["C1:1709629200.000100"]
    assert (late["verb"], late["parent_id"], late["target_actor"]) == ("reply", root, "ann")
    reactions = [r for r in rows.values() if r["verb"] == "reaction"]
    assert sorted((r["actor"], r["target_actor"], r["parent_id"]) for r in reactions) == [
        ("bob", "ann", root),
        ("cat", "ann", root),
    ]
    mentions = sorted(r["target_actor"] for r in rows.values() if r["verb"] == "mention")
    assert mentions == ["bob", "cat"]
    assert rows[root]["text"] == "Plan for Q2? @bob @cat"  # as Slack shows the mentions
    bot = rows["C1:1709543100.000400"]
    assert (bot["actor"], bot["verb"], bot["is_bot"]) == ("bot:B0X", "post", True)
    # bot_add and topic changes are never posts
    assert "C1:1709543150.000450" not in rows and "C1:1709543160.000460" not in rows
    assert rows["C1:1709542800.000100:join"]["verb"] == "join"
    assert rows["C1:1709629400.000300:leave"]["actor"] == "bob"
    assert rows["C1:1709629300.000200"]["verb"] == "post"  # a file share is a post
    # the private channel is read, its topic standing in for the empty purpose
    assert rows["G1:1709542950.000100"]["workspace"] == "G1"
    spaces = {w["workspace"]: w for w in log.workspaces.to_pylist()}
    assert spaces["C1"]["purpose"] == "Company-wide news"
    assert spaces["G1"]["purpose"] == "Weekly leads sync"
    # direct messages: a post plus one message row per other member
    dm = [r for r in rows.values() if r["workspace"] == "D1"]
    assert sorted((r["verb"], r["target_actor"]) for r in dm) == [("message", "cat"), ("post", "")]
    mp = [r for r in rows.values() if r["workspace"] == "G2" and r["verb"] == "message"]
    assert sorted(r["target_actor"] for r in mp) == ["ann", "cat"]
    people = {p["actor"]: p for p in log.people.to_pylist()}
    assert people["ann"]["name"] == "Ann Lee" and people["bob"]["name"] == "Bob Roy"
    assert people["deploybot"]["is_bot"] and people["bot:B0X"]["is_bot"]
    assert not people["ann"]["is_bot"]


def test_a_zip_with_a_top_folder_reads_like_the_folder(export: Path, tmp_path: Path) -> None:
    zpath = tmp_path / "export.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for f in export.rglob("*.json"):
            zf.write(f, "Acme Slack export/" + str(f.relative_to(export)))
    assert detect_source(zpath) == "slack"
    assert _rows(read_export("slack", zpath)) == _rows(read_export("slack", export))


def test_real_sample_export_matches_its_documented_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reads ../shared/datasets/slack-export-sample (counts from its SOURCE.md)."""
    src = dataset("slack-export-sample")
    code, out, err = run(capsys, "import", "slack", str(src), "--out", str(tmp_path / "log"))
    assert code == 0, err
    assert "17 files" in err  # 9 + 8 day files
    log = read_log(tmp_path / "log")
    ev = log.events.to_pylist()
    verbs = [(e["verb"], e["is_bot"]) for e in ev]
    # 158 messages: 94 bot_message posts, 49 plain + 3 file_share + 1 file_comment posts,
    # 8 channel_join, 3 bot_add (never posts)
    assert verbs.count(("post", True)) == 94
    assert verbs.count(("post", False)) == 53
    assert verbs.count(("join", False)) == 8
    assert sum(v == "reaction" for v, _ in verbs) == 1
    per_channel = {w["workspace"]: w["name"] for w in log.workspaces.to_pylist()}
    assert per_channel == {"C0JGLMMNX": "enrique", "C0JL6CGQ2": "traveling-sailor"}
    posts = [e for e in ev if e["verb"] in ("post", "join")]
    assert sum(e["workspace"] == "C0JGLMMNX" for e in posts) == 102 - 2  # minus its 2 bot_add
    assert sum(e["workspace"] == "C0JL6CGQ2" for e in posts) == 56 - 1
    assert log.people.num_rows == 4 + 3  # four people and the three integrations that posted
    assert not any(p["is_bot"] for p in log.people.to_pylist() if not p["actor"].startswith("bot:"))
    code, out, err = run(capsys, "analyze", str(src), "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["input"]["format"] == "slack"


def test_records_without_ts_or_author_are_skipped_and_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    days = {"general/2024-03-04.json": [
        {"type": "message", "user": "U1", "text": "fine", "ts": "1709542900.000200"},
        {"type": "message", "user": "U1", "text": "no time"},
        {"type": "message", "text": "nobody", "ts": "1709542901.000200"},
        "not a message",
    ]}  # fmt: skip
    src = write_export(tmp_path / "s", days)
    code, out, err = run(capsys, "import", "slack", str(src), "--out", str(tmp_path / "log"))
    assert code == 0, err
    assert "1 events" in out
    assert "skipped 3 records:" in err
    assert "general/2024-03-04.json: message 2: no readable ts" in err
    assert "message 3 (ts 1709542901.000200): no author" in err
    assert "message 4: not an object" in err


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda p: (p / "users.json").unlink(), "no users.json: not a Slack export"),
        (
            lambda p: (p / "general" / "2024-03-04.json").write_text('[{"ts": "1"},\n{"ts": '),
            "general/2024-03-04.json, line 2: not JSON",
        ),
        (
            lambda p: (p / "general" / "2024-03-04.json").write_bytes(b'[{"text": "caf\xe9"}]'),
            "general/2024-03-04.json, line 1: not UTF-8 text",
        ),
        (lambda p: (p / "channels.json").write_text('{"id": "C1"}'), "expected a JSON list"),
    ],
)
def test_bad_exports_exit_2_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: Any, words: str
) -> None:
    src = write_export(tmp_path / "s", THREAD_DAYS)
    damage(src)
    code, _, err = run(capsys, "import", "slack", str(src), "--out", str(tmp_path / "log"))
    assert code == 2 and words in err and err.count("\n") == 1, err
    assert not (tmp_path / "log").exists()


def test_a_corrupt_zip_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_export(tmp_path / "s", THREAD_DAYS)
    zpath = Path(shutil.make_archive(str(tmp_path / "export"), "zip", src))
    data = zpath.read_bytes()
    zpath.write_bytes(data[: len(data) // 2])  # truncated download
    code, _, err = run(capsys, "import", "slack", str(zpath), "--out", str(tmp_path / "log"))
    assert code == 2 and "export.zip" in err and err.count("\n") == 1, err


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    users=st.binary(max_size=200),
    day=st.one_of(
        st.binary(max_size=300),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
            lambda c: st.lists(c, max_size=4) | st.dictionaries(
                st.sampled_from(["ts", "user", "text", "thread_ts", "subtype", "bot_id",
                                 "reactions", "users", "name"]), c, max_size=5),
            max_leaves=15,
        ).map(lambda v: json.dumps(v).encode()),
    ),
)  # fmt: skip
def test_any_bytes_give_a_log_or_a_clear_error(tmp_path: Path, users: bytes, day: bytes) -> None:
    root = write_export(tmp_path / "fuzz", {})
    for target, data in ((root / "users.json", users), (root / "general" / "2024-03-04.json", day)):
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(data)
        try:
            read_export("slack", root)
        except LogError as exc:
            assert str(exc) and "\n" not in str(exc)
        (root / "users.json").write_text(json.dumps(USERS))
