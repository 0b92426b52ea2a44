"""An owner's walk through a fading workspace on demo-like data: the workspace page, its health
page, the alert with its suggested actions, marking it acted on (a refused empty note first),
and the metric before and after, on the alert's page and the health page. Screenshots of the
alert views at 1366 and 390 px wide in var/screenshots/."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD as PASSWORD
from tests.e2e.conftest import login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]


def _shoot(page: Any, name: str) -> None:
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1366, "height": 900})


def test_owner_walks_from_workspace_to_alert_to_before_and_after(
    page: Any, live_server: Any, demo: dict[str, Any]
) -> None:
    # given the owner of the planted fading workspace, signed in, on the workspace page
    fading = demo["planted"]["fading_workspace"]
    login(page, live_server, demo["logins"]["workspace_owner"]["username"], PASSWORD)
    page.goto(f"{live_server.url}/workspaces/{fading['id']}")
    expect(page.get_by_role("heading", name=fading["name"], exact=True)).to_be_visible()
    # when they follow the card's link to the health page
    page.locator(f"a[href='/workspaces/{fading['id']}/health']").first.click()
    page.wait_for_load_state()
    # then it shows the alert with its suggested actions
    expect(page).to_have_url(re.compile(rf"/workspaces/{fading['id']}/health$"))
    alerts = page.locator("#alerts")
    expect(alerts.get_by_text(re.compile("^Activity is fading\\. Weekly active"))).to_be_visible()
    expect(alerts.get_by_text(re.compile("^Because: ")).first).to_be_visible()
    alerts.scroll_into_view_if_needed()
    _shoot(page, "alert-health")
    # and the notification leads to the same alert
    page.get_by_role("link", name=re.compile("^Notifications")).click()
    item = page.get_by_role("link", name=re.compile(f"{fading['name']} needs attention"))
    expect(item).to_be_visible()
    _shoot(page, "alert-notification")
    page.go_back()
    page.locator("#alerts").get_by_role("link", name="Mark acted on").click()
    page.wait_for_load_state()
    # then the alert says what changed, since when, and the suggested actions with their evidence
    expect(page).to_have_url(re.compile(r"/alerts/\d+$"))
    expect(page.get_by_text(re.compile("^Activity is fading\\. Weekly active"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"^since \d+ \w+ \d{4}"))).to_be_visible()
    expect(page.get_by_text(re.compile("^Because: ")).first).to_be_visible()
    _shoot(page, "alert")
    # when they mark it acted on, first without a note
    page.get_by_role("button", name="Mark acted on").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    page.get_by_label("What did you do?").fill("Asked the suggested people to answer the queue.")
    page.get_by_role("button", name="Mark acted on").click()
    page.wait_for_load_state()
    # then the alert shows the note, and the metric before and after today
    expect(page.get_by_text("Marked acted on.")).to_be_visible()
    expect(page.get_by_text("Asked the suggested people to answer the queue.")).to_be_visible()
    block = page.locator(".before-after-block")
    heading = block.get_by_role("heading", name="Weekly active people before and after")
    expect(heading).to_be_visible()
    expect(block.get_by_text(re.compile(r"^Before \d+ \w+ \d{4} \(\d+ weeks\)$"))).to_be_visible()
    expect(block.locator("figure, .chart").first).to_be_visible()
    _shoot(page, "alert-acted-on")
    # and so does the health page
    page.goto(f"{live_server.url}/workspaces/{fading['id']}/health")
    section = page.locator("#alerts")
    expect(
        section.get_by_role("heading", name="Weekly active people before and after")
    ).to_be_visible()
    section.scroll_into_view_if_needed()
    _shoot(page, "alert-health-acted-on")
