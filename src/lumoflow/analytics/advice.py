"""Suggested actions for a workspace whose health needs attention, chosen by rules from evidence.

Each rule is one small function of the engine's guarded JSON (`report.report_data`, the shape of
`lumoflow analyze --format json`, one workspace): it reads only figures the privacy guard let
through (a hidden figure is ``None`` and never read as small), and returns the actions it
suggests, each carrying the sentence of evidence that triggered it. `suggested_actions` runs
every rule and keeps two or three actions, one per rule first.

Rules (the issue "Workspace health in the product"):

* slow first replies → ask the people suggested for each open question; route open questions;
* off-topic drift → restate the objective; pin a question about it;
* activity concentrated in one or two people → invite the most active readers;
* activity stopped → ask the sponsor whether the objective still stands; or archive.

Examples
--------
>>> data = {"responsiveness": {"first_reply_median_h": 30.0}}
>>> [a.kind for a in slow_first_replies(data, target_hours=8)]
['ask_suggested_people', 'route_open_questions']
>>> slow_first_replies(data, target_hours=8)[0].evidence
'Median first reply is 30 h, above the target of 8 h.'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .weekly_change import relative_change, round_level, round_p

DEFAULT_DROP = 0.25
DEFAULT_P_VALUE = 0.05
UNANSWERED_SHARE = 0.25
"""Share of questions still unanswered after 48 hours from which replies count as slow."""
CONCENTRATED = 2
"""At most this many people making half of the contributions is activity concentrated."""


@dataclass(frozen=True)
class Action:
    """One suggested action: which rule chose it, what to do, and the evidence behind it."""

    rule: str
    kind: str
    text: str
    evidence: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "kind": self.kind, "text": self.text, "evidence": self.evidence}


def family(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = data.get(name)
    return value if isinstance(value, Mapping) else {}


def number(value: Any) -> float | None:
    """A shown figure, or None for a hidden or missing one (never a bool)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def hours_text(h: float) -> str:
    return f"{round_level(h):g} h"


def _rule(data: Mapping[str, Any]) -> tuple[float, float]:
    """The fading rule's drop and significance level as the engine applied them."""
    rule = family(family(data, "fading"), "rule")
    drop = number(rule.get("drop"))
    p = number(rule.get("p_value"))
    return (DEFAULT_DROP if drop is None else drop, DEFAULT_P_VALUE if p is None else p)


def _reply_evidence(data: Mapping[str, Any], target_hours: float | None) -> list[str]:
    """Sentences saying first replies are slow: a significant rise, the median above target,
    many questions unanswered after 48 hours."""
    out = []
    drop, alpha = _rule(data)
    trend = family(family(family(data, "fading"), "trends"), "median_first_reply_h")
    a, b, p = (number(trend.get(k)) for k in ("first", "last", "p"))
    if a is not None and b is not None and p is not None and round_p(p) < alpha:
        change = relative_change(a, b)
        if change is not None and change >= round(drop, 2) and round_level(b) > round_level(a):
            out.append(
                f"Median first reply rose from {hours_text(a)} to {hours_text(b)}"
                f" (Mann–Kendall test, p = {round_p(p):g})."
            )
    resp = family(data, "responsiveness")
    median = number(resp.get("first_reply_median_h"))
    if median is not None and target_hours is not None and median > target_hours:
        target = hours_text(target_hours)
        out.append(f"Median first reply is {hours_text(median)}, above the target of {target}.")
    unanswered = number(resp.get("unanswered_48h_share"))
    if unanswered is not None and unanswered >= UNANSWERED_SHARE:
        out.append(f"{unanswered:.0%} of questions were still unanswered after 48 hours.")
    return out


def slow_first_replies(
    data: Mapping[str, Any], *, target_hours: float | None = None
) -> list[Action]:
    """Slow first replies → ask the suggested people; route open questions.

    Triggered by a significant rise of the median first reply of at least the fading rule's
    drop (``fading.trends.median_first_reply_h``), a median above ``target_hours``
    (``responsiveness.first_reply_median_h``), or at least `UNANSWERED_SHARE` of questions
    unanswered after 48 hours (``responsiveness.unanswered_48h_share``).

    >>> slow_first_replies({"responsiveness": {"unanswered_48h_share": 0.1}})
    []
    """
    found = _reply_evidence(data, target_hours)
    if not found:
        return []
    why = " ".join(found)
    return [
        Action(
            "slow_first_replies",
            "ask_suggested_people",
            "Ask the people suggested for each open question (the unanswered queue on the"
            " health page) to answer it.",
            why,
        ),
        Action(
            "slow_first_replies",
            "route_open_questions",
            "Route open questions: agree who answers new questions each week and answer the"
            " oldest first.",
            why,
        ),
    ]


def _drift_terms(relevance: Mapping[str, Any]) -> list[str]:
    drift = relevance.get("drift")
    if not isinstance(drift, Mapping):
        return []
    return [str(t) for terms in drift.values() if isinstance(terms, list) for t in terms]


def _recent_on_topic(relevance: Mapping[str, Any], weeks: int) -> float | None:
    """On-topic share of the posts of the last `weeks` shown weeks (hidden weeks skipped)."""
    rows = relevance.get("weekly")
    if not isinstance(rows, list):
        return None
    shown = [
        (posts, share)
        for r in rows
        if isinstance(r, Mapping)
        and (posts := number(r.get("posts"))) is not None
        and (share := number(r.get("on_topic_share"))) is not None
        and posts > 0
    ][-weeks:]
    total = sum(p for p, _ in shown)
    return sum(p * s for p, s in shown) / total if total else None


def off_topic_drift(
    data: Mapping[str, Any], *, target_share: float | None = None, weeks: int = 4
) -> list[Action]:
    """Off-topic drift → restate the objective; pin a question about it.

    Triggered when the engine found drift (the on-topic share fell between the halves of the
    period; ``relevance.drift`` lists the terms that grew) or when the on-topic share of the last
    `weeks` shown weeks is below ``target_share``.

    >>> acts = off_topic_drift({"relevance": {"drift": {"2": ["lunch", "weekend"]}}})
    >>> [a.kind for a in acts], acts[0].evidence
    (['restate_objective', 'pin_question'], 'The on-topic share fell between the first and \
the second half of the period; the talk that grew: lunch, weekend.')
    """
    relevance = family(data, "relevance")
    found = []
    terms = _drift_terms(relevance)
    if terms:
        found.append(
            "The on-topic share fell between the first and the second half of the period;"
            f" the talk that grew: {', '.join(terms[:5])}."
        )
    recent = _recent_on_topic(relevance, weeks)
    if recent is not None and target_share is not None and recent < target_share:
        found.append(
            f"{recent:.0%} of posts were on topic in the last {weeks} weeks shown,"
            f" below the target of {target_share:.0%}."
        )
    if not found:
        return []
    why = " ".join(found)
    return [
        Action(
            "off_topic_drift",
            "restate_objective",
            "Restate the objective in a post: what the workspace is for and what is due next.",
            why,
        ),
        Action(
            "off_topic_drift",
            "pin_question",
            "Pin a question about the objective for everyone to answer this week.",
            why,
        ),
    ]


def concentrated_activity(data: Mapping[str, Any]) -> list[Action]:
    """Activity concentrated in one or two people → invite the most active readers.

    Triggered when at most `CONCENTRATED` people make half of the contributions
    (``participation.contributor_absence_factor``, CHAOSS), or when the privacy guard hid that
    count because it is under the threshold (listed in ``participation.suppressed_counts``):
    then it reads "fewer than N people", never the number.

    >>> data = {"participation": {"contributions": 40, "contributor_absence_factor": None,
    ...         "suppressed_counts": ["contributor_absence_factor"]}, "privacy":
    ...         {"min_group_size": 5}}
    >>> concentrated_activity(data)[0].evidence
    'Fewer than 5 people make half of the contributions.'
    """
    part = family(data, "participation")
    contributions = number(part.get("contributions"))
    if not contributions:
        return []
    factor = number(part.get("contributor_absence_factor"))
    hidden = "contributor_absence_factor" in (part.get("suppressed_counts") or [])
    if factor is not None and 0 < factor <= CONCENTRATED:
        who = "1 person makes" if factor == 1 else f"{factor:g} people make"
    elif factor is None and hidden:
        mgs = number(family(data, "privacy").get("min_group_size")) or 5
        who = f"Fewer than {mgs:g} people make"
    else:
        return []
    why = f"{who} half of the contributions."
    lurkers = number(part.get("lurker_share"))
    if lurkers is not None and lurkers > 0:
        why += f" {lurkers:.0%} of members only read."
    return [
        Action(
            "concentrated_activity",
            "invite_readers",
            "Invite the most active readers to take part: ask them directly for their view on"
            " an open thread.",
            why,
        )
    ]


def activity_stopped(data: Mapping[str, Any]) -> list[Action]:
    """Activity stopped → ask the sponsor whether the objective still stands; or archive.

    Triggered when the verdict is fading because activity stopped: its first evidence is the
    silence run test, significant (the engine puts the stop first; a hole inside the period
    never makes the verdict).

    >>> ev = {"test": "silence run test", "significant": True,
    ...       "sentence": "No activity since 4 May 2026 (8 weeks; p = 0.001)."}
    >>> [a.kind for a in activity_stopped({"fading": {"verdict": "fading", "evidence": [ev]}})]
    ['ask_sponsor', 'archive']
    """
    fading = family(data, "fading")
    evidence = fading.get("evidence")
    if fading.get("verdict") != "fading" or not isinstance(evidence, list) or not evidence:
        return []
    first = evidence[0]
    if not (
        isinstance(first, Mapping)
        and first.get("test") == "silence run test"
        and first.get("significant") is True
    ):
        return []
    why = str(first.get("sentence", ""))
    return [
        Action(
            "activity_stopped",
            "ask_sponsor",
            "Ask the sponsor whether the objective still stands, and say so in the workspace.",
            why,
        ),
        Action(
            "activity_stopped",
            "archive",
            "If the objective is met or dropped, archive the workspace so that it reads as done.",
            why,
        ),
    ]


def suggested_actions(
    data: Mapping[str, Any],
    *,
    target_hours: float | None = None,
    target_on_topic: float | None = None,
    limit: int = 3,
) -> list[Action]:
    """Run every rule and keep at most `limit` actions: one per triggered rule first, in the
    order stop, slow replies, drift, concentration, then the rules' further actions.

    A stop leaves the other rules out: there is nothing to route or restate in a workspace
    nobody uses.

    >>> suggested_actions({})
    []
    """
    stopped = activity_stopped(data)
    if stopped:
        return stopped[:limit]
    found = [
        slow_first_replies(data, target_hours=target_hours),
        off_topic_drift(data, target_share=target_on_topic),
        concentrated_activity(data),
    ]
    out: list[Action] = []
    for rank in range(max((len(f) for f in found), default=0)):
        out += [f[rank] for f in found if len(f) > rank]
    return out[:limit]
