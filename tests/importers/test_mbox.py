"""mbox and pipermail archives: the CLI end to end on a hand-made archive, the rows a message
makes, the quirks, the bad cases, and a fuzz of the parser."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lumoflow.analytics.log import read_log
from lumoflow.importers import detect_source
from lumoflow.importers.common import ExportError
from lumoflow.importers.mbox import read, split_messages

from .conftest import run

LIST = b"List-Id: Team list <team.lists.example.com>\nList-Post: <mailto:team@lists.example.com>\n"

#: Six messages: a post, a reply in a wrong charset, a reply with broken MIME, a second copy
#: of the reply (another archive's), a reply to a message not in the archive, one unusable.
ARCHIVE = (
    b"From ann at example.com  Mon Mar  4 09:00:00 2024\n"
    b"From: ann at example.com (Ann Smith)\n"
    b"Date: Mon, 04 Mar 2024 09:00:00 +0000\n"
    b"Subject: [team] Plan\n"
    b"Message-ID: <m1@example.com>\n"
    b"To: team@lists.example.com, bob@example.com\n" + LIST + b"\n"
    b"The plan.\n"
    b"\n"
    b"From here on, a body line (no date at its end): not a new message\n"
    b">From the archive: mboxrd quoting\n"
    b"\n"
    b"From bob@example.com Mon Mar  4 10:00:00 2024\n"
    b'From: "Bob B" <BOB@Example.com>\n'
    b"Date: Mon, 04 Mar 2024 10:00:00 +0000\n"
    b"Subject: Re: Plan\n"
    b"Message-ID: <m2@example.com>\n"
    b"In-Reply-To: <m1@example.com>\n"
    b"References: <m1@example.com>\n"
    b"To: team@lists.example.com\n"
    b"Cc: Carol <carol@example.com>\n" + LIST + b"Content-Type: text/plain; charset=utf-8\n"
    b"\n"
    b"Caf\xe9 at noon\n"
    b"\n"
    b"From carol@example.com Mon Mar  4 11:00:00 2024\n"
    b"From: =?x-unknown?q?Carol?= <carol@example.com>\n"
    b"Date: Mon, 04 Mar 2024 11:00:00 +0000\n"
    b"Subject: Re: Plan\n"
    b"Message-ID: <m3@example.com>\n"
    b"In-Reply-To: <m2@example.com>\n"
    b"References: <m1@example.com> <m2@example.com>\n" + LIST + b"MIME-Version: 1.0\n"
    b'Content-Type: multipart/mixed; boundary="XX"\n'
    b"\n"
    b"--XX\n"
    b"Content-Type: text/plain; charset=utf-8\n"
    b"Content-Transfer-Encoding: base64\n"
    b"\n"
    b"!!not base64\n"
    b"\n"
    b"From bob@example.com Mon Mar  4 12:00:00 2024\n"
    b"From: bob@EXAMPLE.com\n"
    b"Date: Mon, 04 Mar 2024 10:00:00 +0000\n"
    b"Message-ID: <m2@example.com>\n"
    b"In-Reply-To: <m1@example.com>\n" + LIST + b"\n"
    b"copy\n"
    b"\n"
    b"From dan@example.com Mon Mar  4 13:00:00 2024\n"
    b"From: dan@example.com\n"
    b"Subject: Re: Older thread\n"
    b"Message-ID: <m5@example.com>\n"
    b"In-Reply-To: <gone@example.com>\n"
    b"References: <root@example.com> <gone@example.com>\n" + LIST + b"\n"
    b"no Date header: the From line's date is used\n"
    b"\n"
    b"From nobody Mon Mar  4 14:00:00 2024\n"
    b"Subject: no sender\n"
    b"\n"
    b"nothing\n"
)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "team-2024-March.txt"
    path.write_bytes(ARCHIVE)
    return path


def test_import_then_analyze_the_log_and_analyze_the_archive_directly(
    archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a small list archive
    out = tmp_path / "log"
    # when it is converted, then measured
    code, stdout, err = run(capsys, "import", "mbox", str(archive), "--out", str(out))
    # then the log is written and the unusable message is listed by file and line
    assert code == 0, err
    assert "6 events, 4 people, 1 workspaces" in stdout
    line = ARCHIVE.split(b"\n").index(b"From nobody Mon Mar  4 14:00:00 2024") + 1
    assert f"{archive}, line {line}: no sender address (From)" in err
    log = read_log(out)
    assert log.meta["source"] == "mbox"
    assert log.meta["skipped_count"] == 1
    small = ("--format", "json", "--min-group-size", "1")
    code, report, err = run(capsys, "analyze", str(out), *small)
    assert code == 0, err
    assert json.loads(report)["participation"] is not None
    # and the archive itself is measured as it is, auto-detected or named, to the same figures
    code, direct, err = run(capsys, "analyze", str(archive), *small)
    assert code == 0, err
    assert json.loads(direct)["participation"] == json.loads(report)["participation"]
    code, named, _ = run(capsys, "analyze", str(archive), "--input-format", "mbox", *small)
    assert code == 0
    assert json.loads(named)["network"] == json.loads(report)["network"]
    assert detect_source(archive) == "mbox"


def test_each_message_is_a_post_or_reply_plus_one_message_row_per_recipient(
    archive: Path,
) -> None:
    log = read(archive)
    rows = [
        tuple(r[k].replace("@example.com", "") for k in
              ("verb", "actor", "object_id", "parent_id", "thread_id", "target_actor"))
        for r in log.events.to_pylist()
    ]  # fmt: skip
    assert rows == [
        ("post", "ann", "<m1>", "", "<m1>", ""),
        ("message", "ann", "<m1>", "", "<m1>", "bob"),  # the list's own address is not a person
        ("reply", "bob", "<m2>", "<m1>", "<m1>", ""),
        ("message", "bob", "<m2>", "", "<m1>", "carol"),
        ("reply", "carol", "<m3>", "<m2>", "<m1>", ""),
        # the parent is not in the archive: still a reply; the thread is the first Reference
        ("reply", "dan", "<m5>", "<gone>", "<root>", ""),
    ]
    assert set(log.events["workspace"].to_pylist()) == {"team.lists.example.com"}
    assert log.workspaces.to_pylist()[0]["name"] == "Team list"
    # senders merged by address; the pipermail ' at ' undone; the first display name kept
    people = {r["actor"]: r["name"] for r in log.people.to_pylist()}
    assert people == {
        "ann@example.com": "Ann Smith",
        "bob@example.com": "Bob B",
        "carol@example.com": "Carol",
        "dan@example.com": "",
    }
    texts = log.events.filter(pc.not_equal(log.events["verb"], "message"))["text"].to_pylist()
    assert "From here on, a body line" in texts[0]
    assert "\nFrom the archive: mboxrd quoting" in texts[0]
    assert texts[1] == "Re: Plan\n\nCafé at noon"  # bytes of windows-1252 in a UTF-8 body
    notes = " ".join(log.meta["notes"])
    assert "6 messages read" in notes
    assert "1 duplicate messages (same Message-ID) dropped" in notes
    assert "1 messages with broken MIME" in notes
    assert "windows-1252" in notes


def test_dates_come_from_date_then_received_then_the_from_line(tmp_path: Path) -> None:
    path = tmp_path / "x.mbox"
    path.write_bytes(
        b"From a@x.org Tue Mar  5 08:00:00 2024\n"
        b"From: a@x.org\n"
        b"Received: from relay by mx; Mon, 04 Mar 2024 09:00:00 +0100\n"
        b"Message-ID: <r@x>\n\nhi\n"
    )
    ts = read(path).events["ts"].to_pylist()
    assert [t.isoformat() for t in ts] == ["2024-03-04T08:00:00+00:00"]


def test_a_pipermail_folder_of_monthly_files_gzipped_or_not_is_one_workspace(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    (folder / "2024-March.txt").write_bytes(ARCHIVE.split(b"\nFrom dan")[0])
    with gzip.open(folder / "2024-April.txt.gz", "wb") as fh:
        fh.write(b"From dan" + ARCHIVE.split(b"\nFrom dan")[1].replace(LIST, b""))
    (folder / "index.html").write_text("<html></html>")
    log = read(folder)
    assert sorted(set(log.events["workspace"].to_pylist())) == ["team", "team.lists.example.com"]
    assert log.meta["skipped_count"] == 1


def test_split_keeps_a_from_line_inside_a_paragraph_in_the_body() -> None:
    import io

    data = b"From a Mon Mar  4 09:00:00 2024\nX: 1\n\nhello\nFrom b Mon Mar  4 09:00:00 2024\n"
    assert [(n, raw) for n, _, raw in split_messages(io.BytesIO(data))] == [
        (1, b"X: 1\n\nhello\nFrom b Mon Mar  4 09:00:00 2024\n")
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"Subject: no separator\n\nhello\n", "line 1: not an mbox file"),
        (b"From x Mon Mar  4 09:00:00 2024\nSubject: nobody\n\nhi\n", "no usable message in 1"),
        (b"", "no usable message in 0 read"),
    ],
)
def test_bad_archives_exit_2_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, expected: str
) -> None:
    path = tmp_path / "bad.mbox"
    path.write_bytes(content)
    code, _, err = run(capsys, "import", "mbox", str(path), "--out", str(tmp_path / "log"))
    assert code == 2
    assert err.count("\n") <= 2 and str(path) in err and expected in err
    assert not (tmp_path / "log").exists()


def test_an_unreadable_file_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "2024-May.txt.gz"
    path.write_bytes(gzip.compress(ARCHIVE)[:200])  # cut short: the gzip stream ends early
    code, _, err = run(capsys, "import", "mbox", str(path), "--out", str(tmp_path / "log"))
    assert code == 2
    assert f"{path}: cannot read the file" in err
    code, _, err = run(capsys, "import", "mbox", str(tmp_path / "none"), "--out", "x")
    assert code == 2 and "no such file or folder" in err


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.binary(max_size=600),
    head=st.sampled_from([b"", b"From a@b.c Mon Mar  4 09:00:00 2024\n"]),
)
def test_any_bytes_give_a_log_or_a_clear_error(tmp_path: Path, body: bytes, head: bytes) -> None:
    path = tmp_path / "fuzz.mbox"
    path.write_bytes(head + body)
    try:
        log = read(path)
    except ExportError as exc:
        assert str(exc).startswith(str(path))
    else:
        assert log.events.num_rows >= 1


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    headers=st.lists(
        st.tuples(
            st.sampled_from(["From", "To", "Cc", "Date", "Message-ID", "In-Reply-To",
                             "References", "Subject", "Content-Type", "List-Id", "Sender"]),
            st.text(max_size=40),
        ),
        max_size=10,
    ),
    body=st.binary(max_size=200),
)  # fmt: skip
def test_any_headers_give_a_log_or_a_clear_error(
    tmp_path: Path, headers: list[tuple[str, str]], body: bytes
) -> None:
    path = tmp_path / "fuzz.mbox"
    head = "".join(f"{k}: {v}\n".replace("\r", " ") for k, v in headers if "\n" not in v)
    path.write_bytes(
        b"From a@b.c Mon Mar  4 09:00:00 2024\n" + head.encode("utf-8", "surrogateescape")
        + b"\n" + body
    )  # fmt: skip
    try:
        log = read(path)
    except ExportError as exc:
        assert "no usable message" in str(exc)
    else:
        assert set(log.events["verb"].to_pylist()) <= {"post", "reply", "message"}
