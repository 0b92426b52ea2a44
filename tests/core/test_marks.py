"""Change marks (core.marks): every action moves the mark of what it changed, marks never stand
for less data than before, the epoch changes with a flush, and pages read the marks first."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from lumoflow.activity import actions as activity
from lumoflow.activity.actions import OUTSIDE
from lumoflow.conversation import actions as conv
from lumoflow.conversation.models import EMOJIS
from lumoflow.core import marks
from lumoflow.core.models import ChangeMark
from lumoflow.demo import actions as demo
from lumoflow.knowledge import actions as knowledge
from lumoflow.notifications import actions as notes
from lumoflow.people import actions as people
from lumoflow.people.models import SignIn
from lumoflow.people.throttle import Attempt
from lumoflow.workspaces import actions as ws

NOW = timezone.now
LAUNCH = "launch"  # the org's public workspace; "new" is the one the action made


@dataclass
class Posts:
    question: Any
    reply: Any
    idea: Any
    token_id: int


@pytest.fixture
def posts(org: Any) -> Posts:
    return make_posts(org)


def make_posts(org: Any) -> Posts:
    """A question with a reply, an idea with Mia's reaction, a follow and a token, in Launch."""
    q = conv.create_post(org.mia, org.launch.pk, kind="question", body="Which pilot first?")
    r = conv.create_reply(org.fred, q.pk, body="The Nordic one.")
    idea = conv.create_post(org.mia, org.launch.pk, kind="idea", body="Ship on Fridays")
    conv.add_reaction(org.mia, idea.pk, emoji=EMOJIS[0])
    conv.follow(org.mia, workspace_id=org.launch.pk)
    token, _ = people.create_token(org.mia, name="cli")
    return Posts(q, r, idea, token.pk)


def _in_transaction(fn: Callable[[], Any]) -> Any:
    with transaction.atomic():
        return fn()


def _renamed(person: Any) -> Any:
    person.display_name = "Mia Renamed"
    return person


# Each action, run as a person would, and the scope whose mark it must move: LAUNCH, OUTSIDE,
# "new" (the workspace it created), or None for what no cached page shows (then nothing need
# move). Keyed by module and name: a new action fails `test_every_action_is_walked` until here.
Act = Callable[[Any, Posts], Any]


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(out, "PNG")
    return out.getvalue()


ACTIONS: dict[str, tuple[Act, str | int | None]] = {
    # activity: the primitives every action calls
    "activity.record": (
        lambda o, p: _in_transaction(lambda: activity.record(o.mia, "post", workspace=o.launch)),
        LAUNCH,
    ),
    "activity.record_many": (
        lambda o, p: _in_transaction(
            lambda: activity.record_many([activity.EventRow(o.mia.pk, "profile", NOW())])
        ),
        OUTSIDE,
    ),
    "activity.record_views": (
        lambda o, p: activity.record_views(o.mia, [(o.launch, "post", p.idea.pk)]),
        None,
    ),
    # workspaces
    "workspaces.create_workspace": (
        lambda o, p: ws.create_workspace(o.otto, name="Ops", purpose="Keep things running."),
        "new",
    ),
    "workspaces.update_workspace": (
        lambda o, p: ws.update_workspace(o.olivia, o.launch.pk, purpose="Ship it, well."),
        LAUNCH,
    ),
    "workspaces.change_workspace": (
        lambda o, p: ws.change_workspace(o.olivia, o.launch.pk, name="Launch v2", archived=True),
        LAUNCH,
    ),
    "workspaces.archive_workspace": (
        lambda o, p: ws.archive_workspace(o.olivia, o.launch.pk),
        LAUNCH,
    ),
    "workspaces.join_workspace": (lambda o, p: ws.join_workspace(o.otto, o.launch.pk), LAUNCH),
    "workspaces.add_member": (
        lambda o, p: ws.add_member(o.olivia, o.launch.pk, username="otto"),
        LAUNCH,
    ),
    "workspaces.remove_member": (
        lambda o, p: ws.remove_member(o.olivia, o.launch.pk, username="mia"),
        LAUNCH,
    ),
    "workspaces.create_objective": (
        lambda o, p: ws.create_objective(
            o.olivia,
            o.launch.pk,
            title="Second pilot",
            start=date.today(),
            end=date.today() + timedelta(days=30),
            key_results=[
                {"metric_name": "Pilots", "baseline": 0, "target": 2, "due": date.today()}
            ],
        ),
        LAUNCH,
    ),
    "workspaces.add_key_result": (
        lambda o, p: ws.add_key_result(
            o.olivia,
            o.objective.pk,
            metric_name="Referrals",
            baseline=0,
            target=5,
            due=date.today() + timedelta(days=20),
        ),
        LAUNCH,
    ),
    "workspaces.record_check_in": (
        lambda o, p: ws.record_check_in(o.olivia, o.key_result.pk, value=3, confidence=7),
        LAUNCH,
    ),
    "workspaces.bulk_add_members": (
        lambda o, p: ws.bulk_add_members(None, [ws.MemberRow(o.launch.pk, o.otto.pk)]),
        LAUNCH,
    ),
    "workspaces.bulk_create_workspaces": (
        lambda o, p: SimpleNamespace(
            pk=ws.bulk_create_workspaces(o.ada, [ws.WorkspaceRow("Imported", "Imported.")])[0]
        ),
        "new",
    ),
    "workspaces.bulk_record_check_ins": (
        lambda o, p: ws.bulk_record_check_ins(
            [ws.CheckInRow(o.key_result.pk, o.olivia.pk, 4.0, 6, date.today(), NOW())]
        ),
        LAUNCH,
    ),
    # notifications: the chrome's key holds the unread count itself
    "notifications.mark_read": (lambda o, p: notes.mark_read(o.mia), None),
    "notifications.set_mutes": (lambda o, p: notes.set_mutes(o.mia, muted=[]), None),
    # a digest subscription is recorded as an event outside any workspace
    "notifications.set_digest": (lambda o, p: notes.set_digest(o.mia, "weekly", on=False), OUTSIDE),
    "notifications.set_digests": (lambda o, p: notes.set_digests(o.mia, on=[]), OUTSIDE),
    "notifications.notify_conversation": (
        lambda o, p: notes.notify_conversation(event="post", post_id=p.idea.pk),
        None,
    ),
    # an alert raised from fresh metrics: what shows it is keyed by the metrics' own time
    "notifications.raise_alerts": (
        lambda o, p: notes.raise_alerts(workspace_id=o.launch.pk, data=FADING),
        None,
    ),
    "notifications.mark_alert_acted_on": (
        lambda o, p: notes.mark_alert_acted_on(o.olivia, _alert(o.launch.pk), note="Done."),
        LAUNCH,
    ),
    # conversation
    "conversation.create_post": (
        lambda o, p: conv.create_post(o.mia, o.launch.pk, kind="update", body="Done."),
        LAUNCH,
    ),
    "conversation.create_reply": (
        lambda o, p: conv.create_reply(o.olivia, p.question.pk, body="Agreed."),
        LAUNCH,
    ),
    "conversation.edit_post": (
        lambda o, p: conv.edit_post(o.mia, p.question.pk, body="Which pilot goes first?"),
        LAUNCH,
    ),
    "conversation.delete_post": (lambda o, p: conv.delete_post(o.mia, p.question.pk), LAUNCH),
    "conversation.hide_post": (
        lambda o, p: conv.hide_post(o.fred, p.question.pk, reason="Duplicate"),
        LAUNCH,
    ),
    "conversation.add_reaction": (
        lambda o, p: conv.add_reaction(o.fred, p.question.pk, emoji=EMOJIS[1]),
        LAUNCH,
    ),
    "conversation.remove_reaction": (
        lambda o, p: conv.remove_reaction(o.mia, p.idea.pk, emoji=EMOJIS[0]),
        LAUNCH,
    ),
    "conversation.accept_answer": (
        lambda o, p: conv.accept_answer(o.mia, p.question.pk, reply_id=p.reply.pk),
        LAUNCH,
    ),
    "conversation.set_idea_status": (
        lambda o, p: conv.set_idea_status(o.olivia, p.idea.pk, status="adopted"),
        LAUNCH,
    ),
    "conversation.follow": (
        lambda o, p: conv.follow(o.fred, workspace_id=o.launch.pk),
        None,  # follows show on the follower's home page, which is not cached
    ),
    "conversation.unfollow": (
        lambda o, p: conv.unfollow(o.mia, workspace_id=o.launch.pk),
        None,
    ),
    "conversation.record_post_views": (
        lambda o, p: conv.record_post_views(o.fred, [p.idea]),
        None,
    ),
    "conversation.bulk_create_posts": (
        lambda o, p: conv.bulk_create_posts([conv.PostRow(o.mia.pk, o.launch.pk, "Bulk", NOW())]),
        LAUNCH,
    ),
    "conversation.bulk_add_reactions": (
        lambda o, p: conv.bulk_add_reactions(
            [conv.ReactionRow(o.fred.pk, p.question.pk, EMOJIS[2], NOW())]
        ),
        LAUNCH,
    ),
    "conversation.bulk_accept_answers": (
        lambda o, p: conv.bulk_accept_answers([(o.mia.pk, p.question.pk, p.reply.pk, NOW())]),
        LAUNCH,
    ),
    "conversation.bulk_set_idea_status": (
        lambda o, p: conv.bulk_set_idea_status(
            [conv.IdeaStatusRow(o.olivia.pk, p.idea.pk, "declined", NOW())]
        ),
        LAUNCH,
    ),
    # knowledge
    "knowledge.create_wiki_page": (
        lambda o, p: knowledge.create_wiki_page(o.mia, o.launch.pk, title="Runbook", body="A"),
        LAUNCH,
    ),
    "knowledge.edit_wiki_page": (lambda o, p: _edited_page(o), LAUNCH),
    "knowledge.restore_wiki_revision": (lambda o, p: _restored_page(o), LAUNCH),
    "knowledge.save_as_knowledge": (
        lambda o, p: (
            conv.accept_answer(o.mia, p.question.pk, reply_id=p.reply.pk),
            knowledge.save_as_knowledge(o.mia, p.question.pk),
        ),
        LAUNCH,
    ),
    "knowledge.record_knowledge_views": (
        lambda o, p: knowledge.record_knowledge_views(o.fred, [(o.launch.pk, "wikipage", 1)]),
        None,
    ),
    "knowledge.create_article": (
        lambda o, p: knowledge.create_article(o.mia, o.launch.pk, title="T", body="B"),
        LAUNCH,
    ),
    "knowledge.edit_article": (
        lambda o, p: knowledge.edit_article(
            o.mia,
            knowledge.create_article(o.mia, o.launch.pk, title="T", body="B").pk,
            status="published",
        ),
        LAUNCH,
    ),
    # demo
    "demo.bulk_record_views": (
        lambda o, p: demo.bulk_record_views(
            [demo.ViewRow(o.fred.pk, o.launch.pk, "post", p.idea.pk, NOW())]
        ),
        None,
    ),
    # people: names and departments show on every page, so they move the mark outside
    "people.parse_department_path": (lambda o, p: people.parse_department_path("A/B"), None),
    "people.ensure_department": (
        # A helper of the people actions, run inside their transaction.
        lambda o, p: None,
        None,
    ),
    "people.update_profile": (
        lambda o, p: people.update_profile(o.mia, "mia", display_name="Mia Moe"),
        OUTSIDE,
    ),
    "people.create_token": (lambda o, p: people.create_token(o.mia, name="ci"), None),
    # a face shows on cards of every workspace: the mark outside any workspace moves
    "people.set_photo": (
        lambda o, p: people.set_photo(o.mia, "mia", name="me.png", data=_png()),
        OUTSIDE,
    ),
    "people.remove_photo": (lambda o, p: people.remove_photo(o.mia, "mia"), OUTSIDE),
    "people.export_person": (lambda o, p: people.export_person(o.ada, "mia"), None),
    "people.erase_person": (lambda o, p: _erase_mentioned(o), LAUNCH),
    "people.revoke_token": (lambda o, p: people.revoke_token(o.mia, p.token_id), None),
    "people.ensure_admin": (
        lambda o, p: people.ensure_admin("root", "a-long-admin-password-1"),
        OUTSIDE,
    ),
    "people.import_people": (
        lambda o, p: people.import_people(
            o.ada,
            "username,email,name,title,department,manager,location,time_zone\n"
            "neo,neo@example.com,Neo,,IT,,,\n",
        ),
        OUTSIDE,
    ),
    "people.create_person": (
        lambda o, p: people.create_person(None, username="trin", email="trin@example.com"),
        OUTSIDE,
    ),
    "people.bulk_create_people": (
        lambda o, p: people.bulk_create_people(
            None, [people.PersonRow(username="morph", email="morph@example.com")]
        ),
        OUTSIDE,
    ),
    "people.admin_save": (
        lambda o, p: people.admin_save(o.ada, _renamed(o.mia), created=False),
        OUTSIDE,
    ),
    "people.admin_delete": (lambda o, p: people.admin_delete(o.ada, o.otto), OUTSIDE),
    "people.grant_capability": (
        lambda o, p: people.grant_capability(o.ada, "mia", "executive"),
        OUTSIDE,
    ),
    "people.revoke_capability": (
        lambda o, p: (
            people.grant_capability(o.ada, "mia", "executive"),
            people.revoke_capability(o.ada, "mia", "executive"),
        ),
        OUTSIDE,
    ),
    # the audit log of individual-level views: no page is built from it, so no mark to move
    "people.record_individual_view": (
        lambda o, p: people.record_individual_view(o.ada, what="brokers", scope="org", via="api"),
        None,
    ),
    # the sign-in audit: no page is built from it, so no mark to move
    "people.record_sign_in": (
        lambda o, p: people.record_sign_in(
            Attempt(login="MIA", user=o.mia, address="10.0.0.1", user_agent=""),
            outcome=SignIn.Outcome.FAILED,
        ),
        None,
    ),
}

MODULES: dict[str, ModuleType] = {
    "activity": activity,
    "workspaces": ws,
    "notifications": notes,
    "conversation": conv,
    "demo": demo,
    "knowledge": knowledge,
    "people": people,
}


FADING = {"fading": {"verdict": "fading", "evidence": [{"sentence": "Fell."}]}}


def _alert(workspace_id: int) -> int:
    """An open alert of the workspace (written here: the walk may have archived it, and an
    archived workspace raises none)."""
    from lumoflow.notifications.models import Alert

    now = timezone.now()
    return Alert.objects.create(
        workspace_id=workspace_id,
        kind="fading",
        metric="active_contributors",
        summary="Activity is fading.",
        since=now.date(),
        raised_at=now,
        computed_at=now,
    ).pk


def _actions_of(name: str, module: ModuleType) -> set[str]:
    """The public functions an `actions` module (or package) defines."""
    return {
        f"{name}.{fn_name}"
        for fn_name, fn in inspect.getmembers(module, inspect.isfunction)
        if not fn_name.startswith("_") and fn.__module__.startswith(module.__name__)
    }


def _page_marks_moved(o: Any, act: Callable[[Any], Any]) -> Any:
    """Run `act` on a page made before it, and check that the act itself moved the mark."""
    page = knowledge.create_wiki_page(o.mia, o.launch.pk, title="Runbook", body="A")
    before = marks.read([o.launch.pk]).of(o.launch.pk)
    result = act(page)
    assert marks.read([o.launch.pk]).of(o.launch.pk) != before
    return result


def _edited_page(o: Any) -> Any:
    return _page_marks_moved(
        o, lambda pg: knowledge.edit_wiki_page(o.mia, pg.pk, base_revision=pg.current_id, body="B")
    )


def _restored_page(o: Any) -> Any:
    def act(pg: Any) -> Any:
        first = pg.current_id
        knowledge.edit_wiki_page(o.mia, pg.pk, base_revision=first, body="B")
        return knowledge.restore_wiki_revision(o.mia, pg.pk, revision_id=first)

    return _page_marks_moved(o, act)


def _erase_mentioned(o: Any) -> Any:
    """Erase Mia after a post in Launch mentions her: the post's text changes there."""
    conv.create_post(o.olivia, o.launch.pk, kind="update", body="Thanks @mia")
    before = marks.read([o.launch.pk]).of(o.launch.pk)
    erased = people.erase_person(o.ada, "mia")
    assert marks.read([o.launch.pk]).of(o.launch.pk) != before
    return erased


def _versions() -> dict[int, int]:
    return dict(ChangeMark.objects.values_list("scope", "version"))


def test_every_action_is_walked() -> None:
    found = set().union(*(_actions_of(n, m) for n, m in MODULES.items()))
    assert found == set(ACTIONS), (
        f"actions not walked: {sorted(found - set(ACTIONS))}; gone: {sorted(set(ACTIONS) - found)}"
    )


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_every_action_moves_the_mark_of_what_it_changed(name: str, org: Any, posts: Posts) -> None:
    # given the marks before
    act, scope = ACTIONS[name]
    before = _versions()
    # when the action runs
    result = act(org, posts)
    # then the mark of what it changed moved
    after = _versions()
    moved = {s for s in after if after[s] != before.get(s)}
    expected = {LAUNCH: org.launch.pk, "new": getattr(result, "pk", None)}.get(scope, scope)  # type: ignore[call-overload]
    if expected is not None:
        assert expected in moved, f"{name} left the mark of scope {expected} where it was"
    assert marks.EPOCH not in moved


def test_a_view_moves_no_mark(org: Any, posts: Posts) -> None:
    before = _versions()
    conv.record_post_views(org.otto, [posts.idea, posts.question])
    assert _versions() == before


def test_a_rolled_back_write_leaves_no_version_to_meet_again(org: Any) -> None:
    # given the mark of a write that is rolled back
    with pytest.raises(RuntimeError), transaction.atomic():
        conv.create_post(org.mia, org.launch.pk, kind="update", body="Never committed")
        gone = marks.read([org.launch.pk]).of(org.launch.pk)
        raise RuntimeError
    # when the same write happens again
    conv.create_post(org.mia, org.launch.pk, kind="update", body="Never committed")
    # then its mark is a new one: nothing cached under the rolled-back one matches
    assert marks.read([org.launch.pk]).of(org.launch.pk) != gone


@pytest.mark.django_db(transaction=True)
def test_a_flush_starts_a_new_epoch(org: Any) -> None:
    # given the epoch of a database with data in it
    epoch = marks.read([]).epoch
    assert epoch is not None
    # when it is flushed (as `lumoflow demo --force` does)
    call_command("flush", interactive=False, verbosity=0)
    # then ids used again meet none of the bodies cached before
    assert marks.read([]).epoch not in (None, epoch)


def test_marks_read_as_zero_for_scopes_never_changed(org: Any) -> None:
    read = marks.read([10**9])
    assert read.of(10**9) == 0 and read.epoch is not None


def test_a_scope_past_the_columns_range_reads_as_never_changed(org: Any) -> None:
    assert marks.read([2**70]).of(2**70) == 0
