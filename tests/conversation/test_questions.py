"""The unanswered questions queue and who to ask, as each viewer sees it."""

from __future__ import annotations

from typing import Any

import pytest

from lumoflow.conversation import actions
from lumoflow.conversation import queries as cq
from lumoflow.core.errors import NotFound, PermissionDenied
from lumoflow.workspaces import actions as ws_actions
from tests.conftest import make_person

KILN = "How hot should the kiln run for glazed porcelain?"


@pytest.fixture
def kiln(org: Any) -> Any:
    """Fred answered a kiln question of Mia's (accepted); Mia asks another, still unanswered."""
    old = actions.create_post(
        org.mia, org.launch.pk, kind="question", body="Which kiln setting for porcelain?"
    )
    reply = actions.create_reply(org.fred, old.pk, body="1240 °C for porcelain glaze.")
    actions.accept_answer(org.mia, old.pk, reply_id=reply.pk)
    return actions.create_post(org.mia, org.launch.pk, kind="question", body=KILN)


def _ids(qs: Any) -> list[int]:
    return [q.pk for q in qs]


def test_a_question_leaves_the_queue_once_someone_else_replies(org: Any, post_in: Any) -> None:
    # given three questions: one with only the asker's own follow-up, one answered by Fred,
    # one not a question
    lonely = post_in(org.mia, org.launch, "Who has the pilot list?", kind="question")
    actions.create_reply(org.mia, lonely.pk, body="Anyone?")
    answered = post_in(org.mia, org.launch, "Where is the deck?", kind="question")
    actions.create_reply(org.fred, answered.pk, body="In the shared drive.")
    post_in(org.mia, org.launch, "Deck is out", kind="update")
    # when
    queue = cq.list_unanswered_questions_for(org.otto, org.launch.pk)
    # then
    assert _ids(queue) == [lonely.pk]


def test_a_deleted_reply_puts_the_question_back_in_the_queue(org: Any, post_in: Any) -> None:
    q = post_in(org.mia, org.launch, "Where is the deck?", kind="question")
    reply = actions.create_reply(org.fred, q.pk, body="In the shared drive.")
    assert _ids(cq.list_unanswered_questions_for(org.mia, org.launch.pk)) == []
    actions.delete_post(org.fred, reply.pk)
    assert _ids(cq.list_unanswered_questions_for(org.mia, org.launch.pk)) == [q.pk]


def test_the_queue_is_oldest_first(org: Any, post_in: Any) -> None:
    first = post_in(org.mia, org.launch, "First question?", kind="question")
    second = post_in(org.fred, org.launch, "Second question?", kind="question")
    assert _ids(cq.list_unanswered_questions_for(org.mia, org.launch.pk)) == [first.pk, second.pk]


def test_owners_and_facilitators_see_who_to_ask_with_shared_terms(org: Any, kiln: Any) -> None:
    for viewer in (org.olivia, org.fred):
        # when
        (item,) = cq.list_unanswered_queue_for(viewer, org.launch.pk)
        # then Fred answered the similar kiln question (accepted); Mia asked, so she is not named
        assert item.post.pk == kiln.pk
        assert item.suggestions is not None
        assert [(p.username, p.answered, p.accepted) for p in item.suggestions] == [("fred", 1, 1)]
        assert set(item.suggestions[0].terms) == {"kiln", "porcelain"}


def test_the_asker_sees_who_to_ask_about_their_own_question_only(
    org: Any, kiln: Any, post_in: Any
) -> None:
    # given Fred asks a kiln question too
    ws_actions.add_member(org.olivia, org.launch.pk, username="otto")
    other = post_in(org.fred, org.launch, "Kiln glaze for porcelain cups?", kind="question")
    # when Mia reads the queue
    items = {i.post.pk: i for i in cq.list_unanswered_queue_for(org.mia, org.launch.pk)}
    # then she sees suggestions for her question, none for Fred's
    assert items[kiln.pk].suggestions is not None
    assert [p.username for p in items[kiln.pk].suggestions] == ["fred"]
    assert items[other.pk].suggestions is None


def test_a_member_who_did_not_ask_sees_no_one_to_ask(org: Any, kiln: Any) -> None:
    ws_actions.add_member(org.olivia, org.launch.pk, username="otto")
    for viewer in (org.otto, org.ada):
        (item,) = cq.list_unanswered_queue_for(viewer, org.launch.pk)
        assert item.suggestions is None


def test_someone_who_left_the_workspace_is_not_suggested(org: Any, kiln: Any) -> None:
    # given Fred left Launch
    ws_actions.remove_member(org.fred, org.launch.pk, username="fred")
    # when
    (item,) = cq.list_unanswered_queue_for(org.olivia, org.launch.pk)
    # then nobody left who answered something similar
    assert item.suggestions == ()


def test_answers_in_other_workspaces_do_not_count(org: Any, post_in: Any) -> None:
    # given Olivia answered a kiln question in Finance, and Mia asks one in Launch
    q = post_in(org.mia, org.finance, "Which kiln setting for porcelain?", kind="question")
    actions.create_reply(org.olivia, q.pk, body="Ask the plant.")
    post_in(org.mia, org.launch, KILN, kind="question")
    # when
    (item,) = cq.list_unanswered_queue_for(org.olivia, org.launch.pk)
    # then
    assert item.suggestions == ()


def test_a_new_member_with_no_answers_is_never_suggested(org: Any, kiln: Any) -> None:
    make_person("nina")
    ws_actions.add_member(org.olivia, org.launch.pk, username="nina")
    (item,) = cq.list_unanswered_queue_for(org.olivia, org.launch.pk)
    assert item.suggestions is not None
    assert "nina" not in [p.username for p in item.suggestions]


def test_the_queue_of_a_hidden_or_private_workspace_is_refused(org: Any) -> None:
    with pytest.raises(NotFound):
        cq.list_unanswered_queue_for(org.otto, org.merger.pk)
    with pytest.raises(PermissionDenied):
        cq.list_unanswered_queue_for(org.otto, org.finance.pk)
    with pytest.raises(NotFound):
        cq.list_unanswered_queue_for(org.olivia, "nope")
    with pytest.raises(NotFound):
        cq.list_unanswered_queue_for(org.olivia, 10**9)


def test_the_queue_takes_a_bounded_number_of_queries(
    org: Any, kiln: Any, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(8):
        cq.list_unanswered_queue_for(org.olivia, org.launch.pk)


@pytest.mark.django_db(transaction=True)
def test_who_to_ask_is_kept_until_the_workspace_changes(org: Any, kiln: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # given the queue read once (who to ask is computed and kept)
    with CaptureQueriesContext(connection) as computed:
        first = cq.list_unanswered_queue_for(org.olivia, org.launch.pk)
    # when it is read again, then members, answers and names are not read again, and what is
    # kept is what the plain computation gives
    with CaptureQueriesContext(connection) as kept:
        again = cq.list_unanswered_queue_for(org.olivia, org.launch.pk)
    assert len(kept) == len(computed) - 3
    assert [(i.post.pk, i.suggestions) for i in again] == [
        (i.post.pk, i.suggestions) for i in first
    ]
    plain = cq.suggested_people(org.launch.pk, [i.post for i in again])
    assert {i.post.pk: i.suggestions for i in again} == plain
    # when Olivia answers a similar question, then she is suggested at once
    q = actions.create_post(
        org.fred, org.launch.pk, kind="question", body="Kiln glaze for porcelain?"
    )
    actions.create_reply(org.olivia, q.pk, body="Same as last time.")
    (item,) = cq.list_unanswered_queue_for(org.olivia, org.launch.pk)
    assert item.suggestions is not None
    assert sorted(p.username for p in item.suggestions) == ["fred", "olivia"]
