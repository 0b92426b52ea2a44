"""Importers: a generated Slack-format export converted to the canonical log, and loaded into
the platform.

The export (1,000,000 messages by default: 1,000 people, 50 channels, days of 1,000 messages,
one in ten a thread reply, one in ten with a reaction, one in twenty with a mention) is written
to a temporary folder. The conversion runs as ``lumoflow import slack PATH --out LOGDIR`` in a
child process: messages per second, and its peak memory (max RSS). The baseline, measured in
this run, is merely reading and parsing the same day files with ``json.loads``; the ratio of the
two rates is the figure (target ≥ 0.3). ``--into-platform`` of the same kind of export into a
fresh SQLite site is timed (rows per second: posts, replies and reactions written).
``LUMOFLOW_BENCH_SCALE`` scales both message counts.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import common

PEOPLE = 1000
CHANNELS = 50
PER_DAY = 1000
T0 = 1_704_067_200  # 2024-01-01T00:00:00Z


def write_slack_export(root: Path, messages: int, *, seed: int = 7) -> int:
    """Write a Slack-format export of ``messages`` messages; return the number of day files."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    users = [
        {"id": f"U{i:06d}", "name": f"user{i}", "real_name": f"User {i}"} for i in range(PEOPLE)
    ]
    channels = [
        {"id": f"C{c:05d}", "name": f"channel-{c}", "created": str(T0), "members": [],
         "purpose": {"value": f"Work stream {c}" if c % 2 else ""}}
        for c in range(CHANNELS)
    ]  # fmt: skip
    (root / "users.json").write_text(json.dumps(users))
    (root / "channels.json").write_text(json.dumps(channels))
    files, written, day = 0, 0, 0
    while written < messages:
        for ch in channels:
            if written >= messages:
                break
            n = min(PER_DAY, messages - written)
            base = T0 + day * 86_400
            roots: list[str] = []
            batch = []
            for k in range(n):
                ts = f"{base + k * 60 // max(n // 1000, 1)}.{k:06d}"
                user = users[rng.randrange(PEOPLE)]["id"]
                text = f"message {written + k} about the plan"
                msg: dict[str, Any] = {"type": "message", "user": user, "text": text, "ts": ts}
                if roots and rng.random() < 0.1:
                    msg["thread_ts"] = rng.choice(roots)
                else:
                    roots.append(ts)
                if rng.random() < 0.05:
                    msg["text"] += f" <@{users[rng.randrange(PEOPLE)]['id']}>"
                if rng.random() < 0.1:
                    who = users[rng.randrange(PEOPLE)]["id"]
                    msg["reactions"] = [{"name": "+1", "users": [who], "count": 1}]
                batch.append(msg)
            folder = root / ch["name"]
            folder.mkdir(exist_ok=True)
            date = time.strftime("%Y-%m-%d", time.gmtime(base))
            (folder / f"{date}.json").write_text(json.dumps(batch))
            files += 1
            written += n
        day += 1
    return files


def parse_only(root: Path) -> tuple[float, int]:
    """Seconds to read and ``json.loads`` every day file, and the messages found (baseline)."""
    started = time.perf_counter()
    count = 0
    for path in sorted(root.glob("*/*.json")):
        count += len(json.loads(path.read_bytes()))
    return time.perf_counter() - started, count


def convert(root: Path, out: Path) -> tuple[float, float]:
    """Seconds and peak memory (MB) of ``lumoflow import slack ROOT --out OUT`` in a child."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c",
         "import resource, sys; from lumoflow.cli import main; code = main(sys.argv[1:]); "
         "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); "
         "sys.exit(code)",
         "import", "slack", str(root), "--out", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    took = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"conversion failed: {proc.stderr.strip()[-2000:]}")
    rss_kb = int(proc.stderr.strip().splitlines()[-1])
    return took, rss_kb / 1024


def make_admin() -> dict[str, Any]:
    """In a child process with Django set up: the administrator the import acts as."""
    from lumoflow.people.actions import ensure_admin

    ensure_admin("bench-admin", "bench-admin-pass-1")
    return {}


def count_rows() -> dict[str, int]:
    """In a child process with Django set up: posts and reactions in the site's database."""
    from lumoflow.conversation.models import Post, Reaction

    return {"posts": Post.objects.count(), "reactions": Reaction.objects.count()}


def run() -> list[dict[str, Any]]:
    results = []
    messages = common.scaled(1_000_000, minimum=2000)
    with tempfile.TemporaryDirectory(prefix="lumoflow-bench-slack-") as tmp:
        root = Path(tmp) / "export"
        write_slack_export(root, messages)
        parse_s, found = parse_only(root)
        conv_s, rss_mb = convert(root, Path(tmp) / "log")
        assert found == messages, (found, messages)
        results.append(
            common.figure(
                f"slack export to canonical log ({messages:,} messages)",
                messages / conv_s,
                "messages/s",
                baseline=messages / parse_s,
                target=0.3,
            )
        )
        results.append(common.figure("slack conversion peak memory", rss_mb, "MB"))
    platform = common.scaled(1_000_000, minimum=2000)
    with tempfile.TemporaryDirectory(prefix="lumoflow-bench-slack-") as tmp:
        root = Path(tmp) / "export"
        write_slack_export(root, platform)
        with common.scratch_site() as site:
            site.call(make_admin)
            started = time.perf_counter()
            site.run("import", "slack", str(root), "--into-platform", timeout=24 * 3600)
            took = time.perf_counter() - started
            rows = site.call(count_rows)
        written = rows["posts"] + rows["reactions"]
        results.append(
            common.figure(f"slack --into-platform on SQLite ({platform:,} messages)", took, "s")
        )
        results.append(
            common.figure("slack --into-platform rows written", written / took, "rows/s")
        )
    return results
