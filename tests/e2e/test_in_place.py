"""Actions in place in a real browser: with JavaScript, reacting, posting, replying, following,
accepting and checking in change only their fragment (a window property set before the click
survives, focus stays on the control used); without JavaScript the same forms post and redirect."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import TIMEOUT_MS, login

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc````\x00\x00\x00\x05\x00\x01\xa5\xf6E@\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def _tab(browser: Any, *, js: bool) -> Any:
    context = browser.new_context(
        viewport={"width": 1280, "height": 860}, locale="en-GB", java_script_enabled=js
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def _mark(page: Any) -> None:
    """Set a property that a page load would wipe."""
    page.evaluate("window.__notReloaded = true")


def _not_reloaded(page: Any) -> bool:
    return bool(page.evaluate("window.__notReloaded === true"))


def test_in_place_with_javascript(browser: Any, live_server: Any, org: Any) -> None:
    from lumoflow.conversation import actions

    news = actions.create_post(org.olivia, org.launch.pk, kind="update", body="Pilot signed.")
    q = actions.create_post(org.olivia, org.launch.pk, kind="question", body="Who demos?")
    page = _tab(browser, js=True)
    login(page, live_server, "mia", PASSWORD)
    page.goto(f"{live_server.url}/workspaces/{org.launch.pk}")
    page.wait_for_function("window.htmx !== undefined")
    _mark(page)

    # react: the card shows the count, the button stays focused, no reload
    card = page.locator(f"#post-{news.pk}")
    card.locator("summary[aria-label='Add a reaction']").click()
    card.get_by_title("React 🎉").click()
    pressed = page.locator(f"#post-{news.pk} button.reaction.mine")
    expect(pressed).to_have_text("🎉 1")
    expect(pressed).to_be_focused()
    assert _not_reloaded(page)

    # follow the workspace: only the button changes
    page.locator("#follow-workspace").get_by_role("button", name="Follow").click()
    expect(page.locator("#follow-workspace").get_by_role("button")).to_have_text("Unfollow")
    assert _not_reloaded(page)

    # post: the new post is on top of the feed, the composer empty again
    page.get_by_role("radio", name="Idea", exact=True).check()
    page.get_by_role("textbox", name="Message").fill("Demo day in every office.")
    page.get_by_role("button", name="Post", exact=True).click()
    first = page.locator("#feed article.post").first
    expect(first).to_contain_text("Demo day in every office.")
    expect(page.get_by_role("textbox", name="Message")).to_have_value("")
    expect(page.locator("#messages")).to_contain_text("Posted.")
    assert _not_reloaded(page)

    # a post refused for one file keeps the text, the kind and the other file
    page.get_by_role("radio", name="Question", exact=True).check()
    page.get_by_role("textbox", name="Message").fill("Which chart is right?")
    page.get_by_label("Attach files").set_input_files(
        [
            {"name": "chart.png", "mimeType": "image/png", "buffer": PNG},
            {"name": "notes.pdf", "mimeType": "application/pdf", "buffer": PNG},
        ]
    )
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("#messages")).to_contain_text("Not posted: 'notes.pdf'")
    expect(page.get_by_role("textbox", name="Message")).to_have_value("Which chart is right?")
    expect(page.get_by_role("radio", name="Question", exact=True)).to_be_checked()
    files = page.get_by_label("Attach files")
    assert files.evaluate("el => Array.from(el.files).map(f => f.name)") == ["chart.png"]
    assert _not_reloaded(page)

    # reply on a thread: the reply shows above the form, the form is empty again
    page.goto(f"{live_server.url}/posts/{q.pk}")
    page.wait_for_function("window.htmx !== undefined")
    _mark(page)
    page.get_by_label("Your reply").fill("I can, on Tuesday.")
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.locator("#thread")).to_contain_text("I can, on Tuesday.")
    expect(page.get_by_role("heading", name="1 reply")).to_be_visible()
    expect(page.get_by_label("Your reply")).to_have_value("")
    assert _not_reloaded(page)

    # deleting asks first: dismissed, nothing is sent; accepted, the card goes in place
    page.goto(f"{live_server.url}/workspaces/{org.launch.pk}")
    page.wait_for_function("window.htmx !== undefined")
    _mark(page)
    mine = page.locator("#feed article.post", has_text="Demo day in every office.")
    page.once("dialog", lambda d: d.dismiss())
    mine.get_by_role("button", name="Delete").click()
    page.wait_for_timeout(500)
    expect(mine).to_be_visible()
    page.once("dialog", lambda d: d.accept())
    mine.get_by_role("button", name="Delete").click()
    expect(mine).to_have_count(0)
    expect(page.locator("#messages")).to_contain_text("Deleted.")
    assert _not_reloaded(page)
    from lumoflow.conversation.models import Post

    assert Post.objects.filter(body="Demo day in every office.", deleted_at__isnull=False).exists()

    # follow the author from the thread
    page.goto(f"{live_server.url}/posts/{q.pk}")
    page.wait_for_function("window.htmx !== undefined")
    _mark(page)
    page.locator("#thread").get_by_role("button", name="Follow").click()
    expect(page.locator("#thread").get_by_role("button", name="Unfollow")).to_be_visible()
    assert _not_reloaded(page)
    page.context.close()


def test_accept_and_check_in_with_javascript(browser: Any, live_server: Any, org: Any) -> None:
    from lumoflow.conversation import actions

    q = actions.create_post(org.mia, org.launch.pk, kind="question", body="Where is the plan?")
    actions.create_reply(org.fred, q.pk, body="In the wiki.")
    page = _tab(browser, js=True)
    login(page, live_server, "mia", PASSWORD)
    page.goto(f"{live_server.url}/posts/{q.pk}")
    page.wait_for_function("window.htmx !== undefined")
    _mark(page)
    page.get_by_role("button", name="Accept as answer").click()
    expect(page.get_by_role("heading", name="✅ Accepted answer")).to_be_visible()
    assert _not_reloaded(page)
    page.context.close()

    # check in, as the objective's owner
    page = _tab(browser, js=True)
    login(page, live_server, "olivia", PASSWORD)
    page.goto(f"{live_server.url}/workspaces/{org.launch.pk}")
    page.wait_for_function("window.htmx !== undefined")
    _mark(page)
    kr = page.locator(f"#kr-{org.key_result.pk}")
    kr.get_by_text("Check in").click()
    kr.get_by_label("Value").fill("5")
    kr.get_by_role("button", name="Save check-in").click()
    expect(page.locator(f"#kr-{org.key_result.pk} progress")).to_have_attribute(
        "aria-valuenow", "50"
    )
    assert _not_reloaded(page)
    page.context.close()


def test_the_same_forms_work_without_javascript(browser: Any, live_server: Any, org: Any) -> None:
    from lumoflow.conversation import actions

    news = actions.create_post(org.olivia, org.launch.pk, kind="update", body="Pilot signed.")
    page = _tab(browser, js=False)
    login(page, live_server, "mia", PASSWORD)
    ws = f"{live_server.url}/workspaces/{org.launch.pk}"
    page.goto(ws)
    # react (through the picker, a <details> that opens without JavaScript)
    card = page.locator(f"#post-{news.pk}")
    card.locator("summary[aria-label='Add a reaction']").click()
    card.get_by_title("React 👍").click()
    expect(page.locator(f"#post-{news.pk} button.reaction.mine")).to_have_text("👍 1")
    # follow
    page.locator("#follow-workspace").get_by_role("button", name="Follow").click()
    expect(page.locator("#follow-workspace").get_by_role("button")).to_have_text("Unfollow")
    # post
    page.get_by_role("textbox", name="Message").fill("Posted without scripts.")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("#feed article.post").first).to_contain_text("Posted without scripts.")
    # reply
    page.goto(f"{live_server.url}/posts/{news.pk}")
    page.get_by_label("Your reply").fill("Well done.")
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.locator("#thread")).to_contain_text("Well done.")
    page.context.close()
