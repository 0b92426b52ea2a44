"""The department network map: departments as nodes, the ties between them as weighted edges,
each department's E-I index, silos named, small departments merged into their parent.

Pure: a :class:`~lumoflow.analytics.network.Graph` in, a :class:`DepartmentMap` out (positions
computed with igraph, for drawing).
"""

from __future__ import annotations

from dataclasses import dataclass

import igraph as ig
import numpy as np

from lumoflow.analytics.network import Graph

#: A department whose E-I index is at most this is a silo (Krackhardt & Stern: −1 = all ties
#: internal).
SILO_EI = -0.5
#: Where top-level departments under the threshold merge (the organisation itself).
ROOT = "Other departments"


@dataclass(frozen=True)
class DepartmentNode:
    department: str
    people: int | None  # None when the node itself is under the threshold (ROOT only)
    ei_index: float | None
    silo: bool
    merged: tuple[str, ...]  # departments under the threshold merged into this one
    x: float
    y: float
    suppressed: bool


@dataclass(frozen=True)
class DepartmentEdge:
    source: str
    target: str
    ties: int  # distinct pairs of people in touch across the two departments
    weight: int  # interactions along those ties


@dataclass(frozen=True)
class DepartmentMap:
    nodes: list[DepartmentNode]
    edges: list[DepartmentEdge]
    silos: list[str]
    min_group_size: int


def merge_small(sizes: dict[str, int], min_group_size: int) -> dict[str, str]:
    """Where each department goes: itself, or (under the threshold) its parent path, repeated
    until every group left is large enough; a top-level one goes to :data:`ROOT`.

    >>> merge_small({"Ops": 9, "Ops/Night": 2, "Board": 2, "Sales": 6}, 5)
    {'Ops': 'Ops', 'Ops/Night': 'Ops', 'Board': 'Other departments', 'Sales': 'Sales'}
    """
    target = {d: d for d in sizes}
    while True:
        size: dict[str, int] = {}
        for d, t in target.items():
            size[t] = size.get(t, 0) + sizes[d]
        small = [t for t, n in size.items() if n < min_group_size and t != ROOT]
        if not small:
            return target
        # the deepest first, so a small team joins its department before that is judged
        t = max(small, key=lambda p: (p.count("/"), p))
        parent = t.rsplit("/", 1)[0] if "/" in t else ROOT
        target = {d: (parent if x == t else x) for d, x in target.items()}


def department_map(g: Graph, min_group_size: int) -> DepartmentMap:
    """The departments of ``g`` (its people's department labels) as a network.

    Definition
    ----------
    * nodes: departments with their number of people (everyone listed, whether or not they
      interacted); a department with fewer than ``min_group_size`` people is merged into its
      parent (``Sales/Nordics`` into ``Sales``; a top-level one into "Other departments"), and
      the node says which it holds: nothing disappears silently. "Other departments" still under
      the threshold is shown without figures (suppressed). People without a department are left
      out;
    * edges: for two departments, the distinct pairs of people in touch across them (undirected,
      self-loops removed) and the interactions along those pairs;
    * ``ei_index``: Krackhardt & Stern's ``(E − I) / (E + I)`` over the pairs touching the
      department (E across, I inside), as :func:`~lumoflow.analytics.network.ei_index`, on the
      merged departments; a **silo** has ``ei_index ≤ −0.5``;
    * ``x``, ``y``: Kamada-Kawai positions of the department graph (igraph; deterministic from
      a circle), in [0, 1].

    Source
    ------
    Krackhardt & Stern (1988), "Informal networks and organizational crises"; Cross & Parker
    (2004), *The Hidden Power of Social Networks* (silos on department maps); Kamada & Kawai
    (1989) layout.

    Examples
    --------
    Four in sales talk among themselves, two of them to one person in support: support is too
    small, so it merges into "Other departments", which stays under the threshold: shown, named
    as holding support, without figures or edges. Sales has 3 pairs inside and 2 across:
    (2 − 3) / 5 = −0.2.

    >>> names = ["a", "b", "c", "d", "e"]
    >>> src, dst = np.array([0, 1, 2, 0, 1]), np.array([1, 2, 3, 4, 4])
    >>> m = department_map(Graph(names, src, dst, np.ones(5, dtype=np.int64),
    ...                          ["Sales"] * 4 + ["Support"]), 4)
    >>> [(n.department, n.people, n.ei_index, n.merged) for n in m.nodes]
    [('Other departments', None, None, ('Support',)), ('Sales', 4, -0.2, ())]
    >>> m.edges
    []
    """
    labels = np.array(g.dept, dtype=object).astype(str)
    named, counts = np.unique(labels[labels != ""], return_counts=True)
    sizes = {str(d): int(n) for d, n in zip(named, counts, strict=True)}
    where = merge_small(sizes, min_group_size)
    groups = sorted(set(where.values()))
    index = {d: i for i, d in enumerate(groups)}
    code = np.array([index[where[x]] if x else -1 for x in labels], dtype=np.int64)
    k = len(groups)
    people = np.bincount(code[code >= 0], minlength=k)
    a, b, weight = g.simple_pairs()
    ca, cb = code[a] if a.size else a, code[b] if b.size else b
    keep = (ca >= 0) & (cb >= 0)
    ca, cb, weight = ca[keep], cb[keep], weight[keep]
    inside = ca == cb
    internal = np.bincount(ca[inside], minlength=k)
    external = np.bincount(ca[~inside], minlength=k) + np.bincount(cb[~inside], minlength=k)
    lo, hi = np.minimum(ca[~inside], cb[~inside]), np.maximum(ca[~inside], cb[~inside])
    pair = lo * k + hi
    uniq, inverse = np.unique(pair, return_inverse=True)
    ties = np.bincount(inverse, minlength=uniq.size)
    w = np.bincount(inverse, weights=weight[~inside], minlength=uniq.size)
    hidden = people < min_group_size
    edges = [
        DepartmentEdge(groups[int(p // k)], groups[int(p % k)], int(t), int(round(x)))
        for p, t, x in zip(uniq, ties, w, strict=True)
        if not hidden[int(p // k)] and not hidden[int(p % k)]
    ]
    xy = _layout(k, [(index[e.source], index[e.target]) for e in edges])
    nodes = []
    for i, d in enumerate(groups):
        e, n = int(external[i]), int(internal[i])
        ei = None if hidden[i] or e + n == 0 else round((e - n) / (e + n), 6)
        merged = tuple(sorted(x for x, t in where.items() if t == d and x != d))
        nodes.append(
            DepartmentNode(
                department=d,
                people=None if hidden[i] else int(people[i]),
                ei_index=ei,
                silo=ei is not None and ei <= SILO_EI,
                merged=merged,
                x=xy[i][0],
                y=xy[i][1],
                suppressed=bool(hidden[i]),
            )
        )
    return DepartmentMap(nodes, edges, [n.department for n in nodes if n.silo], min_group_size)


def _layout(k: int, pairs: list[tuple[int, int]]) -> list[tuple[float, float]]:
    """Kamada-Kawai positions from a circle (deterministic), scaled into [0, 1]."""
    if k == 0:
        return []
    if k == 1:
        return [(0.5, 0.5)]
    g = ig.Graph(n=k, edges=pairs)
    start = g.layout_circle().coords
    coords = np.array(g.layout_kamada_kawai(seed=start).coords, dtype=float)
    span = coords.max(axis=0) - coords.min(axis=0)
    span[span == 0] = 1.0
    scaled = (coords - coords.min(axis=0)) / span
    return [(round(float(x), 4), round(float(y), 4)) for x, y in scaled]
