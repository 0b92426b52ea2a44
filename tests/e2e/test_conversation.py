"""Conversation in a real browser: a question with a mention, a reply, an accepted answer and
the notifications that follow. Saves screenshots of the feed, a workspace, a permalink and the
notifications page (var/screenshots/)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import TIMEOUT_MS, login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]


def _tab(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def _background(org: Any) -> None:
    from lumoflow.conversation import actions

    actions.follow(org.fred, workspace_id=org.launch.pk)
    actions.follow(org.fred, username="olivia")
    a = actions.create_post(
        org.olivia,
        org.launch.pk,
        kind="announcement",
        body="**Launch date moved** to 14 March. See the #launch plan.",
    )
    actions.add_reaction(org.mia, a.pk, emoji="🎉")
    actions.add_reaction(org.fred, a.pk, emoji="👍")
    idea = actions.create_post(
        org.mia, org.launch.pk, kind="idea", body="Offer a *pilot pack* to the first ten customers."
    )
    actions.set_idea_status(org.olivia, idea.pk, status="under_review", note="Costing it now.")
    actions.create_post(
        org.olivia,
        org.launch.pk,
        kind="decision",
        body="We launch in the Nordics first.",
        objective_id=org.objective.pk,
    )


def test_question_mention_reply_accept_and_notify(
    page: Any, browser: Any, live_server: Any, org: Any
) -> None:
    # given
    _background(org)
    login(page, live_server, "mia", PASSWORD)
    page.goto(f"{live_server.url}/workspaces/{org.launch.pk}")
    # when: Mia asks a question and mentions Fred through the autocomplete
    page.get_by_role("radio", name="Question", exact=True).check()
    box = page.get_by_role("textbox", name="Message")
    box.click()
    box.type("Which pilots are signed, @fr")
    page.get_by_role("button", name="Fred @fred").click()
    box.type("? Need it for the board.")
    composer = page.get_by_role("region", name="Post in Launch")
    composer.get_by_label("Objective", exact=True).select_option(label="Launch v2")
    screenshot(page, "conversation-workspace-composer")
    page.get_by_role("button", name="Post", exact=True).click()
    # then
    feed = page.get_by_role("region", name="Conversation")
    expect(
        feed.get_by_text(re.compile(r"Which pilots are signed, @fred \? Need it"))
    ).to_be_visible()
    unanswered = page.get_by_role("region", name="Unanswered questions")
    expect(unanswered.get_by_role("link", name=re.compile("Which pilots"))).to_be_visible()
    screenshot(page, "conversation-workspace")

    # when: Fred sees the notification and replies
    fred = _tab(browser)
    login(fred, live_server, "fred", PASSWORD)
    expect(fred.get_by_role("link", name=re.compile(r"Notifications\s*1"))).to_be_visible()
    screenshot(fred, "conversation-home-feed")
    fred.get_by_role("link", name=re.compile("Notifications")).click()
    expect(fred.get_by_text("Mia mentioned you")).to_be_visible()
    screenshot(fred, "conversation-notifications-fred")
    fred.get_by_role("link", name=re.compile("Mia mentioned you")).click()
    fred.get_by_role("textbox", name="Your reply").fill("Three so far: Acme, Globex and Initech.")
    fred.get_by_role("button", name="Reply", exact=True).click()
    expect(fred.get_by_text("Three so far: Acme, Globex and Initech.")).to_be_visible()

    # when: Mia gets the reply notification, opens it and accepts the answer
    page.goto(f"{live_server.url}/notifications")
    expect(page.get_by_text("Fred replied to your post")).to_be_visible()
    page.get_by_role("link", name=re.compile("Fred replied to your post")).click()
    page.get_by_role("button", name="Accept as answer").click()
    # then
    answer = page.get_by_role("region", name="✅ Accepted answer")
    expect(answer.get_by_text("Three so far")).to_be_visible()
    expect(page.get_by_text("Answered").first).to_be_visible()
    screenshot(page, "conversation-permalink")

    # and Fred is told his reply was accepted
    fred.goto(f"{live_server.url}/notifications")
    expect(fred.get_by_text("Mia accepted your reply as the answer")).to_be_visible()
    screenshot(fred, "conversation-notifications")
    fred.context.close()
