"""Screenshots of the pages people use most, for a reviewer to look at: the home feed, a
workspace, a thread, a person page and the two directories, at 1366 and 390 px wide, in the
light and the dark theme (var/screenshots/look-<page>-<width>-<scheme>.png), on the demo
company as its employee. Each page is also checked to show its heading, in either theme.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, TIMEOUT_MS, login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]

SIZES = ((1366, 900), (390, 844))
SCHEMES = ("light", "dark")


def _pages(demo: dict[str, Any]) -> dict[str, str]:
    from lumoflow.conversation.models import Post
    from lumoflow.people.models import User

    employee = User.objects.get(username=demo["logins"]["employee"]["username"])
    fading = demo["planted"]["fading_workspace"]["id"]
    thread = (
        Post.objects.filter(workspace_id=fading, thread__isnull=True, kind="question")
        .exclude(accepted_answer=None)
        .order_by("-created_at")
        .first()
    )
    assert thread is not None
    return {
        "home": "/",
        "workspace": f"/workspaces/{fading}",
        "thread": f"/posts/{thread.pk}",
        "person": f"/people/{employee.manager.username if employee.manager else 'admin'}",
        "workspaces": "/workspaces",
        "people": "/people",
    }


@pytest.mark.parametrize("scheme", SCHEMES)
def test_main_pages_at_both_widths(
    browser: Any, live_server: Any, demo: dict[str, Any], scheme: str
) -> None:
    pages = _pages(demo)
    for width, height in SIZES:
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale="en-GB", color_scheme=scheme
        )
        context.set_default_timeout(TIMEOUT_MS)
        tab = context.new_page()
        try:
            login(tab, live_server, demo["logins"]["employee"]["username"], DEMO_PASSWORD)
            for name, path in pages.items():
                tab.goto(f"{live_server.url}{path}")
                tab.wait_for_load_state("networkidle")
                expect(tab.get_by_role("heading", level=1)).to_be_visible()
                screenshot(tab, f"look-{name}-{width}-{scheme}")
        finally:
            context.close()
