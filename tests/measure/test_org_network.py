"""The department network map (`/org/network`, `GET /api/v1/org/network`) from the store:
executives only, small departments merged into their parent, the chart and its table."""

from __future__ import annotations

import pytest

from lumoflow.people import actions as people

pytestmark = pytest.mark.django_db


@pytest.fixture
def executive(busy, settings):
    # Sales and IT have 4 people each, Product 2 and Finance 1: at a threshold of 3, the last
    # two merge into "Other departments"
    settings.LUMOFLOW_MIN_GROUP_SIZE = 3
    people.grant_capability(busy.ada, "mia", "executive")
    return busy


def test_an_executive_reads_the_department_map(executive, api):
    # when
    r = api(executive.mia).get("/org/network")
    # then
    assert r.status_code == 200, r.content[:500]
    body = r.json()
    nodes = {n["department"]: n for n in body["nodes"]}
    assert set(nodes) == {"IT", "Sales", "Other departments"}
    assert nodes["Other departments"]["merged"] == ["Finance", "Product"]
    assert nodes["Sales"]["people"] == 4 and nodes["IT"]["people"] == 4
    assert body["min_group_size"] == 3
    assert all(-1 <= n["ei_index"] <= 1 for n in nodes.values() if n["ei_index"] is not None)
    assert {(e["source"], e["target"]) for e in body["edges"]} <= {
        ("IT", "Sales"),
        ("IT", "Other departments"),
        ("Other departments", "Sales"),
    }
    assert body["silos"] == [n for n in sorted(nodes) if nodes[n]["silo"]]


@pytest.mark.parametrize("who", ["olivia", "otto"])
def test_non_executives_get_403(executive, api, browser_client, who):
    assert api(getattr(executive, who)).get("/org/network").status_code == 403
    assert browser_client(getattr(executive, who)).get("/org/network").status_code == 403


def test_the_page_draws_the_map_with_its_table(executive, browser_client):
    r = browser_client(executive.mia).get("/org/network")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Departments and the ties between them" in html
    assert "<svg" in html  # drawn without JavaScript too
    assert "Other departments" in html and "Finance, Product" in html
    assert "Merger" not in html


def test_at_the_default_threshold_every_department_merges_and_nothing_disappears(busy, api):
    people.grant_capability(busy.ada, "mia", "executive")
    body = api(busy.mia).get("/org/network").json()
    (node,) = body["nodes"]
    assert node["department"] == "Other departments"
    assert node["merged"] == ["Finance", "IT", "Product", "Sales"]
    assert node["people"] == 11 and body["edges"] == []
