"""Value: outcomes the conversation produced, knowledge reuse, and an estimate of hours saved.

The hours saved are an **estimate**: a count of outcomes times assumed minutes saved, every
assumption listed in the result and configurable (:class:`ValueAssumptions`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pyarrow.compute as pc

from lumoflow.analytics.frame import Frame, object_authors, sql


@dataclass(frozen=True)
class ValueAssumptions:
    """Minutes saved (low, base, high) per answered question and per reuse; hourly cost."""

    minutes_per_answered_question: tuple[float, float, float] = (10.0, 30.0, 60.0)
    minutes_per_reuse: tuple[float, float, float] = (5.0, 15.0, 30.0)
    hourly_cost: float = 60.0
    currency: str = "EUR"


@dataclass(frozen=True)
class Value:
    """Outcomes, reuse and the labelled estimate of hours saved."""

    questions: int
    questions_answered: int
    answers_saved_as_knowledge: int
    ideas_adopted: int
    decisions: int
    key_result_check_ins: int
    key_results_moved: int
    knowledge_reuse_views: int
    hours_saved: dict[str, float]
    cost_saved: dict[str, float]
    label: str
    assumptions: dict[str, Any] = field(default_factory=dict)


LEVELS = ("low", "base", "high")


def estimate(
    questions_answered: int, reuse_views: int, assumptions: ValueAssumptions
) -> tuple[dict[str, float], dict[str, float]]:
    """Hours and cost saved (low / base / high) by ``questions_answered`` answered questions
    and ``reuse_views`` views of knowledge, under ``assumptions``.

    Definition
    ----------
    hours = answered × minutes per answered question + reuse × minutes per reuse, ÷ 60, at each
    level; cost = hours × hourly cost. Pages recompute it from a stored result's counts, so an
    edited assumption changes every figure at once without recomputing the engine.

    Examples
    --------
    >>> hours, cost = estimate(2, 4, ValueAssumptions())
    >>> hours["base"], cost["base"]
    (2.0, 120.0)
    """
    a = assumptions
    hours = {
        lv: (
            questions_answered * a.minutes_per_answered_question[i]
            + reuse_views * a.minutes_per_reuse[i]
        )
        / 60.0
        for i, lv in enumerate(LEVELS)
    }
    return hours, {k: v * a.hourly_cost for k, v in hours.items()}


def value_outcomes(frame: Frame, *, assumptions: ValueAssumptions | None = None) -> Value:
    """Count outcomes and reuse in ``frame`` and estimate hours saved.

    Definition
    ----------
    * questions answered: posts of kind ``question`` in the period with a reply by someone else
      or an ``accept_answer`` (up to the period's end);
    * answers saved as knowledge: ``knowledge_saved`` events; ideas adopted: distinct objects with
      an ``idea_status`` event whose text starts with "adopted"; decisions: ``decision`` events
      plus posts of kind ``decision``; key-result movement: ``check_in`` events and the distinct
      key results (``object_id``) checked in;
    * knowledge reuse: ``view`` events by someone other than the author (who wrote it first:
      :func:`~lumoflow.analytics.frame.object_authors`) on an accepted answer, a saved answer, a
      wiki page or an article;
    * hours saved (low / base / high) = answered × minutes per answer + reuse × minutes per reuse,
      ÷ 60; cost saved = hours × hourly cost.

    Source
    ------
    Microsoft Viva Engage "answered questions" and "knowledge reuse" insights; McKinsey Global
    Institute (2012), "The social economy" (time searching for information); the assumptions are
    LumoFlow's defaults, not measured figures.

    Examples
    --------
    >>> from lumoflow.analytics.log import make_log
    >>> from lumoflow.analytics.frame import make_frame, Options
    >>> rows = [dict(event_id="1", ts="2024-03-04T09:00Z", actor="ann", verb="post",
    ...              object_id="q1", kind="question"),
    ...         dict(event_id="2", ts="2024-03-04T10:00Z", actor="bob", verb="reply",
    ...              object_id="a1", parent_id="q1", thread_id="q1"),
    ...         dict(event_id="3", ts="2024-03-04T11:00Z", actor="ann", verb="accept_answer",
    ...              object_id="a1", thread_id="q1"),
    ...         dict(event_id="4", ts="2024-03-05T09:00Z", actor="cy", verb="view",
    ...              object_id="a1"),
    ...         dict(event_id="5", ts="2024-03-05T09:30Z", actor="dee", verb="decision",
    ...              object_id="d1")]
    >>> v = value_outcomes(make_frame(make_log(rows), options=Options(min_group_size=1)))
    >>> v.questions_answered, v.knowledge_reuse_views, v.decisions, v.hours_saved["base"]
    (1, 1, 1, 0.75)
    """
    a = assumptions or ValueAssumptions()
    # text only where it is read (idea statuses): the queries below scan the events several
    # times, and a text column would be carried (and copied) through every scan
    cols = ["ts", "actor", "verb", "object_id", "parent_id", "thread_id", "kind"]
    hist = frame.history.select(cols)
    statuses = frame.events.select(["verb", "object_id", "text"])
    statuses = statuses.filter(pc.equal(statuses["verb"], "idea_status"))
    r = sql(
        f"""WITH ev AS (SELECT * FROM period),
             h AS (SELECT * FROM hist WHERE ts IS NULL OR ts < TIMESTAMPTZ '{frame.end}'),
             q AS (SELECT object_id, actor FROM ev WHERE verb = 'post' AND kind = 'question'),
             ans AS (SELECT DISTINCT q.object_id FROM q JOIN h ON
                       coalesce(nullif(h.thread_id, ''), h.parent_id) = q.object_id AND (
                       (h.verb = 'reply' AND h.actor <> q.actor) OR h.verb = 'accept_answer')),
             knowledge AS (SELECT DISTINCT object_id FROM h WHERE object_id <> '' AND verb IN
                           ('accept_answer', 'knowledge_saved', 'wiki_edit', 'article'))
        SELECT (SELECT count(*) FROM q) AS questions,
               (SELECT count(*) FROM ans) AS answered,
               (SELECT count(*) FROM ev WHERE verb = 'knowledge_saved') AS saved,
               (SELECT count(DISTINCT object_id) FROM statuses
                  WHERE lower(trim(text)) LIKE 'adopted%') AS ideas,
               (SELECT count(*) FROM ev WHERE verb = 'decision'
                  OR (verb = 'post' AND kind = 'decision')) AS decisions,
               (SELECT count(*) FROM ev WHERE verb = 'check_in') AS check_ins,
               (SELECT count(DISTINCT object_id) FROM ev WHERE verb = 'check_in') AS krs,
               (SELECT count(*) FROM ev v JOIN knowledge k USING (object_id)
                  LEFT JOIN authors au USING (object_id)
                  WHERE v.verb = 'view' AND v.actor IS DISTINCT FROM au.author) AS reuse""",
        period=frame.events.select(cols),
        statuses=statuses,
        hist=hist,
        authors=object_authors(frame),
    ).to_pylist()[0]
    hours, cost = estimate(int(r["answered"]), int(r["reuse"]), a)
    return Value(
        questions=int(r["questions"]),
        questions_answered=int(r["answered"]),
        answers_saved_as_knowledge=int(r["saved"]),
        ideas_adopted=int(r["ideas"]),
        decisions=int(r["decisions"]),
        key_result_check_ins=int(r["check_ins"]),
        key_results_moved=int(r["krs"]),
        knowledge_reuse_views=int(r["reuse"]),
        hours_saved=hours,
        cost_saved=cost,
        label="estimate: counts of outcomes times assumed minutes saved (see assumptions)",
        assumptions=asdict(a),
    )
