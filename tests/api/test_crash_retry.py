"""Eight writers with idempotency keys against a real server that is killed (`kill -9`) while
they write and started again: every acknowledged post is kept and none is made twice.

The server is `lumoflow serve` (gunicorn, two workers) in a process group of its own, killed
with SIGKILL as a whole; each writer retries a post, with the same key, until it is answered.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.sites import Site

SETUP = Path(__file__).with_name("crash_setup.py")
WRITERS, POSTS = 8, 24


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(site: Site, port: int, log: Path) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "lumoflow.cli", "serve", "--port", str(port), "--workers", "2"],
        env=site.env(),
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab"),
        start_new_session=True,  # its own process group: killed whole, master and workers
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    os.killpg(server.pid, signal.SIGKILL)
    raise AssertionError("the server did not start:\n" + log.read_text()[-2000:])


class Writer(threading.Thread):
    """Posts POSTS times, each with its own key, retrying until answered."""

    def __init__(self, n: int, token: str, workspace: int, port: int) -> None:
        super().__init__(daemon=True)
        self.n, self.token, self.workspace, self.port = n, token, workspace, port
        self.acked: dict[int, int] = {}  # post number -> id the server answered
        self.retries = self.replayed = 0
        self.failure = ""

    def _send(self, i: int) -> tuple[int, dict[str, Any], bool] | None:
        body = json.dumps({"kind": "update", "body": f"writer {self.n} post {i}"})
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": "application/json",
            "Idempotency-Key": f"writer-{self.n}-post-{i}",
        }
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            conn.request("POST", f"/api/v1/workspaces/{self.workspace}/posts", body, headers)
            r = conn.getresponse()
            data = r.read()
        except (OSError, http.client.HTTPException):
            # refused, reset, or cut off mid-answer (killed between the headers and the body):
            # no answer was read, so the post counts as unacknowledged; try again with its key
            return None
        if r.status >= 500:
            return None
        return r.status, json.loads(data), r.getheader("Idempotent-Replayed") == "true"

    def run(self) -> None:
        for i in range(POSTS):
            while (answer := self._send(i)) is None:
                self.retries += 1
                time.sleep(0.05)
            status, body, replayed = answer
            if status != 201:
                self.failure = f"post {i}: {status} {body}"
                return
            self.acked[i] = int(body["id"])
            self.replayed += replayed


def test_kill_9_mid_writes_loses_no_acknowledged_post_and_makes_none_twice(sites, tmp_path):
    # given a server and eight writers, each with a token and a workspace
    site, _ = sites
    made = subprocess.run(
        [sys.executable, str(SETUP), str(WRITERS)],
        env=site.env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    port, log = _free_port(), tmp_path / "server.log"
    server = _serve(site, port, log)
    writers = [
        Writer(n, w["token"], w["workspace"], port)
        for n, w in enumerate(json.loads(made.stdout.splitlines()[-1]))
    ]
    try:
        for w in writers:
            w.start()
        # when the server is killed with SIGKILL while they write, and started again
        while sum(len(w.acked) for w in writers) < WRITERS * POSTS // 3:
            time.sleep(0.01)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        acked_before_kill = sum(len(w.acked) for w in writers)
        server = _serve(site, port, log)
        for w in writers:
            w.join(timeout=120)
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    # then every writer finished, some of them after retrying across the crash
    assert [w.failure for w in writers] == [""] * WRITERS
    assert all(len(w.acked) == POSTS for w in writers)
    assert acked_before_kill < WRITERS * POSTS
    assert sum(w.retries for w in writers) > 0
    # and the database holds each post exactly once, under the id its writer was given
    con = site.connect()
    try:
        cur = con.cursor()
        cur.execute("SELECT id, body FROM conversation_post")
        stored = cur.fetchall()
        cur.execute("SELECT COUNT(*) FROM activity_activityevent WHERE verb = 'post'")
        events = cur.fetchone()[0]
    finally:
        con.close()
    counts = Counter(body for _, body in stored)
    assert [b for b, n in counts.items() if n > 1] == []
    by_id = dict(stored)
    for w in writers:
        for i, pk in w.acked.items():
            assert by_id.get(pk) == f"writer {w.n} post {i}"
    assert len(stored) == events == WRITERS * POSTS
    print(
        f"{WRITERS} writers, {len(stored)} posts, {acked_before_kill} acknowledged before the "
        f"kill, {sum(w.retries for w in writers)} retries, "
        f"{sum(w.replayed for w in writers)} answers replayed from their keys"
    )


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: Any) -> None:
    # The writers talk to 127.0.0.1 directly.
    for name in ("http_proxy", "HTTP_PROXY"):
        monkeypatch.delenv(name, raising=False)
