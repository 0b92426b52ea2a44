"""Importers: a generated Slack-format export converted to the canonical log, and loaded into
the platform.

The export (1,000 people, 50 channels, days of 1,000 messages, one in ten a thread reply, one
in ten with a reaction, one in twenty with a mention) is generated once and kept under
var/bench/ (``common.cached_input``: keyed by a digest of this file and the message count).
It is converted at two sizes, 250,000 and 1,000,000 messages, so that the peak memory of the
two shows how memory grows with the export. Each conversion runs in its own child process,
which imports the importer before the clock starts and shows its progress bar on a terminal:
``slack.read`` and writing the log as Parquet, timed; messages per second, and the peak memory
of the child (``ru_maxrss``). The baseline, measured in this run in a child process of its own,
is merely reading and parsing the same day files with the standard library's ``json.loads``;
the ratio of the two rates is the figure (target >= 0.3). ``--into-platform`` of an export of
``PLATFORM_MESSAGES`` into a fresh SQLite site is timed (rows per second: posts, replies and
reactions written). ``LUMOFLOW_BENCH_SCALE`` scales every message count.
"""

from __future__ import annotations

import json
import os
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
CONVERSION_SIZES = (250_000, 1_000_000)
#: Messages loaded by ``--into-platform`` (``LUMOFLOW_BENCH_PLATFORM`` overrides it).
PLATFORM_MESSAGES = int(os.environ.get("LUMOFLOW_BENCH_PLATFORM", "1000000"))


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


def _child(kind: str, root: str, out: str) -> None:
    """Read the export one way and print seconds, messages and peak memory (MB) as JSON."""
    import resource

    from lumoflow.analytics.log import write_log
    from lumoflow.importers import slack
    from lumoflow.importers.common import Progress

    started = time.perf_counter()
    if kind == "json":
        count = parse_only(Path(root))[1]
    else:
        progress = Progress("lumoflow import slack")
        log = slack.read(Path(root), progress=progress)
        write_log(log, Path(out), fmt="parquet")
        progress.close()
        count = progress.messages
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "messages": count, "peak_mb": peak}))


def measure(kind: str, root: Path, out: Path) -> dict[str, float]:
    """One child process reading ``root`` as ``kind`` (its stderr, the progress bar, shown)."""
    code = f"from bench.importers import _child; _child({kind!r}, {str(root)!r}, {str(out)!r})"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=common.ROOT, stdout=subprocess.PIPE, text=True,
        check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"{kind} conversion failed (exit {done.returncode})")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def export(messages: int) -> Path:
    """The generated export of ``messages`` messages (kept under var/bench/)."""
    return common.cached_input("slack-export", write_slack_export, messages=messages)


def conversion(messages: int) -> list[dict[str, Any]]:
    """Figures of converting the export of ``messages`` messages."""
    root = export(messages)
    with tempfile.TemporaryDirectory(prefix="lumoflow-bench-slack-") as tmp:
        base = measure("json", root, Path(tmp) / "unused")
        ours = measure("lumoflow", root, Path(tmp) / "log")
    assert base["messages"] == messages, (base, messages)
    return [
        common.figure(
            f"slack export to canonical log ({messages:,} messages)",
            messages / ours["seconds"],
            "messages/s",
            baseline=messages / base["seconds"],
            target=0.3,
        ),
        common.figure(
            f"slack conversion peak memory ({messages:,} messages)",
            ours["peak_mb"],
            "MB",
            baseline=base["peak_mb"],
            higher_is_better=False,
        ),
    ]


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
    for size in CONVERSION_SIZES:
        results += conversion(common.scaled(size, minimum=2000))
    platform = common.scaled(PLATFORM_MESSAGES, minimum=2000)
    root = export(platform)
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
    results.append(common.figure("slack --into-platform rows written", written / took, "rows/s"))
    return results
