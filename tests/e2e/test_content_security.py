"""The content security policy in a real browser: the main pages report no violation (no
script, style or image the policy blocks), the page's own scripts still work under it, and an
image from elsewhere in a post is a link, never loaded."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.core.test_security_headers import PNG
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]


def _watch(page: Any) -> tuple[list[str], list[str]]:
    """Collect what Chromium reports breaking the policy, and every request sent elsewhere."""
    violations: list[str] = []
    outside: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.on(
        "request",
        lambda req: (
            outside.append(req.url)
            if not req.url.startswith(("http://localhost", "data:"))
            else None
        ),
    )
    return violations, outside


def test_main_pages_report_no_policy_violation(
    page: Any, live_server: Any, org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given a workspace with a question, a reply with an image and a tracking pixel in a post
    from lumoflow.conversation import actions

    with django_capture_on_commit_callbacks(execute=True):
        question = actions.create_post(
            org.mia, org.launch.pk, kind="question", body="Who has the **pilot** list, @olivia?"
        )
        image = SimpleUploadedFile("chart.png", PNG, content_type="image/png")
        actions.create_reply(org.olivia, question.pk, body="Here, #launch", files=[image])
        actions.create_post(
            org.mia, org.launch.pk, kind="update", body="![pixel](https://tracker.example/p.gif)"
        )
    violations, outside = _watch(page)
    ada = org.ada
    from lumoflow.workspaces import actions as ws

    ws.add_member(org.olivia, org.launch.pk, username=ada.username)
    login(page, live_server, "ada", PASSWORD)
    pages = [
        "/",
        "/workspaces",
        f"/workspaces/{org.launch.pk}",
        f"/workspaces/{org.launch.pk}/members",
        f"/workspaces/{org.launch.pk}/decisions",
        "/workspaces/new",
        f"/posts/{question.pk}",
        "/people",
        "/people/mia",
        "/profile",
        "/notifications",
        "/hashtags/launch",
        "/admin/",
        "/admin/people/user/",
        f"/admin/people/user/{org.mia.pk}/change/",
        "/api/v1/docs",
        "/posts/999999",
    ]

    # when each page is opened and has finished loading its scripts
    for path in pages:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")

        # then no violation is reported, and nothing is requested from another site
        assert violations == [], (path, violations)
        assert outside == [], (path, outside)
    page.goto(f"{live_server.url}/workspaces/{org.launch.pk}")
    expect(page.get_by_role("link", name="pixel")).to_have_attribute(
        "href", "https://tracker.example/p.gif"
    )


def test_deleting_a_post_asks_first_under_the_policy(page: Any, live_server: Any, org: Any) -> None:
    # given a post of Mia's
    from lumoflow.conversation import actions

    post = actions.create_post(org.mia, org.launch.pk, kind="update", body="Draft numbers")
    violations, _ = _watch(page)
    login(page, live_server, "mia", PASSWORD)
    page.goto(f"{live_server.url}/posts/{post.pk}")
    questions: list[str] = []

    # when she deletes it and says no when asked
    page.once("dialog", lambda d: (questions.append(d.message), d.dismiss()))
    page.get_by_role("button", name="Delete").first.click()

    # then the post is still there
    assert questions == ["Delete this post?"]
    expect(page.get_by_text("Draft numbers")).to_be_visible()

    # when she says yes
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Delete").first.click()
    page.wait_for_load_state()

    # then it is gone, and no script was blocked on the way
    expect(page.get_by_text("Draft numbers")).to_have_count(0)
    assert not re.search("Refused", " ".join(violations)), violations
