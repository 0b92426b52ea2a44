"""Demo generator: the year of a 300-person company in ≤ 60 s, and the cost of the actions layer.

Each run loads the demo company into a fresh scratch site (child process, SQLite) and reads its
summary: wall time of the generation (migrations excluded), events written, peak memory. The
baseline is a raw ``sqlite3.executemany`` of the same number of rows into a scratch table shaped
like the activity log (same columns and indexes, same pragmas, one transaction), in this run: the
ratio of the demo's events per second to it shows what validation, models and the bulk actions
cost (target ≥ 0.2). The 10,000-person year is reported with its time and peak memory (≤ 2 GB).
``LUMOFLOW_BENCH_SCALE`` scales the people (at least 60).
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import common

UNTIL = "2026-11-20"
SCRATCH = """
CREATE TABLE event (
    id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL, day TEXT NOT NULL,
    actor_id INTEGER NOT NULL, verb TEXT NOT NULL, workspace_id INTEGER,
    object_type TEXT NOT NULL, object_id TEXT NOT NULL, parent_id TEXT NOT NULL,
    thread_id TEXT NOT NULL, target_actor_id INTEGER, kind TEXT NOT NULL, text TEXT NOT NULL,
    data TEXT NOT NULL);
CREATE INDEX event_ts ON event (ts);
CREATE INDEX event_ws_ts ON event (workspace_id, ts);
CREATE INDEX event_verb_ts ON event (verb, ts);
CREATE UNIQUE INDEX event_one_view ON event (actor_id, object_type, object_id, day)
    WHERE verb = 'view';
"""


def load_demo(people: int, months: int) -> dict[str, Any]:
    """In a child process with Django set up: run `demo`, return its summary and peak memory."""
    import resource

    from django.core.management import call_command

    from lumoflow.demo.summary import summary_path

    call_command(
        "demo", people=people, months=months, until=UNTIL, password="bench-demo-pass", verbosity=0
    )
    summary = __import__("json").loads(summary_path().read_text())
    return {
        "seconds": summary["seconds"],
        "events": summary["counts"]["events"],
        "timings": summary["timings"],
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def raw_insert(rows: int) -> float:
    """Rows per second of a plain executemany into an activity-shaped table (same run)."""
    rng = random.Random(7)
    verbs = ("view", "reaction", "reply", "post", "mention", "join")
    data = [
        (
            f"2026-{1 + i % 12:02d}-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:00",
            f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
            rng.randrange(1, 300),
            verbs[i % len(verbs)],
            rng.randrange(1, 13),
            "post",
            str(i),
            str(i // 3),
            str(i // 5),
            rng.randrange(1, 300),
            "",
            "We shipped the first part of the launch plan today." if i % 6 == 2 else "",
            "{}",
        )
        for i in range(rows)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        con = sqlite3.connect(Path(tmp) / "scratch.sqlite3", isolation_level=None)
        con.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;" + SCRATCH)
        started = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.executemany(
            "INSERT INTO event (ts, day, actor_id, verb, workspace_id, object_type, object_id,"
            " parent_id, thread_id, target_actor_id, kind, text, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            data,
        )
        con.execute("COMMIT")
        elapsed = time.perf_counter() - started
        con.close()
    return rows / elapsed


def _run(people: int) -> dict[str, Any]:
    with common.scratch_site() as site:
        return site.call(load_demo, people=people, months=12)


def run() -> list[dict[str, Any]]:
    people = max(60, common.scaled(300))
    small = _run(people)
    raw = raw_insert(small["events"])
    demo_rate = small["events"] / small["seconds"]
    large = _run(max(60, common.scaled(10_000)))
    return [
        common.figure(
            "demo_300_people_12_months_seconds",
            small["seconds"],
            "s",
            target=60,
            higher_is_better=False,
        ),
        common.figure(
            "demo_300_people_events",
            small["events"],
            "events",
            target=20_000 if people == 300 else None,
        ),
        common.figure(
            "demo_events_per_second_vs_raw_executemany",
            demo_rate,
            "events/s",
            baseline=raw,
            target=0.2,
        ),
        common.figure("demo_10000_people_12_months_seconds", large["seconds"], "s"),
        common.figure("demo_10000_people_events", large["events"], "events"),
        common.figure(
            "demo_10000_people_peak_memory",
            large["max_rss_mb"],
            "MB",
            target=2048,
            higher_is_better=False,
        ),
    ]
