"""The admin site: departments and people, saved through actions with their events."""

from __future__ import annotations

import pytest

from lumoflow.activity.models import ActivityEvent
from lumoflow.people import actions
from lumoflow.people.models import Department


@pytest.fixture
def root(org):
    return actions.ensure_admin("root", "a-long-admin-password")[0]


def test_admin_adds_a_department_under_a_parent(org, root, browser_client):
    c = browser_client(root)
    parent = Department.objects.get(path="Sales")
    r = c.post("/admin/people/department/add/", {"name": "Baltics", "parent": parent.pk})
    assert r.status_code == 302, r.content[:500]
    assert Department.objects.filter(path="Sales/Baltics").exists()
    assert ActivityEvent.objects.filter(
        actor=root, verb="person", object_type="department"
    ).exists()


def test_admin_deactivates_people_instead_of_deleting_them(org, root, browser_client):
    c = browser_client(root)
    r = c.post("/admin/people/user/", {"action": "deactivate", "_selected_action": [org.otto.pk]})
    assert r.status_code == 302
    org.otto.refresh_from_db()
    assert org.otto.is_active is False


def test_people_pages_in_admin_render(org, root, browser_client):
    c = browser_client(root)
    assert c.get("/admin/people/user/").status_code == 200
    assert c.get(f"/admin/people/user/{org.mia.pk}/change/").status_code == 200


def test_non_staff_cannot_use_admin(org, browser_client):
    assert browser_client(org.mia).get("/admin/people/user/").status_code == 302


def test_admin_cannot_delete_people(org, root, browser_client):
    r = browser_client(root).get(f"/admin/people/user/{org.otto.pk}/delete/")
    assert r.status_code == 403
