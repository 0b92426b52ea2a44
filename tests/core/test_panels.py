"""A higher layer fills a slot of a lower layer's page (`core.panels`): the workspace page's
"Engagement targets" card keeps its own content until a panel is registered."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from lumoflow.core import panels
from lumoflow.workspaces.page import ENGAGEMENT


@pytest.fixture
def slot_saved() -> Iterator[None]:
    saved = panels._PANELS.get(ENGAGEMENT)
    yield
    if saved is None:
        panels.unregister(ENGAGEMENT)
    else:
        panels.register(ENGAGEMENT, saved)


def test_the_slot_keeps_the_page_content_without_a_panel(
    org: Any, browser_client: Any, slot_saved: None
) -> None:
    # given no panel for the slot
    panels.unregister(ENGAGEMENT)
    # when
    html = browser_client(org.mia).get(f"/workspaces/{org.launch.pk}").content.decode()
    # then the page's own card shows the three targets, and the marks are gone
    assert "Engagement targets" in html and "weekly active members" in html
    assert "<!--panel:" not in html and "<!--/panel:" not in html


def test_a_registered_panel_replaces_the_card_for_each_viewer(
    org: Any, browser_client: Any, slot_saved: None
) -> None:
    # given a panel that names the viewer and the role the page gives it
    def panel(request: Any, *, workspace: Any, role: str | None, marks: Any) -> str:
        return f"<p id=panel>{request.user.username} {workspace.name} {role}</p>"

    panels.register(ENGAGEMENT, panel)
    # when
    mia = browser_client(org.mia).get(f"/workspaces/{org.launch.pk}").content.decode()
    olivia = browser_client(org.olivia).get(f"/workspaces/{org.launch.pk}").content.decode()
    # then
    assert "<p id=panel>mia Launch member</p>" in mia and "weekly active members" not in mia
    assert "<p id=panel>olivia Launch owner</p>" in olivia


def test_a_panel_that_declines_leaves_the_page_card(
    org: Any, browser_client: Any, slot_saved: None
) -> None:
    panels.register(ENGAGEMENT, lambda request, **kw: None)
    html = browser_client(org.otto).get(f"/workspaces/{org.launch.pk}").content.decode()
    assert "weekly active members" in html


def test_fill_without_the_marks_changes_nothing() -> None:
    assert panels.fill("<p>plain</p>", ENGAGEMENT, None) == "<p>plain</p>"
