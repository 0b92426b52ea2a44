"""Announcements reach every member's home feed, so only owners and facilitators post them,
unless the workspace's owners open them to every member: in the action, hence in the form and
the API alike."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages

from lumoflow.conversation import actions
from lumoflow.conversation.models import Post
from lumoflow.core.errors import PermissionDenied
from lumoflow.workspaces import actions as ws_actions

pytestmark = pytest.mark.django_db


def _kinds_offered(html: str) -> list[str]:
    import re

    return re.findall(r'<input type="radio" name="kind" value="(\w+)"', html)


def test_member_may_not_announce_until_the_owner_opens_announcements(org: Any) -> None:
    # when Mia, a member, announces
    with pytest.raises(PermissionDenied, match="Only owners and facilitators"):
        actions.create_post(org.mia, org.launch.pk, kind="announcement", body="Party!")
    # then nothing was written; owner and facilitator may
    assert not Post.objects.filter(body="Party!").exists()
    for who in (org.olivia, org.fred):
        assert actions.create_post(who, org.launch.pk, kind="announcement", body="News").pk
    # when the owner opens announcements to every member, Mia may too
    ws_actions.update_workspace(org.olivia, org.launch.pk, announcements_by_members=True)
    assert actions.create_post(org.mia, org.launch.pk, kind="announcement", body="Party!").pk
    # and other kinds were never limited
    assert actions.create_post(org.mia, org.finance.pk, kind="update", body="Numbers").pk


def test_bulk_writes_follow_the_same_rule(org: Any) -> None:
    """The demo and the importers write through `bulk_create_posts`: a member's announcement
    refuses the whole batch, naming its row, until the workspace opens announcements."""
    from datetime import UTC, datetime

    from lumoflow.conversation.actions.bulk import PostRow, bulk_create_posts
    from lumoflow.core.errors import Invalid

    at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    ws = org.launch.pk
    rows = [
        PostRow(org.olivia.pk, ws, "From the owner", at, kind="announcement"),
        PostRow(org.fred.pk, ws, "From the facilitator", at, kind="announcement"),
        PostRow(org.mia.pk, ws, "From a member", at, kind="announcement"),
    ]
    with pytest.raises(Invalid, match="only owners and facilitators"):
        bulk_create_posts(rows)
    assert not Post.objects.filter(body__startswith="From the").exists()
    assert len(bulk_create_posts(rows[:2] + [PostRow(org.mia.pk, ws, "An update", at)])) == 3
    ws_actions.update_workspace(org.olivia, ws, announcements_by_members=True)
    assert len(bulk_create_posts(rows[2:])) == 1


def test_opening_announcements_is_recorded_like_other_settings(org: Any) -> None:
    from lumoflow.activity.models import ActivityEvent, Verb

    ws_actions.update_workspace(org.olivia, org.launch.pk, announcements_by_members=True)
    event = ActivityEvent.objects.filter(verb=Verb.WORKSPACE, workspace=org.launch).latest("pk")
    assert event.actor_id == org.olivia.pk
    assert event.data == {"change": "updated", "fields": ["announcements_by_members"]}


def test_the_setting_is_the_owners_and_a_boolean(org: Any) -> None:
    from lumoflow.core.errors import Invalid

    with pytest.raises(PermissionDenied):
        ws_actions.update_workspace(org.fred, org.launch.pk, announcements_by_members=True)
    with pytest.raises(Invalid):
        ws_actions.update_workspace(org.olivia, org.launch.pk, announcements_by_members="yes")


def test_form_offers_announcements_only_to_those_who_may_post_them(
    org: Any, browser_client: Any
) -> None:
    # given the workspace page of a member and of a facilitator
    mia, fred = browser_client(org.mia), browser_client(org.fred)
    page = f"/workspaces/{org.launch.pk}"
    assert "announcement" not in _kinds_offered(mia.get(page).content.decode())
    assert "announcement" in _kinds_offered(fred.get(page).content.decode())

    # when Mia sends an announcement anyway (an old page, a hand-made form)
    r = mia.post(f"{page}/posts", {"kind": "announcement", "body": "Party!"})

    # then it is refused in words, and nothing is posted
    assert [str(m) for m in get_messages(r.wsgi_request)] == [
        "Not posted: Only owners and facilitators may post announcements in this workspace."
    ]
    assert not Post.objects.filter(body="Party!").exists()

    # when the owner ticks the setting on the settings page
    owner = browser_client(org.olivia)
    r = owner.post(
        f"{page}/settings",
        {
            "form": "about",
            "name": "Launch",
            "purpose": "Ship the new product on time.",
            "visibility": "public",
            "announcements_by_members": "on",
        },
    )
    assert r.status_code == 302

    # then Mia is offered announcements and may post one
    assert "announcement" in _kinds_offered(mia.get(page).content.decode())
    mia.post(f"{page}/posts", {"kind": "announcement", "body": "Party!"})
    assert Post.objects.filter(body="Party!", kind="announcement").exists()


def test_api_refuses_a_members_announcement_with_403_until_opened(org: Any, api: Any) -> None:
    path = f"/workspaces/{org.launch.pk}/posts"
    r = api(org.mia).post(path, {"kind": "announcement", "body": "Party!"})
    assert r.status_code == 403
    assert r["Content-Type"].startswith("application/problem+json")
    assert "Only owners and facilitators" in r.json()["detail"]

    patched = api(org.olivia).patch(
        f"/workspaces/{org.launch.pk}", {"announcements_by_members": True}
    )
    assert patched.status_code == 200 and patched.json()["announcements_by_members"] is True
    assert api(org.mia).post(path, {"kind": "announcement", "body": "Party!"}).status_code == 201
