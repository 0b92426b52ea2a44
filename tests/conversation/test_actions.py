"""Writes: posts, replies, edits, reactions, answers, ideas, follows, and the bulk paths."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lumoflow.conversation import actions
from lumoflow.conversation.actions import PostRow, ReactionRow, engage
from lumoflow.conversation.models import Mention, Post, Reaction
from lumoflow.core.errors import Conflict, Invalid, NotFound, PermissionDenied
from lumoflow.workspaces import actions as ws_actions

from .conftest import events

pytestmark = pytest.mark.django_db


def test_post_records_event_with_text_kind_and_thread(org: Any) -> None:
    # when
    post = actions.create_post(org.mia, org.launch.pk, kind="question", body="Where is **v2**?")
    # then
    assert post.body_html == "<p>Where is <strong>v2</strong>?</p>\n"
    (ev,) = events("post")
    assert (ev.actor_id, ev.workspace_id, ev.object_id, ev.thread_id) == (
        org.mia.pk,
        org.launch.pk,
        str(post.pk),
        str(post.pk),
    )
    assert (ev.kind, ev.text, ev.parent_id) == ("question", "Where is **v2**?", "")


def test_backdated_post_keeps_its_time(org: Any) -> None:
    at = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
    post = actions.create_post(org.mia, org.launch.pk, kind="update", body="old", at=at)
    assert post.created_at == at
    assert events("post")[0].ts == at


def test_reply_to_reply_has_root_parent_and_target(org: Any, post_in: Any) -> None:
    # given
    root = post_in(org.olivia, org.launch, "Plan?", "question")
    first = actions.create_reply(org.mia, root.pk, body="Here")
    # when
    second = actions.create_reply(org.fred, first.pk, body="And here")
    # then
    assert (second.parent_id, second.thread_id) == (first.pk, root.pk)
    root.refresh_from_db()
    assert root.reply_count == 2
    ev = events("reply")[-1]
    assert (ev.parent_id, ev.thread_id, ev.target_actor_id) == (
        str(first.pk),
        str(root.pk),
        org.mia.pk,
    )


@pytest.mark.parametrize("body", ["", "   ", "x" * 20001])
def test_empty_or_overlong_post_is_invalid(org: Any, body: str) -> None:
    with pytest.raises(Invalid) as e:
        actions.create_post(org.mia, org.launch.pk, kind="update", body=body)
    assert "body" in e.value.errors
    assert not Post.objects.exists()


def test_unknown_kind_and_foreign_objective_are_invalid(org: Any) -> None:
    with pytest.raises(Invalid) as e:
        actions.create_post(org.mia, org.launch.pk, kind="rant", body="x", objective_id=999)
    assert set(e.value.errors) == {"kind", "objective_id"}


def test_post_links_objective(org: Any) -> None:
    post = actions.create_post(
        org.mia, org.launch.pk, kind="update", body="x", objective_id=org.objective.pk
    )
    assert post.objective_id == org.objective.pk


def test_outsider_cannot_post_or_reply_and_secret_is_not_found(org: Any, post_in: Any) -> None:
    root = post_in(org.mia, org.launch)
    with pytest.raises(PermissionDenied):
        actions.create_post(org.otto, org.launch.pk, kind="update", body="hi")
    with pytest.raises(PermissionDenied):
        actions.create_reply(org.otto, root.pk, body="hi")
    with pytest.raises(NotFound):
        actions.create_post(org.otto, org.merger.pk, kind="update", body="hi")


def test_after_leaving_one_cannot_react_or_reply(org: Any, post_in: Any) -> None:
    # given
    fin = post_in(org.mia, org.finance, "Books closed")
    pub = post_in(org.olivia, org.launch, "Shipping")
    ws_actions.remove_member(org.mia, org.finance.pk, username="mia")
    ws_actions.remove_member(org.mia, org.launch.pk, username="mia")
    # then: the private one is invisible now, the public one readable but not writable
    with pytest.raises(NotFound):
        actions.add_reaction(org.mia, fin.pk, emoji="👍")
    with pytest.raises(NotFound):
        actions.create_reply(org.mia, fin.pk, body="x")
    with pytest.raises(PermissionDenied):
        actions.add_reaction(org.mia, pub.pk, emoji="👍")
    with pytest.raises(PermissionDenied):
        actions.create_reply(org.mia, pub.pk, body="x")


def test_mentions_notify_only_readers_and_record_events(org: Any) -> None:
    # when: otto cannot read Finance
    post = actions.create_post(
        org.olivia, org.finance.pk, kind="update", body="@mia and @otto and @nobody look"
    )
    # then
    assert list(Mention.objects.filter(post=post).values_list("user_id", flat=True)) == [org.mia.pk]
    assert [e.target_actor_id for e in events("mention")] == [org.mia.pk]
    assert 'href="/people/mia"' in post.body_html


def test_edit_keeps_history_and_records_event(org: Any, post_in: Any) -> None:
    post = post_in(org.mia, org.launch, "first")
    actions.edit_post(org.mia, post.pk, body="second")
    post.refresh_from_db()
    assert post.body == "second" and post.edited_at is not None
    assert [r.body for r in post.revisions.all()] == ["first"]
    assert events("edit")[0].text == "second"
    with pytest.raises(PermissionDenied):
        actions.edit_post(org.fred, post.pk, body="mine now")


def test_delete_own_and_hide_others(org: Any, post_in: Any) -> None:
    a = post_in(org.mia, org.launch, "a")
    b = post_in(org.mia, org.launch, "b")
    with pytest.raises(PermissionDenied):
        actions.delete_post(org.fred, a.pk)
    actions.delete_post(org.mia, a.pk)
    with pytest.raises(PermissionDenied):
        actions.hide_post(org.mia, b.pk, reason="x")
    with pytest.raises(Invalid):
        actions.hide_post(org.fred, b.pk, reason="")
    actions.hide_post(org.fred, b.pk, reason="Off topic")
    assert len(events("delete")) == 1
    assert events("hide")[0].text == "Off topic"
    with pytest.raises(NotFound):
        actions.create_reply(org.olivia, a.pk, body="?")


def test_reactions_toggle(org: Any, post_in: Any) -> None:
    post = post_in(org.mia, org.launch)
    actions.add_reaction(org.fred, post.pk, emoji="🎉")
    with pytest.raises(Conflict):
        actions.add_reaction(org.fred, post.pk, emoji="🎉")
    with pytest.raises(Invalid):
        actions.add_reaction(org.fred, post.pk, emoji="💩")
    ev = events("reaction")[0]
    assert (ev.parent_id, ev.target_actor_id, ev.text) == (str(post.pk), org.mia.pk, "🎉")
    actions.remove_reaction(org.fred, post.pk, emoji="🎉")
    assert not Reaction.objects.exists()
    with pytest.raises(NotFound):
        actions.remove_reaction(org.fred, post.pk, emoji="🎉")


def test_accept_answer_by_asker_or_facilitator_only(org: Any, post_in: Any) -> None:
    q = post_in(org.mia, org.launch, "How?", "question")
    r = actions.create_reply(org.olivia, q.pk, body="Like this")
    with pytest.raises(PermissionDenied):
        actions.accept_answer(org.otto, q.pk, reply_id=r.pk)
    u = post_in(org.mia, org.launch, "An update")
    with pytest.raises(Conflict):
        actions.accept_answer(org.mia, u.pk, reply_id=r.pk)
    with pytest.raises(Invalid):
        actions.accept_answer(org.mia, q.pk, reply_id=u.pk)
    actions.accept_answer(org.fred, q.pk, reply_id=r.pk)
    q.refresh_from_db()
    assert q.accepted_answer_id == r.pk
    ev = events("accept_answer")[0]
    assert (ev.object_id, ev.thread_id, ev.target_actor_id) == (
        str(r.pk),
        str(q.pk),
        org.olivia.pk,
    )


def test_idea_status_by_facilitators(org: Any, post_in: Any) -> None:
    idea = post_in(org.mia, org.launch, "Dark mode", "idea")
    assert idea.idea_status == "new"
    with pytest.raises(PermissionDenied):
        actions.set_idea_status(org.mia, idea.pk, status="adopted")
    with pytest.raises(Invalid):
        actions.set_idea_status(org.fred, idea.pk, status="maybe")
    actions.set_idea_status(org.fred, idea.pk, status="adopted", note="Next sprint")
    assert events("idea_status")[0].text == "adopted: Next sprint"


def test_follow_and_unfollow(org: Any) -> None:
    actions.follow(org.mia, username="olivia")
    actions.follow(org.mia, workspace_id=org.launch.pk)
    with pytest.raises(Conflict):
        actions.follow(org.mia, username="olivia")
    with pytest.raises(NotFound):
        actions.follow(org.otto, workspace_id=org.merger.pk)
    with pytest.raises(Invalid):
        actions.follow(org.mia, username="mia")
    actions.unfollow(org.mia, username="olivia")
    assert [e.target_actor_id for e in events("follow")] == [org.olivia.pk, None]
    assert len(events("unfollow")) == 1


# ---------------------------------------------------------------------------- bulk
def test_bulk_create_posts_matches_single_actions(org: Any) -> None:
    # given
    t0 = datetime(2025, 1, 6, 9, tzinfo=UTC)
    ids = actions.bulk_create_posts(
        [
            PostRow(org.mia.pk, org.launch.pk, "Which **date**? @fred", t0, kind="question"),
            PostRow(org.olivia.pk, org.finance.pk, "Plain words here", t0, kind="update"),
        ]
    )
    # when
    (rid,) = actions.bulk_create_posts(
        [
            PostRow(
                org.fred.pk,
                org.launch.pk,
                "Monday #launch",
                t0 + timedelta(hours=1),
                parent_id=ids[0],
            )
        ]
    )
    # then
    q = Post.objects.get(pk=ids[0])
    assert q.reply_count == 1 and "<strong>date</strong>" in q.body_html
    reply = Post.objects.get(pk=rid)
    assert (reply.thread_id, reply.parent_id, reply.kind) == (ids[0], ids[0], "")
    ev = events("reply")[0]
    assert (ev.target_actor_id, ev.thread_id, ev.text) == (
        org.mia.pk,
        str(ids[0]),
        "Monday #launch",
    )
    assert [e.target_actor_id for e in events("mention")] == [org.fred.pk]
    assert Post.objects.get(pk=ids[1]).body_html == "<p>Plain words here</p>\n"
    assert list(reply.hashtags.values_list("tag", flat=True)) == ["launch"]


@pytest.mark.parametrize(
    "row,message",
    [
        (dict(author="otto"), "not an active member"),
        (dict(body=""), "body"),
        (dict(kind="rant"), "unknown kind"),
        (dict(parent_id=10**9), "parent"),
    ],
)
def test_bulk_rejects_bad_row_naming_it(org: Any, row: dict[str, Any], message: str) -> None:
    t0 = datetime(2025, 1, 6, 9, tzinfo=UTC)
    good = PostRow(org.mia.pk, org.launch.pk, "ok", t0)
    author = getattr(org, row.pop("author", "mia"))
    bad = PostRow(**{**good.__dict__, "author_id": author.pk, **row})
    with pytest.raises(Invalid) as e:
        actions.bulk_create_posts([good, bad])
    assert "row 1" in e.value.detail and message in e.value.detail
    assert not Post.objects.exists()


def test_bulk_reply_parent_in_other_workspace_is_rejected(org: Any) -> None:
    t0 = datetime(2025, 1, 6, 9, tzinfo=UTC)
    (pid,) = actions.bulk_create_posts([PostRow(org.mia.pk, org.finance.pk, "x", t0)])
    with pytest.raises(Invalid, match="row 0"):
        actions.bulk_create_posts([PostRow(org.mia.pk, org.launch.pk, "y", t0, parent_id=pid)])


def test_bulk_reactions_and_answers(org: Any) -> None:
    t0 = datetime(2025, 1, 6, 9, tzinfo=UTC)
    (q,) = actions.bulk_create_posts([PostRow(org.mia.pk, org.launch.pk, "?", t0, "question")])
    (r,) = actions.bulk_create_posts([PostRow(org.fred.pk, org.launch.pk, "!", t0, parent_id=q)])
    n = actions.bulk_add_reactions(
        [ReactionRow(org.olivia.pk, q, "👍", t0), ReactionRow(org.olivia.pk, q, "👍", t0)]
    )
    assert n == 1 and events("reaction")[0].target_actor_id == org.mia.pk
    with pytest.raises(Invalid, match="row 0"):
        actions.bulk_add_reactions([ReactionRow(org.otto.pk, q, "👍", t0)])
    assert actions.bulk_accept_answers([(org.mia.pk, q, r, t0)]) == 1
    assert Post.objects.get(pk=q).accepted_answer_id == r
    with pytest.raises(Invalid, match="row 0"):
        actions.bulk_accept_answers([(org.otto.pk, q, r, t0)])


def test_views_known_to_be_recorded_cost_no_query(
    org: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    # given: Fred's first look at two posts is recorded (in a memory of this test's own)
    monkeypatch.setattr(engage, "_recorded_today", engage._RecordedToday())
    posts = [actions.create_post(org.mia, org.launch.pk, kind="update", body=b) for b in "ab"]
    with django_capture_on_commit_callbacks(execute=True):
        actions.record_post_views(org.fred, posts, also=[(org.launch, "workspace", org.launch.pk)])
    assert len(events("view", actor=org.fred)) == 3
    # when: he sees them again
    with CaptureQueriesContext(connection) as ctx:
        actions.record_post_views(org.fred, posts, also=[(org.launch, "workspace", org.launch.pk)])
    # then: no query; a post with a known id but another creation time (as in a database emptied
    # and filled again) is looked up, and found not to need a write
    assert len(ctx.captured_queries) == 0
    again = Post(pk=posts[0].pk, workspace_id=org.launch.pk, created_at=datetime(2020, 1, 1))
    with CaptureQueriesContext(connection) as ctx:
        actions.record_post_views(org.fred, [again])
    assert len(ctx.captured_queries) == 1
    assert len(events("view", actor=org.fred)) == 3


@pytest.mark.parametrize("body", ["\u200b\u200b", "\u200b \ufeff\u2060\u200d", "\u3164", "\u2800"])
def test_a_post_of_invisible_characters_only_is_refused(org: Any, api: Any, body: str) -> None:
    from lumoflow.core.errors import Invalid
    from lumoflow.core.validation import INVISIBLE_MESSAGE

    before = Post.objects.count()
    with pytest.raises(Invalid) as exc:
        actions.create_post(org.olivia, org.launch.pk, kind="update", body=body)
    assert exc.value.errors == {"body": [INVISIBLE_MESSAGE]}
    r = api(org.olivia).post(f"/workspaces/{org.launch.pk}/posts", {"kind": "update", "body": body})
    assert r.status_code == 422, r.content
    assert INVISIBLE_MESSAGE in r.json()["detail"]
    assert Post.objects.count() == before
    # Invisible characters inside visible text are kept as they are.
    post = actions.create_post(org.olivia, org.launch.pk, kind="update", body=f"Hi{body}there")
    assert post.body == f"Hi{body}there"
