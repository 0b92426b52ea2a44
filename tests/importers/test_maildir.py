"""Maildir: the CLI end to end on a maildir written by the standard library, Maildir++ folders as
workspaces, and the bad cases."""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest

from lumoflow.analytics.log import read_log
from lumoflow.importers import detect_source
from lumoflow.importers.maildir import read

from .conftest import run


def _message(sender: str, mid: str, *, to: str = "", parent: str = "", extra: str = "") -> bytes:
    head = f"From: {sender}\nDate: Mon, 04 Mar 2024 09:00:00 +0000\nMessage-ID: {mid}\n"
    if to:
        head += f"To: {to}\n"
    if parent:
        head += f"In-Reply-To: {parent}\n"
    return (head + extra + "\nbody\n").encode()


@pytest.fixture
def maildir(tmp_path: Path) -> Path:
    box = mailbox.Maildir(tmp_path / "ann", create=True)
    box.add(_message("Bob <bob@x.org>", "<1@x>", to="ann@x.org", extra="X-Folder: Inbox\n"))
    box.add(_message("ann@x.org", "<2@x>", to="Bob <BOB@x.org>, cy@x.org", parent="<1@x>"))
    lists = box.add_folder("Lists.team")
    for i in range(3):
        lists.add(_message(f"p{i}@x.org", f"<l{i}@x>", extra="List-Id: <team.x.org>\n"))
    lists.add(_message("p0@x.org", "<l0@x>"))  # the same message filed twice
    (tmp_path / "ann" / "new" / "broken").write_bytes(b"Subject: no sender\n\n")
    (tmp_path / "ann" / "tmp" / "being-delivered").write_bytes(_message("z@x.org", "<z@x>"))
    return tmp_path / "ann"


def test_import_a_maildir_then_analyze_it(
    maildir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "log"
    code, stdout, err = run(capsys, "import", "maildir", str(maildir), "--out", str(out))
    assert code == 0, err
    assert f"{maildir / 'new' / 'broken'}: no sender address (From)" in err
    log = read_log(out)
    rows = sorted(
        (r["workspace"], r["verb"], r["actor"], r["target_actor"]) for r in log.events.to_pylist()
    )
    assert rows == [
        ("ann", "message", "ann@x.org", "bob@x.org"),
        ("ann", "message", "ann@x.org", "cy@x.org"),
        ("ann", "message", "bob@x.org", "ann@x.org"),
        ("ann", "post", "bob@x.org", ""),
        ("ann", "reply", "ann@x.org", ""),
        ("team.x.org", "post", "p0@x.org", ""),
        ("team.x.org", "post", "p1@x.org", ""),
        ("team.x.org", "post", "p2@x.org", ""),
    ]
    assert log.workspaces["name"].to_pylist() == ["Inbox", "team.x.org"]  # X-Folder, List-Id
    assert "1 duplicate messages (same Message-ID) dropped" in log.meta["notes"]
    assert detect_source(maildir) == "maildir"
    code, report, err = run(capsys, "analyze", str(maildir))
    assert code == 0, err
    assert "Input: maildir" in report


def test_a_maildir_plus_plus_folder_without_list_id_is_its_own_workspace(tmp_path: Path) -> None:
    box = mailbox.Maildir(tmp_path / "box", create=True)
    box.add_folder("Projects").add(_message("a@x.org", "<p@x>"))
    box.add(_message("b@x.org", "<q@x>"))
    assert sorted(read(tmp_path / "box").events["workspace"].to_pylist()) == ["Projects", "box"]


@pytest.mark.parametrize("kind", ["file", "folder", "empty"])
def test_what_is_not_a_usable_maildir_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    path = tmp_path / "in"
    if kind == "file":
        path.write_text("x")
    elif kind == "folder":
        path.mkdir()
    else:
        mailbox.Maildir(path, create=True)
    code, _, err = run(capsys, "import", "maildir", str(path), "--out", str(tmp_path / "log"))
    assert code == 2 and str(path) in err and err.count("\n") <= 2
