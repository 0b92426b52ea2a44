"""The pages people use most, as they look: the home feed, a workspace, a thread, a person page,
the two directories, notifications and insights, at 1366 and 390 px wide, in the light and the
dark theme (`prefers-color-scheme`), on the demo company as its employee.

Each page shows its heading, and axe-core (npm `axe-core`, installed by `make`) finds no serious
or critical problem on it, contrast included, in either theme. Screenshots for a reviewer go to
var/screenshots/look-<page>-<width>-<theme>.png.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, TIMEOUT_MS, login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]

SIZES = ((1366, 900), (390, 844))
SERIOUS = {"serious", "critical"}


def _axe() -> str:
    path = settings.REPO_DIR / "node_modules" / "axe-core" / "axe.min.js"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make setup` (npm ci installs axe-core).")
    return path.read_text()


def _pages(demo: dict[str, Any]) -> dict[str, str]:
    from lumoflow.conversation.models import Post
    from lumoflow.knowledge.models import Article, WikiPage
    from lumoflow.people.models import User

    employee = User.objects.get(username=demo["logins"]["employee"]["username"])
    fading = demo["planted"]["fading_workspace"]["id"]
    thread = (
        Post.objects.filter(workspace_id=fading, thread__isnull=True, kind="question")
        .exclude(accepted_answer=None)
        .order_by("-created_at")
        .first()
    )
    assert thread is not None and employee.manager is not None
    handbook = WikiPage.objects.get(workspace_id=fading, parent__isnull=True)
    article = Article.objects.filter(workspace_id=fading).order_by("pk").first()
    assert article is not None
    return {
        "home": "/",
        "workspace": f"/workspaces/{fading}",
        "thread": f"/posts/{thread.pk}",
        "person": f"/people/{employee.manager.username}",
        "workspaces": "/workspaces",
        "people": "/people",
        "notifications": "/notifications",
        "insights": "/me/insights",
        "wiki-page": f"/wiki/{handbook.pk}",
        "wiki-diff": f"/wiki/{handbook.pk}/diff",
        "article": f"/articles/{article.pk}",
        "search": "/search?q=handbook",
    }


def _serious_findings(tab: Any, axe: str) -> list[str]:
    tab.evaluate(axe)
    found = tab.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target"
        ".join(' ') + ': ' + n.failureSummary.split('\\n').slice(1, 2).join(''))}))"
    )
    return [f"{v['id']} ({v['impact']}): {v['nodes']}" for v in found if v["impact"] in SERIOUS]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_main_pages_in_both_themes_at_both_widths(
    browser: Any, live_server: Any, demo: dict[str, Any], theme: str
) -> None:
    # given the demo's employee, signed in, in a browser set to the theme
    pages, axe, problems = _pages(demo), _axe(), []
    for width, height in SIZES:
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="en-GB",
            color_scheme=theme,
            bypass_csp=True,  # axe-core is put into the page by the test, not by the page
        )
        context.set_default_timeout(TIMEOUT_MS)
        tab = context.new_page()
        try:
            login(tab, live_server, demo["logins"]["employee"]["username"], DEMO_PASSWORD)
            for name, path in pages.items():
                # when each page is opened
                tab.goto(f"{live_server.url}{path}")
                tab.wait_for_load_state("networkidle")
                # then it shows its heading, and axe-core finds nothing serious
                expect(tab.get_by_role("heading", level=1)).to_be_visible()
                problems += [f"{name} {width} {theme}: {p}" for p in _serious_findings(tab, axe)]
                screenshot(tab, f"look-{name}-{width}-{theme}")
        finally:
            context.close()
    assert problems == [], "\n".join(problems)
