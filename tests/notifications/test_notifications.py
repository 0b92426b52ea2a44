"""Notifications: created after commit in the same request, only for people who may read."""

from __future__ import annotations

from typing import Any

import pytest

from lumoflow.conversation import actions
from lumoflow.notifications.models import Notification
from lumoflow.workspaces import actions as ws_actions

# Notifications are written on commit: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


def types_for(user: Any) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("id").values_list("type", flat=True)
    )


def test_mention_reply_thread_accept_and_idea_notifications(org: Any) -> None:
    # given
    q = actions.create_post(org.mia, org.launch.pk, kind="question", body="Help @fred")
    r = actions.create_reply(org.olivia, q.pk, body="Try this")
    actions.create_reply(org.fred, r.pk, body="Or that")
    # when
    actions.accept_answer(org.mia, q.pk, reply_id=r.pk)
    idea = actions.create_post(org.mia, org.launch.pk, kind="idea", body="Dark mode")
    actions.set_idea_status(org.fred, idea.pk, status="under_review")
    # then
    assert types_for(org.fred) == ["mention"]
    assert types_for(org.mia) == ["reply", "thread", "idea_status"]
    assert types_for(org.olivia) == ["reply", "accepted"]


def test_mention_of_someone_who_cannot_read_does_not_notify(org: Any) -> None:
    actions.create_post(org.olivia, org.finance.pk, kind="update", body="@otto @mia numbers")
    actions.create_post(org.olivia, org.merger.pk, kind="update", body="@otto @mia secret")
    assert types_for(org.otto) == []
    assert types_for(org.mia) == ["mention"]


def test_notifications_vanish_after_leaving_private_workspace(org: Any, api: Any) -> None:
    actions.create_post(org.olivia, org.finance.pk, kind="update", body="@mia numbers")
    assert api(org.mia).get("/notifications").json()["unread"] == 1
    ws_actions.remove_member(org.mia, org.finance.pk, username="mia")
    got = api(org.mia).get("/notifications").json()
    assert got == {"items": [], "next": None, "unread": 0}


def test_mute_per_type(org: Any, api: Any) -> None:
    fred = api(org.fred)
    r = fred.client.put(
        "/api/v1/notifications/mutes",
        data='{"muted": ["mention"]}',
        content_type="application/json",
        headers=fred.headers,
    )
    assert r.json() == {"muted": ["mention"]}
    bad = fred.client.put(
        "/api/v1/notifications/mutes",
        data='{"muted": ["spam"]}',
        content_type="application/json",
        headers=fred.headers,
    )
    assert bad.status_code == 422
    p = actions.create_post(org.mia, org.launch.pk, kind="update", body="hi @fred")
    assert types_for(org.fred) == []
    actions.create_reply(org.mia, p.pk, body="thread")
    actions.create_reply(org.fred, p.pk, body="me too")
    actions.create_reply(org.mia, p.pk, body="again")
    assert types_for(org.fred) == ["thread"]


def test_unread_count_in_header_and_mark_read(org: Any, browser_client: Any, api: Any) -> None:
    # given
    actions.create_post(org.mia, org.launch.pk, kind="update", body="ping @fred")
    c = browser_client(org.fred)
    # when
    page = c.get("/notifications").content.decode()
    # then
    assert 'aria-label="1 unread"' in page and "Mia</b> mentioned you" in page
    n = Notification.objects.get()
    assert c.get(f"/notifications/{n.pk}").status_code == 302
    assert 'aria-label="1 unread"' not in c.get("/notifications").content.decode()
    assert api(org.fred).post("/notifications/read", {}).json() == {"marked": 0, "unread": 0}


def test_notifications_page_mute_form(org: Any, browser_client: Any) -> None:
    c = browser_client(org.mia)
    c.post("/notifications/settings", {"notify": ["mention", "accepted", "idea_status"]})
    p = actions.create_post(org.mia, org.launch.pk, kind="update", body="x")
    actions.create_reply(org.fred, p.pk, body="y")
    assert types_for(org.mia) == []
