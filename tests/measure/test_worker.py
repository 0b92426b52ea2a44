"""The background refresh run by a real task worker: `lumoflow serve` starts one beside gunicorn
and stops it with the server; `lumoflow worker --batch` runs what is queued.

Each test runs the product as processes on a SQLite database of its own (a temporary data
folder), as an administrator would, and reads that database with sqlite3.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.xdist_group("processes")
TASKS = "django_tasks_database_dbtaskresult"  # django-tasks' database backend
DONE = f"SELECT count(*) FROM {TASKS} WHERE status = 'SUCCESSFUL'"


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        LUMOFLOW_DATA_DIR=str(data_dir),
        LUMOFLOW_SECRET_KEY="worker-test",
        DJANGO_SETTINGS_MODULE="lumoflow.config.settings",
        # these tests count the refresh tasks: the digests' schedule would add its own
        LUMOFLOW_DIGESTS="off",
    )
    env.pop("LUMOFLOW_DEBUG", None)
    return env


def _lumoflow(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "lumoflow.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _rows(data_dir: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(data_dir / "lumoflow.sqlite3", timeout=30) as db:
        return list(db.execute(sql).fetchall())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo company, written by `lumoflow demo` (its commit queues the refresh)."""
    data_dir = tmp_path_factory.mktemp("worker-site")
    _lumoflow(_env(data_dir), "demo", "--people", "60", "--months", "2", "--yes")
    return data_dir


def test_the_demo_queues_at_most_one_refresh_per_workspace(demo_site):
    workspaces = _rows(demo_site, "SELECT count(*) FROM workspaces_workspace")[0][0]
    queued = _rows(
        demo_site,
        f"SELECT count(*), count(DISTINCT args_kwargs) FROM {TASKS}",
    )[0]
    # one task per workspace with activity, however many events the demo wrote
    assert 0 < queued[0] <= workspaces
    assert queued[0] == queued[1]


def test_serve_starts_a_worker_that_runs_the_queued_refresh_and_stops_with_the_server(
    demo_site,
):
    # given refresh tasks queued by the demo, nothing stored
    assert _rows(demo_site, "SELECT count(*) FROM measure_storedmetrics")[0][0] == 0
    queued = _rows(demo_site, f"SELECT count(*) FROM {TASKS}")[0][0]
    # when the server runs, the way `make run` runs it
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "lumoflow.cli", "serve", "--port", str(port), "--workers", "1"],
        env=_env(demo_site),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        done, healthy = 0, False
        while time.monotonic() < deadline and not (healthy and done == queued):
            time.sleep(1)
            done = _rows(demo_site, DONE)[0][0]
            healthy = healthy or _healthy(port)
        assert healthy
        # then every queued refresh ran and stored its workspace's metrics
        assert done == queued
        stored = _rows(
            demo_site, "SELECT count(DISTINCT scope) FROM measure_storedmetrics WHERE rolling"
        )[0][0]
        assert stored == queued
        children = subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        assert len(children) == 2  # gunicorn and the worker
    finally:
        # and stopping the server stops the worker too
        server.send_signal(signal.SIGTERM)
        server.wait(60)
    for pid in children:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in _state(pid)


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def _state(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return "zombie"


def test_worker_batch_runs_a_refresh_asked_for_on_the_command_line(demo_site):
    # given the organisation's refresh asked for through the system action
    _lumoflow(
        _env(demo_site),
        "manage",
        "shell",
        "-c",
        "from lumoflow.measure import actions, models;"
        "actions.request_refresh([models.ORGANISATION])",
    )
    # when one worker runs what is queued
    _lumoflow(_env(demo_site), "worker", "--batch")
    # then the organisation's metrics are stored
    assert _rows(demo_site, "SELECT count(*) FROM measure_storedmetrics WHERE scope = 0")[0][0]
