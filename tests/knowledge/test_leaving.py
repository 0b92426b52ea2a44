"""Someone who left or was removed from a workspace, on the pages: no restore, no edit, and (for a
private workspace) no page at all, from the moment it happens."""

from __future__ import annotations

from typing import Any

import pytest

from lumoflow.knowledge import actions
from lumoflow.workspaces import actions as ws

pytestmark = pytest.mark.django_db


def _two_revisions(org: Any, page_in: Any, space: Any) -> tuple[Any, int]:
    page = page_in(org.mia, space, body="v1")
    first = page.current_id
    editor = org.fred if space == org.launch else org.olivia
    actions.edit_wiki_page(editor, page.pk, base_revision=first, body="v2")
    return page, first


def test_who_left_a_public_workspace_reads_but_cannot_restore_on_the_page(
    org: Any, browser_client: Any, page_in: Any
) -> None:
    page, first = _two_revisions(org, page_in, org.launch)
    ws.remove_member(org.mia, org.launch.pk, username="mia")  # Mia leaves
    c = browser_client(org.mia)
    history = c.get(f"/wiki/{page.pk}/history").content.decode()
    assert "Restore</button>" not in history  # no button for a reader
    r = c.post(f"/wiki/{page.pk}/restore", {"revision": first}, follow=True)
    assert r.status_code == 200 and "Join" in r.content.decode()
    assert actions.queries.get_wiki_page_for(org.olivia, page.pk).current.body == "v2"
    assert c.post(f"/wiki/{page.pk}/edit", {"title": "x", "body": "x"}).status_code in (200, 403)
    assert actions.queries.get_wiki_page_for(org.olivia, page.pk).current.body == "v2"


def test_who_was_removed_from_a_private_workspace_loses_every_page_at_once(
    org: Any, browser_client: Any, page_in: Any
) -> None:
    page, first = _two_revisions(org, page_in, org.finance)
    c = browser_client(org.mia)
    assert c.get(f"/wiki/{page.pk}").status_code == 200  # cached for her now
    ws.remove_member(org.olivia, org.finance.pk, username="mia")
    for url in (
        f"/wiki/{page.pk}",
        f"/wiki/{page.pk}/history",
        f"/wiki/{page.pk}/diff",
        f"/workspaces/{org.finance.pk}/wiki",
    ):
        assert c.get(url).status_code == 404, url
    assert c.post(f"/wiki/{page.pk}/restore", {"revision": first}).status_code == 404
