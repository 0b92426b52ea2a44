"""The measurement of an uploaded export run by a real task worker: `lumoflow worker --batch`
takes the task the upload queued and stores the report, in a SQLite installation of its own."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from .measure_fixture import slack_zip

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.xdist_group("processes")

UPLOAD = """
from lumoflow.people import actions as people
from lumoflow.importers import actions, uploads
admin = people.create_person(None, username="root", name="Root", email="root@example.com",
                             password="a-long-enough-password-1", is_staff=True)
with open({path!r}, "rb") as f:
    received = uploads.receive_stream(f, "acme.zip", None)
print(actions.create_measurement(admin, received).pk)
"""


def _lumoflow(data: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(LUMOFLOW_DATA_DIR=str(data), LUMOFLOW_DIGESTS="off")
    done = subprocess.run(
        [sys.executable, "-m", "lumoflow.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_worker_measures_an_uploaded_export(tmp_path: Path) -> None:
    # given an export uploaded by an administrator (its commit queues the measurement)
    data = tmp_path / "site"
    export = slack_zip(tmp_path / "acme.zip")
    _lumoflow(data, "manage", "migrate", "--no-input")
    out = _lumoflow(data, "manage", "shell", "-c", UPLOAD.format(path=str(export)))
    mid = int(out.strip().splitlines()[-1])
    # when one worker runs what is queued
    _lumoflow(data, "worker", "--batch")
    # then the report is stored
    with sqlite3.connect(data / "lumoflow.sqlite3") as db:
        status, progress, report, error = db.execute(
            "SELECT status, progress, data, error FROM importers_measurement WHERE id = ?", (mid,)
        ).fetchone()
    assert (status, progress, error) == ("done", 100, "")
    assert json.loads(report)["input"]["source"] == "slack"
