"""Engagement targets against actuals: a workspace's three targets read against the engine's
weekly figures for the last complete weeks.

Pure: it reads the JSON-ready data of a report (:func:`lumoflow.analytics.report.report_data`,
the shape of ``lumoflow analyze --format json``) and nothing else, so the workspace page, the
health page and the alerts all judge a target the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from statistics import median
from typing import Any, Literal

#: How far short of a target still counts as "near": a tenth of the target (a 40% target is near
#: from 36%, an 8 h target from 8.8 h down to 8 h).
NEAR = 0.1
#: Weeks read by default: the last four complete ISO weeks.
WEEKS = 4

Status = Literal["met", "near", "missed", "unknown"]


@dataclass(frozen=True)
class Targets:
    """A workspace's engagement targets (shares from 0 to 1, hours)."""

    weekly_active_share: float = 0.4
    first_reply_hours: float = 8.0
    on_topic_share: float = 0.7


@dataclass(frozen=True)
class Metric:
    """Where a target's weekly actual is read in the report data, and which way is better."""

    key: str  # the Targets field
    label: str
    family: str  # the report family holding the weekly rows
    column: str  # the weekly rows' column
    higher_is_better: bool
    unit: Literal["share", "hours"]


METRICS = (
    Metric(
        "weekly_active_share",
        "Weekly active members",
        "participation",
        "active_share",
        True,
        "share",
    ),
    Metric(
        "first_reply_hours",
        "Median first reply",
        "responsiveness",
        "median_first_reply_h",
        False,
        "hours",
    ),
    Metric("on_topic_share", "Posts on-topic", "relevance", "on_topic_share", True, "share"),
)


@dataclass(frozen=True)
class WeekValue:
    """One week's actual: ``value`` is ``None`` when the privacy guard hid the week
    (``hidden``) or the week had nothing to measure (no replied post, no post)."""

    week: dt.date  # the ISO week's Monday
    value: float | None
    status: Status
    hidden: bool


@dataclass(frozen=True)
class TargetStatus:
    """One target against its actual over the weeks read."""

    key: str
    label: str
    unit: Literal["share", "hours"]
    higher_is_better: bool
    target: float
    #: Over the weeks read: the mean of the weekly shares, the median of the weekly medians for
    #: hours. ``None`` (status ``unknown``) unless every week has a value.
    actual: float | None
    status: Status
    #: Missed in each of the two latest weeks.
    watch: bool
    #: The first week of the run of misses that reaches the latest week, if it was missed.
    missed_since: dt.date | None
    weeks: tuple[WeekValue, ...]


def judge(
    value: float | None, target: float, *, higher_is_better: bool, near: float = NEAR
) -> Status:
    """``met``, ``near`` (short of the target by at most ``near`` × target) or ``missed``;
    ``unknown`` when there is no value.

    >>> judge(0.41, 0.4, higher_is_better=True), judge(0.37, 0.4, higher_is_better=True)
    ('met', 'near')
    >>> judge(9.5, 8.0, higher_is_better=False), judge(None, 8.0, higher_is_better=False)
    ('missed', 'unknown')
    """
    if value is None:
        return "unknown"
    gap = (target - value) if higher_is_better else (value - target)
    if gap <= 0:
        return "met"
    return "near" if gap <= near * abs(target) + 1e-12 else "missed"


def complete_weeks(end: dt.date, weeks: int = WEEKS) -> list[dt.date]:
    """The Mondays of the last ``weeks`` ISO weeks that end on or before ``end`` (the period's
    last day), oldest first.

    >>> complete_weeks(dt.date(2026, 12, 6), 2)  # a Sunday: its week is complete
    [datetime.date(2026, 11, 23), datetime.date(2026, 11, 30)]
    >>> complete_weeks(dt.date(2026, 12, 5), 2)
    [datetime.date(2026, 11, 16), datetime.date(2026, 11, 23)]
    """
    last = end - dt.timedelta(days=end.weekday())  # the Monday of end's week
    if end.weekday() != 6:
        last -= dt.timedelta(days=7)
    return [last - dt.timedelta(days=7 * i) for i in range(weeks - 1, -1, -1)]


def period_end(data: dict[str, Any]) -> dt.date | None:
    """The last day the report covers (its period's end is exclusive), from ``input.period``.

    >>> period_end({"input": {"period": {"to": "2026-12-07T00:00:00Z"}}})
    datetime.date(2026, 12, 6)
    >>> period_end({"input": {"period": {"to": "2026-12-06T23:50:00Z"}}})
    datetime.date(2026, 12, 6)
    """
    to = ((data.get("input") or {}).get("period") or {}).get("to")
    if not to:
        return None
    t = dt.datetime.fromisoformat(str(to).replace("Z", "+00:00"))
    return (t - dt.timedelta(microseconds=1)).date()


def targets_against_actuals(
    data: dict[str, Any],
    targets: Targets,
    *,
    weeks: int = WEEKS,
    end: dt.date | None = None,
    near: float = NEAR,
) -> list[TargetStatus]:
    """Each engagement target against its actual over the last ``weeks`` complete weeks.

    Definition
    ----------
    * weeks read: the last ``weeks`` ISO weeks (Monday to Sunday) that end on or before ``end``
      (default: the report period's last day), so a week still under way never counts;
    * weekly actuals: participation's ``active_share`` (active members ÷ members), the
      responsiveness week's median hours to first reply, relevance's ``on_topic_share``;
    * actual over the weeks: the mean of the weekly shares, the median of the weekly medians;
      unknown unless every week read has a value: a week hidden by the privacy guard is a week
      with few people, so averaging the others would flatter the workspace;
    * status: ``met`` at or beyond the target, ``near`` short of it by at most ``near`` × the
      target (a tenth by default: 36% against 40%, 8.8 h against 8 h), else ``missed``;
      ``unknown`` without a value. Each week is judged the same way;
    * ``watch``: the two latest weeks were both missed (known and missed, not hidden).

    Source
    ------
    Viva Insights and Discourse community health targets (weekly active share, time to first
    response); CHAOSS "Time to First Response"; the workspace's own engagement targets.

    Parameters
    ----------
    data
        A report's JSON-ready data (``lumoflow analyze --format json``).
    targets
        The workspace's targets.
    weeks
        How many complete weeks to read.
    end
        The last day of the period; default: read from ``data["input"]["period"]["to"]``.
    near
        The fraction of the target a value may fall short by and still be ``near``.

    Returns
    -------
    list of TargetStatus
        One per target, in the order of :data:`METRICS`.

    Examples
    --------
    >>> week = lambda d, **v: {"week": d, "suppressed": False, **v}
    >>> data = {"participation": {"weekly": [week("2026-11-16", active_share=0.5),
    ...                                      week("2026-11-23", active_share=0.3),
    ...                                      week("2026-11-30", active_share=0.2)]},
    ...         "responsiveness": {"weekly": [
    ...             week("2026-11-16", median_first_reply_h=6.0),
    ...             {"week": "2026-11-23", "median_first_reply_h": None, "suppressed": True},
    ...             week("2026-11-30", median_first_reply_h=8.5)]},
    ...         "relevance": None,
    ...         "input": {"period": {"to": "2026-12-07T00:00:00Z"}}}
    >>> active, reply, topic = targets_against_actuals(data, Targets(), weeks=3)
    >>> [w.status for w in active.weeks], round(active.actual, 3), active.status, active.watch
    (['met', 'missed', 'missed'], 0.333, 'missed', True)
    >>> active.missed_since
    datetime.date(2026, 11, 23)
    >>> [w.value for w in reply.weeks], reply.actual, reply.status, reply.weeks[1].hidden
    ([6.0, None, 8.5], None, 'unknown', True)
    >>> reply.weeks[2].status, reply.watch
    ('near', False)
    >>> topic.status, [w.value for w in topic.weeks]
    ('unknown', [None, None, None])

    Notes
    -----
    Nothing is guessed: a week the guard hid stays ``None`` (``hidden``), even when its
    neighbours are known, and makes the actual over the weeks unknown.
    """
    last = end or period_end(data)
    if last is None:
        return [_status(m, targets, [], near) for m in METRICS]
    mondays = complete_weeks(last, weeks)
    return [_status(m, targets, _weekly(data, m, mondays), near) for m in METRICS]


def _weekly(
    data: dict[str, Any], m: Metric, mondays: list[dt.date]
) -> list[tuple[dt.date, float | None, bool]]:
    """(week, value, hidden) for each Monday from the family's weekly rows."""
    family = data.get(m.family) or {}
    rows = {str(r.get("week")): r for r in family.get("weekly") or []}
    out = []
    for monday in mondays:
        row = rows.get(monday.isoformat()) or {}
        value = row.get(m.column)
        hidden = bool(row.get("suppressed"))
        out.append((monday, None if hidden or value is None else float(value), hidden))
    return out


def _status(
    m: Metric,
    targets: Targets,
    weekly: list[tuple[dt.date, float | None, bool]],
    near: float,
) -> TargetStatus:
    target = float(getattr(targets, m.key))
    hib = m.higher_is_better
    weeks = tuple(
        WeekValue(w, v, judge(v, target, higher_is_better=hib, near=near), h) for w, v, h in weekly
    )
    values = [w.value for w in weeks]
    known = [v for v in values if v is not None]
    actual: float | None = None
    if weeks and len(known) == len(values):
        actual = median(known) if m.unit == "hours" else sum(known) / len(known)
    since = None
    for w in reversed(weeks):
        if w.status != "missed":
            break
        since = w.week
    return TargetStatus(
        key=m.key,
        label=m.label,
        unit=m.unit,
        higher_is_better=hib,
        target=target,
        actual=actual,
        status=judge(actual, target, higher_is_better=hib, near=near),
        watch=len(weeks) >= 2 and all(w.status == "missed" for w in weeks[-2:]),
        missed_since=since,
        weeks=weeks,
    )
