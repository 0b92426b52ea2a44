"""Network figures against networkx as the oracle, on several graphs including the karate club."""

from __future__ import annotations

import math
import random
from typing import Any

import igraph as ig
import networkx as nx
import numpy as np
import pytest

from lumoflow.analytics.frame import Options, make_frame
from lumoflow.analytics.log import make_log
from lumoflow.analytics.network import (
    HANDOVER_STEPS,
    betweenness,
    build_graph,
    diameter,
    effective_diameter,
    hop_counts,
    network_summary,
)

from .conftest import frame_of, rows


def _log_from_digraph(g: nx.DiGraph, dept: dict[Any, str]) -> Any:
    events = [
        {
            "event_id": str(i),
            "ts": "2024-03-04",
            "actor": str(u),
            "verb": "message",
            "target_actor": str(v),
        }
        for i, (u, v) in enumerate(g.edges())
    ]
    people = [{"actor": str(n), "department": dept.get(n, "")} for n in g.nodes()]
    return make_log(events, people)


def _karate() -> tuple[nx.DiGraph, dict[Any, str]]:
    k = nx.karate_club_graph()
    d = nx.DiGraph()
    d.add_nodes_from(k.nodes())
    d.add_edges_from(k.edges())  # one direction per tie, as messages
    return d, {n: k.nodes[n]["club"] for n in k.nodes()}


def _random(seed: int, n: int = 80, p: float = 0.05) -> tuple[nx.DiGraph, dict[Any, str]]:
    d = nx.gnp_random_graph(n, p, seed=seed, directed=True)
    rng = random.Random(seed)
    d.add_edges_from((v, v) for v in rng.sample(range(n), 6))  # self-loops
    d.add_nodes_from(range(n, n + 5))  # isolated people
    dept = {v: rng.choice(["a", "b", "c", "d", ""]) for v in d.nodes()}
    return d, dept


def _components() -> tuple[nx.DiGraph, dict[Any, str]]:
    d = nx.DiGraph(nx.path_graph(7, create_using=nx.DiGraph))
    d.add_edges_from([(10, 11), (11, 12), (12, 10), (20, 20), (21, 22), (22, 21)])
    return d, {v: "x" if v < 10 else "y" for v in d.nodes()}


GRAPHS = {
    "karate": _karate,
    "random1": lambda: _random(1),
    "random7": lambda: _random(7),
    "components": _components,
}


def _oracle(d: nx.DiGraph, dept: dict[Any, str]) -> dict[str, Any]:
    u = nx.Graph(d.to_undirected())
    u.remove_edges_from(nx.selfloop_edges(u))
    no_loops = nx.DiGraph(d)
    no_loops.remove_edges_from(nx.selfloop_edges(no_loops))
    wccs = sorted(nx.weakly_connected_components(d), key=len)
    sccs = sorted(nx.strongly_connected_components(d), key=len)
    lcc = u.subgraph(max(nx.connected_components(u), key=len))
    internal = sum(1 for a, b in u.edges() if dept[a] and dept[b] and dept[a] == dept[b])
    external = sum(1 for a, b in u.edges() if dept[a] and dept[b] and dept[a] != dept[b])
    groups: dict[str, set[Any]] = {}
    for v in u.nodes():
        groups.setdefault(dept[v] or f"__{v}", set()).add(v)
    return {
        "nodes": d.number_of_nodes(),
        "edges": d.number_of_edges(),
        "self_loops": nx.number_of_selfloops(d),
        "reciprocity": nx.overall_reciprocity(d),
        "density": nx.density(no_loops),
        "components_weak": len(wccs),
        "components_strong": len(sccs),
        "largest_wcc_nodes": len(wccs[-1]),
        "largest_wcc_edges": d.subgraph(wccs[-1]).number_of_edges(),
        "largest_scc_nodes": len(sccs[-1]),
        "largest_scc_edges": d.subgraph(sccs[-1]).number_of_edges(),
        "avg_clustering": nx.average_clustering(u),
        "triangles": sum(nx.triangles(u).values()) // 3,
        "diameter": nx.diameter(lcc),
        "ei": (external - internal) / (external + internal) if external + internal else None,
        "modularity": nx.community.modularity(u, list(groups.values())),
        "peripheral": sum(1 for c in nx.core_number(u).values() if c <= 1),
        "isolated": nx.number_of_isolates(u),
        "effective_diameter": _snap_effective_diameter(u),
        "ei_directed": _directed_ei(no_loops, dept),
        "betweenness": nx.betweenness_centrality(u, normalized=False),
        "u": u,
    }


def _snap_effective_diameter(u: nx.Graph) -> float | None:
    """SNAP's GetBfsEffDiam from every person, written plainly over networkx's distances."""
    hist: dict[int, int] = {}
    for _, lengths in nx.all_pairs_shortest_path_length(u):
        for d in lengths.values():
            hist[d] = hist.get(d, 0) + 1
    if max(hist) == 0:
        return None
    target = 0.9 * sum(hist.values())
    below = 0
    for d in range(max(hist) + 1):
        within = below + hist[d]
        if within > target:
            return 1.0 if d == 0 else d - 1 + (target - below) / (within - below)
        below = within
    raise AssertionError("unreachable")


def _directed_ei(d: nx.DiGraph, dept: dict[Any, str]) -> dict[str, Any]:
    """E-I over directed ties by hand: overall, and per department as sender and receiver."""
    known = [(a, b) for a, b in d.edges() if dept[a] and dept[b]]

    def ei(ties: list[tuple[Any, Any]]) -> float | None:
        e = sum(1 for a, b in ties if dept[a] != dept[b])
        i = len(ties) - e
        return (e - i) / (e + i) if ties else None

    groups = {g for g in dept.values() if g}
    return {
        "overall": ei(known),
        "sent": {g: ei([t for t in known if dept[t[0]] == g]) for g in groups},
        "received": {g: ei([t for t in known if dept[t[1]] == g]) for g in groups},
    }


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_summary_matches_networkx(name: str) -> None:
    # given
    d, dept = GRAPHS[name]()
    expected = _oracle(d, dept)
    # when
    s = network_summary(make_frame(_log_from_digraph(d, dept), options=Options(min_group_size=1)))
    # then
    for key in (
        "nodes",
        "edges",
        "self_loops",
        "components_weak",
        "components_strong",
        "largest_wcc_nodes",
        "largest_wcc_edges",
        "largest_scc_nodes",
        "largest_scc_edges",
        "triangles",
        "diameter",
    ):
        assert getattr(s, key) == expected[key], key
    for key in ("reciprocity", "density", "avg_clustering"):
        assert getattr(s, key) == pytest.approx(expected[key], abs=1e-12), key
    assert s.ei_index.overall == pytest.approx(expected["ei"])
    assert s.modularity_departments == pytest.approx(expected["modularity"], abs=1e-12)
    assert s.peripheral["count"] == expected["peripheral"]
    assert s.isolated["count"] == expected["isolated"]
    assert s.isolated["share"] == pytest.approx(expected["isolated"] / expected["nodes"])
    assert not s.effective_diameter.estimated
    assert s.effective_diameter.sources == expected["nodes"]
    assert s.effective_diameter.value == pytest.approx(expected["effective_diameter"], abs=1e-12)


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_directed_ei_index_matches_hand_count(name: str) -> None:
    # given
    d, dept = GRAPHS[name]()
    expected = _oracle(d, dept)["ei_directed"]
    # when
    log = _log_from_digraph(d, dept)
    got = network_summary(make_frame(log, options=Options(min_group_size=1))).ei_index_directed
    # then
    assert got.overall == pytest.approx(expected["overall"], abs=1e-12)
    for side in ("sent", "received"):
        by = getattr(got, f"{side}_by_department")
        assert set(by) == set(expected[side]), side
        for group, want in expected[side].items():
            assert by[group].value == (None if want is None else pytest.approx(want)), group
            assert by[group].people == sum(1 for v in d.nodes() if dept[v] == group)


def test_directed_ei_index_differs_when_exchanges_are_two_way_inside_only() -> None:
    # given: sales write to each other both ways; one sales person writes to support
    d = nx.DiGraph([("ann", "bob"), ("bob", "ann"), ("ann", "cy")])
    dept = {"ann": "sales", "bob": "sales", "cy": "support"}
    # when
    s = network_summary(make_frame(_log_from_digraph(d, dept), options=Options(min_group_size=1)))
    # then: one pair each way undirected, two internal ties to one external directed
    assert s.ei_index.overall == 0
    assert s.ei_index_directed.overall == pytest.approx(-1 / 3)
    assert s.ei_index_directed.sent_by_department["support"].value is None
    assert s.ei_index_directed.received_by_department["support"].value == 1.0
    assert s.ei_index_directed.received_by_department["sales"].value == -1.0


def test_directed_ei_index_of_small_departments_is_suppressed() -> None:
    d, dept = _karate()
    s = network_summary(make_frame(_log_from_digraph(d, dept), options=Options(min_group_size=20)))
    sizes = {g: sum(1 for v in dept.values() if v == g) for g in set(dept.values())}
    for by in (s.ei_index_directed.sent_by_department, s.ei_index_directed.received_by_department):
        for group, got in by.items():
            assert got.suppressed == (sizes[group] < 20), group
            assert got.suppressed == (got.value is None), group


def test_isolated_people_have_no_tie_but_to_themselves() -> None:
    # given: ann and bob talk, cy writes only to herself, dee is listed and silent
    events = rows(
        ("2024-03-04T09:00Z", "ann", "message", {"target_actor": "bob"}),
        ("2024-03-04T09:00Z", "cy", "message", {"target_actor": "cy"}),
    )
    people = [{"actor": a, "department": "x"} for a in ("ann", "bob", "cy", "dee")]
    # when
    s = network_summary(frame_of(events, people=people, individuals=True, names=True))
    # then
    assert s.isolated == {"count": 2, "share": 0.5, "people": ["cy", "dee"]}
    hidden = network_summary(frame_of(events, people=people))
    assert hidden.isolated == {"count": 2, "share": 0.5}


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_hop_counts_from_every_source_equal_the_path_length_histogram(name: str) -> None:
    d, dept = GRAPHS[name]()
    u = build_graph(make_frame(_log_from_digraph(d, dept))).undirected_simple()
    exact = hop_counts(u)
    searched = hop_counts(u, list(range(u.vcount())))
    assert searched.tolist() == exact.tolist()
    assert exact.sum() == sum(len(c) ** 2 for c in nx.connected_components(_oracle(d, dept)["u"]))


def test_effective_diameter_is_sampled_above_the_work_budget() -> None:
    # given a 3,000-person small world, and a budget that fits 250 searches
    nxg = nx.connected_watts_strogatz_graph(3000, 6, 0.05, seed=2)
    u = ig.Graph(n=3000, edges=list(nxg.edges()))
    exact = effective_diameter(u, seed=1)
    budget = 250 * (u.vcount() + 2 * u.ecount() + HANDOVER_STEPS * u.vcount())
    # when
    first = effective_diameter(u, seed=1, work=budget)
    again = effective_diameter(u, seed=1, work=budget)
    # then: labelled, reproducible, and close to the exact value
    assert not exact.estimated and exact.sources == 3000
    assert first.estimated and first.sources == 250
    assert first == again
    assert first.value == pytest.approx(exact.value, abs=0.1)
    print(f"effective diameter exact {exact.value:.3f}, from 250 people {first.value:.3f}")


def test_effective_diameter_takes_at_least_the_minimum_sample() -> None:
    nxg = nx.connected_watts_strogatz_graph(1000, 4, 0.1, seed=3)
    u = ig.Graph(n=1000, edges=list(nxg.edges()))
    e = effective_diameter(u, seed=1, work=1000, min_sources=120)
    assert e.estimated and e.sources == 120 and e.value is not None


def test_effective_diameter_without_ties_is_none() -> None:
    # given people who only ever write to themselves
    events = rows(("2024-03-04T09:00Z", "ann", "message", {"target_actor": "ann"}))
    people = [{"actor": a} for a in ("ann", "bob")]
    # when
    s = network_summary(frame_of(events, people=people))
    # then
    assert s.effective_diameter.value is None and not s.effective_diameter.estimated
    assert s.isolated["count"] == 2


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_ei_index_by_department_matches_hand_count(name: str) -> None:
    d, dept = GRAPHS[name]()
    u = _oracle(d, dept)["u"]
    s = network_summary(make_frame(_log_from_digraph(d, dept), options=Options(min_group_size=1)))
    for group, got in s.ei_index.by_department.items():
        inside = sum(1 for a, b in u.edges() if dept[a] == group and dept[b] == group)
        outside = sum(
            1
            for a, b in u.edges()
            if dept[a] and dept[b] and (dept[a] == group) != (dept[b] == group)
        )
        want = (outside - inside) / (outside + inside) if outside + inside else None
        assert got.value == (pytest.approx(want) if want is not None else None), group
        assert got.people == sum(1 for v in d.nodes() if dept[v] == group)


def test_karate_club_has_34_people_78_ties_and_leiden_reaches_best_modularity() -> None:
    d, dept = _karate()
    s = network_summary(make_frame(_log_from_digraph(d, dept), options=Options(min_group_size=1)))
    assert (s.nodes, s.edges) == (34, 78)
    # published best possible modularity of the karate club is 0.4198
    assert 0.40 <= s.leiden["modularity"] <= 0.4198 + 1e-4
    assert s.leiden["nmi_departments"] is not None and s.leiden["nmi_departments"] > 0.4


def test_leiden_is_deterministic_with_the_fixed_seed() -> None:
    d, dept = _random(3, n=150, p=0.04)
    log = _log_from_digraph(d, dept)
    a = network_summary(make_frame(log, options=Options(min_group_size=1))).leiden
    b = network_summary(make_frame(log, options=Options(min_group_size=1))).leiden
    assert a == b


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_brokers_betweenness_matches_networkx(name: str) -> None:
    d, dept = GRAPHS[name]()
    expected = _oracle(d, dept)["betweenness"]
    s = network_summary(
        make_frame(
            _log_from_digraph(d, dept),
            options=Options(min_group_size=1, individuals=True, names=True),
        )
    )
    assert s.brokers is not None and not s.brokers["estimated"]
    for b in s.brokers["top"]:
        assert b.betweenness == pytest.approx(expected[int(b.person)], abs=1e-9)
    top = sorted(expected.values(), reverse=True)[: len(s.brokers["top"])]
    assert [b.betweenness for b in s.brokers["top"]] == pytest.approx(top)


def test_brokers_list_as_many_people_as_asked() -> None:
    d, dept = _karate()
    log = _log_from_digraph(d, dept)
    for top, want in ((3, 3), (10, 10), (100, 34)):
        opts = Options(min_group_size=1, individuals=True, top_brokers=top)
        s = network_summary(make_frame(log, options=opts))
        assert s.brokers is not None and len(s.brokers["top"]) == want, top


def test_brokers_are_pseudonymised_unless_names_are_asked_for() -> None:
    d, dept = _karate()
    s = network_summary(
        make_frame(_log_from_digraph(d, dept), options=Options(min_group_size=1, individuals=True))
    )
    assert s.brokers is not None
    assert all(b.person.startswith("person-") for b in s.brokers["top"])
    hidden = network_summary(make_frame(_log_from_digraph(d, dept), options=Options()))
    assert hidden.brokers is None and "people" not in hidden.peripheral


def test_estimated_betweenness_and_diameter_above_the_limit() -> None:
    # given a graph, forced over the exact limit
    d = nx.connected_watts_strogatz_graph(600, 6, 0.1, seed=4)
    log = _log_from_digraph(nx.DiGraph(d), {})
    u = build_graph(make_frame(log)).undirected_simple()
    exact, _ = betweenness(u, seed=1)
    # when
    est, estimated = betweenness(u, seed=1, exact_limit=100, pivots=300)
    dia, dia_est = diameter(u, seed=1, exact_limit=100)
    # then: estimates are marked, the ranking agrees, the diameter bound is tight here
    assert estimated and dia_est
    top_exact = set(np.argsort(-exact)[:20])
    top_est = set(np.argsort(-est)[:20])
    assert len(top_exact & top_est) >= 12
    assert est.sum() == pytest.approx(exact.sum(), rel=0.15)
    assert nx.diameter(d) - 1 <= dia <= nx.diameter(d)


def test_replies_and_reactions_tie_to_the_parent_author() -> None:
    events = rows(
        ("2024-03-04T09:00Z", "ann", "post", {"object_id": "p1"}),
        ("2024-03-04T10:00Z", "bob", "reply", {"object_id": "r1", "parent_id": "p1"}),
        ("2024-03-04T11:00Z", "cy", "reaction", {"parent_id": "r1"}),
        ("2024-03-04T12:00Z", "ann", "mention", {"target_actor": "dee"}),
        ("2024-03-04T12:00Z", "ann", "view", {"object_id": "r1"}),
    )
    g = build_graph(frame_of(events))
    ties = {
        (g.names[a], g.names[b]): int(w) for a, b, w in zip(g.src, g.dst, g.weight, strict=True)
    }
    assert ties == {("bob", "ann"): 1, ("cy", "bob"): 1, ("ann", "dee"): 1}
    assert math.isclose(network_summary(frame_of(events)).density or 0, 3 / 12)


def test_parent_author_of_simultaneous_edits_does_not_depend_on_row_order() -> None:
    # given a page edited by two people in the same second, and a reply to it
    events = rows(
        ("2024-03-04T09:00Z", "bob", "wiki_edit", {"object_id": "page"}),
        ("2024-03-04T09:00Z", "ann", "wiki_edit", {"object_id": "page"}),
        ("2024-03-04T10:00Z", "cy", "reply", {"object_id": "r1", "parent_id": "page"}),
    )
    events[0]["event_id"], events[1]["event_id"] = "e1", "e0"
    # when the rows come in either order
    graphs = [build_graph(frame_of(order)) for order in (events, events[::-1])]
    # then the first authoring event by (time, event id) names the author
    for g in graphs:
        assert [(g.names[a], g.names[b]) for a, b in zip(g.src, g.dst, strict=True)] == [
            ("cy", "ann")
        ]


def test_diameter_is_estimated_when_the_exact_search_would_exceed_its_work() -> None:
    # given: 40 hubs around a centre, 25 people on each: most people are on the farthest level
    edges = [(0, h) for h in range(1, 41)]
    edges += [(h, 41 + 25 * (h - 1) + i) for h in range(1, 41) for i in range(25)]
    u = ig.Graph(n=1041, edges=edges)
    steps = u.vcount() + 2 * u.ecount()
    # when
    exact = diameter(u, seed=1)
    capped = diameter(u, seed=1, work=100 * steps)
    # then: iFUB needs a search from each of the ~1,000 farthest people; capped, the sweeps answer
    assert exact == (nx.diameter(nx.Graph(edges)), False) == (4, False)
    assert capped == (4, True)


def test_diameter_is_the_largest_component_s_even_when_the_busiest_person_is_elsewhere() -> None:
    # given: a path of 30 people, and apart from it a star of 13 around the busiest person
    g = nx.disjoint_union(nx.path_graph(30), nx.star_graph(12))
    u = ig.Graph(n=g.number_of_nodes(), edges=list(g.edges()))
    # when / then: exact, and the double sweeps stay inside the path too
    assert diameter(u, seed=1) == (29, False)
    assert diameter(u, seed=1, exact_limit=10) == (29, True)


@pytest.mark.parametrize("seed", range(6))
def test_ifub_diameter_is_exact(seed: int) -> None:
    from lumoflow.analytics.network import ifub_diameter

    graphs = [
        nx.connected_watts_strogatz_graph(300, 4, 0.05, seed=seed),
        nx.random_labeled_tree(120, seed=seed),
        nx.barabasi_albert_graph(400, 2, seed=seed),
    ]
    for g in graphs:
        u = __import__("igraph").Graph(n=g.number_of_nodes(), edges=list(g.edges()))
        assert ifub_diameter(u) == nx.diameter(g)
