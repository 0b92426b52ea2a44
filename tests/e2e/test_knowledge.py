"""The wiki and articles in a real browser: a page edited twice, the diff viewed, an old
revision restored; an article read with its comments. Saves screenshots of the wiki page, the
diff, the article and the article list at 1366 and 390 px wide (var/screenshots/)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import TIMEOUT_MS, login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]


def _tab(browser: Any, width: int, height: int) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def _edit(page: Any, body: str, summary: str) -> None:
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Text").fill(body)
    page.get_by_label("What changed (optional)").fill(summary)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()


def test_edit_a_page_twice_view_the_diff_and_restore(org: Any, live_server: Any, page: Any) -> None:
    # given Mia on her workspace's wiki
    login(page, live_server, "mia", PASSWORD)
    page.goto(f"{live_server.url}/workspaces/{org.launch.pk}")
    page.get_by_role("link", name="Wiki", exact=True).click()
    page.get_by_role("link", name="New page").click()
    page.get_by_label("Title").fill("Release runbook")
    page.get_by_label("Text").fill(
        "## Steps\n\n1. Tag the release\n2. Build\n3. Ship\n\nSee [[Rollback]]."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Release runbook")).to_be_visible()
    # when she edits it twice
    _edit(
        page,
        "## Steps\n\n1. Tag the release\n2. Build and test\n3. Ship\n\nSee [[Rollback]].",
        "Test before shipping",
    )
    _edit(
        page, "## Steps\n\n1. Build and test\n2. Ship on Tuesday\n\nSee [[Rollback]].", "Tag later"
    )
    expect(page.get_by_text("Revision 3")).to_be_visible()
    # then the history compares revisions 2 and 3 side by side, and inline
    page.get_by_role("link", name="History").click()
    page.get_by_role("button", name="Compare the chosen revisions").click()
    expect(page.get_by_role("heading", name="Revision 2 → 3")).to_be_visible()
    expect(page.locator("table.diff.side ins", has_text="Ship on Tuesday")).to_be_visible()
    page.get_by_role("link", name="Inline").click()
    expect(page.locator("table.diff.inline del", has_text="Tag the release")).to_be_visible()
    # and she restores revision 1, which becomes revision 4
    page.get_by_role("link", name="History").click()
    page.locator("li", has_text="Revision 1").get_by_role("button", name="Restore").click()
    expect(page.get_by_text("Restored, as a new revision.")).to_be_visible()
    expect(page.get_by_text("Revision 4")).to_be_visible()
    expect(page.locator(".wiki-body")).to_contain_text("Tag the release")
    expect(page.locator(".wiki-body a.wiki-missing", has_text="Rollback")).to_be_visible()
    # and anyone in the workspace finds the page through the search box in the header
    page.locator("#site-q").fill("tag release runbook")
    page.locator("#site-q").press("Enter")
    expect(page.get_by_role("heading", name="Search", exact=True)).to_be_visible()
    hit = page.locator("main").get_by_role("link", name="Release runbook")
    expect(hit).to_be_visible()
    expect(page.locator("main mark").first).to_be_visible()
    hit.click()
    expect(page.get_by_role("heading", name="Release runbook")).to_be_visible()
    expect(page.get_by_text("Revision 4")).to_be_visible()


def _content(org: Any) -> tuple[Any, Any, Any]:
    from lumoflow.conversation import actions as conv
    from lumoflow.knowledge import actions

    top = actions.create_wiki_page(
        org.olivia,
        org.launch.pk,
        title="Launch handbook",
        body="Everything about the v2 launch.\n\n- [[Release runbook]]\n- [[Pilot customers]]",
    )
    page = actions.create_wiki_page(
        org.mia,
        org.launch.pk,
        title="Release runbook",
        parent_id=top.pk,
        body="## Steps\n\n1. Tag the release\n2. Build\n3. Ship\n\nBack to [[Launch handbook]].",
    )
    page = actions.edit_wiki_page(
        org.fred,
        page.pk,
        base_revision=page.current_id,
        body="## Steps\n\n1. Build and test\n2. Tag the release\n3. Ship on Tuesday\n\n"
        "Back to [[Launch handbook]].",
        summary="Test first; ship on Tuesdays",
    )
    article = actions.create_article(
        org.mia,
        org.launch.pk,
        title="Why we ship on Tuesdays",
        summary="Fewer weekend incidents, calmer Mondays: what three months of data showed.",
        body="We moved releases from Fridays to Tuesdays in January.\n\n## What changed\n\n"
        "Incidents after a release fell from **6** to **2** a month.\n\n"
        "> Ship when people are there to watch.",
        publish=True,
    )
    conv.create_reply(org.fred, article.post_id, body="The on-call team agrees.")
    conv.add_reaction(org.olivia, article.post_id, emoji="🎉")
    actions.create_article(
        org.fred,
        org.launch.pk,
        title="Pilot pack lessons",
        body="Notes.",
        summary="Three lessons.",
        publish=True,
    )
    first = page.revisions.order_by("number").first()
    return page, article, first


@pytest.mark.parametrize("width,height", [(1366, 900), (390, 844)])
def test_knowledge_screenshots(
    org: Any, live_server: Any, browser: Any, width: int, height: int
) -> None:
    page, article, first = _content(org)
    tab = _tab(browser, width, height)
    login(tab, live_server, "mia", PASSWORD)
    diff = f"/wiki/{page.pk}/diff?from={first.pk}&to={page.current_id}"
    shots = {
        "wiki-page": f"/wiki/{page.pk}",
        "wiki-diff": diff,
        "wiki-diff-inline": diff + "&mode=inline",
        "article": f"/articles/{article.pk}",
        "article-list": f"/workspaces/{org.launch.pk}/articles",
        "search": "/search?q=release+runbook",
    }
    for name, url in shots.items():
        tab.goto(live_server.url + url)
        expect(tab.locator("main h1").first).to_be_visible()
        # nothing wider than the screen: the page scrolls down only (wide diffs scroll inside)
        assert tab.evaluate("document.documentElement.scrollWidth") <= width, name
        screenshot(tab, f"knowledge-{name}-{width}")
    tab.context.close()
