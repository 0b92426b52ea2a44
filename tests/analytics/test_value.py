"""Value: outcomes and the labelled estimate of hours saved."""

from __future__ import annotations

import pytest

from lumoflow.analytics.value import ValueAssumptions, value_outcomes

from .conftest import frame_of, rows

EVENTS = rows(
    ("2024-03-04T09:00Z", "ann", "post", {"object_id": "q1", "kind": "question"}),
    ("2024-03-04T10:00Z", "bob", "reply", {"object_id": "a1", "thread_id": "q1"}),
    ("2024-03-04T11:00Z", "cy", "post", {"object_id": "q2", "kind": "question"}),
    ("2024-03-04T11:30Z", "cy", "reply", {"object_id": "a2", "thread_id": "q2"}),  # self only
    ("2024-03-04T12:00Z", "ann", "knowledge_saved", {"object_id": "a1"}),
    ("2024-03-05T09:00Z", "dee", "view", {"object_id": "a1"}),
    ("2024-03-05T09:10Z", "bob", "view", {"object_id": "a1"}),  # the author: not reuse
    ("2024-03-05T09:20Z", "eve", "wiki_edit", {"object_id": "wiki1"}),
    ("2024-03-05T09:30Z", "ann", "view", {"object_id": "wiki1"}),
    ("2024-03-05T10:00Z", "eve", "idea_status", {"object_id": "i1", "text": "Adopted for Q3"}),
    ("2024-03-05T10:01Z", "eve", "idea_status", {"object_id": "i2", "text": "rejected"}),
    ("2024-03-05T11:00Z", "ann", "decision", {"object_id": "d1"}),
    ("2024-03-05T11:00Z", "ann", "post", {"object_id": "d2", "kind": "decision"}),
    ("2024-03-05T12:00Z", "bob", "check_in", {"object_id": "kr1"}),
    ("2024-03-06T12:00Z", "bob", "check_in", {"object_id": "kr1"}),
)


def test_outcomes_are_counted() -> None:
    v = value_outcomes(frame_of(EVENTS))
    assert (v.questions, v.questions_answered) == (2, 1)
    assert v.answers_saved_as_knowledge == 1
    assert v.ideas_adopted == 1
    assert v.decisions == 2
    assert (v.key_result_check_ins, v.key_results_moved) == (2, 1)
    assert v.knowledge_reuse_views == 2  # dee on a1, ann on wiki1


def test_a_wiki_pages_author_is_who_wrote_it_first() -> None:
    # Zoe writes the page, Adam edits it later: Adam reading it is reuse, Zoe reading it is not
    # (whatever the names' order, and the network addresses replies to the same author).
    events = rows(
        ("2024-03-04T09:00Z", "zoe", "wiki_edit", {"object_id": "w1"}),
        ("2024-03-04T10:00Z", "adam", "wiki_edit", {"object_id": "w1"}),
        ("2024-03-05T09:00Z", "zoe", "view", {"object_id": "w1"}),
        ("2024-03-05T09:10Z", "zoe", "view", {"object_id": "w1"}),
        ("2024-03-05T09:20Z", "adam", "view", {"object_id": "w1"}),
    )
    assert value_outcomes(frame_of(events)).knowledge_reuse_views == 1


def test_hours_saved_use_every_listed_assumption() -> None:
    a = ValueAssumptions(
        minutes_per_answered_question=(6, 12, 24), minutes_per_reuse=(3, 6, 9), hourly_cost=100.0
    )
    v = value_outcomes(frame_of(EVENTS), assumptions=a)
    assert v.hours_saved == pytest.approx({"low": 0.2, "base": 0.4, "high": 0.7})
    assert v.cost_saved["base"] == pytest.approx(40.0)
    assert "estimate" in v.label
    assert v.assumptions["hourly_cost"] == 100.0
