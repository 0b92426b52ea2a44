"""The health page served from the store: `/workspaces/{id}/health` vs `/hello`.

The production server (`lumoflow serve`) on SQLite holding the issue's demo organisation
(10,000 people times LUMOFLOW_BENCH_SCALE, the 12 months up to today; `lumoflow demo`, kept in
the demo cache shared with bench/measure_refresh: `common.load_demo_cached`). Each planted
workspace (fading, growing, steady) has its metrics computed and stored before the load, as the
background refresh leaves them. The demo's
administrator, who sees every workspace that is not secret in full (the whole page: charts,
funnel, department reach, question queue, alerts), reads the three health pages in turn over 8
connections; each worker draws a page once per stored result and serves it from then on. Five
rounds interleave hello and the health page; the round with the median throughput ratio is
reported, with p50/p95 next to hello's.

Targets: throughput ratio ≥ 0.2 of `/hello`, and p95 ≤ 150 ms.
"""

from __future__ import annotations

from typing import Any

from bench import common
from bench.workspace_api import median_round

PEOPLE = 10_000
PASSWORD = common.DEMO_PASSWORD
TARGET = 0.2
P95_MS = 150.0
ROUNDS = 5
CONCURRENCY = 8


def seed() -> dict[str, Any]:
    """The planted workspaces' metrics of the demo organisation computed and stored.

    Runs in a child process with Django set up (see `common.Site.call`).
    """
    import json
    import os
    from pathlib import Path

    from django.contrib.auth import get_user_model

    from lumoflow.measure.queries import get_workspace_metrics_for

    summary = json.loads((Path(os.environ["LUMOFLOW_DATA_DIR"]) / "demo.json").read_text())
    planted = summary["planted"]
    ids = [planted[k]["id"] for k in ("fading_workspace", "growing_workspace", "steady_workspace")]
    admin = summary["logins"]["administrator"]["username"]
    viewer = get_user_model().objects.get(username=admin)
    for ws in ids:
        get_workspace_metrics_for(viewer, ws)  # computed once and stored
    return {"workspace_ids": ids, "username": admin}


def measure(server: common.Server, data: dict[str, Any], cookie: str) -> dict[str, Any]:
    ids = data["workspace_ids"]
    base = server.url("")

    def url(client: int, seq: int) -> str:
        return f"{base}/workspaces/{ids[(client + seq) % len(ids)]}/health"

    cases: dict[str, dict[str, Any]] = {
        "hello": {"url": base + "/hello"},
        "health": {"url": url, "headers": {"Cookie": cookie}},
    }
    return rounds(cases)


def rounds(cases: dict[str, dict[str, Any]]) -> dict[str, list[common.LoadResult]]:
    """Warm every case up (each worker draws its page once from the stored result), then run
    ROUNDS rounds that interleave the cases over CONCURRENCY connections."""
    for case in cases.values():
        common.load(**case, concurrency=CONCURRENCY, duration=common.seconds(20), max_requests=400)
    runs: dict[str, list[common.LoadResult]] = {k: [] for k in cases}
    for _ in range(ROUNDS):
        for key, case in cases.items():
            runs[key].append(
                common.load(**case, concurrency=CONCURRENCY, duration=common.seconds(4))
            )
    return runs


def figures(runs: dict[str, list[common.LoadResult]]) -> list[dict[str, Any]]:
    errors = [s for r in runs["health"] for s in r.error_samples]
    if errors:
        raise RuntimeError(f"health page: errors, e.g. {errors[:3]}")
    r, hello = median_round(runs["health"], runs["hello"])
    print(f"    health page: {r.summary()}", flush=True)
    print(f"    hello next to it: {hello.summary()}", flush=True)
    return [
        common.figure(
            "health page throughput",
            r.throughput,
            "req/s",
            baseline=hello.throughput,
            target=TARGET,
        ),
        common.figure("health page p50", r.p50, "ms", baseline=hello.p50, higher_is_better=False),
        common.figure("health page p95", r.p95, "ms", baseline=hello.p95, higher_is_better=False),
        common.figure(
            "health page p95 (at most 150 ms)", r.p95, "ms", target=P95_MS, higher_is_better=False
        ),
    ]


def run() -> list[dict[str, Any]]:
    with common.scratch_site() as site:
        people = max(common.scaled(PEOPLE), 60)
        common.load_demo_cached(site, people=people, months=12, password=PASSWORD)
        data = site.call(seed)
        with site.serve() as server:
            cookie = common.login_session(server.url(""), data["username"], PASSWORD)
            runs = measure(server, data, cookie)
    return figures(runs)
