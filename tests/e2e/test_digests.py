"""A workspace owner follows the unsubscribe link of their weekly digest in the browser (no
sign-in), presses the one button, and finds the digest unticked in their profile, where they
take it again."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from tests.conftest import PASSWORD, make_person
from tests.e2e.conftest import login
from tests.e2e.test_phone_layout import PHONE, _check

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]


@pytest.mark.django_db(transaction=True)
def test_owner_unsubscribes_from_the_mail_and_subscribes_again_in_the_profile(
    page: Any, live_server: Any, settings: Any
) -> None:
    from lumoflow.workspaces import actions as ws

    # given an owner's weekly digest, with its links pointing at this site
    settings.LUMOFLOW_BASE_URL = live_server.url
    owner = make_person("olivia")
    ws.create_workspace(owner, name="Launch", purpose="Ship the new product on time.")
    call_command("send_digests", "--weekly")
    [message] = mail.outbox
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link.startswith(live_server.url) and link in message.body
    # when they open the link on their phone and press the button
    page.set_viewport_size(PHONE)
    page.goto(link)
    expect(page.get_by_role("heading", name="Unsubscribe")).to_be_visible()
    problems: list[str] = []
    _check(page, "the unsubscribe page", problems)
    assert problems == [], problems
    page.get_by_role("button", name="Unsubscribe").click()
    # then
    expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    expect(
        page.get_by_text("will no longer get the weekly digest of your workspaces")
    ).to_be_visible()
    _check(page, "the unsubscribed page", problems)
    assert problems == [], problems
    # and their profile shows it unticked; they tick it again
    login(page, live_server, "olivia", PASSWORD)
    page.goto(f"{live_server.url}/profile")
    weekly = page.get_by_label("Weekly digest of the workspaces I own")
    expect(weekly).not_to_be_checked()
    weekly.check()
    page.get_by_role("button", name="Save digests").click()
    expect(page.get_by_text("E-mail digest settings saved.")).to_be_visible()
    expect(page.get_by_label("Weekly digest of the workspaces I own")).to_be_checked()
    # and this week's digest, sent before they left, is not sent again
    mail.outbox.clear()
    call_command("send_digests", "--weekly")
    assert mail.outbox == []
