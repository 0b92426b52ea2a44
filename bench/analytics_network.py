"""Network summary on a 100,000-person, 1,000,000-tie graph: igraph (the engine) vs networkx.

Each figure is timed in the engine (lumoflow.analytics.network on igraph) and in networkx, each
networkx figure in its own child process stopped at 120 s (reported as "> 120 s"). Above 20,000
people the engine estimates betweenness (Brandes-Pich pivots) and the diameter (double sweeps);
networkx is given the same kind of estimate (betweenness with the same 64 pivots,
``approximation.diameter``). Brokers (estimated betweenness + Burt's constraint of the top 10)
must take <= 30 s. Sizes scale with LUMOFLOW_BENCH_SCALE.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CAP_S = 120.0
FIGURES = ("components", "reciprocity", "avg_clustering", "triangles", "diameter",
           "modularity_departments", "ei_index", "communities", "coreness", "brokers")  # fmt: skip


def scale() -> float:
    raw = os.environ.get("LUMOFLOW_BENCH_SCALE", "1.0")
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise SystemExit(f"LUMOFLOW_BENCH_SCALE={raw!r} must be a number above 0 (e.g. 0.05).")
    return value


def graph_arrays(
    seed: int = 11, *, people: int = 100_000, ties: int = 1_000_000
) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """(people, src, dst, department): ties mostly inside departments of ~200 people."""
    n = max(200, round(people * scale()))
    m = max(2000, round(ties * scale()))
    rng = np.random.default_rng(seed)
    dept = rng.integers(0, max(1, n // 200), size=n)
    order = np.argsort(dept, kind="stable")
    bounds = np.searchsorted(dept[order], np.arange(dept.max() + 2))
    src = rng.integers(0, n, size=m * 2)
    inside = rng.random(m * 2) < 0.8
    d = dept[src]
    lo, hi = bounds[d], bounds[d + 1]
    local = order[lo + (rng.random(m * 2) * (hi - lo)).astype(np.int64)]
    dst = np.where(inside, local, rng.integers(0, n, size=m * 2))
    code = np.unique(src * n + dst)[:m]  # distinct directed ties (self-loops allowed)
    code = rng.permutation(code)[:m]
    return n, code // n, code % n, dept


def _engine_graph() -> Any:
    from lumoflow.analytics.network import Graph

    n, src, dst, dept = graph_arrays()
    return Graph([str(i) for i in range(n)], src, dst, np.ones(src.size, dtype=np.int64),
                 [str(x) for x in dept])  # fmt: skip


def engine_figures() -> dict[str, float]:
    """Time each figure with the engine's own functions; graph building is timed apart."""
    from lumoflow.analytics import network as net

    started = time.perf_counter()
    g = _engine_graph()
    d = g.directed()
    u = g.undirected_simple()
    times = {"build": time.perf_counter() - started}
    membership = net.department_membership(g.dept)

    def brokers() -> None:
        btw, estimated = net.betweenness(u, seed=1)
        assert estimated or u.vcount() <= net.EXACT_LIMIT
        top = np.argsort(-btw)[:10].tolist()
        u.constraint(vertices=top, weights="weight")

    jobs: dict[str, Callable[[], Any]] = {
        "components": lambda: (d.connected_components(mode="weak"),
                               d.connected_components(mode="strong")),
        "reciprocity": lambda: net.reciprocity(g),
        "avg_clustering": lambda: np.mean(u.transitivity_local_undirected(mode="zero")),
        "triangles": lambda: np.sum(np.nan_to_num(u.transitivity_local_undirected(mode="zero"))
                                    * np.array(u.degree()) * (np.array(u.degree()) - 1) / 6),
        "diameter": lambda: net.diameter(u, seed=1),
        "modularity_departments": lambda: u.modularity(membership),
        "ei_index": lambda: net.ei_index(g, 5),
        "communities": lambda: net.leiden(u, g.dept, seed=1),
        "coreness": lambda: u.coreness(),
        "brokers": brokers,
    }  # fmt: skip
    for name in FIGURES:
        t = time.perf_counter()
        jobs[name]()
        times[name] = time.perf_counter() - t
    return times


def _nx_child(figure: str) -> None:
    """In a child process: build the networkx graph, then time one figure under a 120 s alarm."""
    import signal

    import networkx as nx

    n, src, dst, dept = graph_arrays()
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
    u = nx.Graph(g.to_undirected())
    u.remove_edges_from(nx.selfloop_edges(u))
    labels = {i: int(x) for i, x in enumerate(dept)}
    groups: dict[int, set[int]] = {}
    for node, x in labels.items():
        groups.setdefault(x, set()).add(node)

    def ei() -> float:
        internal = sum(1 for a, b in u.edges() if labels[a] == labels[b])
        return (u.number_of_edges() - 2 * internal) / u.number_of_edges()

    def brokers() -> None:
        btw = nx.betweenness_centrality(u, k=64, seed=1, normalized=False)
        top = sorted(btw, key=btw.__getitem__, reverse=True)[:10]
        nx.constraint(u, nodes=top)

    jobs: dict[str, Callable[[], Any]] = {
        "components": lambda: (nx.number_weakly_connected_components(g),
                               nx.number_strongly_connected_components(g)),
        "reciprocity": lambda: nx.overall_reciprocity(g),
        "avg_clustering": lambda: nx.average_clustering(u),
        "triangles": lambda: sum(nx.triangles(u).values()) // 3,
        "diameter": lambda: nx.approximation.diameter(
            u.subgraph(max(nx.connected_components(u), key=len)), seed=1),
        "modularity_departments": lambda: nx.community.modularity(u, list(groups.values())),
        "ei_index": ei,
        "communities": lambda: nx.community.louvain_communities(u, seed=1),
        "coreness": lambda: nx.core_number(u),
        "brokers": brokers,
    }  # fmt: skip

    def stop(*_: Any) -> None:
        raise TimeoutError

    signal.signal(signal.SIGALRM, stop)
    signal.alarm(int(CAP_S))
    t = time.perf_counter()
    try:
        jobs[figure]()
        print(json.dumps({"seconds": time.perf_counter() - t}))
    except TimeoutError:
        print(json.dumps({"seconds": None}))


def networkx_time(figure: str) -> float | None:
    code = f"from bench.analytics_network import _nx_child; _nx_child({figure!r})"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=CAP_S + 900)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"networkx {figure}: {done.stderr.strip().splitlines()[-1:]}")
    value: float | None = json.loads(done.stdout.strip().splitlines()[-1])["seconds"]
    return value


def run() -> list[dict[str, Any]]:
    engine = engine_figures()
    n, src, _, _ = graph_arrays()
    out: list[dict[str, Any]] = [{
        "name": "analytics.network.graph_build_igraph", "value": round(engine["build"], 3),
        "unit": "s", "baseline": None, "ratio": None, "target": None, "met": None,
        "note": f"{n} people, {src.size} directed ties",
    }]  # fmt: skip
    for figure in FIGURES:
        nx_s = networkx_time(figure)
        ours = max(engine[figure], 1e-6)
        row: dict[str, Any] = {
            "name": f"analytics.network.{figure}", "value": round(engine[figure], 4),
            "unit": "s", "baseline": None if nx_s is None else round(nx_s, 3),
            "ratio": round((nx_s if nx_s is not None else CAP_S) / ours, 1),
            "target": None, "met": None,
            "note": "networkx > 120 s (ratio is a floor)" if nx_s is None else "networkx time",
        }  # fmt: skip
        if figure == "brokers":
            row.update(target=30.0, met=engine[figure] <= 30.0)
            row["note"] += "; target: engine <= 30 s"
        out.append(row)
    return out
