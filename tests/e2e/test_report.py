"""An executive walks the portfolio to a workspace's health page, back, and downloads the
report of a period with the portfolio's "Download report" button: a PDF with the title."""

from __future__ import annotations

import datetime as dt
import subprocess
from typing import Any

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import TIMEOUT_MS, login
from tests.measure.conftest import busy as busy  # the organisation with six weeks of activity

pytestmark = [pytest.mark.xdist_group("browser"), pytest.mark.django_db(transaction=True)]


@pytest.fixture
def executive(busy: Any) -> Any:
    from lumoflow.measure.queries import get_workspace_metrics_for
    from lumoflow.people import actions

    for space in (busy.launch, busy.finance):
        get_workspace_metrics_for(busy.ada, space.pk)
    actions.grant_capability(busy.ada, "mia", "executive")
    return busy


def test_an_executive_downloads_the_report_after_a_look_at_a_workspace(
    executive: Any, browser: Any, live_server: Any, tmp_path: Any
) -> None:
    first = dt.datetime.now(dt.UTC).date().replace(day=1)
    month = (first - dt.timedelta(days=1)).strftime("%Y-%m")  # the busy weeks reach into it
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="en-GB", accept_downloads=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        # given Mia signed in as an executive, on the portfolio
        login(page, live_server, "mia", PASSWORD)
        page.goto(f"{live_server.url}/org")
        # when she opens Launch's health page and comes back
        page.locator("table.org-table").get_by_role("link", name="Launch").click()
        page.wait_for_url(f"**/workspaces/{executive.launch.pk}/health")
        assert page.get_by_role("heading", name="Workspace health").is_visible()
        page.go_back()
        page.wait_for_url("**/org")
        # and downloads the report of last month
        form = page.get_by_role("form", name="Download the report")
        form.get_by_label("Report period").select_option(month)
        with page.expect_download(timeout=120_000) as info:
            form.get_by_role("button", name="Download report").click()
        download = info.value
        # then it is a PDF named for the period, with the report's title
        assert download.suggested_filename == f"lumoflow-report-{month}.pdf"
        path = tmp_path / download.suggested_filename
        download.save_as(path)
        assert path.read_bytes().startswith(b"%PDF-")
        pdfinfo = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
        assert "Title:" in pdfinfo and "LumoFlow report on the organisation" in pdfinfo
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "The verdict" in text and "Launch" in text
    finally:
        context.close()
