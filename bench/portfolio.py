"""The organisation's portfolio served from the store: `/org` vs `/hello`.

The production server (`lumoflow serve`) on SQLite holding the demo organisation (PEOPLE people
scaled by the bench's scale, from the demo cache shared with the other benchmarks:
`common.load_demo_cached`), every workspace's and the organisation's metrics computed and stored
first (`lumoflow refresh-metrics`, as the background refresh leaves them). The demo's
administrator (an executive) reads the whole portfolio over 8 connections; rounds interleave
hello and the portfolio as in `health_page`, and the round with the median throughput ratio is
reported.

Target: p95 ≤ 300 ms (the portfolio of about 200 workspaces of the 10,000-person demo); the
ratio to `/hello` is printed beside it.
"""

from __future__ import annotations

from typing import Any

from bench import common
from bench.health_page import PASSWORD, rounds
from bench.workspace_api import median_round

PEOPLE = 10_000  # 206 workspaces; LUMOFLOW_BENCH_SCALE makes it smaller
P95_MS = 300.0


def seed(people: int) -> dict[str, Any]:
    """Every workspace's metrics stored in the demo organisation (in a child process)."""
    import json
    import os
    from pathlib import Path

    from django.core.management import call_command

    from lumoflow.workspaces.models import Workspace

    call_command("refresh_metrics", verbosity=0)
    summary = json.loads((Path(os.environ["LUMOFLOW_DATA_DIR"]) / "demo.json").read_text())
    return {
        "username": summary["logins"]["administrator"]["username"],
        "workspaces": Workspace.objects.exclude(visibility="secret").count(),
        "people": people,
    }


def figures(runs: dict[str, list[common.LoadResult]], data: dict[str, Any]) -> list[dict[str, Any]]:
    errors = [s for r in runs["portfolio"] for s in r.error_samples]
    if errors:
        raise RuntimeError(f"portfolio: errors, e.g. {errors[:3]}")
    r, hello = median_round(runs["portfolio"], runs["hello"])
    print(
        f"    portfolio of {data['workspaces']} workspaces ({data['people']} people): "
        f"{r.summary()}",
        flush=True,
    )
    print(f"    hello next to it: {hello.summary()}", flush=True)
    print(f"    the page: {data['page_bytes'] / 1000:.1f} kB of HTML", flush=True)
    return [
        common.figure(
            "portfolio page size", data["page_bytes"] / 1000, "kB", higher_is_better=False
        ),
        common.figure("portfolio throughput", r.throughput, "req/s", baseline=hello.throughput),
        common.figure("portfolio p95", r.p95, "ms", baseline=hello.p95, higher_is_better=False),
        common.figure(
            "portfolio p95 (at most 300 ms)", r.p95, "ms", target=P95_MS, higher_is_better=False
        ),
    ]


def _page_bytes(url: str, cookie: str) -> int:
    """The size of the portfolio page's HTML as served (no compression asked for)."""
    import urllib.request

    with urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookie})) as r:
        return len(r.read())


def run() -> list[dict[str, Any]]:
    with common.scratch_site() as site:
        people = max(common.scaled(PEOPLE), 60)
        common.load_demo_cached(site, people=people, months=12, password=PASSWORD)
        data = site.call(seed, people=people)
        with site.serve() as server:
            base = server.url("")
            cookie = common.login_session(base, data["username"], PASSWORD)
            data["page_bytes"] = _page_bytes(base + "/org", cookie)
            runs = rounds(
                {
                    "hello": {"url": base + "/hello"},
                    "portfolio": {"url": base + "/org", "headers": {"Cookie": cookie}},
                }
            )
    return figures(runs, data)
