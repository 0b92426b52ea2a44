"""An executive walks the portfolio to a workspace's health page, and the department map; the
pages are photographed at desktop (1366 px) and phone (390 px) widths."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import TIMEOUT_MS, login, screenshot
from tests.measure.conftest import busy as busy  # the organisation with six weeks of activity

pytestmark = [pytest.mark.xdist_group("browser"), pytest.mark.django_db(transaction=True)]


@pytest.fixture
def executive(busy: Any, settings: Any) -> Any:
    from lumoflow.measure.queries import get_workspace_metrics_for
    from lumoflow.people import actions

    settings.LUMOFLOW_MIN_GROUP_SIZE = 3  # so that the small organisation has departments
    for space in (busy.launch, busy.finance):
        get_workspace_metrics_for(busy.ada, space.pk)
    actions.grant_capability(busy.ada, "mia", "executive")
    return busy


def test_an_executive_walks_the_portfolio_to_a_workspace(
    executive: Any, browser: Any, live_server: Any
) -> None:
    for width, height, name in ((1366, 900, "desktop"), (390, 844, "phone")):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        try:
            # given Mia signed in as an executive
            login(page, live_server, "mia", PASSWORD)
            # when she opens the portfolio
            page.goto(f"{live_server.url}/org")
            # then every workspace that is not secret is ranked, with figures
            table = page.locator("table.org-table")
            assert table.get_by_role("link", name="Launch").is_visible()
            assert table.get_by_role("link", name="Finance").is_visible()
            assert "Merger" not in page.content()
            page.locator(".org-table svg.sparkline").first.wait_for()
            screenshot(page, f"org-portfolio-{name}")
            # she sorts by name with the column's link
            table.get_by_role("link", name="Workspace", exact=True).click()
            page.wait_for_url("**/org?sort=name*")
            # and opens the department map
            page.goto(f"{live_server.url}/org/network")
            page.locator("figure.chart svg").first.wait_for()
            assert page.get_by_role("heading", name="E-I index by department").is_visible()
            screenshot(page, f"org-network-{name}")
            # and goes from the portfolio to Launch's health page
            page.goto(f"{live_server.url}/org")
            page.locator("table.org-table").get_by_role("link", name="Launch").click()
            page.wait_for_url(f"**/workspaces/{executive.launch.pk}/health")
            assert page.get_by_role("heading", name="Workspace health").is_visible()
        finally:
            context.close()
