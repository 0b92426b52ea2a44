"""Responsiveness on hand-built threads."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from lumoflow.analytics.responsiveness import diversity_score, responsiveness

from .conftest import frame_of, rows

EVENTS = rows(
    # q1: ann asks at 09:00; ann's own reply at 10:00 does not count; bob answers at 12:00 (3 h)
    ("2024-03-04T09:00Z", "ann", "post", {"object_id": "q1", "kind": "question"}),
    ("2024-03-04T10:00Z", "ann", "reply", {"object_id": "r1", "thread_id": "q1"}),
    ("2024-03-04T12:00Z", "bob", "reply", {"object_id": "r2", "thread_id": "q1"}),
    ("2024-03-04T13:00Z", "bob", "reply", {"object_id": "r3", "thread_id": "q1"}),
    ("2024-03-04T14:00Z", "cy", "reply", {"object_id": "r4", "parent_id": "q1"}),
    ("2024-03-05T09:00Z", "ann", "accept_answer", {"object_id": "r2"}),  # root via the answer
    # q2: never answered
    ("2024-03-04T09:00Z", "dee", "post", {"object_id": "q2", "kind": "question"}),
    # p3: an update answered after 10 h
    ("2024-03-05T00:00Z", "eve", "post", {"object_id": "p3", "kind": "update"}),
    ("2024-03-05T10:00Z", "ann", "reply", {"object_id": "r5", "thread_id": "p3"}),
    ("2024-03-09T00:00Z", "eve", "view", {"object_id": "p3"}),
)


def test_first_reply_times_exclude_self_replies() -> None:
    r = responsiveness(frame_of(EVENTS))
    assert (r.posts, r.replied_posts) == (3, 2)
    assert r.first_reply_median_h == pytest.approx(6.5)  # median of 3 h and 10 h
    assert r.first_reply_p90_h == pytest.approx(3 + 0.9 * 7)


def test_unanswered_questions_and_accepted_answers() -> None:
    r = responsiveness(frame_of(EVENTS))
    assert r.questions == 2
    assert r.unanswered_48h_share == pytest.approx(0.5)
    assert r.accepted_rate == pytest.approx(0.5)
    assert r.accepted_median_h == pytest.approx(24.0)


def test_questions_younger_than_48_hours_are_not_yet_unanswered() -> None:
    r = responsiveness(frame_of(EVENTS[:7]))  # the log ends on 5 March: both are 24 h old
    assert r.questions == 2
    assert r.unanswered_48h_share is None


def test_conversation_spread_and_diversity() -> None:
    r = responsiveness(frame_of(EVENTS))
    # q1: ann, bob, cy = 3 participants; 4 replies, 2 by people new to the thread (bob, cy)
    # p3: eve, ann = 2; 1 reply by a newcomer
    assert r.participants_per_thread_median == pytest.approx(2.5)
    q1 = stats.beta.ppf(0.05, 2 + 2, 2 + 4 - 2)
    p3 = stats.beta.ppf(0.05, 2 + 1, 2 + 0)
    assert r.diversity_median == pytest.approx(np.median([q1, p3]))


def test_diversity_score_rises_with_new_voices() -> None:
    s = diversity_score(np.array([0, 5, 10]), np.array([10, 10, 10]))
    assert s[0] < s[1] < s[2]


def test_weekly_p90_of_first_reply_beside_the_median() -> None:
    # given: all three posts in the week of 4 March (q1 answered in 3 h, q2 never, p3 in 10 h)
    # when
    (week,) = responsiveness(frame_of(EVENTS)).weekly
    # then: the week's P90 interpolates between its replied posts, as the period's does
    assert week.median_first_reply_h == pytest.approx(6.5)
    assert week.p90_first_reply_h == pytest.approx(3 + 0.9 * 7)
    assert week.p90_first_reply_h >= week.median_first_reply_h


def test_weekly_p90_is_hidden_with_a_small_week() -> None:
    # given: three authors in the week, fewer than the group size of five
    # when
    (week,) = responsiveness(frame_of(EVENTS, min_group_size=5)).weekly
    # then
    assert week.suppressed
    assert (week.median_first_reply_h, week.p90_first_reply_h) == (None, None)
