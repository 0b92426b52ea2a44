"""Rules that read the data and then write hold when two people act at once, on PostgreSQL.

Each race holds a first action's transaction open, starts a second action meant to clash with it,
gives it time to read what the first has not committed yet, then lets the first commit. Without a
row lock the second read the old state and wrote as if the first never happened. These run on
PostgreSQL only, with threads and real commits: on SQLite one writer at a time holds the database
(BEGIN IMMEDIATE), so its actions never interleave.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from lumoflow.activity.models import ActivityEvent
from lumoflow.conversation import actions as conv
from lumoflow.conversation.models import EMOJIS, Post
from lumoflow.core.errors import LumoFlowError
from lumoflow.workspaces import actions as ws
from lumoflow.workspaces.models import Membership, Role

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent writers interleave on PostgreSQL"
    ),
]


def _race(first: Callable[[], Any], second: Callable[[], Any]) -> tuple[Any, Any]:
    """Run `first` in a transaction held open while `second` starts and gets a second to read;
    then commit `first`. Return what each returned, or the error it raised."""
    results: list[Any] = [None, None]
    first_done, release, second_done = threading.Event(), threading.Event(), threading.Event()

    def run(i: int, fn: Callable[[], Any], done: threading.Event, hold: bool) -> None:
        try:
            with transaction.atomic():
                results[i] = fn()
                done.set()
                if hold:
                    release.wait(10)
        except BaseException as exc:  # reported by the test thread
            results[i] = exc
        finally:
            done.set()
            connection.close()

    threads = [
        threading.Thread(target=run, args=(0, first, first_done, True)),
        threading.Thread(target=run, args=(1, second, second_done, False)),
    ]
    threads[0].start()
    assert first_done.wait(10)
    threads[1].start()
    second_done.wait(1.0)
    release.set()
    for t in threads:
        t.join(20)
    return results[0], results[1]


def _owners(workspace: Any) -> set[str]:
    return set(
        Membership.objects.filter(workspace=workspace, role=Role.OWNER).values_list(
            "user__username", flat=True
        )
    )


def _two_owners(org: Any) -> None:
    ws.add_member(org.olivia, org.launch.pk, username="fred", role="owner")


def _refused(result: Any, words: str) -> bool:
    return isinstance(result, LumoFlowError) and words in result.detail


# ---------------------------------------------------------------------------- last owner
# Two owners act at once, each on their own or the other's membership: (first, second, the
# owner left). The second was an owner when it started and must not leave the workspace without
# one, whether it is refused as the last owner or as no longer an owner.
LAST_OWNER_RACES = {
    "both step down": (("olivia", "olivia", "member"), ("fred", "fred", "member"), "fred"),
    "both leave": (("olivia", "olivia", None), ("fred", "fred", None), "fred"),
    "each demotes the other": (("olivia", "fred", "member"), ("fred", "olivia", None), "olivia"),
}


def _change(org: Any, actor: str, person: str, role: str | None) -> Callable[[], Any]:
    who = getattr(org, actor)
    if role is None:
        return lambda: ws.remove_member(who, org.launch.pk, username=person)
    return lambda: ws.add_member(who, org.launch.pk, username=person, role=role)


@pytest.mark.parametrize("race", sorted(LAST_OWNER_RACES))
def test_two_owners_stepping_down_at_once_leave_one_owner(org: Any, race: str) -> None:
    # given two owners
    first, second, left = LAST_OWNER_RACES[race]
    _two_owners(org)
    # when they change their memberships at the same time
    done, refused = _race(_change(org, *first), _change(org, *second))
    # then the first change is made, the second refused, and one owner is left
    assert not isinstance(done, BaseException), done
    assert isinstance(refused, LumoFlowError), refused
    assert _owners(org.launch) == {left}


# ------------------------------------------------------------------- other read-then-writes
def test_joining_while_being_added_is_one_membership(org: Any) -> None:
    first, second = _race(
        lambda: ws.add_member(org.olivia, org.launch.pk, username="otto"),
        lambda: ws.join_workspace(org.otto, org.launch.pk),
    )
    assert not isinstance(first, BaseException), first
    assert _refused(second, "already"), second
    assert Membership.objects.filter(workspace=org.launch, user=org.otto).count() == 1


def test_archiving_twice_at_once_is_one_archiving(org: Any) -> None:
    _two_owners(org)
    first, second = _race(
        lambda: ws.archive_workspace(org.olivia, org.launch.pk),
        lambda: ws.archive_workspace(org.fred, org.launch.pk),
    )
    assert not isinstance(first, BaseException), first
    assert _refused(second, "already archived"), second


def test_a_write_racing_an_archiving_is_refused(org: Any) -> None:
    post = conv.create_post(org.mia, org.launch.pk, kind="update", body="Last words")
    first, second = _race(
        lambda: ws.archive_workspace(org.olivia, org.launch.pk),
        lambda: conv.hide_post(org.fred, post.pk, reason="Off topic"),
    )
    assert not isinstance(first, BaseException), first
    assert _refused(second, "archived"), second
    assert Post.objects.get(pk=post.pk).hidden_at is None


@pytest.mark.parametrize("then", ["deletes it again", "a facilitator hides it"])
def test_a_reply_taken_down_twice_at_once_counts_once(org: Any, then: str) -> None:
    # given a question with two replies
    q = conv.create_post(org.mia, org.launch.pk, kind="question", body="Which pilot?")
    reply = conv.create_reply(org.mia, q.pk, body="Nordic.")
    conv.create_reply(org.olivia, q.pk, body="Iberia.")
    # when its author deletes one reply while it is taken down a second time
    again = {
        "deletes it again": lambda: conv.delete_post(org.mia, reply.pk),
        "a facilitator hides it": lambda: conv.hide_post(org.fred, reply.pk, reason="Off topic"),
    }[then]
    first, second = _race(lambda: conv.delete_post(org.mia, reply.pk), again)
    # then it is taken down once: the other reply still counts
    assert not isinstance(first, BaseException), first
    assert isinstance(second, LumoFlowError), second
    assert Post.objects.get(pk=q.pk).reply_count == 1


def test_taking_a_reaction_back_twice_at_once_records_it_once(org: Any) -> None:
    post = conv.create_post(org.mia, org.launch.pk, kind="update", body="Shipped.")
    conv.add_reaction(org.fred, post.pk, emoji=EMOJIS[0])
    first, second = _race(
        lambda: conv.remove_reaction(org.fred, post.pk, emoji=EMOJIS[0]),
        lambda: conv.remove_reaction(org.fred, post.pk, emoji=EMOJIS[0]),
    )
    assert not isinstance(first, BaseException), first
    assert isinstance(second, LumoFlowError), second
    assert ActivityEvent.objects.filter(verb="delete", object_type="reaction").count() == 1


def test_accepting_a_reply_being_deleted_accepts_nothing(org: Any) -> None:
    q = conv.create_post(org.mia, org.launch.pk, kind="question", body="Which pilot?")
    reply = conv.create_reply(org.fred, q.pk, body="Nordic.")
    first, second = _race(
        lambda: conv.delete_post(org.fred, reply.pk),
        lambda: conv.accept_answer(org.mia, q.pk, reply_id=reply.pk),
    )
    assert not isinstance(first, BaseException), first
    assert isinstance(second, LumoFlowError), second
    assert Post.objects.get(pk=q.pk).accepted_answer_id is None


# ------------------------------------------------------------- posts, people and departments
def test_an_edit_racing_a_delete_does_not_bring_the_post_back(org: Any) -> None:
    post = conv.create_post(org.mia, org.launch.pk, kind="update", body="Draft")
    first, second = _race(
        lambda: conv.delete_post(org.mia, post.pk),
        lambda: conv.edit_post(org.mia, post.pk, body="Draft, edited"),
    )
    assert not isinstance(first, BaseException), first
    assert isinstance(second, LumoFlowError), second
    assert Post.objects.get(pk=post.pk).deleted_at is not None


def test_two_edits_at_once_keep_both_revisions(org: Any) -> None:
    post = conv.create_post(org.mia, org.launch.pk, kind="update", body="v1")
    first, second = _race(
        lambda: conv.edit_post(org.mia, post.pk, body="v2"),
        lambda: conv.edit_post(org.mia, post.pk, body="v3"),
    )
    assert not isinstance(first, BaseException), first
    assert not isinstance(second, BaseException), second
    saved = Post.objects.get(pk=post.pk)
    assert saved.body == "v3"
    assert sorted(saved.revisions.values_list("body", flat=True)) == ["v1", "v2"]


@pytest.mark.parametrize("write", ["posts", "replies", "reacts"])
def test_writing_while_being_removed_from_the_workspace_is_refused(org: Any, write: str) -> None:
    post = conv.create_post(org.olivia, org.launch.pk, kind="update", body="Agenda")
    before = Post.objects.count()
    second = {
        "posts": lambda: conv.create_post(org.mia, org.launch.pk, kind="update", body="Late"),
        "replies": lambda: conv.create_reply(org.mia, post.pk, body="Late"),
        "reacts": lambda: conv.add_reaction(org.mia, post.pk, emoji=EMOJIS[0]),
    }[write]
    first, refused = _race(
        lambda: ws.remove_member(org.olivia, org.launch.pk, username="mia"), second
    )
    assert not isinstance(first, BaseException), first
    assert _refused(refused, "Join"), refused
    assert Post.objects.count() == before
    assert not post.reactions.exists()


@pytest.mark.parametrize(
    "first,second,field,words",
    [
        (("Zoe", "zoe1@example.com"), ("zoe", "zoe2@example.com"), "username", "taken"),
        (("zoe", "Zoe@example.com"), ("zed", "zoe@EXAMPLE.com"), "email", "belongs to someone"),
    ],
)
def test_two_people_created_at_once_alike_but_for_case_are_one(
    db: Any, first: tuple[str, str], second: tuple[str, str], field: str, words: str
) -> None:
    from lumoflow.people import actions as people
    from lumoflow.people.models import User

    # when two people whose username (or e-mail) differ only in case are created at once
    done, refused = _race(
        lambda: people.create_person(None, username=first[0], email=first[1]),
        lambda: people.create_person(None, username=second[0], email=second[1]),
    )
    # then the database's constraint on the lower-cased value lets one in; the other is
    # refused on that field (not a server error)
    assert not isinstance(done, BaseException), done
    assert _refused(refused, words) and field in refused.errors, refused
    assert (
        User.objects.filter(**{f"{field}__iexact": second[0 if field == "username" else 1]}).count()
        == 1
    )


def test_two_people_taking_each_other_as_manager_at_once_make_no_cycle(org: Any) -> None:
    from lumoflow.people import actions as people
    from lumoflow.people.models import User

    # given Mia and Otto, neither managing the other
    first, second = _race(
        lambda: people.update_profile(org.mia, "mia", manager="otto"),
        lambda: people.update_profile(org.otto, "otto", manager="mia"),
    )
    assert not isinstance(first, BaseException), first
    assert _refused(second, "cycle"), second
    assert User.objects.get(username="otto").manager_id is None


def test_one_department_created_twice_at_once_is_one(org: Any) -> None:
    from lumoflow.people import actions as people
    from lumoflow.people.models import Department

    first, second = _race(
        lambda: people.update_profile(org.ada, "ada", department="Research/Labs"),
        lambda: people.update_profile(org.ada, "mia", department="Research/Labs"),
    )
    assert not isinstance(first, BaseException), first
    assert not isinstance(second, BaseException), second
    assert Department.objects.filter(path="Research/Labs").count() == 1
    assert Department.objects.filter(path="Research").count() == 1


@pytest.mark.parametrize("order", ["deactivate first", "step down first"])
def test_deactivating_an_owner_while_the_other_steps_down_leaves_an_owner(
    org: Any, order: str
) -> None:
    from lumoflow.people import actions as people

    # given two owners of every workspace, Olivia and Fred
    _two_owners(org)
    for other in (org.finance, org.merger):
        ws.add_member(org.olivia, other.pk, username="fred", role="owner")
    deactivate = lambda: people.admin_delete(org.ada, org.olivia)  # noqa: E731
    step_down = _change(org, "fred", "fred", "member")
    # when an administrator deactivates Olivia while Fred steps down
    pair = (deactivate, step_down) if order == "deactivate first" else (step_down, deactivate)
    first, second = _race(*pair)
    # then the second is refused: one owner who can still sign in is left
    assert not isinstance(first, BaseException), first
    assert isinstance(second, LumoFlowError), second
    active_owners = Membership.objects.filter(
        workspace=org.launch, role=Role.OWNER, user__is_active=True
    )
    assert active_owners.count() == 1
