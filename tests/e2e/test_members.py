"""The members page on a phone, without JavaScript: a row's Manage menu opens, fits the screen,
and changes a role with a plain form post. Saves var/screenshots/members-390-menu.png."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import TIMEOUT_MS, login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]


def test_row_menu_changes_a_role_on_a_phone_without_javascript(
    browser: Any, live_server: Any, org: Any
) -> None:
    from lumoflow.workspaces.models import Membership

    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="en-GB", java_script_enabled=False
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    try:
        login(tab, live_server, "olivia", PASSWORD)
        tab.goto(f"{live_server.url}/workspaces/{org.launch.pk}/members?q=mia")
        # when the owner opens Mia's menu
        tab.get_by_label(f"Change role or remove {org.mia.name}").click()
        menu = tab.locator("details.row-menu[open]")
        expect(menu.get_by_role("button", name="Remove from workspace")).to_be_visible()
        # then the page does not scroll sideways
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(tab, "members-390-menu")
        # and a role chosen there is saved, the search kept
        menu.get_by_label("Role", exact=True).select_option("facilitator")
        menu.get_by_role("button", name="Change role").click()
        expect(tab.get_by_text("mia is now facilitator.")).to_be_visible()
        assert "q=mia" in tab.url
        assert Membership.objects.get(workspace=org.launch, user=org.mia).role == "facilitator"
    finally:
        context.close()
