"""The 90% effective diameter on 10,000 people, where the engine samples its searches.

Two graphs of ``bench.analytics_network``'s kind (ties mostly inside departments of ~200 people):
100,000 ties, timed against the exact value (a search from every person) in the same run, and
2,000,000 ties (the density of the analyze benchmark's 10-million-event log), timed against the
diameter the network summary already computes on the same graph (estimated there: the exact
search would need thousands of searches). Target: <= 5 s each. Sizes scale with
LUMOFLOW_BENCH_SCALE.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from bench.analytics_network import graph_arrays

TARGET_S = 5.0


def _timed(job: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    value = job()
    return time.perf_counter() - t, value


def figure(label: str, ties: int) -> dict[str, Any]:
    """The engine's effective diameter on 10,000 people, with its same-run baseline."""
    from lumoflow.analytics import network as net

    n, src, dst, dept = graph_arrays(13, people=10_000, ties=ties)
    g = net.Graph([str(i) for i in range(n)], src, dst, np.ones(src.size, dtype=np.int64),
                  [str(x) for x in dept])  # fmt: skip
    u = g.undirected_simple()
    seconds, got = _timed(lambda: net.effective_diameter(u, seed=1))
    how = f"sampled from {got.sources} people" if got.estimated else "exact"
    if label == "sparse":
        base, exact = _timed(lambda: net.effective_diameter(u, seed=1, work=2**62))
        note = f"baseline: exact from every person ({exact.value:.3f})"
    else:
        base, (diam, estimated) = _timed(lambda: net.diameter(u, seed=1))
        note = f"baseline: the diameter ({diam}{', estimated' if estimated else ''}) on it"
    return {
        "name": f"analytics.effective_diameter.{label}", "value": round(seconds, 3),
        "unit": "s", "baseline": round(base, 3), "ratio": round(base / max(seconds, 1e-6), 2),
        "target": TARGET_S, "met": seconds <= TARGET_S,
        "note": f"{n} people, {u.ecount()} undirected ties, {how}: {got.value:.3f}; {note}; "
                f"target: <= {TARGET_S:g} s",
    }  # fmt: skip


def run() -> list[dict[str, Any]]:
    return [figure("sparse", 100_000), figure("dense", 2_000_000)]
