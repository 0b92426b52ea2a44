"""Targets against actuals: hand-built weekly rows with answers worked out by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from lumoflow.analytics.targets import (
    Targets,
    complete_weeks,
    judge,
    targets_against_actuals,
)


def _data(active: list[Any], reply: list[Any], topic: list[Any], to: str) -> dict[str, Any]:
    """Report data whose weekly rows start on Monday 2026-11-02; ``"x"`` is a hidden week."""

    def rows(values: list[Any], column: str) -> list[dict[str, Any]]:
        start = dt.date(2026, 11, 2)
        return [
            {
                "week": (start + dt.timedelta(days=7 * i)).isoformat(),
                column: None if v == "x" else v,
                "suppressed": v == "x",
            }
            for i, v in enumerate(values)
        ]

    return {
        "participation": {"weekly": rows(active, "active_share")},
        "responsiveness": {"weekly": rows(reply, "median_first_reply_h")},
        "relevance": {"weekly": rows(topic, "on_topic_share")},
        "input": {"period": {"to": to}},
    }


def test_the_week_under_way_is_not_read() -> None:
    # given five weeks of rows, the period ending on Wednesday of the fifth
    data = _data([0.5, 0.5, 0.5, 0.5, 0.0], [4] * 5, [0.9] * 5, "2026-12-03T00:00:00Z")
    # when
    active, _, _ = targets_against_actuals(data, Targets())
    # then the four complete weeks are read, not the fifth (0.0)
    assert [w.week for w in active.weeks] == complete_weeks(dt.date(2026, 12, 2))
    assert active.weeks[-1].week == dt.date(2026, 11, 23)
    assert active.actual == pytest.approx(0.5)
    assert active.status == "met"


def test_met_near_and_missed_follow_the_direction_of_each_target() -> None:
    # given a period ending on Sunday 2026-11-29 (four complete weeks)
    data = _data([0.37] * 4, [8.8] * 4, [0.5] * 4, "2026-11-30T00:00:00Z")
    # when
    active, reply, topic = targets_against_actuals(data, Targets(0.4, 8.0, 0.7))
    # then 0.37 is within a tenth of 40%; 8.8 h within a tenth of 8 h; 50% is far from 70%
    assert (active.status, reply.status, topic.status) == ("near", "near", "missed")
    assert [a.actual for a in (active, reply, topic)] == pytest.approx([0.37, 8.8, 0.5])


def test_faster_replies_than_the_target_meet_it() -> None:
    assert judge(2.0, 8.0, higher_is_better=False) == "met"
    assert judge(8.81, 8.0, higher_is_better=False) == "missed"
    assert judge(0.4, 0.4, higher_is_better=True) == "met"


def test_watch_needs_the_two_latest_weeks_missed() -> None:
    # given misses in weeks 1-2 then a met week, and misses in the two latest weeks
    early = _data([0.1, 0.1, 0.5, 0.5], [20, 20, 20, 3], [0.9] * 4, "2026-11-30T00:00:00Z")
    # when
    active, reply, topic = targets_against_actuals(early, Targets())
    # then
    assert not active.watch and active.missed_since is None
    assert not reply.watch and reply.missed_since is None  # the latest week met it
    assert not topic.watch
    late = _data([0.5, 0.5, 0.1, 0.1], [3, 20, 20, 20], [0.9, 0.9, 0.9, 0.2], "2026-11-30T00:00Z")
    active, reply, topic = targets_against_actuals(late, Targets())
    assert active.watch and active.missed_since == dt.date(2026, 11, 16)
    assert reply.watch and reply.missed_since == dt.date(2026, 11, 9)
    assert not topic.watch and topic.missed_since == dt.date(2026, 11, 23)


def test_a_hidden_week_stays_unknown_and_makes_the_actual_unknown() -> None:
    # given the latest week hidden by the privacy guard, the others missed
    data = _data([0.1, 0.1, 0.1, "x"], [20, "x", 20, 20], [0.9] * 4, "2026-11-30T00:00:00Z")
    # when
    active, reply, topic = targets_against_actuals(data, Targets())
    # then nothing is guessed for the hidden weeks
    assert active.weeks[-1].value is None and active.weeks[-1].hidden
    assert active.weeks[-1].status == "unknown"
    assert active.actual is None and active.status == "unknown"
    assert not active.watch  # the latest week is not known to be missed
    assert reply.watch  # the two latest weeks are known and missed
    assert reply.actual is None
    assert topic.status == "met"


def test_a_withheld_selection_gives_unknown_everywhere() -> None:
    # given report data whose families were withheld (too few people in the selection)
    data = {
        "participation": None,
        "responsiveness": None,
        "relevance": None,
        "input": {"period": {"to": "2026-11-30T00:00:00Z"}},
    }
    # when
    statuses = targets_against_actuals(data, Targets())
    # then
    assert [s.status for s in statuses] == ["unknown"] * 3
    assert all(w.value is None and not w.hidden for s in statuses for w in s.weeks)
    assert all(len(s.weeks) == 4 for s in statuses)


def test_a_missing_week_row_is_no_data_not_zero() -> None:
    # given no responsiveness row for two weeks (no post replied)
    data = _data([0.5] * 4, [5.0, 6.0], [0.9] * 4, "2026-11-30T00:00:00Z")
    # when
    _, reply, _ = targets_against_actuals(data, Targets())
    # then
    assert [w.value for w in reply.weeks] == [5.0, 6.0, None, None]
    assert reply.actual is None and not reply.weeks[-1].hidden


def test_no_period_end_reads_no_week() -> None:
    statuses = targets_against_actuals({"input": {}}, Targets())
    assert all(s.weeks == () and s.status == "unknown" and not s.watch for s in statuses)


def test_weeks_and_end_can_be_chosen() -> None:
    data = _data([0.1, 0.5, 0.5, 0.5], [1] * 4, [0.9] * 4, "2026-11-30T00:00:00Z")
    active, _, _ = targets_against_actuals(data, Targets(), weeks=2, end=dt.date(2026, 11, 15))
    assert [w.week for w in active.weeks] == [dt.date(2026, 11, 2), dt.date(2026, 11, 9)]
    assert [w.status for w in active.weeks] == ["missed", "met"]
