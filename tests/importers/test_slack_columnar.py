"""The columnar Slack reader gives the same log as the one-message-at-a-time oracle
(``tests/importers/slack_oracle.py``): on the fixtures, on the real sample export, and on
generated day files."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lumoflow.analytics.log import InteractionLog
from lumoflow.importers import slack

from . import slack_oracle
from .conftest import dataset
from .test_slack import DMS, GROUPS, MPIMS, THREAD_DAYS, write_export


def assert_same_log(path: Path) -> InteractionLog:
    # given the oracle's log
    expected = slack_oracle.read(path)
    # when the columnar reader reads the same export
    got = slack.read(path)
    # then every table, row for row in the same order, and the skipped records are the same
    for name in ("events", "people", "workspaces"):
        assert getattr(got, name).to_pylist() == getattr(expected, name).to_pylist(), name
    drop = {"created"}
    assert {k: v for k, v in got.meta.items() if k not in drop} == {
        k: v for k, v in expected.meta.items() if k not in drop
    }
    return got


def test_threads_dms_bots_and_private_channels_match_the_oracle(tmp_path: Path) -> None:
    root = write_export(tmp_path / "s", THREAD_DAYS, groups=GROUPS, dms=DMS, mpims=MPIMS)
    (root / "orphan" / "2024-03-06.json").parent.mkdir()
    (root / "orphan" / "2024-03-06.json").write_text(
        json.dumps([{"user": "U9", "text": "hi <@U1> <@U1> <@W7|x>", "ts": "1709700000.1"}])
    )
    log = assert_same_log(root)
    assert log.events.num_rows == 20


def test_skipped_records_and_odd_values_match_the_oracle(tmp_path: Path) -> None:
    days = {"general/2024-03-04.json": [
        {"type": "message", "user": "U1", "text": "fine", "ts": "1709542900.000200"},
        {"type": "message", "user": "U1", "text": "no time"},
        {"type": "message", "text": "nobody", "ts": "1709542901.000200"},
        "not a message", None, [1],
        {"user": "U2", "ts": 1709542902.5, "text": 42, "bot_id": ""},
        {"user": "", "subtype": "bot_message", "username": "ci", "ts": "1709542903"},
        {"subtype": "file_comment", "comment": {"user": "U3"}, "user": "U1",
         "ts": "1709542904.1", "text": "a comment"},
        {"user": "U1", "ts": "1709542905.000001", "text": "surrogate \ud800 here",
         "reactions": [{"name": "tada", "users": ["U2", "", 5, "U2"]}, "x", {"users": ["U3"]}]},
        {"user": "U1", "ts": "1709542906.2", "thread_ts": "1709542906.2"},
        {"user": "U1", "ts": "abc"}, {"user": "U1", "ts": True},
    ]}  # fmt: skip
    root = write_export(tmp_path / "s", days)
    log = assert_same_log(root)
    assert log.meta["skipped_count"] == 7


def test_a_zip_matches_the_oracle(tmp_path: Path) -> None:
    root = write_export(tmp_path / "s", THREAD_DAYS, groups=GROUPS, dms=DMS, mpims=MPIMS)
    zpath = tmp_path / "export.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for f in root.rglob("*.json"):
            zf.write(f, "top/" + str(f.relative_to(root)))
    assert_same_log(zpath)


def test_batches_of_files_match_one_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_export(tmp_path / "s", THREAD_DAYS, groups=GROUPS, dms=DMS, mpims=MPIMS)
    whole = slack.read(root)
    monkeypatch.setattr(slack, "BATCH_FILES", 2)
    assert slack.read(root).events.to_pylist() == whole.events.to_pylist()


def test_real_sample_export_matches_the_oracle() -> None:
    """Reads ../shared/datasets/slack-export-sample."""
    assert_same_log(dataset("slack-export-sample"))


_TS = st.sampled_from(["1709542900.000100", "1709542900.000200", "1709543000.5", "1709543001"])
_USER = st.sampled_from(["U1", "U2", "U3", "U404", "B9", ""])
_MESSAGE = st.fixed_dictionaries(
    {"ts": _TS},
    optional={
        "user": _USER,
        "text": st.sampled_from(["plain", "hey <@U2>", "<@U1|ann> and <@U3> <@U1>", ""]),
        "thread_ts": _TS,
        "subtype": st.sampled_from(
            ["bot_message", "channel_join", "channel_leave", "bot_add", "file_share",
             "file_comment", "channel_topic"]
        ),
        "bot_id": st.sampled_from(["B0X", ""]),
        "username": st.sampled_from(["ci", ""]),
        "comment": st.fixed_dictionaries({}, optional={"user": _USER}),
        "reactions": st.lists(
            st.fixed_dictionaries(
                {"name": st.sampled_from(["+1", "eyes"])},
                optional={"users": st.lists(_USER, max_size=3)},
            ),
            max_size=2,
        ),
    },
)  # fmt: skip


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(days=st.lists(st.lists(_MESSAGE, min_size=1, max_size=6), min_size=1, max_size=3))
def test_generated_day_files_match_the_oracle(tmp_path: Path, days: list[list[Any]]) -> None:
    root = tmp_path / "gen"
    files = {f"general/2024-03-0{k + 1}.json": msgs for k, msgs in enumerate(days)}
    files["D1/2024-03-01.json"] = days[0]
    write_export(root, files, dms=DMS)
    try:
        assert_same_log(root)
    except slack.ExportError as exc:
        assert "holds no messages" in str(exc)
        with pytest.raises(slack.ExportError, match="holds no messages"):
            slack_oracle.read(root)
