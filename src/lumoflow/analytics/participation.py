"""Participation: who takes part, how evenly, and whether newcomers stay.

Definitions follow CHAOSS (Contributor Absence Factor, Inactive Contributors, New Contributors),
Viva Insights / Yammer community analytics (active and engaged members, stickiness) and the usual
Gini coefficient of contributions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lumoflow.analytics.frame import (
    CONTRIBUTION_VERBS,
    ENGAGED_VERBS,
    Frame,
    members_table,
    sql,
    verb_list,
    weeks_of,
    with_actor_codes,
)
from lumoflow.analytics.privacy import Guarded, guard, too_small, withheld, withheld_columns


@dataclass(frozen=True)
class WeekParticipation:
    """One ISO week, guarded as :func:`_guarded_weeks` says: a hidden week (``suppressed``) has
    every figure and ``people`` ``None``; a shown week may have some figures ``None`` (a week of
    nobody shows zeros)."""

    week: dt.date
    active: int | None
    engaged: int | None
    posts: int | None
    replies: int | None
    reactions: int | None
    active_share: float | None
    stickiness: float | None
    new: int | None
    retained: int | None
    returning: int | None
    churned: int | None
    people: int | None
    suppressed: bool


@dataclass(frozen=True)
class Participation:
    """Participation over a period (see :func:`participation`)."""

    members: int
    active: int
    engaged: int
    contributions: int
    weekly_active_share: float | None
    stickiness: float | None
    lurker_share: float | None
    gini: float | None
    top10_share: float | None
    contributor_absence_factor: int
    department_absence_factor: int | None
    newcomers: int
    newcomer_return_30d: Guarded
    inactive_contributors: int
    cohort_retention: dict[str, Guarded]
    by_department: dict[str, Guarded]
    weekly: list[WeekParticipation]
    too_little_data: bool
    #: People who went at least as far as each step: ``readers`` (any event), ``reactors``
    #: (reacted, replied or posted), ``repliers`` (replied or posted), ``posters`` (posted);
    #: each step guarded (1 to threshold − 1 people: hidden).
    funnel: dict[str, Guarded] = dataclasses.field(default_factory=dict)


#: The steps of the participation funnel and the verbs that reach each one (deepest last).
FUNNEL_STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("readers", ()),
    ("reactors", ("reaction", "reply", "post")),
    ("repliers", ("reply", "post")),
    ("posters", ("post",)),
)


def gini(values: np.ndarray) -> float | None:
    """Gini coefficient of non-negative ``values`` (0 = equal, → 1 = one person does all).

    Definition: ``G = Σ_i (2i − n − 1) x_(i) / (n Σ x)`` with ``x`` sorted ascending, i = 1..n.

    >>> round(gini(np.array([1, 1, 1, 1])), 3), round(gini(np.array([0, 0, 0, 4])), 3)
    (0.0, 0.75)
    """
    x = np.sort(np.asarray(values, dtype=float))
    n, total = x.size, x.sum()
    if n == 0 or total == 0:
        return None
    i = np.arange(1, n + 1)
    return float(np.sum((2 * i - n - 1) * x) / (n * total))


def top_share(values: np.ndarray, fraction: float) -> float | None:
    """Share of the total held by the top ``ceil(fraction·n)`` values.

    >>> top_share(np.array([10, 5, 3, 1, 1, 0, 0, 0, 0, 0]), 0.1)
    0.5
    """
    x = np.sort(np.asarray(values, dtype=float))[::-1]
    if x.size == 0 or x.sum() == 0:
        return None
    k = max(1, math.ceil(fraction * x.size))
    return float(x[:k].sum() / x.sum())


def absence_factor(values: np.ndarray) -> int:
    """Contributor Absence Factor (CHAOSS): fewest contributors making 50% of contributions.

    >>> absence_factor(np.array([10, 5, 3, 1, 1]))
    1
    >>> absence_factor(np.array([4, 3, 3, 2]))
    2
    """
    x = np.sort(np.asarray(values, dtype=float))[::-1]
    if x.size == 0 or x.sum() == 0:
        return 0
    return int(np.searchsorted(np.cumsum(x), 0.5 * x.sum() - 1e-9) + 1)


def participation(frame: Frame) -> Participation:
    """Measure participation in ``frame``.

    Definition
    ----------
    * member: a listed person (whole log) or anyone who acted or was addressed in the workspace;
    * active: any event in the week; engaged: posted, replied, reacted or sent a message;
    * weekly active share: mean over weeks of active ÷ members; stickiness: mean over weeks of
      weekly actives ÷ actives in the 28 days ending with that week;
    * lurker share: members with no contribution in the period ÷ members;
    * Gini and top-10% share: over every member's number of contributions (zeros included);
    * Contributor Absence Factor: fewest people making 50% of contributions (and departments);
    * newcomers: first event ever falls in the period; 30-day return: another event on a later
      day within 30 days (newcomers with under 30 days of data after them are left out);
    * inactive contributors: contributed before, none in the 60 days before the period's end;
    * new / retained / returning / churned: active this week and first ever / also last week /
      not last week but before / active last week and not this week;
    * cohort retention at 1, 3, 6 months: share of each first-activity month's people active in
      the calendar month 1, 3, 6 months later (mean weighted by cohort size);
    * funnel: members who went at least as far as reading (any event), reacting (a reaction,
      reply or post), replying (a reply or post) and posting, each a count of people.

    Source
    ------
    CHAOSS metrics "Contributor Absence Factor", "Inactive Contributors", "New Contributors";
    Microsoft Viva Engage community analytics (active, engaged); Gini (1912).

    Examples
    --------
    >>> from lumoflow.analytics.log import make_log
    >>> from lumoflow.analytics.frame import make_frame, Options
    >>> rows = [dict(event_id=str(i), ts=t, actor=a, verb=v, workspace="w") for i, (t, a, v)
    ...         in enumerate([("2024-03-04", "ann", "post"), ("2024-03-04", "bob", "reply"),
    ...                       ("2024-03-05", "cy", "view"), ("2024-03-12", "ann", "post"),
    ...                       ("2024-03-13", "dee", "reaction")])]
    >>> p = participation(make_frame(make_log(rows), options=Options(min_group_size=1)))
    >>> p.members, p.active, p.engaged, p.contributions, p.contributor_absence_factor
    (4, 4, 3, 4, 1)
    >>> [(w.active, w.engaged) for w in p.weekly]
    [(3, 2), (2, 2)]
    >>> {step: g.value for step, g in p.funnel.items()}
    {'readers': 4.0, 'reactors': 3.0, 'repliers': 2.0, 'posters': 1.0}
    """
    mgs = frame.options.min_group_size
    members = members_table(frame)
    n_members = members.num_rows
    ev = frame.events.select(["actor", "verb", "ts"])
    steps = "".join(
        f", count(e.actor) FILTER (e.verb IN {verb_list(verbs)}) AS step_{name}"
        for name, verbs in FUNNEL_STEPS[1:]
    )
    counts = sql(
        f"""SELECT m.actor, count(e.actor) FILTER (e.verb IN {verb_list(CONTRIBUTION_VERBS)}) AS c,
                   count(e.actor) AS a, count(e.actor) FILTER (e.verb IN {verb_list(ENGAGED_VERBS)})
                   AS g{steps}
            FROM members m LEFT JOIN ev e ON e.actor = m.actor GROUP BY m.actor""",
        members=members,
        ev=ev,
    )
    contrib = counts["c"].to_numpy().astype(float)
    active = int(np.count_nonzero(counts["a"].to_numpy()))
    engaged = int(np.count_nonzero(counts["g"].to_numpy()))
    by_dept_tbl = sql(
        """SELECT p.dept, count(*) AS people, sum(c.c) AS contributions
           FROM people p JOIN counts c ON c.actor = p.actor WHERE p.dept <> '' GROUP BY p.dept
           ORDER BY p.dept""",
        people=frame.people.select(["actor", "dept"]),
        counts=counts,
    )
    dept_contrib = by_dept_tbl["contributions"].to_numpy().astype(float)
    total = contrib.sum()
    by_department = {
        d: guard(float(c) / total if total else None, int(n), mgs)
        for d, n, c in zip(
            by_dept_tbl["dept"].to_pylist(),
            by_dept_tbl["people"].to_pylist(),
            dept_contrib,
            strict=True,
        )
    }
    weekly, share, sticky = _weekly(frame, n_members) if frame.has_time else ([], None, None)
    newcomers, returned, eligible = _newcomers(frame) if frame.has_time else (0, 0, 0)
    return Participation(
        members=n_members,
        active=active,
        engaged=engaged,
        contributions=int(total),
        weekly_active_share=share,
        stickiness=sticky,
        lurker_share=float(np.count_nonzero(contrib == 0) / n_members) if n_members else None,
        gini=gini(contrib),
        top10_share=top_share(contrib, 0.10),
        contributor_absence_factor=absence_factor(contrib),
        department_absence_factor=absence_factor(dept_contrib) if dept_contrib.size else None,
        newcomers=newcomers,
        newcomer_return_30d=guard(returned / eligible if eligible else None, eligible, mgs),
        inactive_contributors=_inactive(frame) if frame.has_time else 0,
        cohort_retention=_cohorts(frame) if frame.has_time else {},
        by_department=by_department,
        weekly=weekly,
        too_little_data=not frame.has_time,
        funnel=_funnel(counts, active, mgs),
    )


def _funnel(counts: pa.Table, readers: int, mgs: int) -> dict[str, Guarded]:
    """The funnel's steps from the per-member counts (``step_<name>`` columns)."""
    reached = [readers] + [
        int(np.count_nonzero(counts[f"step_{name}"].to_numpy())) for name, _ in FUNNEL_STEPS[1:]
    ]
    return {
        name: guard(float(n), n, mgs) for (name, _), n in zip(FUNNEL_STEPS, reached, strict=True)
    }


def _weekly(
    frame: Frame, n_members: int
) -> tuple[list[WeekParticipation], float | None, float | None]:
    """The weekly rows, guarded, and the means over weeks of the active share and stickiness
    (weeks of 1 to threshold − 1 active people left out)."""
    weeks = pa.table({"week": pa.array(weeks_of(frame), pa.date32())})
    hist = with_actor_codes(frame, frame.history, ["actor", "verb", "ts"])
    tbl = sql(
        f"""
        WITH pw AS (SELECT actor, CAST(date_trunc('week', ts) AS DATE) AS week,
                           bool_or(verb IN {verb_list(ENGAGED_VERBS)}) AS engaged,
                           count(*) FILTER (verb = 'post') AS posts,
                           count(*) FILTER (verb = 'reply') AS replies,
                           count(*) FILTER (verb = 'reaction') AS reactions
                    FROM hist WHERE ts IS NOT NULL GROUP BY 1, 2),
             seq AS (SELECT *, lag(week) OVER (PARTITION BY actor ORDER BY week) AS prev,
                           lead(week) OVER (PARTITION BY actor ORDER BY week) AS next
                     FROM pw),
             agg AS (SELECT week, count(*) AS active, count(*) FILTER (engaged) AS engaged,
                            sum(posts) AS posts, sum(replies) AS replies,
                            sum(reactions) AS reactions,
                            count(*) FILTER (posts > 0) AS posters,
                            count(*) FILTER (replies > 0) AS repliers,
                            count(*) FILTER (reactions > 0) AS reactors,
                            count(*) FILTER (prev IS NULL) AS new,
                            count(*) FILTER (prev = week - 7) AS retained,
                            count(*) FILTER (prev < week - 7) AS returning
                     FROM seq GROUP BY week),
             churn AS (SELECT CAST(week + 7 AS DATE) AS week, count(*) AS churned FROM seq
                       WHERE next IS NULL OR next > week + 7 GROUP BY 1),
             -- 28-day actives of week T: each person once, from their latest active week
             -- in T-21..T (no range join)
             m28 AS (SELECT CAST(week + 7 * k AS DATE) AS week, count(*) AS m28
                     FROM seq, (SELECT unnest([0, 1, 2, 3]) AS k)
                     WHERE next IS NULL OR next > week + 7 * k GROUP BY 1)
        SELECT w.week, coalesce(a.active, 0) AS active, coalesce(a.engaged, 0) AS engaged,
               coalesce(a.posts, 0) AS posts, coalesce(a.replies, 0) AS replies,
               coalesce(a.reactions, 0) AS reactions, coalesce(a.new, 0) AS new,
               coalesce(a.retained, 0) AS retained, coalesce(a.returning, 0) AS returning,
               coalesce(c.churned, 0) AS churned, coalesce(m.m28, 0) AS m28,
               coalesce(a.posters, 0) AS posters, coalesce(a.repliers, 0) AS repliers,
               coalesce(a.reactors, 0) AS reactors
        FROM weeks w LEFT JOIN agg a USING (week) LEFT JOIN churn c USING (week)
             LEFT JOIN m28 m USING (week) ORDER BY w.week""",
        weeks=weeks,
        hist=hist,
    )
    rows = tbl.to_pylist()
    mgs = frame.options.min_group_size
    counted = [r for r in rows if not too_small(r["active"], mgs)]
    shares = [r["active"] / n_members for r in counted if n_members]
    sticky = [r["active"] / r["m28"] for r in counted if r["m28"]]
    return (
        _guarded_weeks(rows, n_members, mgs),
        float(np.mean(shares)) if shares else None,
        float(np.mean(sticky)) if sticky else None,
    )


#: A week's counts of events, each with the count of the people who made them.
EVENT_COUNTS = {"posts": "posters", "replies": "repliers", "reactions": "reactors"}
#: A week's breakdown: counts of its people that add up to each other, and stickiness.
BREAKDOWN = ("engaged", "new", "retained", "returning", "churned", "stickiness")


def _guarded_weeks(rows: list[dict[str, Any]], n_members: int, mgs: int) -> list[WeekParticipation]:
    """The weekly rows with the privacy guard's rules (DESIGN.md rule 4) applied.

    * A week of 1 to ``mgs − 1`` active people, or whose members not active that week are that
      few, shows nothing but its date (members minus the week's actives would give them).
    * A week's posts, replies and reactions are each about the people who made them: hidden by
      :func:`~lumoflow.analytics.privacy.withheld` over the weeks, the rule responsiveness's
      weekly rows follow for posts.
    * A week's breakdown (engaged, new, retained, returning, churned, stickiness) is hidden
      together when any of its groups of people (those counts, the active people not engaged,
      the people active in the 28 days but not that week) holds 1 to ``mgs − 1`` people, with
      secondary suppression over the weeks with someone active
      (:func:`~lumoflow.analytics.privacy.withheld_columns`).
    """
    active = [int(r["active"]) for r in rows]
    hide = [too_small(a, mgs) or too_small(n_members - a, mgs) for a in active]
    groups = [
        [int(r[k]) for r in rows] for k in ("engaged", "new", "retained", "returning", "churned")
    ]
    groups.append([int(r["active"] - r["engaged"]) for r in rows])  # active, not engaged
    groups.append([int(r["m28"] - r["active"]) for r in rows])  # 28 days, not this week
    part = withheld_columns(groups, hide, mgs, eligible=[a > 0 for a in active])
    events = {k: withheld([int(r[n]) for r in rows], mgs) for k, n in EVENT_COUNTS.items()}
    out = []
    for i, r in enumerate(rows):  # one row per week, not per event
        vals = {
            "active": r["active"],
            "active_share": r["active"] / n_members if n_members else None,
            "stickiness": r["active"] / r["m28"] if r["m28"] else None,
            **{k: r[k] for k in (*EVENT_COUNTS, *BREAKDOWN) if k != "stickiness"},
        }
        withheld_keys = set(vals) if hide[i] else set()
        withheld_keys |= set(BREAKDOWN) if part[i] else set()
        withheld_keys |= {k for k, mask in events.items() if mask[i]}
        out.append(
            WeekParticipation(
                week=r["week"],
                **{k: None if k in withheld_keys else v for k, v in vals.items()},
                people=None if hide[i] else int(r["active"]),
                suppressed=hide[i],
            )
        )
    return out


def _newcomers(frame: Frame) -> tuple[int, int, int]:
    """(newcomers in the period, of whom returned within 30 days, newcomers with 30 days seen)."""
    hist = with_actor_codes(frame, frame.history, ["actor", "ts"])
    r = sql(
        """WITH f AS (SELECT actor, min(ts) AS first FROM hist GROUP BY actor),
                lastts AS (SELECT max(ts) AS last FROM hist),
                ret AS (SELECT DISTINCT h.actor FROM hist h JOIN f USING (actor)
                        WHERE CAST(h.ts AS DATE) > CAST(f.first AS DATE)
                          AND h.ts <= f.first + INTERVAL 30 DAY)
           SELECT count(*) AS n,
                  count(*) FILTER (f.first + INTERVAL 30 DAY <= l.last) AS eligible,
                  count(ret.actor) FILTER (f.first + INTERVAL 30 DAY <= l.last) AS returned
           FROM f CROSS JOIN lastts l LEFT JOIN ret USING (actor)
           WHERE f.first >= $start AND f.first < $end""".replace(
            "$start", f"TIMESTAMPTZ '{frame.start}'"
        ).replace("$end", f"TIMESTAMPTZ '{frame.end}'"),
        hist=hist,
    ).to_pylist()[0]
    return int(r["n"]), int(r["returned"]), int(r["eligible"])


def _inactive(frame: Frame) -> int:
    hist = frame.history.select(["actor", "verb", "ts"])
    hist = hist.filter(pc.is_in(hist["verb"], pa.array(CONTRIBUTION_VERBS)))
    r = sql(
        f"""SELECT count(*) AS n FROM (SELECT actor, max(ts) AS last FROM hist
            WHERE ts < TIMESTAMPTZ '{frame.end}' GROUP BY actor)
            WHERE last < TIMESTAMPTZ '{frame.end}' - INTERVAL 60 DAY""",
        hist=hist.select(["actor", "ts"]),
    )
    return int(r["n"][0].as_py())


def _cohorts(frame: Frame) -> dict[str, Guarded]:
    """Retention at 1, 3 and 6 months, each weighted over the cohorts that can be observed."""
    hist = with_actor_codes(frame, frame.history, ["actor", "ts"])
    tbl = sql(
        """WITH pm AS (SELECT DISTINCT actor, CAST(date_trunc('month', ts) AS DATE) AS month
                       FROM hist WHERE ts IS NOT NULL),
                f AS (SELECT actor, min(month) AS cohort FROM pm GROUP BY actor),
                lastm AS (SELECT max(month) AS last FROM pm),
                k AS (SELECT unnest([1, 3, 6]) AS k)
           SELECT k.k, count(*) AS people,
                  count(pm.actor) AS kept
           FROM f CROSS JOIN k CROSS JOIN lastm
                LEFT JOIN pm ON pm.actor = f.actor AND pm.month = f.cohort + to_months(k.k)
           WHERE f.cohort + to_months(k.k) <= lastm.last
           GROUP BY k.k ORDER BY k.k""",
        hist=hist,
    )
    mgs = frame.options.min_group_size
    out = {f"{k}m": guard(None, 0, mgs) for k in (1, 3, 6)}
    for r in tbl.to_pylist():
        out[f"{r['k']}m"] = guard(r["kept"] / r["people"], int(r["people"]), mgs)
    return out
