"""The members page: search, filter by role, paging, and one menu per row for the role and
removal (a <details> menu, working without JavaScript)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from lumoflow.workspaces.models import Membership

from ..conftest import make_person

pytestmark = pytest.mark.django_db


def _people(html: str) -> list[str]:
    return re.findall(r'<span class="muted">@(\w+)</span>', html)


def test_search_and_role_filter_narrow_the_list(org: Any, browser_client: Any) -> None:
    c = browser_client(org.olivia)
    page = f"/workspaces/{org.launch.pk}/members"
    # everyone: owners first, then facilitators, then members
    assert _people(c.get(page).content.decode()) == ["olivia", "fred", "mia"]
    # by any word of a name or username, in any case
    assert _people(c.get(page, {"q": "MI"}).content.decode()) == ["mia"]
    assert _people(c.get(page, {"role": "facilitator"}).content.decode()) == ["fred"]
    html = c.get(page, {"q": "mia", "role": "owner"}).content.decode()
    assert _people(html) == [] and "Nobody matches." in html
    # an unknown role filters nothing
    assert len(_people(c.get(page, {"role": "king"}).content.decode())) == 3


def test_requests_to_join_are_a_filter_of_their_own(org: Any, browser_client: Any) -> None:
    from lumoflow.workspaces import actions as ws

    make_person("rita")
    ws.update_workspace(org.olivia, org.launch.pk, visibility="private")
    from lumoflow.people.models import User

    ws.join_workspace(User.objects.get(username="rita"), org.launch.pk)
    html = (
        browser_client(org.olivia)
        .get(f"/workspaces/{org.launch.pk}/members", {"role": "requested"})
        .content.decode()
    )
    assert _people(html) == ["rita"] and "Approve" in html and "Decline" in html
    # declining from the menu takes the request away
    browser_client(org.olivia).post(f"/workspaces/{org.launch.pk}/members", {"remove": "rita"})
    assert not Membership.objects.filter(workspace=org.launch, user__username="rita").exists()


def test_pages_keep_the_filter(org: Any, browser_client: Any, monkeypatch: Any) -> None:
    from lumoflow.workspaces import actions as ws
    from lumoflow.workspaces import views

    monkeypatch.setattr(views, "MEMBERS_PER_PAGE", 2)
    for name in ("ann", "anna", "annika"):
        make_person(name)
        ws.add_member(org.olivia, org.launch.pk, username=name)
    c = browser_client(org.olivia)
    page = f"/workspaces/{org.launch.pk}/members"
    first = c.get(page, {"q": "ann", "role": "member"}).content.decode()
    assert _people(first) == ["ann", "anna"] and "Page 1 of 2" in first
    assert 'href="?q=ann&amp;role=member&amp;page=2"' in first
    second = c.get(page, {"q": "ann", "role": "member", "page": "2"}).content.decode()
    assert _people(second) == ["annika"]
    # a page out of range or not a number shows the nearest page
    assert _people(c.get(page, {"q": "ann", "page": "9"}).content.decode()) == ["annika"]
    assert _people(c.get(page, {"q": "ann", "page": "x"}).content.decode()) == ["ann", "anna"]


def test_one_menu_per_row_changes_the_role_or_removes(org: Any, browser_client: Any) -> None:
    c = browser_client(org.olivia)
    page = f"/workspaces/{org.launch.pk}/members"
    html = c.get(page).content.decode()
    # one menu per row, and removal only inside it
    assert html.count('<details class="row-menu">') == 3
    rows = html.split('<details class="row-menu">')
    assert "Remove" not in rows[0] and all("Remove from workspace" in r for r in rows[1:])
    # when the owner makes Mia a facilitator from her row (the list filtered), the filter stays
    r = c.post(f"{page}?q=mia", {"username": "mia", "role": "facilitator"})
    assert r.status_code == 302 and r["Location"] == f"{page}?q=mia"
    assert Membership.objects.get(workspace=org.launch, user=org.mia).role == "facilitator"
    # and removes her
    r = c.post(page, {"remove": "mia"})
    assert r.status_code == 302
    assert not Membership.objects.filter(
        workspace=org.launch, user=org.mia, status="active"
    ).exists()


def test_a_refused_change_says_why(org: Any, browser_client: Any) -> None:
    c = browser_client(org.olivia)
    page = f"/workspaces/{org.launch.pk}/members"
    r = c.post(page, {"username": "olivia", "role": "member"}, follow=True)
    assert "The last owner cannot step down" in r.content.decode()
