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
#: The exact diameter gives up (and is estimated) when its searches would take more steps than
#: this (searches × (people + 2 × ties)): on dense graphs iFUB can need one per person.
DIAMETER_WORK = 400_000_000
#: The effective diameter is exact while a search from every person fits this many steps
#: (people × (people + 2 × ties): about 3,000 people with 20 ties each, about a second);
#: beyond it, searches start from a sample of people that fits (``estimated: true``).
EFFECTIVE_DIAMETER_WORK = 200_000_000
#: Fewest people the sampled effective diameter searches from.
EFFECTIVE_DIAMETER_MIN_SOURCES = 100
#: Share of connected pairs the effective diameter covers (SNAP's "90-percentile").
EFFECTIVE_PERCENTILE = 0.9
#: Sources per igraph call when sampling: bounds the block of distances held at once.
_SOURCE_CHUNK = 64
#: A sampled search also hands each person's distance from igraph to numpy, which costs about
#: as much as this many search steps (measured); the one-call exact histogram does not.
HANDOVER_STEPS = 16


def _edge_list(src: np.ndarray, dst: np.ndarray) -> list[tuple[int, int]]:
    """Ties as the pairs igraph reads: zipping two flat lists costs a quarter of listing a
    two-column array (whose every row becomes a list), and igraph reads tuples as fast."""
    return list(zip(src.tolist(), dst.tolist(), strict=True))


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
        g = ig.Graph(n=self.n, edges=_edge_list(self.src, self.dst), directed=True)
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
        g = ig.Graph(n=self.n, edges=_edge_list(a, b), directed=False)
        g.es["weight"] = weight.tolist()
        return g


@dataclass(frozen=True)
class EIIndex:
    """Krackhardt E-I index overall and per department."""

    overall: float | None
    by_department: dict[str, Guarded]


@dataclass(frozen=True)
class DirectedEIIndex:
    """E-I index over directed ties: overall, and per department for the ties its people send
    and for the ties they receive."""

    overall: float | None
    sent_by_department: dict[str, Guarded]
    received_by_department: dict[str, Guarded]


@dataclass(frozen=True)
class EffectiveDiameter:
    """The effective diameter, whether it was estimated, and from how many people it searched."""

    value: float | None
    estimated: bool
    sources: int
    percentile: float = EFFECTIVE_PERCENTILE


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
    effective_diameter: EffectiveDiameter
    ei_index: EIIndex
    ei_index_directed: DirectedEIIndex
    modularity_departments: float | None
    leiden: dict[str, Any]
    isolated: dict[str, Any]
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
    code = (g.src * g.n + g.dst)[~loop]
    rev = (g.dst * g.n + g.src)[~loop]
    if code.size == 0:
        return 0.0
    if (code[1:] < code[:-1]).any():  # ties come sorted by (src, dst) from build_graph
        code = np.sort(code)
    at = np.minimum(np.searchsorted(code, rev), code.size - 1)
    return float(np.count_nonzero(code[at] == rev) / g.src.size)


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
    labels, codes = _department_codes(g.dept)
    known = labels != ""
    a, b = codes[first], codes[second]
    keep = known[a] & known[b]
    a, b = a[keep], b[keep]
    internal = a == b
    k = labels.size
    i_d = np.bincount(a[internal], minlength=k)
    e_d = np.bincount(a[~internal], minlength=k) + np.bincount(b[~internal], minlength=k)
    overall = _ei(int((~internal).sum()), int(internal.sum()))
    return EIIndex(overall, _ei_by_department(labels, codes, e_d, i_d, min_group_size))


def ei_index_directed(g: Graph, min_group_size: int) -> DirectedEIIndex:
    """E-I index over directed ties, overall and per department as sender and as receiver.

    Definition
    ----------
    ``(E − I) / (E + I)`` where each directed tie ``a -> b`` between two different people counts
    once (however many messages it carries): E when ``a`` and ``b`` are in different departments,
    I when they share one. A reciprocated tie counts twice, so unlike the undirected index this
    one weighs two-way exchanges more than one-way ones. ``sent_by_department`` counts the ties a
    department's people send, ``received_by_department`` the ties they receive: a department
    that writes across the organisation but is answered only from inside shows a high "sent"
    and a low "received" index. People without a department are left out; −1: all ties
    internal; +1: all external. Departments under ``min_group_size`` people are suppressed.

    Source
    ------
    Krackhardt & Stern (1988), "Informal networks and organizational crises"; over directed
    ties as the mixing matrix of Bojanowski & Corten (2014), "Measuring segregation in social
    networks" (R ``netseg::ei`` with ``directed = TRUE``).

    Examples
    --------
    Ann and Bob (sales) write to each other, Ann also writes to Cy (support). Undirected, that
    is one internal and one external pair: (1 − 1) / 2 = 0. Directed, two internal ties and
    one external: (1 − 2) / 3 = −1/3. Sales sends two internal ties and one external (−1/3),
    receives only internal ones (−1); support receives one external tie (+1) and sends none.

    >>> g = Graph(["ann", "bob", "cy"], np.array([0, 1, 0]), np.array([1, 0, 2]),
    ...           np.ones(3, dtype=np.int64), ["sales", "sales", "support"])
    >>> round(ei_index(g, 1).overall, 3), round(ei_index_directed(g, 1).overall, 3)
    (0.0, -0.333)
    >>> e = ei_index_directed(g, 1)
    >>> [(d, None if x.value is None else round(x.value, 3))
    ...  for d, x in (*e.sent_by_department.items(), *e.received_by_department.items())]
    [('sales', -0.333), ('support', None), ('sales', -1.0), ('support', 1.0)]
    """
    labels, codes = _department_codes(g.dept)
    known = labels != ""
    tie = g.src != g.dst
    a, b = codes[g.src[tie]], codes[g.dst[tie]]
    keep = known[a] & known[b]
    a, b = a[keep], b[keep]
    internal = a == b
    k = labels.size

    def per(end: np.ndarray) -> dict[str, Guarded]:
        e_d = np.bincount(end[~internal], minlength=k)
        i_d = np.bincount(end[internal], minlength=k)
        return _ei_by_department(labels, codes, e_d, i_d, min_group_size)

    overall = _ei(int((~internal).sum()), int(internal.sum()))
    return DirectedEIIndex(overall, per(a), per(b))


def _department_codes(dept: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Sorted department labels ("" for none) and each person's index into them."""
    labels, codes = np.unique(np.array(dept, dtype=object).astype(str), return_inverse=True)
    return labels, codes.astype(np.int64)


def _ei(external: int, internal: int) -> float | None:
    return (external - internal) / (external + internal) if external + internal else None


def _ei_by_department(
    labels: np.ndarray,
    codes: np.ndarray,
    external: np.ndarray,
    internal: np.ndarray,
    min_group_size: int,
) -> dict[str, Guarded]:
    """Each named department's E-I index from its tie counts, guarded by its head count."""
    size = np.bincount(codes, minlength=labels.size)
    return {
        str(labels[j]): guard(_ei(int(external[j]), int(internal[j])), int(size[j]), min_group_size)
        for j in np.flatnonzero(labels != "")
    }


def department_membership(dept: list[str]) -> list[int]:
    """Group index per node; a person without a department is a group of one."""
    labels, codes = _department_codes(dept)
    out = codes.astype(np.int64)
    blank = np.flatnonzero(labels == "")
    if blank.size:
        none = np.flatnonzero(codes == blank[0])
        out[none] = labels.size + np.arange(none.size)
    return [int(x) for x in out]


def diameter(
    u: ig.Graph, *, seed: int, exact_limit: int = EXACT_LIMIT, work: int = DIAMETER_WORK
) -> tuple[int | None, bool]:
    """Diameter of the largest connected component; estimated above ``exact_limit`` people or
    when the exact search would take more than ``work`` steps.

    The estimate is the best lower bound of repeated double sweeps (BFS from a random node, then
    from the farthest node found), Magnien, Latapy & Habib (2009); it is exact on trees and
    usually exact on social networks.
    """
    if u.vcount() == 0:
        return None, False
    # searches stay inside the component they start in: no copy of the largest one is needed
    membership = np.asarray(u.connected_components().membership, dtype=np.int64)
    members = np.flatnonzero(membership == np.argmax(np.bincount(membership)))
    if members.size <= exact_limit:
        hub = int(members[np.argmax(np.asarray(u.degree())[members])])
        steps = members.size + 2 * u.ecount()
        exact = ifub_diameter(u, start=hub, max_searches=work // steps)
        if exact is not None:
            return exact, False
    rng = np.random.default_rng(seed)
    best = 0
    for start in rng.choice(members, size=min(DIAMETER_SWEEPS, members.size), replace=False):
        d1 = _reached(u, int(start))
        d2 = _reached(u, int(np.argmax(d1)))
        best = max(best, int(d1.max()), int(d2.max()))
    return best, True


def _reached(g: ig.Graph, source: int) -> np.ndarray:
    """Hops from ``source`` to everyone, −1 for people out of reach."""
    dist = np.asarray(g.distances(source=source)[0], dtype=float)
    return np.where(np.isfinite(dist), dist, -1).astype(np.int64)


def ifub_diameter(
    g: ig.Graph, *, start: int | None = None, max_searches: int | None = None
) -> int | None:
    """Exact diameter of the component of ``start`` in an undirected graph by iFUB (Crescenzi
    et al. 2013); ``start`` defaults to the node of highest degree (of a connected graph).

    Breadth-first search from ``start``, a high-degree node u; then the eccentricities of the
    nodes farthest from u, level by level, until the lower bound exceeds twice the next level.
    Exact, and on social networks it needs a few searches instead of one per person; on dense
    graphs the farthest level can hold most people: ``None`` when it would take more than
    ``max_searches`` searches.
    """
    if g.vcount() <= 1:
        return 0
    u = int(np.argmax(g.degree())) if start is None else start
    dist = _reached(g, u)
    level = int(dist.max())
    lower, upper = level, 2 * level
    searches = 1
    while upper > lower and level > 0:
        fringe = np.flatnonzero(dist == level).tolist()
        searches += len(fringe)
        if max_searches is not None and searches > max_searches:
            return None
        farthest = int(max(g.eccentricity(vertices=fringe)))
        lower = max(lower, farthest)
        if lower > 2 * (level - 1):
            return lower
        upper = 2 * (level - 1)
        level -= 1
    return lower


def hop_counts(u: ig.Graph, sources: list[int] | None = None) -> np.ndarray:
    """Ordered pairs (s, t) with t reachable from s in ``u``, counted by hop distance.

    ``counts[d]`` is the number of pairs at distance ``d``; ``counts[0]`` counts each source
    with itself, as SNAP's breadth-first searches do. From every person (``sources=None``)
    igraph's path-length histogram does it in one call (each unordered pair counted both ways);
    from a sample, one breadth-first search per source, ``_SOURCE_CHUNK`` sources at a time.
    Unweighted; people out of reach are not counted.
    """
    if sources is None:
        hist = u.path_length_hist(directed=False)
        bins = np.array([(start, count) for start, _, count in hist.bins()], dtype=np.int64)
        counts = np.zeros(int(bins[:, 0].max()) + 1 if bins.size else 1, dtype=np.int64)
        if bins.size:
            counts[bins[:, 0]] = 2 * bins[:, 1]
        counts[0] = u.vcount()
        return counts
    counts = np.zeros(1, dtype=np.int64)
    for i in range(0, len(sources), _SOURCE_CHUNK):
        dist = np.asarray(u.distances(source=sources[i : i + _SOURCE_CHUNK]), dtype=float)
        found = np.bincount(dist[np.isfinite(dist)].astype(np.int64).ravel())
        if found.size > counts.size:
            counts = np.pad(counts, (0, found.size - counts.size))
        counts[: found.size] += found
    return counts


def interpolated_percentile(counts: np.ndarray, percentile: float = EFFECTIVE_PERCENTILE) -> float:
    """The hop distance within which ``percentile`` of the pairs of ``counts`` lie, interpolated.

    Definition: SNAP's ``CalcEffDiam``. With ``C(d)`` the cumulative count of pairs within ``d``
    hops and ``t = percentile × C(max)``, find the first ``d`` with ``C(d) > t`` and return
    ``d − 1 + (t − C(d − 1)) / (C(d) − C(d − 1))``; when already ``C(0) > t`` SNAP returns 1.

    Examples
    --------
    Five pairs at 0 hops, 10 at 1 hop, 5 at 2: t = 18, C = (5, 15, 20), so 1 + 3/5.

    >>> interpolated_percentile(np.array([5, 10, 5]))
    1.6
    """
    cdf = np.cumsum(counts, dtype=float)
    target = percentile * cdf[-1]
    d = int(np.argmax(cdf > target))
    if d == 0:
        return 1.0
    return float((d - 1) + (target - cdf[d - 1]) / (cdf[d] - cdf[d - 1]))


def effective_diameter(
    u: ig.Graph,
    *,
    seed: int,
    work: int = EFFECTIVE_DIAMETER_WORK,
    min_sources: int = EFFECTIVE_DIAMETER_MIN_SOURCES,
) -> EffectiveDiameter:
    """The 90% effective diameter: the number of hops within which 90% of connected pairs lie.

    Definition
    ----------
    Over the undirected graph (every person, loops removed, unweighted), take every ordered
    pair of people (s, t) with t reachable from s, each person with itself at 0 hops, and the
    distribution of their hop distances; the effective diameter is its 90th percentile,
    interpolated linearly between whole hops (:func:`interpolated_percentile`), exactly as SNAP's
    ``GetBfsEffDiam`` computes the "90-percentile effective diameter" of its data set pages.
    Exact (a search from every person) while that takes at most ``work`` steps, people ×
    (people + 2 × ties): a few thousand people. Beyond, SNAP's own estimate: searches from a
    uniform sample of people (fixed ``seed``), as many as fit in ``work`` (each costing
    people + 2 × ties steps plus the hand-over of its distances) but at least ``min_sources``,
    with ``estimated`` set. ``None`` when no two people are connected.

    Source
    ------
    Leskovec, Kleinberg & Faloutsos (2007), "Graph evolution: densification and shrinking
    diameters", ACM TKDD 1(1), section 2 (effective diameter, with interpolation); SNAP
    ``snap-core/bfsdfs.h`` ``GetBfsEffDiam`` and ``anf.cpp`` ``CalcEffDiam``.

    Examples
    --------
    A path a - b - c: 3 pairs at 0 hops, 4 at 1, 2 at 2 (t = 8.1 of 9), so 1 + 1.1 / 2.

    >>> e = effective_diameter(ig.Graph(n=3, edges=[(0, 1), (1, 2)]), seed=1)
    >>> round(e.value, 2), e.estimated, e.sources
    (1.55, False, 3)

    Notes
    -----
    A graph where more than 90% of connected pairs are people paired with themselves (nearly
    everyone isolated) gets SNAP's value 1. Sampling sources uniformly estimates the distance
    distribution without bias; ``bench/analytics_effective_diameter.py`` times the estimate on
    10,000 people against the exact value.
    """
    n = u.vcount()
    per_source = n + 2 * u.ecount()
    if u.ecount() == 0:
        return EffectiveDiameter(None, False, n)
    if n * per_source <= work or min_sources >= n:
        return EffectiveDiameter(interpolated_percentile(hop_counts(u)), False, n)
    k = min(n - 1, max(min_sources, work // (per_source + HANDOVER_STEPS * n)))
    rng = np.random.default_rng(seed)
    sources = np.sort(rng.choice(n, size=k, replace=False)).tolist()
    counts = hop_counts(u, sources)
    value = interpolated_percentile(counts) if counts[1:].any() else None
    return EffectiveDiameter(value, True, k)


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
    ``triangles`` undirected; ``diameter`` undirected, largest weak component;
    ``effective_diameter`` the 90% effective diameter (:func:`effective_diameter`);
    ``ei_index`` (undirected) and ``ei_index_directed``;
    ``modularity_departments`` of the department partition (undirected simple, unweighted);
    Leiden communities; ``isolated``: people with no tie to anyone else (a tie to oneself
    does not count); ``peripheral``: core number ≤ 1 (isolated people included);
    ``load_concentration``: share of ties held by the top 5% of people; ``brokers`` (only with
    ``individuals``): the ``top_brokers`` people by betweenness, with Burt's constraint.

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
    >>> s.isolated["count"], round(s.effective_diameter.value, 3)
    (1, 0.833)
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
        effective_diameter=effective_diameter(u, seed=opts.seed),
        ei_index=ei_index(g, opts.min_group_size),
        ei_index_directed=ei_index_directed(g, opts.min_group_size),
        modularity_departments=float(u.modularity(membership)) if has_dept and u.ecount() else None,
        leiden=leiden(u, g.dept, seed=opts.seed),
        isolated=_people(deg == 0, g, opts),
        peripheral=_people(core <= 1, g, opts),
        load_concentration=load,
        brokers=brokers(u, g, frame) if opts.individuals else None,
    )


def _name(actor: str, opts: Any) -> str:
    return actor if opts.names else pseudonym(actor, opts.pseudonym_key)


def _people(mask: np.ndarray, g: Graph, opts: Any) -> dict[str, Any]:
    """How many people ``mask`` picks and their share; with ``individuals`` the first 100."""
    count = int(np.count_nonzero(mask))
    out: dict[str, Any] = {"count": count, "share": count / g.n if g.n else None}
    if opts.individuals:
        out["people"] = [_name(g.names[i], opts) for i in np.flatnonzero(mask)[:100]]
    return out


def brokers(u: ig.Graph, g: Graph, frame: Frame, *, top: int | None = None) -> dict[str, Any]:
    """Top brokers by betweenness, with Burt's constraint (lower = more brokerage).

    ``top`` people (default: the options' ``top_brokers``, 10). Individual-level: only
    returned when asked for, pseudonymised unless names are asked for.
    """
    opts = frame.options
    btw, estimated = betweenness(u, seed=opts.seed)
    order = np.argsort(-btw, kind="stable")[: opts.top_brokers if top is None else top]
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
