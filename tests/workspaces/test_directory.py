"""The workspaces directory from the user's side: search by name or purpose, filters, sorts."""

from __future__ import annotations

import re
from typing import Any

import pytest

from lumoflow.conversation import actions as conversation
from lumoflow.workspaces import actions

pytestmark = pytest.mark.django_db


def _names(client: Any, query: str = "") -> list[str]:
    page = client.get(f"/workspaces{query}").content.decode()
    return re.findall(r'<h2><a href="/workspaces/\d+">([^<]+)</a></h2>', page)


def test_search_matches_words_of_the_name_or_the_purpose(org: Any, browser_client: Any) -> None:
    client = browser_client(org.mia)
    assert _names(client, "?q=launch") == ["Launch"]
    assert _names(client, "?q=books+fast") == ["Finance"]
    assert _names(client, "?q=books+product") == []
    # never a secret workspace she is not in, whatever she types
    assert _names(client, "?q=merger") == []


def test_filters_mine_public_private_and_archived(org: Any, browser_client: Any) -> None:
    # given: an archived public workspace
    old = actions.create_workspace(org.olivia, name="Old idea", purpose="Tried once.")
    actions.archive_workspace(org.olivia, old.pk)
    client = browser_client(org.otto)
    # then
    assert _names(client, "?show=mine") == []
    assert _names(client, "?show=public&sort=name") == ["Launch", "Old idea"]
    assert _names(client, "?show=private") == ["Finance"]
    assert _names(client, "?show=archived") == ["Old idea"]
    assert _names(browser_client(org.mia), "?show=mine&sort=name") == ["Finance", "Launch"]


def test_sorts_by_activity_name_members_and_newest(org: Any, browser_client: Any) -> None:
    # given: a newer, quieter workspace with one member and a busy Finance
    quiet = actions.create_workspace(org.otto, name="Audit", purpose="Check the books.")
    conversation.create_post(org.olivia, org.finance.pk, kind="update", body="Books closed")
    client = browser_client(org.olivia)
    # then: archived ones aside, each sort orders the cards as it says
    assert _names(client, "?sort=name") == ["Audit", "Finance", "Launch", "Merger"]
    assert _names(client, "?sort=members")[0] == "Launch"
    assert _names(client, "?sort=newest")[0] == "Audit"
    assert _names(client)[0] == "Finance"
    page = client.get("/workspaces").content.decode()
    assert "last post" in page and quiet.name in page


def test_filter_by_the_owners_department_counts_teams_below_it(
    org: Any, browser_client: Any
) -> None:
    # given: Otto (Finance) owns Audit; Olivia (Product/Platform) owns the fixture's workspaces
    actions.create_workspace(org.otto, name="Audit", purpose="Check the books.")
    client = browser_client(org.mia)
    # then
    assert _names(client, "?department=Finance") == ["Audit"]
    assert _names(client, "?department=Product&sort=name") == ["Finance", "Launch"]
    assert _names(client, "?department=Sales") == []
