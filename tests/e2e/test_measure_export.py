"""An administrator measures a Slack export in the browser: uploads the zip at /org/measure,
follows the progress page (it reloads itself, no JavaScript needed), reads the report drawn
with the health pages' charts, checks the mapping of channels to workspaces and loads the
history; the owner of an imported workspace is asked for its purpose. Each page is checked at
a phone's width (no sideways scroll, controls large enough) and photographed at 1366 and 390 px
(var/screenshots/measure-*.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, make_person
from tests.e2e.conftest import login, screenshot
from tests.e2e.test_phone_layout import PHONE, _check
from tests.importers.measure_fixture import slack_zip

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]
WIDE = {"width": 1366, "height": 900}


DRAWN = """() => [...document.querySelectorAll('figure[data-chart]')]
    .every(f => f.classList.contains('chart-drawn'))"""


def _both(page: Any, name: str, problems: list[str], *, reload: bool = True) -> None:
    """Photograph the page wide and at a phone's width (opened again there, as a phone
    would, unless it answers a form), and check it on the phone."""
    page.set_viewport_size(WIDE)
    page.wait_for_function(DRAWN)
    screenshot(page, f"measure-{name}-1366")
    page.set_viewport_size(PHONE)
    if reload:
        page.reload()
        page.wait_for_function(DRAWN)
    _check(page, f"/org/measure {name}", problems)
    screenshot(page, f"measure-{name}-390")
    page.set_viewport_size(WIDE)
    if reload:
        page.reload()


@pytest.mark.django_db(transaction=True)
def test_an_administrator_measures_a_slack_export_and_loads_it(
    page: Any, live_server: Any, settings: Any, tmp_path: Path
) -> None:
    from lumoflow.importers.models import Measurement
    from lumoflow.importers.tasks import load_export_task, measure_export_task
    from lumoflow.people.models import User

    # given an administrator and a Slack export of 8 people over 20 weeks
    settings.DATA_DIR = tmp_path / "data"
    ada = make_person("ada", is_staff=True)
    User.objects.filter(pk=ada.pk).update(is_superuser=True)
    export = slack_zip(tmp_path / "acme-slack.zip", weeks=20)
    problems: list[str] = []
    login(page, live_server, "ada", PASSWORD)
    # when they upload it
    page.goto(f"{live_server.url}/org/measure")
    expect(page.get_by_role("heading", name="Measure an export", level=1)).to_be_visible()
    page.locator("#id_export").set_input_files(str(export))
    page.get_by_role("button", name="Measure").click()
    # then the page follows the measurement, waiting for the worker
    expect(page.get_by_role("heading", name="Waiting to be measured")).to_be_visible()
    _both(page, "progress", problems)
    # and when the worker has measured it, the page shows the report by itself
    measure_export_task.call(Measurement.objects.get().pk)
    expect(page.get_by_role("heading", name="Is it fading?")).to_be_visible(timeout=10_000)
    expect(page.locator(".verdict-badge").first).to_be_visible()
    expect(page.get_by_role("heading", name="Over time")).to_be_visible()
    expect(page.locator("figure svg").first).to_be_visible()  # a chart drawn
    expect(page.get_by_role("row", name="general")).to_be_visible()
    _both(page, "report", problems)
    # and the list holds it
    page.goto(f"{live_server.url}/org/measure")
    expect(page.get_by_role("link", name="acme-slack.zip")).to_be_visible()
    _both(page, "list", problems)
    # when they load it, "random" into a new workspace named "Social"
    page.goto(f"{live_server.url}/org/measure")
    page.get_by_role("link", name="acme-slack.zip").click()
    page.get_by_role("link", name="Load into LumoFlow…").click()
    expect(page.get_by_text("a new public workspace “general”")).to_be_visible()
    page.get_by_label("Workspace for random").fill("Social")
    page.get_by_role("button", name="Check again").click()
    expect(page.get_by_text("a new public workspace “Social”")).to_be_visible()
    _both(page, "load", problems, reload=False)
    page.get_by_role("button", name="Confirm and load").click()
    expect(page.get_by_role("heading", name="Loading into LumoFlow")).to_be_visible()
    load_export_task.call(Measurement.objects.get().pk)
    expect(page.get_by_role("heading", name="Loaded into LumoFlow")).to_be_visible(timeout=10_000)
    # then the owner of the workspace without a purpose is asked for one, and states it
    from lumoflow.workspaces.models import Workspace

    social = Workspace.objects.get(name="Social")
    assert social.purpose_pending
    page.goto(f"{live_server.url}/workspaces/{social.pk}")
    expect(page.get_by_text("its purpose is not stated yet")).to_be_visible()
    _both(page, "purpose", problems)
    page.get_by_role("textbox", name="Purpose").fill("Tea, cake and the week's banter")
    page.get_by_role("button", name="Save the purpose").click()
    expect(page.get_by_text("Saved: the workspace's purpose is stated.")).to_be_visible()
    expect(page.get_by_text("its purpose is not stated yet")).to_have_count(0)
    assert problems == [], "\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_a_bad_upload_says_why_on_the_page(
    page: Any, live_server: Any, settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path / "data"
    make_person("ada", is_staff=True)
    broken = tmp_path / "export.zip"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 300)
    login(page, live_server, "ada", PASSWORD)
    page.goto(f"{live_server.url}/org/measure")
    page.locator("#id_export").set_input_files(str(broken))
    page.get_by_role("button", name="Measure").click()
    expect(page.get_by_text("The zip file is corrupt or cut short")).to_be_visible()
    problems: list[str] = []
    _both(page, "refused", problems, reload=False)
    assert problems == [], "\n".join(problems)
