"""An archived workspace is read-only: every write to it answers 409 until it is unarchived.

The refusal lives in one place, `activity.record` (and `record_many`), which every action calls
with the workspace it writes to; these tests walk every action to keep it that way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

import lumoflow
from lumoflow.conversation import actions as conv
from lumoflow.conversation.models import EMOJIS, Post, Reaction
from lumoflow.core.errors import Conflict
from lumoflow.core.models import ChangeMark
from lumoflow.workspaces import actions as ws
from lumoflow.workspaces.models import Membership, Workspace
from tests.core.test_marks import ACTIONS, Posts, make_posts


@pytest.fixture
def posts(org: Any) -> Posts:
    return make_posts(org)


def _archive(org: Any) -> None:
    ws.archive_workspace(org.olivia, org.launch.pk)


def _launch_mark(org: Any) -> int | None:
    return ChangeMark.objects.filter(scope=org.launch.pk).values_list("version", flat=True).first()


# -------------------------------------------------------------------- from the user's side
def test_every_write_a_member_tries_on_an_archived_workspace_answers_409(org, api, posts):
    # given a question with a reply, an idea with a reaction, and the workspace archived
    _archive(org)
    olivia, fred, mia = api(org.olivia), api(org.fred), api(org.mia)
    idea, question, reply = posts.idea.pk, posts.question.pk, posts.reply.pk
    tries = {
        "remove a reaction": mia.delete(f"/posts/{idea}/reactions", {"emoji": EMOJIS[0]}),
        "accept an answer": mia.post(f"/posts/{question}/accept", {"reply_id": reply}),
        "change an idea's status": olivia.post(f"/posts/{idea}/idea-status", {"status": "adopted"}),
        "hide a post": fred.post(f"/posts/{question}/hide", {"reason": "Off topic"}),
        "delete a post": mia.delete(f"/posts/{question}"),
        "rename the workspace": olivia.patch(f"/workspaces/{org.launch.pk}", {"name": "Renamed"}),
        "remove a member": olivia.delete(f"/workspaces/{org.launch.pk}/members/mia"),
        "leave": mia.delete(f"/workspaces/{org.launch.pk}/members/mia"),
    }
    # then each answers 409 with a problem saying why, and nothing changed
    for what, r in tries.items():
        assert r.status_code == 409, (what, r.status_code, r.content)
        assert "archived" in r.json()["detail"], what
    assert Reaction.objects.filter(post_id=idea, user=org.mia).exists()
    q = Post.objects.get(pk=question)
    assert (q.accepted_answer_id, q.hidden_at, q.deleted_at) == (None, None, None)
    assert Post.objects.get(pk=idea).idea_status == "new"
    assert Workspace.objects.get(pk=org.launch.pk).name == "Launch"
    assert Membership.objects.filter(workspace=org.launch, user=org.mia).exists()


def test_reading_and_unarchiving_still_work(org, api, posts):
    # given an archived workspace
    _archive(org)
    # then its members read it, and an owner unarchives it
    assert api(org.mia).get(f"/workspaces/{org.launch.pk}/posts").status_code == 200
    assert api(org.mia).get(f"/posts/{posts.question.pk}").status_code == 200
    r = api(org.olivia).patch(f"/workspaces/{org.launch.pk}", {"archived": False})
    assert r.status_code == 200 and r.json()["archived"] is False
    # and then writing works again
    r = api(org.mia).delete(f"/posts/{posts.idea.pk}/reactions", {"emoji": EMOJIS[0]})
    assert r.status_code == 200


def test_unarchiving_and_renaming_in_one_change(org, api):
    # given an archived workspace
    _archive(org)
    # when an owner renames it while unarchiving it, then both happen
    r = api(org.olivia).patch(
        f"/workspaces/{org.launch.pk}", {"name": "Relaunch", "archived": False}
    )
    assert r.status_code == 200, r.content
    assert (r.json()["name"], r.json()["archived"]) == ("Relaunch", False)


def test_a_page_on_an_archived_workspace_says_it_is_read_only(org, browser_client, posts):
    # given an archived workspace
    _archive(org)
    # when a facilitator hides a post from its page
    r = browser_client(org.fred).post(
        f"/posts/{posts.question.pk}/hide", {"reason": "Off topic"}, follow=True
    )
    # then the page says why nothing happened
    assert r.status_code == 200
    assert b"is archived: it is read-only" in r.content
    assert Post.objects.get(pk=posts.question.pk).hidden_at is None


# ------------------------------------------------------------------------ every action
# The actions that never write to a workspace (people, tokens, notifications, views): they run
# as usual after archiving, and leave the archived workspace's mark where it was. Marking an
# alert acted on records a workspace event: it is refused.
NOT_WORKSPACE_WRITES = {
    name
    for name in ACTIONS
    if (
        name.startswith(("people.", "notifications."))
        and name != "notifications.mark_alert_acted_on"
    )
    or name.endswith(("record_views", "record_post_views", "record_knowledge_views"))
    or name
    in {"workspaces.create_workspace", "workspaces.bulk_create_workspaces", "activity.record_many"}
}


# Erasing a person is the one write an archive does not stop: their name must go from every
# post, archived or not (tested below on its own).
ERASURE = "people.erase_person"


@pytest.mark.parametrize("name", sorted(set(ACTIONS) - {ERASURE}))
def test_every_action_on_an_archived_workspace_is_refused_or_leaves_it_alone(
    name: str, org: Any, posts: Posts
) -> None:
    # given the workspace every action of the walk writes to, archived
    act, _ = ACTIONS[name]
    _archive(org)
    before = _launch_mark(org)
    # when the action runs
    if name in NOT_WORKSPACE_WRITES:
        act(org, posts)
    else:
        with pytest.raises(Conflict, match="archived"):
            act(org, posts)
    # then the archived workspace did not change
    assert _launch_mark(org) == before, f"{name} changed an archived workspace"
    assert Workspace.objects.get(pk=org.launch.pk).archived_at is not None


def test_erasing_a_person_rewrites_their_mentions_in_an_archived_workspace(
    org: Any, posts: Posts
) -> None:
    # given a post in Launch that mentions Mia, then Launch archived
    post = conv.create_post(org.olivia, org.launch.pk, kind="update", body="Thanks @mia")
    _archive(org)
    before = _launch_mark(org)
    # when an administrator erases Mia
    erased = lumoflow.people.actions.erase_person(org.ada, "mia")
    # then the archived post names her by her new name, pages cached under Launch's mark are
    # dropped, and Launch stays archived
    body = Post.objects.get(pk=post.pk).body
    assert "@mia" not in body and f"@{erased.username}" in body
    assert _launch_mark(org) != before
    assert Workspace.objects.get(pk=org.launch.pk).archived_at is not None


def test_bulk_paths_refuse_an_archived_workspace(org: Any, posts: Posts) -> None:
    # given an archived workspace
    _archive(org)
    # when an import writes events into it, then nothing is written
    with pytest.raises(Conflict, match="archived"):
        conv.bulk_create_posts([conv.PostRow(org.mia.pk, org.launch.pk, "Late", timezone.now())])
    assert not Post.objects.filter(body="Late").exists()


def test_only_the_archiving_itself_is_recorded_on_an_archived_workspace() -> None:
    # `record(..., archiving=True)` skips the refusal: archive_workspace alone may pass it
    src = Path(lumoflow.__file__).parent
    users = {
        p.relative_to(src).as_posix(): p.read_text().count("archiving=True")
        for p in src.rglob("*.py")
        if "archiving=True" in p.read_text()
    }
    assert users == {"workspaces/actions/workspace.py": 1}
