"""Suggested actions: each rule on small hand-built evidence, triggered and not, and never
reading a figure the privacy guard hid."""

from __future__ import annotations

from typing import Any

from lumoflow.analytics import advice


def _trend(first: float | None, last: float | None, p: float | None) -> dict[str, Any]:
    return {"fading": {"trends": {"median_first_reply_h": {"first": first, "last": last, "p": p}}}}


def test_slow_replies_from_a_significant_rise() -> None:
    acts = advice.slow_first_replies(_trend(4.6, 36.0, 0.016))
    assert [a.kind for a in acts] == ["ask_suggested_people", "route_open_questions"]
    assert (
        acts[0].evidence
        == "Median first reply rose from 4.6 h to 36 h (Mann–Kendall test, p = 0.016)."
    )


def test_slow_replies_not_from_a_rise_that_is_not_significant_or_too_small() -> None:
    assert advice.slow_first_replies(_trend(4.6, 36.0, 0.05)) == []
    assert advice.slow_first_replies(_trend(10.0, 12.0, 0.001)) == []  # +20% < 25%
    assert advice.slow_first_replies(_trend(36.0, 4.6, 0.001)) == []  # faster


def test_slow_replies_from_the_target_and_unanswered_questions() -> None:
    data = {"responsiveness": {"first_reply_median_h": 9.0, "unanswered_48h_share": 0.3}}
    assert advice.slow_first_replies(data) != []  # 30% unanswered is enough
    (why,) = {a.evidence for a in advice.slow_first_replies(data, target_hours=8)}
    assert why == (
        "Median first reply is 9 h, above the target of 8 h. "
        "30% of questions were still unanswered after 48 hours."
    )
    met = {"responsiveness": {"first_reply_median_h": 7.5, "unanswered_48h_share": 0.1}}
    assert advice.slow_first_replies(met, target_hours=8) == []


def test_hidden_figures_trigger_nothing() -> None:
    hidden = {
        "responsiveness": {"first_reply_median_h": None, "unanswered_48h_share": None},
        "relevance": {"weekly": [{"posts": None, "on_topic_share": None, "suppressed": True}]},
        "participation": {"contributions": None, "contributor_absence_factor": None},
        "fading": {"verdict": "fading", "evidence": [], "trends": {}},
    }
    assert advice.suggested_actions(hidden, target_hours=1, target_on_topic=1) == []


def test_drift_from_the_engine_terms_or_recent_weeks_below_target() -> None:
    weekly = [
        {"posts": 10, "on_topic_share": 0.9},
        {"posts": None, "on_topic_share": None},  # hidden week: skipped
        {"posts": 10, "on_topic_share": 0.5},
        {"posts": 30, "on_topic_share": 0.5},
    ]
    data = {"relevance": {"weekly": weekly, "drift": {}}}
    assert advice.off_topic_drift(data) == []  # no target, no drift found
    assert advice.off_topic_drift(data, target_share=0.5) == []  # 0.58 over the 3 shown weeks
    acts = advice.off_topic_drift(data, target_share=0.6, weeks=2)
    assert [a.kind for a in acts] == ["restate_objective", "pin_question"]
    assert acts[0].evidence.startswith("50% of posts were on topic in the last 2 weeks shown")


def test_concentration_from_the_absence_factor() -> None:
    def data(factor: int | None, hidden: bool = False) -> dict[str, Any]:
        part = {"contributions": 50, "contributor_absence_factor": factor, "lurker_share": 0.4}
        part["suppressed_counts"] = ["contributor_absence_factor"] if hidden else []
        return {"participation": part, "privacy": {"min_group_size": 5}}

    assert advice.concentrated_activity(data(1))[0].evidence == (
        "1 person makes half of the contributions. 40% of members only read."
    )
    assert advice.concentrated_activity(data(2))[0].kind == "invite_readers"
    assert advice.concentrated_activity(data(3)) == []
    assert advice.concentrated_activity(data(None)) == []  # missing, not hidden
    assert advice.concentrated_activity(data(None, hidden=True))[0].evidence.startswith(
        "Fewer than 5 people make half"
    )


def test_stop_comes_alone_and_a_hole_is_not_a_stop() -> None:
    stop = {"test": "silence run test", "significant": True, "sentence": "No activity since 4 May."}
    slow = {"responsiveness": {"unanswered_48h_share": 0.9}}
    data = {"fading": {"verdict": "fading", "evidence": [stop]}, **slow}
    acts = advice.suggested_actions(data)
    assert [a.kind for a in acts] == ["ask_sponsor", "archive"]
    assert {a.evidence for a in acts} == {"No activity since 4 May."}
    step = {"test": "PELT changepoint", "significant": True, "sentence": "fell"}
    hole = {**stop, "sentence": "No activity for 5 weeks from ..., then activity resumed."}
    data = {"fading": {"verdict": "fading", "evidence": [step, hole]}, **slow}
    assert [a.rule for a in advice.suggested_actions(data)] == [
        "slow_first_replies",
        "slow_first_replies",
    ]


def test_one_action_per_rule_first_and_at_most_three() -> None:
    data = {
        **_trend(2.0, 20.0, 0.001),
        "relevance": {"drift": {"7": ["lunch"]}},
        "participation": {"contributions": 9, "contributor_absence_factor": 1},
    }
    acts = advice.suggested_actions(data)
    assert [a.kind for a in acts] == ["ask_suggested_people", "restate_objective", "invite_readers"]
    assert [a.kind for a in advice.suggested_actions(data, limit=5)][3:] == [
        "route_open_questions",
        "pin_question",
    ]
    assert acts[0].as_dict()["rule"] == "slow_first_replies"
