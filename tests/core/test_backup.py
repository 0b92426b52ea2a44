"""`lumoflow backup` and `lumoflow restore`, run as an operator would.

The round trip runs real processes: a writer posting through the actions while the backup is
taken, then a restore into a fresh data folder (and, on the PostgreSQL run, a fresh database),
compared table by table with the database it came from.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from lumoflow.cli import main
from lumoflow.core import backup
from tests.sites import BASE_URL, Site

WRITER = Path(__file__).with_name("backup_writer.py")


def _start_writer(site: Site, stop: Path) -> subprocess.Popen[str]:
    writer = subprocess.Popen(
        [sys.executable, str(WRITER), str(stop)],
        env=site.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    line = writer.stdout.readline()
    assert line.strip() == "ready", writer.stderr.read() if writer.stderr else line
    return writer


def _posts(site: Site) -> int:
    con = site.connect()
    try:
        cur = con.cursor()
        cur.execute("SELECT COUNT(*) FROM conversation_post")
        return int(cur.fetchone()[0])
    finally:
        con.close()


def test_backup_under_writes_restores_every_table_into_a_fresh_site(sites, tmp_path):
    if BASE_URL and not all(map(backup.shutil.which, ("pg_dump", "pg_restore", "psql"))):
        pytest.skip("the PostgreSQL client programs (pg_dump, pg_restore, psql) are missing")
    source, fresh = sites
    archive = tmp_path / "backup.zip"
    stop = tmp_path / "stop"
    # given a writer posting through the actions
    writer = _start_writer(source, stop)
    try:
        while _posts(source) < 20:
            time.sleep(0.05)
        # when a backup is taken while it writes
        done = source.run("backup", "--out", str(archive))
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().splitlines()[-1] == str(archive)
        with zipfile.ZipFile(archive) as zf:
            manifest = json.loads(zf.read("manifest.json"))
        # and the writer goes on after it
        while _posts(source) < manifest["counts"]["conversation_post"] + 10:
            time.sleep(0.05)
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    # then the manifest names every table of the models, the database kind and the migrations
    assert set(manifest["counts"]) == set(backup.tables())
    assert manifest["format"] == 1
    assert manifest["database"] == ("postgresql" if BASE_URL else "sqlite")
    assert "0001_initial" in manifest["migrations"]["conversation"]
    assert manifest["files"] == 1
    # when it is restored into a fresh site
    restored = fresh.run("restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    # then every table holds what the manifest counted, each row as it was in the source
    # (the writer only added rows afterwards), the posts with their events, and the file
    after, back = source.rows(), fresh.rows()
    assert {t: len(r) for t, r in back.items()} == manifest["counts"]
    for table in back:
        if table != "core_changemark":  # versions move on every write, and a restore
            assert back[table] <= after[table], table
    posts = len(back["conversation_post"])
    events = [r for r in back["activity_activityevent"] if "post" in r]
    assert 20 <= posts < len(after["conversation_post"])
    assert len(events) == posts
    [attachment] = (fresh.data / "media" / "attachments").rglob("*.pdf")
    assert attachment.read_bytes().startswith(b"%PDF-1.4")
    # and the restore started a new epoch of the change marks: no cached page survives it
    epoch = {r for r in back["core_changemark"] if r[0] == -1}
    assert epoch and not epoch & after["core_changemark"]
    # when it is restored again, the database holds data: refused without --force
    again = fresh.run("restore", str(archive))
    assert again.returncode == 2
    assert again.stderr.strip() == (
        "lumoflow restore: the database is not empty (activity_activityevent, "
        "conversation_attachment, conversation_post…): restore into an empty database, "
        "or give --force to replace it"
    )
    forced = fresh.run("restore", str(archive), "--force")
    assert forced.returncode == 0, forced.stderr
    assert {t: len(r) for t, r in fresh.rows().items()} == manifest["counts"]


# ------------------------------------------------------------------ bad input, nothing changed
def _archive(tmp_path: Path, manifest: dict[str, Any] | None, member: str = "") -> Path:
    path = tmp_path / "made.zip"
    with zipfile.ZipFile(path, "w") as zf:
        if manifest is not None:
            zf.writestr("manifest.json", json.dumps(manifest))
        if member:
            zf.writestr(member, b"not a database")
    return path


def _kind() -> str:
    return "postgresql" if BASE_URL else "sqlite"


def _other() -> str:
    return "sqlite" if BASE_URL else "postgresql"


BAD = {
    "not an archive": (
        lambda p: (p / "notes.txt", (p / "notes.txt").write_text("hello")),
        "notes.txt: not a LumoFlow backup (not a zip archive)",
    ),
    "missing": (lambda p: (p / "gone.zip", None), "gone.zip: no such file"),
    "no manifest": (
        lambda p: (_archive(p, None, "x.txt"), None),
        "made.zip: not a LumoFlow backup (no manifest.json)",
    ),
    "another version": (
        lambda p: (_archive(p, {"format": 2, "database": _kind()}), None),
        "made.zip: backup format 2; this version restores format 1",
    ),
    "another database kind": (
        lambda p: (_archive(p, {"format": 1, "database": _other()}), None),
        "made.zip: a {other} backup cannot be restored into {kind} "
        "(DATABASE_URL chooses the database)",
    ),
    "a newer version": (
        lambda p: (
            _archive(
                p,
                {"format": 1, "database": _kind(), "migrations": {"people": ["9999_future"]}},
                backup.DATABASE_MEMBER[_kind()],
            ),
            None,
        ),
        "made.zip: made by a newer LumoFlow (migration people.9999_future is unknown here)",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_restore_refuses_bad_input_with_one_line_and_changes_nothing(case, org, tmp_path, capsys):
    # given a database with the organisation in it
    before = _snapshot()
    make, message = BAD[case]
    path, _ = make(tmp_path)
    # when
    code = main(["restore", str(path), "--force"])
    # then
    names = {"other": backup.KIND_NAME[_other()], "kind": backup.KIND_NAME[_kind()]}
    assert code == 2
    err = capsys.readouterr().err
    assert err == f"lumoflow restore: {tmp_path}/{message.format(**names)}\n"
    assert _snapshot() == before


def _real_looking(tmp_path: Path) -> Path:
    """An archive as a backup writes it, its database member made of incompressible bytes."""
    path = tmp_path / "whole.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", json.dumps({"format": 1, "database": _kind()}))
        member = backup.DATABASE_MEMBER[_kind()]
        zf.writestr(member, os.urandom(200_000), compress_type=zipfile.ZIP_DEFLATED)
    return path


def test_restore_refuses_a_truncated_archive(org, tmp_path, capsys):
    # given an archive cut in half
    whole = _real_looking(tmp_path)
    cut = tmp_path / "cut.zip"
    data = whole.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    before = _snapshot()
    # when
    code = main(["restore", str(cut), "--force"])
    # then
    assert code == 2
    assert capsys.readouterr().err == (
        f"lumoflow restore: {cut}: the archive is truncated or damaged\n"
    )
    assert _snapshot() == before


def test_restore_refuses_a_damaged_member(org, tmp_path, capsys):
    # given an archive with a byte of its database changed
    whole = _real_looking(tmp_path)
    with zipfile.ZipFile(whole) as zf:
        info = zf.getinfo(backup.DATABASE_MEMBER[_kind()])
    data = bytearray(whole.read_bytes())
    at = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[at] ^= 0xFF
    whole.write_bytes(bytes(data))
    before = _snapshot()
    # when
    code = main(["restore", str(whole), "--force"])
    # then
    assert code == 2
    member = backup.DATABASE_MEMBER[_kind()]
    assert capsys.readouterr().err == (
        f"lumoflow restore: {whole}: the archive is damaged ({member} does not read back)\n"
    )
    assert _snapshot() == before


def test_backup_to_an_unwritable_place_says_so_and_leaves_nothing(sites, tmp_path):
    # given a folder where the archive cannot go (a file stands in its place)
    source, _ = sites
    blocker = tmp_path / "taken"
    blocker.write_text("x")
    # when
    done = source.run("backup", "--out", str(blocker / "b.zip"))
    # then
    assert done.returncode == 2
    assert done.stderr == (
        f"lumoflow backup: {blocker}/b.zip: cannot write the archive (File exists)\n"
    )
    assert blocker.read_text() == "x"


def _snapshot() -> dict[str, int]:
    from django.db import connection

    present = set(connection.introspection.table_names())
    with connection.cursor() as cur:
        return backup._counts(cur, connection.ops.quote_name, backup.tables(), present)
