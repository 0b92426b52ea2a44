"""Network: the interaction graph and its summary (organisational network analysis).

The graph has one node per person (every listed person, whether or not they interacted) and a
directed tie ``actor -> target`` for each reply (to the parent's author), mention, reaction and
message, weighted by count. An object's author is the actor of its first authoring event by
(time, event id). Computed with igraph; networkx serves only as the test oracle.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

import igraph as ig
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lumoflow.analytics.frame import (
    TIE_VERBS,
    Frame,
    members_table,
    object_authors,
    sql,
    verb_list,
)
from lumoflow.analytics.privacy import Guarded, guard, pseudonym

#: Above this many people, betweenness and the diameter are estimated (``estimated: true``).
EXACT_LIMIT = 20_000
#: Pivots for the sampled betweenness estimate (Brandes & Pich 2007).
BETWEENNESS_PIVOTS = 64
#: Sweeps for the diameter lower bound (Magnien, Latapy & Habib 2009).
DIAMETER_SWEEPS = 8


@dataclass(frozen=True)
class Graph:
    """The interaction graph: node names, directed distinct ties with weights, departments."""

    names: list[str]
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    dept: list[str]

    @property
    def n(self) -> int:
        return len(self.names)

    def directed(self) -> ig.Graph:
        g = ig.Graph(n=self.n, edges=np.column_stack([self.src, self.dst]).tolist(), directed=True)
        g.es["weight"] = self.weight.tolist()
        return g

    def simple_pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Undirected ties without self-loops, parallel ties merged: (a, b, summed weight)."""
        a = np.minimum(self.src, self.dst)
        b = np.maximum(self.src, self.dst)
        keep = a != b
        code = a[keep] * self.n + b[keep]
        uniq, inverse = np.unique(code, return_inverse=True)
        weight = np.bincount(inverse, weights=self.weight[keep].astype(float), minlength=uniq.size)
        return uniq // self.n, uniq % self.n, weight

    def undirected_simple(self) -> ig.Graph:
        """Undirected, loops removed, parallel ties merged (weights summed)."""
        a, b, weight = self.simple_pairs()
        g = ig.Graph(n=self.n, edges=np.column_stack([a, b]).tolist(), directed=False)
        g.es["weight"] = weight.tolist()
        return g


@dataclass(frozen=True)
class EIIndex:
    """Krackhardt E-I index overall and per department."""

    overall: float | None
    by_department: dict[str, Guarded]


@dataclass(frozen=True)
class Broker:
    person: str
    betweenness: float
    constraint: float | None


@dataclass(frozen=True)
class NetworkSummary:
    """Whole-network figures (plain numbers) and department groups (guarded)."""

    nodes: int
    edges: int
    self_loops: int
    reciprocity: float | None
    density: float | None
    components_weak: int
    components_strong: int
    largest_wcc_nodes: int
    largest_wcc_edges: int
    largest_scc_nodes: int
    largest_scc_edges: int
    avg_clustering: float | None
    triangles: int
    diameter: int | None
    diameter_estimated: bool
    ei_index: EIIndex
    modularity_departments: float | None
    leiden: dict[str, Any]
    peripheral: dict[str, Any]
    load_concentration: float | None
    brokers: dict[str, Any] | None


def build_graph(frame: Frame) -> Graph:
    """Build the interaction graph of ``frame`` (see the module docstring)."""
    ev = frame.events.select(["actor", "verb", "target_actor", "parent_id"])
    # a reply or reaction without a target is addressed to its parent's author
    ties = sql(
        f"""WITH t AS (SELECT e.actor AS src, CASE WHEN e.target_actor <> '' THEN e.target_actor
                                                  ELSE a.author END AS dst
                      FROM ev e LEFT JOIN authors a ON e.target_actor = '' AND a.object_id =
                           e.parent_id AND e.parent_id <> ''
                      WHERE e.verb IN {verb_list(TIE_VERBS)})
           SELECT src, dst, count(*) AS weight FROM t WHERE dst IS NOT NULL GROUP BY 1, 2""",
        ev=ev,
        authors=object_authors(frame),
    )
    members = members_table(frame)
    names = pc.unique(
        pa.chunked_array(
            [
                members["actor"].combine_chunks(),
                ties["src"].combine_chunks(),
                ties["dst"].combine_chunks(),
            ]
        )
    )
    names = pc.take(names, pc.sort_indices(names))
    src = pc.index_in(ties["src"], value_set=names).to_numpy(zero_copy_only=False)
    dst = pc.index_in(ties["dst"], value_set=names).to_numpy(zero_copy_only=False)
    order = np.lexsort((dst, src))
    dept_map = sql(
        "SELECT n.name, coalesce(p.dept, '') AS dept FROM n LEFT JOIN p ON p.actor = n.name "
        "ORDER BY n.i",
        n=pa.table({"name": names, "i": np.arange(len(names))}),
        p=frame.people.select(["actor", "dept"]),
    )
    return Graph(
        names.to_pylist(),
        src[order].astype(np.int64),
        dst[order].astype(np.int64),
        ties["weight"].to_numpy()[order].astype(np.int64),
        dept_map["dept"].to_pylist(),
    )


def reciprocity(g: Graph) -> float | None:
    """Share of directed ties whose reverse tie exists; self-loops count in the denominator only.

    Definition: as networkx ``overall_reciprocity``: 2 (E − E_undirected) / E.
    """
    if g.src.size == 0:
        return None
    loop = g.src == g.dst
    code = g.src * g.n + g.dst
    rev = g.dst * g.n + g.src
    both = np.isin(rev[~loop], code[~loop])
    return float(both.sum() / g.src.size)


def _largest(membership: np.ndarray, g: Graph) -> tuple[int, int, int]:
    sizes = np.bincount(membership)
    big = int(np.argmax(sizes)) if sizes.size else 0
    inside = (membership[g.src] == big) & (membership[g.dst] == big)
    return int(sizes.size), int(sizes.max() if sizes.size else 0), int(inside.sum())


def ei_index(g: Graph, min_group_size: int) -> EIIndex:
    """Krackhardt & Stern's E-I index on the undirected simple graph.

    Definition: ``(E − I) / (E + I)`` where E counts ties between departments and I ties inside
    one; a department's index counts the ties with at least one end in it. People without a
    department are left out. −1: all ties internal; +1: all external.

    Source: Krackhardt & Stern (1988), "Informal networks and organizational crises".
    """
    first, second, _ = g.simple_pairs()
    dept = g.dept
    labels, codes = np.unique(np.array(dept, dtype=object).astype(str), return_inverse=True)
    known = labels != ""
    a, b = codes[first], codes[second]
    keep = known[a] & known[b]
    a, b = a[keep], b[keep]
    internal = a == b
    e_all, i_all = int((~internal).sum()), int(internal.sum())
    overall = (e_all - i_all) / (e_all + i_all) if e_all + i_all else None
    k = labels.size
    i_d = np.bincount(a[internal], minlength=k)
    e_d = np.bincount(a[~internal], minlength=k) + np.bincount(b[~internal], minlength=k)
    size = np.bincount(codes, minlength=k)
    by = {}
    for j in np.flatnonzero(known):
        tot = int(i_d[j] + e_d[j])
        by[str(labels[j])] = guard(
            (e_d[j] - i_d[j]) / tot if tot else None, int(size[j]), min_group_size
        )
    return EIIndex(overall, by)


def department_membership(dept: list[str]) -> list[int]:
    """Group index per node; a person without a department is a group of one."""
    labels, codes = np.unique(np.array(dept, dtype=object).astype(str), return_inverse=True)
    out = codes.astype(np.int64)
    blank = np.flatnonzero(labels == "")
    if blank.size:
        none = np.flatnonzero(codes == blank[0])
        out[none] = labels.size + np.arange(none.size)
    return [int(x) for x in out]


def diameter(u: ig.Graph, *, seed: int, exact_limit: int = EXACT_LIMIT) -> tuple[int | None, bool]:
    """Diameter of the largest connected component; estimated above ``exact_limit`` people.

    The estimate is the best lower bound of repeated double sweeps (BFS from a random node, then
    from the farthest node found), Magnien, Latapy & Habib (2009); it is exact on trees and
    usually exact on social networks.
    """
    if u.vcount() == 0:
        return None, False
    comps = u.connected_components()
    lcc = comps.giant()
    if lcc.vcount() <= exact_limit:
        return ifub_diameter(lcc), False
    rng = np.random.default_rng(seed)
    best = 0
    for start in rng.choice(lcc.vcount(), size=DIAMETER_SWEEPS, replace=False):
        d1 = np.asarray(lcc.distances(source=int(start))[0])
        far = int(np.argmax(d1))
        d2 = np.asarray(lcc.distances(source=far)[0])
        best = max(best, int(d1.max()), int(d2.max()))
    return best, True


def ifub_diameter(g: ig.Graph) -> int:
    """Exact diameter of a connected undirected graph by iFUB (Crescenzi et al. 2013).

    Breadth-first search from a high-degree node u; then the eccentricities of the nodes farthest
    from u, level by level, until the lower bound exceeds twice the next level. Exact, and on
    social networks it needs a few searches instead of one per person.
    """
    if g.vcount() <= 1:
        return 0
    u = int(np.argmax(g.degree()))
    dist = np.asarray(g.distances(source=u)[0], dtype=np.int64)
    level = int(dist.max())
    lower, upper = level, 2 * level
    while upper > lower and level > 0:
        fringe = np.flatnonzero(dist == level).tolist()
        farthest = int(max(g.eccentricity(vertices=fringe)))
        lower = max(lower, farthest)
        if lower > 2 * (level - 1):
            return lower
        upper = 2 * (level - 1)
        level -= 1
    return lower


def betweenness(
    u: ig.Graph, *, seed: int, exact_limit: int = EXACT_LIMIT, pivots: int = BETWEENNESS_PIVOTS
) -> tuple[np.ndarray, bool]:
    """Betweenness (undirected, unweighted; pairs counted once, as networkx unnormalised).

    Above ``exact_limit`` people it is estimated from ``pivots`` random source nodes and scaled by
    n / pivots (Brandes & Pich 2007, "Centrality estimation in large networks").
    """
    n = u.vcount()
    if n <= exact_limit:
        return np.asarray(u.betweenness(directed=False), dtype=float), False
    rng = np.random.default_rng(seed)
    sources = rng.choice(n, size=min(pivots, n), replace=False).tolist()
    est = np.asarray(u.betweenness(directed=False, sources=sources), dtype=float)
    # igraph counts each unordered pair once; scaling by n / k makes it unbiased
    return est * n / len(sources), True


def leiden(u: ig.Graph, dept: list[str], *, seed: int) -> dict[str, Any]:
    """Leiden communities (modularity objective, fixed seed) and their NMI with departments."""
    from sklearn.metrics import normalized_mutual_info_score

    if u.ecount() == 0:
        return {"count": 0, "modularity": None, "nmi_departments": None, "seed": seed}
    previous = random.getstate()
    ig.set_random_number_generator(random.Random(seed))
    try:
        part = u.community_leiden(objective_function="modularity", n_iterations=-1)
    finally:
        ig.set_random_number_generator(random)
        random.setstate(previous)
    membership = np.asarray(part.membership)
    labelled = np.array([d != "" for d in dept])
    nmi = None
    if labelled.sum() > 1:
        nmi = float(normalized_mutual_info_score(np.array(dept)[labelled], membership[labelled]))
    return {
        "count": int(membership.max() + 1),
        "modularity": float(u.modularity(membership)),
        "nmi_departments": nmi,
        "seed": seed,
    }


def network_summary(frame: Frame, graph: Graph | None = None) -> NetworkSummary:
    """Summarise the interaction graph of ``frame``.

    Definition
    ----------
    ``nodes``; ``edges`` directed distinct ties, self-loops included (as SNAP counts);
    ``reciprocity`` as networkx ``overall_reciprocity``; ``density`` directed, self-loops
    excluded; weak/strong components and the node and tie counts of the largest of each;
    ``avg_clustering`` undirected, self-loops removed, averaged over all people (isolated = 0);
    ``triangles`` undirected; ``diameter`` undirected, largest weak component; ``ei_index``;
    ``modularity_departments`` of the department partition (undirected simple, unweighted);
    Leiden communities; ``peripheral``: core number ≤ 1; ``load_concentration``: share of ties
    held by the top 5% of people; ``brokers`` (only with ``individuals``): betweenness and Burt's
    constraint.

    Source
    ------
    SNAP dataset statistics (Leskovec & Krevl); Watts & Strogatz (1998) clustering; Krackhardt &
    Stern (1988) E-I index; Newman (2006) modularity; Traag, Waltman & van Eck (2019) Leiden;
    Burt (1992) constraint; Cross & Parker (2004) ONA; Seidman (1983) k-cores.

    Examples
    --------
    >>> from lumoflow.analytics.log import make_log
    >>> from lumoflow.analytics.frame import make_frame, Options
    >>> rows = [dict(event_id=str(i), ts="2024-03-04", actor=a, verb="message", target_actor=b)
    ...         for i, (a, b) in enumerate([("a", "b"), ("b", "a"), ("b", "c"), ("c", "a"),
    ...                                     ("d", "d")])]
    >>> s = network_summary(make_frame(make_log(rows), options=Options(min_group_size=1)))
    >>> s.nodes, s.edges, s.self_loops, s.reciprocity, s.triangles, s.components_weak
    (4, 5, 1, 0.4, 1, 2)
    """
    g = graph or build_graph(frame)
    opts = frame.options
    n, e = g.n, int(g.src.size)
    loops = int(np.count_nonzero(g.src == g.dst))
    d = g.directed()
    u = g.undirected_simple()
    wcc = np.asarray(d.connected_components(mode="weak").membership, dtype=np.int64)
    scc = np.asarray(d.connected_components(mode="strong").membership, dtype=np.int64)
    n_wcc, wcc_nodes, wcc_edges = _largest(wcc, g) if n else (0, 0, 0)
    n_scc, scc_nodes, scc_edges = _largest(scc, g) if n else (0, 0, 0)
    local = np.nan_to_num(np.asarray(u.transitivity_local_undirected(mode="zero"), dtype=float))
    deg = np.asarray(u.degree(), dtype=float)
    triangles = int(round(float(np.sum(local * deg * (deg - 1) / 2)) / 3))
    diam, estimated = diameter(u, seed=opts.seed)
    membership = department_membership(g.dept)
    has_dept = any(x != "" for x in g.dept)
    core = np.asarray(u.coreness(), dtype=np.int64)
    peripheral: dict[str, Any] = {
        "count": int(np.count_nonzero(core <= 1)),
        "share": float(np.count_nonzero(core <= 1) / n) if n else None,
    }
    if opts.individuals:
        peripheral["people"] = [_name(g.names[i], opts) for i in np.flatnonzero(core <= 1)[:100]]
    top = max(1, math.ceil(0.05 * n)) if n else 0
    load = float(np.sort(deg)[::-1][:top].sum() / deg.sum()) if deg.sum() else None
    return NetworkSummary(
        nodes=n,
        edges=e,
        self_loops=loops,
        reciprocity=reciprocity(g),
        density=(e - loops) / (n * (n - 1)) if n > 1 else None,
        components_weak=n_wcc,
        components_strong=n_scc,
        largest_wcc_nodes=wcc_nodes,
        largest_wcc_edges=wcc_edges,
        largest_scc_nodes=scc_nodes,
        largest_scc_edges=scc_edges,
        avg_clustering=float(local.mean()) if n else None,
        triangles=triangles,
        diameter=diam,
        diameter_estimated=estimated,
        ei_index=ei_index(g, opts.min_group_size),
        modularity_departments=float(u.modularity(membership)) if has_dept and u.ecount() else None,
        leiden=leiden(u, g.dept, seed=opts.seed),
        peripheral=peripheral,
        load_concentration=load,
        brokers=brokers(u, g, frame) if opts.individuals else None,
    )


def _name(actor: str, opts: Any) -> str:
    return actor if opts.names else pseudonym(actor, opts.pseudonym_key)


def brokers(u: ig.Graph, g: Graph, frame: Frame, *, top: int = 10) -> dict[str, Any]:
    """Top brokers by betweenness, with Burt's constraint (lower = more brokerage).

    Individual-level: only returned when asked for, pseudonymised unless names are asked for.
    """
    opts = frame.options
    btw, estimated = betweenness(u, seed=opts.seed)
    order = np.argsort(-btw, kind="stable")[:top]
    cons = np.asarray(u.constraint(vertices=order.tolist(), weights="weight"), dtype=float)
    people = [
        Broker(_name(g.names[i], opts), float(btw[i]), None if math.isnan(c) else float(c))
        for i, c in zip(order, cons, strict=True)
    ]
    return {
        "estimated": estimated,
        "method": "Brandes-Pich pivots" if estimated else "exact",
        "top": people,
    }
