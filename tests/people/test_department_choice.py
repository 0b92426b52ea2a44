"""People choose their department from the existing tree; only administrators (in the admin
site) and `people import` create departments. A profile naming a department that does not exist
used to create every missing part: `p0/p1/.../p999` made 1,000 departments."""

from __future__ import annotations

from typing import Any

from lumoflow.activity.models import ActivityEvent
from lumoflow.people.models import Department


def test_the_api_refuses_a_department_outside_the_tree(org: Any, api: Any) -> None:
    client = api(org.mia)
    before = (Department.objects.count(), ActivityEvent.objects.count())
    flood = "/".join(f"p{i}" for i in range(80))
    for path in ("Sales/Nordics/Oslo", flood):
        r = client.patch("/me", {"department": path})
        # a path naming no department of the tree names nothing: 404, saying which field
        assert r.status_code == 404, r.content
        assert "not one of the departments" in r.json()["errors"]["department"][0]
    assert (Department.objects.count(), ActivityEvent.objects.count()) == before
    org.mia.refresh_from_db()
    assert org.mia.department.path == "Sales/Nordics"


def test_the_api_takes_a_department_of_the_tree(org: Any, api: Any) -> None:
    count = Department.objects.count()
    r = api(org.mia).patch("/me", {"department": " Product / Platform "})
    assert r.status_code == 200 and r.json()["department"] == "Product/Platform"
    assert Department.objects.count() == count


def test_the_profile_form_offers_the_tree_and_refuses_others(org: Any, browser_client: Any) -> None:
    c = browser_client(org.mia)
    page = c.get("/profile").content.decode()
    assert '<select name="department"' in page
    for path in Department.objects.values_list("path", flat=True):
        assert f'value="{path}"' in page
    count = Department.objects.count()
    r = c.post("/profile", {"department": "Made/Up", "time_zone": ""})
    assert r.status_code == 200 and "not one of the departments" in r.content.decode()
    assert Department.objects.count() == count
    r = c.post("/profile", {"department": "Finance", "time_zone": ""})
    assert r.status_code == 302
    org.mia.refresh_from_db()
    assert org.mia.department.path == "Finance"
