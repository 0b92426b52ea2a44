"""The department network map on small graphs worked out by hand, and its invariants."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lumoflow.analytics.department_map import ROOT, department_map, merge_small
from lumoflow.analytics.network import Graph


def _graph(depts: list[str], pairs: list[tuple[int, int]], weights: list[int] | None = None):
    src = np.array([a for a, _ in pairs], dtype=np.int64)
    dst = np.array([b for _, b in pairs], dtype=np.int64)
    w = np.array(weights or [1] * len(pairs), dtype=np.int64)
    return Graph([f"p{i}" for i in range(len(depts))], src, dst, w, depts)


def test_a_department_talking_only_to_itself_is_a_silo_and_the_bridge_is_an_edge():
    # given: ops (0-4) all talk inside, one tie to sales; sales (5-9) talk across a lot
    ops = [(0, 1), (1, 2), (2, 3), (3, 4), (0, 2), (1, 3), (2, 4), (0, 4)]
    sales = [(5, 6), (7, 8)]
    across = [(4, 5), (5, 4)]  # one pair, both ways: one tie of weight 2
    g = _graph(["Ops"] * 5 + ["Sales"] * 5, ops + sales + across)
    # when
    m = department_map(g, 5)
    # then: ops 8 inside, 1 across: (1 − 8) / 9; sales 2 inside, 1 across: (1 − 2) / 3
    by = {n.department: n for n in m.nodes}
    assert by["Ops"].ei_index == round(-7 / 9, 6) and by["Ops"].silo
    assert by["Sales"].ei_index == round(-1 / 3, 6) and not by["Sales"].silo
    assert by["Ops"].people == by["Sales"].people == 5
    assert m.silos == ["Ops"]
    assert [(e.source, e.target, e.ties, e.weight) for e in m.edges] == [("Ops", "Sales", 1, 2)]
    assert all(0 <= n.x <= 1 and 0 <= n.y <= 1 for n in m.nodes)


def test_small_teams_merge_into_their_department_and_say_so():
    # given: Sales/Nordics has 2 people, Sales/Iberia 3 (threshold 4): both join Sales
    depts = ["Sales/Nordics"] * 2 + ["Sales/Iberia"] * 3 + ["Support"] * 4
    g = _graph(depts, [(0, 2), (1, 3), (4, 5), (5, 6), (6, 7), (7, 8)])
    # when
    m = department_map(g, 4)
    # then
    names = {n.department: n for n in m.nodes}
    assert set(names) == {"Sales", "Support"}
    assert names["Sales"].merged == ("Sales/Iberia", "Sales/Nordics")
    assert names["Sales"].people == 5
    assert [(e.source, e.target, e.ties) for e in m.edges] == [("Sales", "Support", 1)]


def test_a_group_still_under_the_threshold_is_shown_without_figures_or_edges():
    g = _graph(["A"] * 5 + ["B"] * 2, [(0, 5), (1, 6), (2, 3)])
    m = department_map(g, 5)
    other = next(n for n in m.nodes if n.department == ROOT)
    assert other.suppressed and other.people is None and other.ei_index is None
    assert other.merged == ("B",)
    assert m.edges == []


def test_merging_goes_up_one_level_at_a_time():
    sizes = {"Eng": 3, "Eng/Web": 2, "Eng/Web/Front": 1, "Ops": 1}
    assert merge_small(sizes, 5) == {
        "Eng": "Eng",
        "Eng/Web": "Eng",
        "Eng/Web/Front": "Eng",
        "Ops": ROOT,
    }


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(["A", "A/x", "A/y", "B", "C/z"]), min_size=1, max_size=30),
    st.integers(min_value=1, max_value=8),
)
def test_nobody_disappears(depts, threshold):
    # given any departments and threshold
    sizes = {d: depts.count(d) for d in set(depts)}
    # when
    where = merge_small(sizes, threshold)
    # then every department lands somewhere, and every group but the root is large enough
    assert set(where) == set(sizes)
    totals: dict[str, int] = {}
    for d, t in where.items():
        totals[t] = totals.get(t, 0) + sizes[d]
    assert sum(totals.values()) == len(depts)
    assert all(n >= threshold for t, n in totals.items() if t != ROOT)
