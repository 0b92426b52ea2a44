"""End-to-end figures on the real SNAP data sets.

Reads ``<repo>/../shared/datasets`` (skipped when absent, mandatory with CI=true); the expected
values are the published ones quoted in each folder's SOURCE.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from lumoflow.analytics.cli import main
from lumoflow.analytics.fading import VERDICTS, fading_signal
from lumoflow.analytics.frame import make_frame, weeks_of
from lumoflow.analytics.participation import participation
from lumoflow.analytics.readers import load_input

from .conftest import dataset

pytestmark = pytest.mark.datasets

# SNAP email-Eu-core, from email-eu-core/SOURCE.md
SNAP = {
    "nodes": 1005,
    "edges": 25571,
    "largest_wcc_nodes": 986,
    "largest_wcc_edges": 25552,
    "largest_scc_nodes": 803,
    "largest_scc_edges": 24729,
    "triangles": 105461,
    "diameter": 7,
    "self_loops": 642,
}
# email-eu-core-temporal-depts/SOURCE.md: nodes, temporal edges, static edges
DEPTS = {1: (309, 61046, 3031), 2: (162, 46772, 1772), 3: (89, 12216, 1506), 4: (142, 48141, 1375)}


@pytest.fixture(scope="module")
def eu_core(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    edges = dataset("email-eu-core", "email-Eu-core.txt")
    labels = dataset("email-eu-core", "email-Eu-core-department-labels.txt")
    out = tmp_path_factory.mktemp("eu") / "report.json"
    code = main([str(edges), "--people", str(labels), "--format", "json", "--out", str(out)])
    assert code == 0
    data: dict[str, object] = json.loads(out.read_text())
    return data


def test_email_eu_core_reproduces_the_snap_table(eu_core: dict[str, dict[str, object]]) -> None:
    net = eu_core["network"]
    for key, want in SNAP.items():
        assert net[key] == want, key
    assert round(float(net["avg_clustering"]), 4) == 0.3994  # type: ignore[arg-type]
    assert net["estimated"] is False
    assert len(net["ei_index"]["by_department"]) == 42  # type: ignore[index]


def _eu_core_oracle() -> tuple[nx.DiGraph, dict[int, str]]:
    """email-Eu-core straight from the files, as networkx reads them, and each node's department."""
    g = nx.read_edgelist(
        dataset("email-eu-core", "email-Eu-core.txt"), nodetype=int, create_using=nx.DiGraph
    )
    dept = {}
    for line in dataset("email-eu-core", "email-Eu-core-department-labels.txt").open():
        node, d = line.split()
        dept[int(node)] = d
        g.add_node(int(node))
    return g, dept


def test_email_eu_core_ei_index_and_modularity_match_networkx(
    eu_core: dict[str, dict[str, object]],
) -> None:
    # given: the oracle, built straight from the files
    g, dept = _eu_core_oracle()
    u = nx.Graph(g.to_undirected())
    u.remove_edges_from(nx.selfloop_edges(u))
    internal = sum(1 for a, b in u.edges() if dept[a] == dept[b])
    external = u.number_of_edges() - internal
    groups: dict[str, set[int]] = {}
    for n, d in dept.items():
        groups.setdefault(d, set()).add(n)
    # then
    net = eu_core["network"]
    assert net["ei_index"]["overall"] == pytest.approx(  # type: ignore[index]
        (external - internal) / (external + internal), abs=1e-12
    )
    assert net["modularity_departments"] == pytest.approx(
        nx.community.modularity(u, list(groups.values())), abs=1e-12
    )
    assert net["reciprocity"] == pytest.approx(nx.overall_reciprocity(g), abs=1e-12)


def test_email_eu_core_effective_diameter_is_the_published_2_9(
    eu_core: dict[str, dict[str, object]],
) -> None:
    # SNAP publishes the 90-percentile effective diameter as 2.9 (email-eu-core/SOURCE.md)
    eff = eu_core["network"]["effective_diameter"]
    assert eff["estimated"] is False and eff["sources"] == 1005  # type: ignore[index]
    assert round(float(eff["value"]), 1) == 2.9  # type: ignore[index]


def test_email_eu_core_isolated_people_and_directed_ei_match_networkx(
    eu_core: dict[str, dict[str, object]],
) -> None:
    # given: the oracle, built straight from the files
    g, dept = _eu_core_oracle()
    g.remove_edges_from(nx.selfloop_edges(g))
    external = sum(1 for a, b in g.edges() if dept[a] != dept[b])
    internal = g.number_of_edges() - external
    # then
    net = eu_core["network"]
    assert net["isolated"]["count"] == nx.number_of_isolates(g) == 19  # type: ignore[index]
    assert net["ei_index_directed"]["overall"] == pytest.approx(  # type: ignore[index]
        (external - internal) / (external + internal), abs=1e-12
    )


@pytest.mark.parametrize("dept", sorted(DEPTS))
def test_temporal_departments_run_fading_and_participation(dept: int) -> None:
    # given
    path = dataset("email-eu-core-temporal-depts", f"email-Eu-core-temporal-Dept{dept}.txt")
    nodes, temporal, static = DEPTS[dept]
    log, fmt = load_input(path)
    frame = make_frame(log)
    # when
    p = participation(frame)
    f = fading_signal(frame)
    # then: the counts of SOURCE.md, and series over the ~803 days (115 or 116 ISO weeks)
    assert fmt == "edges" and log.events.num_rows == temporal
    assert p.members == nodes and p.contributions == temporal
    assert 114 <= len(weeks_of(frame)) <= 116 and len(p.weekly) == len(weeks_of(frame))
    assert sum(w.people or 0 for w in p.weekly) > 0
    assert f.verdict in VERDICTS
    # weeks tested: whole weeks outside the hole (see test_fading_datasets)
    assert f.evidence and 0 < f.trends["active_contributors"].weeks < len(p.weekly)


def test_temporal_department_network_has_the_published_static_edges(tmp_path: Path) -> None:
    path = dataset("email-eu-core-temporal-depts", "email-Eu-core-temporal-Dept3.txt")
    out = tmp_path / "d3.json"
    assert main([str(path), "--format", "json", "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    assert (data["network"]["nodes"], data["network"]["edges"]) == (89, 1506)
    assert data["network"]["self_loops"] == 0
    assert data["input"]["first_ts"].startswith("2000-01-01")
