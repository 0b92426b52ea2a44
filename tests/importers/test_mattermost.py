"""Mattermost bulk export -> canonical log: the real sample (counts and quirks in its SOURCE.md),
a fixture with direct messages and typed system posts, zip and folder, bad input, fuzzing."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lumoflow.analytics.log import LogError, read_log
from lumoflow.importers import detect_source, read_export

from .conftest import dataset, run

T = 1709542800000  # 2024-03-04T09:00:00Z in milliseconds


def records() -> list[dict[str, Any]]:
    return [
        {"type": "version", "version": 1},
        {"type": "team", "team": {"name": "acme", "display_name": "Acme"}},
        {"type": "channel", "channel": {"team": "acme", "name": "town-square", "type": "O",
                                        "display_name": "Town Square", "purpose": "",
                                        "header": "Everything Acme"}},
        {"type": "user", "user": {"username": "ann", "first_name": "Ann", "last_name": "Lee"}},
        {"type": "user", "user": {"username": "bob", "first_name": "", "last_name": ""}},
        {"type": "user", "user": {"username": "cat"}},
        {"type": "direct_channel", "direct_channel": {"members": ["ann", "bob"]}},
        {"type": "post", "post": {"team": "acme", "channel": "town-square", "user": "ann",
                                  "message": "hi @bob and @channel", "create_at": T,
                                  "reactions": [{"user": "cat", "emoji_name": "+1",
                                                 "create_at": T + 5000}],
                                  "replies": [{"user": "bob", "message": "hello",
                                               "create_at": T + 60000}]}},
        {"type": "post", "post": {"team": "acme", "channel": "town-square", "user": "bob",
                                  "type": "system_add_to_channel", "message": "",
                                  "props": {"addedUsername": "cat"}, "create_at": T + 1}},
        {"type": "post", "post": {"team": "acme", "channel": "town-square", "user": "bob",
                                  "type": "system_header_change", "message": "x",
                                  "create_at": T + 2}},
        {"type": "post", "post": {"team": "acme", "channel": "town-square", "user": "cat",
                                  "message": "cat left the channel.", "create_at": T + 3}},
        {"type": "post", "post": {"team": "acme", "channel": "town-square", "user": "hook",
                                  "message": "deployed", "props": {"from_webhook": "true"},
                                  "create_at": T + 4}},
        {"type": "direct_post", "direct_post": {"channel_members": ["ann", "bob"],
                                                "user": "ann", "message": "1:1?",
                                                "create_at": T + 7}},
    ]  # fmt: skip


def write(path: Path, recs: list[Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(json.dumps(r) for r in recs) + "\n")
    return path


def test_fixture_export_posts_replies_reactions_mentions_notices_and_dms(tmp_path: Path) -> None:
    log = read_export("mattermost", write(tmp_path / "export.jsonl", records()))
    rows = log.events.to_pylist()
    got = sorted((r["verb"], r["actor"], r["target_actor"], r["is_bot"]) for r in rows)
    assert got == [
        ("join", "cat", "", False),  # system_add_to_channel: the person added joins
        ("leave", "cat", "", False),  # a notice written as a post
        ("mention", "ann", "bob", False),  # @channel names nobody
        ("message", "ann", "bob", False),  # direct message: one row per other member
        ("post", "ann", "", False),
        ("post", "ann", "", False),
        ("post", "hook", "", True),
        ("reaction", "cat", "ann", False),
        ("reply", "bob", "ann", False),
    ]
    spaces = {w["workspace"]: w for w in log.workspaces.to_pylist()}
    assert spaces["acme/town-square"]["purpose"] == "Everything Acme"  # header stands in
    assert "dm/ann+bob" in spaces and log.meta["private_workspaces"] == ["dm/ann+bob"]
    people = {p["actor"]: p["name"] for p in log.people.to_pylist()}
    assert people == {"ann": "Ann Lee", "bob": "bob", "cat": "cat"}


def test_zip_and_folder_holding_the_jsonl(tmp_path: Path) -> None:
    src = write(tmp_path / "dir" / "import.jsonl", records())
    zpath = tmp_path / "export.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.write(src, "import.jsonl")
        zf.writestr("data/attachments/readme.txt", "not read")
    for path in (src, src.parent, zpath):
        assert detect_source(path) == "mattermost"
        assert read_export("mattermost", path).events.num_rows == 9


def test_real_sample_export_matches_its_documented_counts_and_quirks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reads ../shared/datasets/mattermost-export-sample (counts from its SOURCE.md)."""
    src = dataset("mattermost-export-sample", "export.jsonl")
    code, _, err = run(capsys, "import", "mattermost", str(src), "--out", str(tmp_path / "log"))
    assert code == 0, err
    log = read_log(tmp_path / "log")
    verbs = log.events.column("verb").to_pylist()
    # 20 top-level posts of which 8 are join/add notices; 1 reply; 9 reactions; 1 mention
    assert (verbs.count("post"), verbs.count("join")) == (12, 8)
    assert (verbs.count("reply"), verbs.count("reaction"), verbs.count("mention")) == (1, 9, 1)
    assert log.people.num_rows == 5 and log.workspaces.num_rows == 5
    rows = log.events.to_pylist()
    # the reply (written 1553166584976) timestamped before its post (a join notice written
    # as a post, 1553166657086) is placed at the post's time, and answers the post's author
    reply = next(r for r in rows if r["verb"] == "reply")
    assert reply["ts"].timestamp() * 1000 == pytest.approx(1553166657086)
    assert (reply["actor"], reply["target_actor"]) == ("ron", "harry")
    # the post of team gryffindor in slytherin's channel lands in that channel
    snape = next(r for r in rows if r["actor"] == "snape")
    assert snape["workspace"] == "slytherin/slytherin-quidditch-team"
    assert any("slytherin-quidditch-team" in n for n in log.meta["notes"])
    assert log.meta["private_workspaces"] == ["gryffindor/dumbledores-army"]
    # a person reacting to their own post is kept
    assert any(r["verb"] == "reaction" and r["actor"] == r["target_actor"] for r in rows)
    code, out, err = run(capsys, "analyze", str(src), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["input"]["format"] == "mattermost"


def test_records_without_author_or_time_are_skipped_and_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recs = records()
    recs.insert(8, {"type": "post", "post": {"channel": "town-square", "message": "?"}})
    recs.insert(9, ["not", "an", "object"])
    src = write(tmp_path / "e.jsonl", recs)
    code, _, err = run(capsys, "import", "mattermost", str(src), "--out", str(tmp_path / "log"))
    assert code == 0, err
    assert "skipped 2 records:" in err
    assert "e.jsonl, line 9: post without a user or a create_at time" in err
    assert "e.jsonl, line 10: not a JSON object" in err


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (lambda t: t[: len(t) - 25], "line 13: not JSON"),  # a truncated last line
        (lambda t: t.split("\n", 1)[1], "line 1: the first line is not a version record"),
        (lambda t: "", "line 1: empty file"),
    ],
)
def test_bad_exports_exit_2_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: Any, words: str
) -> None:
    src = write(tmp_path / "e.jsonl", records())
    src.write_text(content(src.read_text()))
    code, _, err = run(capsys, "import", "mattermost", str(src), "--out", str(tmp_path / "log"))
    assert code == 2 and words in err and "e.jsonl" in err and err.count("\n") == 1, err
    assert not (tmp_path / "log").exists()


_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda c: st.lists(c, max_size=3)
    | st.dictionaries(
        st.sampled_from(["type", "post", "user", "create_at", "channel", "team", "message",
                         "replies", "reactions", "channel_members", "props", "username"]),
        c, max_size=6),
    max_leaves=20,
)  # fmt: skip


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(
        st.one_of(st.binary(max_size=60), _VALUE.map(lambda v: json.dumps(v).encode())),
        max_size=6,
    )
)
def test_any_bytes_give_a_log_or_a_clear_error(tmp_path: Path, lines: list[bytes]) -> None:
    src = tmp_path / "fuzz.jsonl"
    src.write_bytes(b'{"type": "version", "version": 1}\n' + b"\n".join(lines))
    try:
        read_export("mattermost", src)
    except LogError as exc:
        assert str(exc) and "\n" not in str(exc)
