"""Browser tests: the app served by a live server, driven by Playwright in Debian's Chromium.

Chromium comes from the system (`apt-get install chromium`), never downloaded. When it is missing
the browser tests are skipped with the reason, except with CI=true, where that is a failure.
Static files are served from the finders by the live server (pytest-django's `live_server` uses
Django's StaticFilesHandler), so no collectstatic is needed.

Helpers: `login(page, live_server, username, password)` signs in through the form;
`screenshot(page, name)` writes var/screenshots/<name>.png (the whole page). The `demo` fixture
writes a small demo company (its logins' password is `DEMO_PASSWORD`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make for
# their data would otherwise be refused as "async unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000
DEMO_PASSWORD = "demo-e2e-pass"


def pytest_configure(config: pytest.Config) -> None:
    # Registered here too so that `-p no:xdist` runs accept the group marker.
    config.addinivalue_line("markers", "xdist_group(name): run in one xdist worker")


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium per test session (per xdist worker)."""
    executable = chromium_path()
    if executable is None:
        reason = "Chromium is not installed (apt-get install chromium): browser tests skipped."
        if os.environ.get("CI") == "true":
            pytest.fail(reason.replace("skipped", "required with CI=true"), pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser tab (its own cookies) at a laptop-sized viewport."""
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


def login(page: Any, live_server: Any, username: str, password: str) -> None:
    """Sign in through the login form and wait until the app has left the login page."""
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Username or e-mail").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def screenshot(page: Any, name: str, *, keep_focus: bool = False) -> Path:
    """Save the whole page as var/screenshots/<name>.png and return the path.

    The page is scrolled to the top first (the sticky top bar would otherwise be drawn mid-page)
    and, unless `keep_focus`, the focused field is blurred so no focus ring distracts.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if not keep_focus:
        page.evaluate("document.activeElement && document.activeElement.blur()")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def demo(transactional_db: Any) -> dict[str, Any]:
    """A small demo company up to today, its fading workspace's metrics computed and stored (as
    the background refresh does), which raises the alert. Returns the demo's summary."""
    from lumoflow.demo.generate import DemoOptions, generate
    from lumoflow.measure import queries
    from lumoflow.people.models import User

    options = DemoOptions(people=120, months=7, seed=11, password=DEMO_PASSWORD)
    summary: dict[str, Any] = generate(options, until=date.today()).summary
    owner = User.objects.get(username=summary["logins"]["workspace_owner"]["username"])
    fading = summary["planted"]["fading_workspace"]["id"]
    assert queries.get_workspace_metrics_for(owner, fading).data["fading"]["verdict"] == "fading"
    return summary
