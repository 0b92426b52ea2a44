"""The unanswered queue names the people who really answered the demo's planted questions."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_planted_questions_suggest_the_people_who_answered_them(small_demo: dict[str, Any]) -> None:
    from django.contrib.auth import get_user_model

    from lumoflow.conversation import queries as cq
    from lumoflow.conversation.models import Post

    planted = small_demo["planted"]["answerer_questions"]
    assert len(planted) >= 2  # the small demo holds Quarter Close (private) and Sales Playbook
    for p in planted:
        # given the owner of the planted question's workspace, and the people known to answer
        asker = Post.objects.get(pk=p["question_id"]).author
        owner = get_user_model().objects.get(
            memberships__workspace_id=p["workspace"], memberships__role="owner"
        )
        # when the owner and the asker read the workspace's queue
        for viewer in (owner, asker):
            queue = cq.list_unanswered_queue_for(viewer, p["workspace"], limit=1000)
            (item,) = [q for q in queue if q.post.pk == p["question_id"]]
            # then the planted experts come first, each with the similar questions they answered
            assert item.suggestions is not None
            named = [s.username for s in item.suggestions]
            assert sorted(named[: len(p["experts"])]) == sorted(p["experts"]), (p, named)
            for s in item.suggestions[: len(p["experts"])]:
                assert s.answered >= 2 and s.terms
                answered = Post.objects.filter(
                    pk__in=p["answered_question_ids"], thread_replies__author__username=s.username
                ).distinct()
                assert answered.count() >= s.answered


def test_planted_questions_are_in_the_summary_and_unanswered(small_demo: dict[str, Any]) -> None:
    from lumoflow.conversation.models import Post

    for p in small_demo["planted"]["answerer_questions"]:
        q = Post.objects.get(pk=p["question_id"])
        assert q.kind == "question" and q.reply_count == 0 and q.workspace_id == p["workspace"]
        assert len(p["answered_question_ids"]) == 5 and len(p["experts"]) == 2
