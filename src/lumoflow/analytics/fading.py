"""Fading: is a workspace dying down, steady or growing, and why (in words).

The weekly series of a log (active contributors, posts, replies, median first reply) over the
weeks observed, each workspace's verdict by :func:`lumoflow.analytics.fading_verdict.verdict`
(tests for a stop, a step, a gradual trend and holes in the data), and Orbit-model gravity, which
summarises how the weight of the membership moved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lumoflow.analytics.fading_verdict import (
    VERDICTS,
    Evidence,
    FadingRule,
    Trend,
    Verdict,
    too_little,
    trend,
    verdict,
)
from lumoflow.analytics.frame import (
    ENGAGED_VERBS,
    WEEK,
    Frame,
    members_table,
    sql,
    verb_list,
    weeks_of,
    with_actor_codes,
)
from lumoflow.analytics.weekly_change import changepoint

SERIES = ("active_contributors", "posts", "replies", "median_first_reply_h")
#: Orbit levels and weights: exploring 1, participating 4, contributing 7, leading 10.
ORBIT_WEIGHTS = {"exploring": 1, "participating": 4, "contributing": 7, "leading": 10}
#: Activity points per event (Orbit-style weighted activity); anything else counts 0.5.
ORBIT_POINTS = {
    "post": 3.0,
    "reply": 2.0,
    "reaction": 1.0,
    "message": 2.0,
    "article": 4.0,
    "wiki_edit": 4.0,
    "decision": 3.0,
    "check_in": 2.0,
}
#: Points per week at which a person reaches participating, contributing, leading.
ORBIT_THRESHOLDS = (1.0, 3.0, 8.0)


@dataclass(frozen=True)
class Fading(Verdict):
    """The verdict for the whole selection (the fields of :class:`Verdict`) and, for a log of
    many workspaces, per workspace, with the rule that decided them."""

    by_workspace: dict[str, Verdict] = field(default_factory=dict)
    rule: FadingRule = field(default_factory=FadingRule)


#: The key of the whole selection among the workspaces of :func:`weekly_series` and
#: :func:`gravity` (a workspace's id is never null).
WHOLE: None = None


def weekly_series(
    frame: Frame, *, by_workspace: bool, weeks: list[dt.date] | None = None
) -> dict[str | None, dict[str, np.ndarray]]:
    """The four weekly series of the whole selection (key :data:`WHOLE`) and, when
    ``by_workspace``, of each workspace, zero-filled over ``weeks`` (default: the weeks of the
    frame). One pass over the events gives both: each person's week in each workspace first,
    then the workspaces' weeks and the whole selection's weeks from those rows."""
    weeks = weeks_of(frame) if weeks is None else weeks
    counts = """SELECT {ws} AS ws, week, {active} FILTER (engaged) AS active_contributors,
                       CAST(sum(posts) AS BIGINT) AS posts, CAST(sum(replies) AS BIGINT) AS replies
                FROM e GROUP BY {keys}"""
    # each person once per workspace and week first: a workspace's active people are then a
    # plain count, and only the whole selection's need a distinct count (across workspaces)
    parts = [counts.format(ws="NULL", active="count(DISTINCT actor)", keys="week")]
    if by_workspace:
        parts.insert(0, counts.format(ws="ws", active="count(*)", keys="ws, week"))
    tbl = sql(
        f"""WITH e AS (SELECT workspace AS ws, actor, CAST(date_trunc('week', ts) AS DATE) AS week,
                              bool_or(verb IN {verb_list(ENGAGED_VERBS)}) AS engaged,
                              count(*) FILTER (verb = 'post') AS posts,
                              count(*) FILTER (verb = 'reply') AS replies
                       FROM ev WHERE ts IS NOT NULL GROUP BY 1, 2, 3)
            {" UNION ALL ".join(parts)}""",
        ev=with_actor_codes(frame, frame.events, ["workspace", "actor", "verb", "ts"]),
    )
    sets = "GROUPING SETS ((ws, week), (week))" if by_workspace else "week"
    ws = "CASE WHEN grouping(ws) = 0 THEN ws END" if by_workspace else "NULL"
    from lumoflow.analytics.responsiveness import threads_table

    med = sql(
        f"""SELECT {ws} AS ws, week, median(first_h) AS m
            FROM (SELECT workspace AS ws, week, first_h FROM t) GROUP BY {sets}""",
        t=threads_table(frame),
    )
    first = weeks[0] if weeks else dt.date(1970, 1, 5)
    n = len(weeks)
    out: dict[str | None, dict[str, np.ndarray]] = {}
    for table, cols in ((tbl, SERIES[:3]), (med, ("m",))):
        keys = table["ws"].to_pylist()
        idx = (
            np.asarray(table["week"].to_numpy(zero_copy_only=False), "datetime64[D]")
            - np.datetime64(first)
        ).astype(int) // 7
        inside = (idx >= 0) & (idx < n)
        rows: dict[str | None, list[int]] = {}
        for i, key in enumerate(keys):  # one row per workspace and week, not per event
            rows.setdefault(key, []).append(i)
        for key, at in rows.items():
            sel = np.asarray(at)[inside[at]]
            slot = out.setdefault(
                key,
                {s: np.zeros(n) for s in SERIES[:3]} | {"median_first_reply_h": np.full(n, np.nan)},
            )
            for c in cols:
                vals = np.asarray(table[c].to_numpy(zero_copy_only=False), dtype=float)[sel]
                slot["median_first_reply_h" if c == "m" else c][idx[sel]] = vals
    return out


def gravity(
    frame: Frame, *, by_workspace: bool
) -> dict[str | None, tuple[float, dict[str, int], int]]:
    """Orbit-model gravity of the whole selection (key :data:`WHOLE`) and, when
    ``by_workspace``, of each workspace: (change in Σ weight² per member, level counts, members).

    Each person's level in each half of the period comes from weighted activity points per week
    (``ORBIT_POINTS``; thresholds ``ORBIT_THRESHOLDS`` for participating, contributing, leading;
    any activity = exploring); gravity = (Σ w²(second half) − Σ w²(first half)) / members. One
    pass over the events gives the whole selection and the workspaces (grouping sets).
    """
    assert frame.start is not None and frame.end is not None
    mid = frame.start + (frame.end - frame.start) / 2
    half_weeks = max((frame.end - frame.start).total_seconds() / 2 / 604800, 1 / 7)
    points = " ".join(f"WHEN '{k}' THEN {v}" for k, v in ORBIT_POINTS.items())
    sets = "GROUPING SETS ((ws, actor, late), (actor, late))" if by_workspace else "actor, late"
    ws = "CASE WHEN grouping(ws) = 0 THEN ws END" if by_workspace else "NULL"
    a, b, c = ORBIT_THRESHOLDS
    tbl = sql(
        f"""WITH e AS (SELECT workspace AS ws, actor, ts >= TIMESTAMPTZ '{mid}' AS late,
                              CASE verb {points} ELSE 0.5 END AS p FROM ev WHERE ts IS NOT NULL),
                pts AS (SELECT {ws} AS ws, actor, late, sum(p) / {half_weeks} AS pw
                        FROM e GROUP BY {sets}),
                lv AS (SELECT ws, actor, late, CASE WHEN pw >= {c} THEN 10 WHEN pw >= {b} THEN 7
                                                   WHEN pw >= {a} THEN 4 ELSE 1 END AS w FROM pts)
           SELECT ws, count(DISTINCT actor) AS members,
                  sum(w * w) FILTER (late) - coalesce(sum(w * w) FILTER (NOT late), 0) AS delta,
                  count(*) FILTER (late AND w = 1) AS exploring,
                  count(*) FILTER (late AND w = 4) AS participating,
                  count(*) FILTER (late AND w = 7) AS contributing,
                  count(*) FILTER (late AND w = 10) AS leading
           FROM lv GROUP BY ws""",
        ev=with_actor_codes(frame, frame.events, ["workspace", "actor", "verb", "ts"]),
    )
    out: dict[str | None, tuple[float, dict[str, int], int]] = {}
    for r in tbl.to_pylist():
        levels = {k: int(r[k]) for k in ORBIT_WEIGHTS}
        key = None if r["ws"] is None else str(r["ws"])
        out[key] = (float(r["delta"] or 0) / r["members"], levels, int(r["members"]))
    return out


def complete_weeks(frame: Frame, weeks: list[dt.date]) -> slice:
    """The weeks the period covers from Monday to Sunday: a first or last week that the period
    only partly covers is left out (its count would read as a rise or a fall), unless that
    would leave nothing."""
    assert frame.start is not None
    end = frame.observed_end or frame.end
    assert end is not None
    monday = dt.datetime.combine(weeks[0], dt.time(), frame.start.tzinfo)
    lo = 1 if frame.start > monday else 0
    hi = len(weeks) - (
        1 if end < dt.datetime.combine(weeks[-1], dt.time(), end.tzinfo) + WEEK else 0
    )
    return slice(lo, hi) if hi > lo else slice(0, len(weeks))


def fading_signal(frame: Frame, *, rule: FadingRule | None = None) -> Fading:
    """Fading verdicts for the selection and each workspace in it.

    Definition
    ----------
    See :func:`verdict` for the rule, :mod:`lumoflow.analytics.weekly_change` for the tests and
    :func:`gravity` for the Orbit model. The weeks run from the period's start to where
    observation stopped (``--to``, else the log's export time, else the last event): silent weeks
    at the end count as weeks without activity. Members: anyone active in the selection (and,
    for the whole log, every listed person).

    Source
    ------
    Hamed & Rao (1998), J. Hydrology 204; Sen (1968); Killick, Fearnhead & Eckley (2012) PELT;
    Pettitt (1979); Mann & Whitney (1947); Orbit Model (orbit.love, "The Orbit Model", levels and
    gravity); CHAOSS "Activity Dates and Times".

    Examples
    --------
    >>> from lumoflow.analytics.log import make_log
    >>> from lumoflow.analytics.frame import make_frame, Options
    >>> rows = [dict(event_id=f"{w}-{p}", ts=(dt.date(2024, 1, 1) + dt.timedelta(weeks=w))
    ...              .isoformat(), actor=f"p{p}", verb="post", workspace="w")
    ...         for w in range(20) for p in range(20 - w)]
    >>> f = fading_signal(make_frame(make_log(rows), options=Options(min_group_size=5)))
    >>> f.verdict
    'fading'
    >>> print(f.evidence[0].sentence)  # doctest: +NORMALIZE_WHITESPACE
    Weekly active contributors fell from 18 to fewer than 5 between the first and the last
    quarter of the period (gradual trend, Mann–Kendall test, p < 0.001).
    """
    rule = rule or FadingRule()
    mgs = frame.options.min_group_size
    epoch = frame.options.epoch
    weeks = weeks_of(frame, end=frame.observed_end)
    if not frame.has_time or not weeks:
        why = "Too little data: the input has no timestamps."
        v = too_little(why, None, 0, {}, None)
        return Fading(v.verdict, v.evidence, 0, {}, None, rule=rule)
    members = members_table(frame).num_rows
    keep = complete_weeks(frame, weeks)
    workspaces = (
        sorted(w for w in pc.unique(frame.events["workspace"]).to_pylist() if w)
        if frame.workspace is None
        else []
    )
    many = len(workspaces) > 1
    series = {
        key: {k: v[keep] for k, v in got.items()}
        for key, got in weekly_series(frame, by_workspace=many, weeks=weeks).items()
    }
    weeks = weeks[keep]
    wgrav = gravity(frame, by_workspace=many)
    g, levels, _ = wgrav.get(WHOLE, (None, {}, 0))
    top = verdict(
        series[WHOLE],
        weeks,
        members=members,
        min_group_size=mgs,
        gravity=g,
        rule=rule,
        epoch=epoch,
    )
    by_ws: dict[str, Verdict] = {}
    if many:
        for w in workspaces:
            gw, lv, mem = wgrav.get(w, (None, {}, 0))
            v = verdict(
                series[w],
                weeks,
                members=mem,
                min_group_size=mgs,
                gravity=gw,
                rule=rule,
                epoch=epoch,
            )
            shown = lv if mem >= mgs else {}
            by_ws[str(w)] = replace(v, levels=shown)
    return Fading(
        top.verdict,
        top.evidence,
        members,
        top.trends,
        g,
        levels or {},
        by_workspace=by_ws,
        rule=rule,
    )


def as_dict(series: Mapping[str, np.ndarray], weeks: list[dt.date]) -> list[dict[str, Any]]:
    """Weekly series as rows (for reports)."""
    return [{"week": w, **{k: float(v[i]) for k, v in series.items()}} for i, w in enumerate(weeks)]


__all__ = [
    "SERIES",
    "VERDICTS",
    "Evidence",
    "Fading",
    "FadingRule",
    "Trend",
    "Verdict",
    "changepoint",
    "fading_signal",
    "trend",
    "verdict",
    "pa",
]
