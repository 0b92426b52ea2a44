"""Alerts about a workspace's health: the conditions that raise one (the verdict turned to
fading, a target missed two weeks running), and a metric before and after the day an alert was
acted on. Pure: it reads the engine's guarded JSON (`report.report_data`) of one workspace."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from .advice import family, hours_text, number
from .targets import METRICS, Targets, TargetStatus, targets_against_actuals
from .weekly_change import round_level

FADING_METRIC = "active_contributors"


@dataclass(frozen=True)
class Series:
    """Where a metric's weekly values are read in the report data."""

    key: str
    label: str
    family: str
    column: str
    unit: str  # "people", "share" or "hours"


SERIES: dict[str, Series] = {
    # The verdict reads contributors, whose weekly counts the guard often hides in a fading
    # workspace (a breakdown of the active people); the active people themselves show more.
    FADING_METRIC: Series(
        FADING_METRIC, "Weekly active people", "participation", "active", "people"
    ),
    **{m.key: Series(m.key, m.label, m.family, m.column, m.unit) for m in METRICS},
}


def shown(value: float, unit: str) -> str:
    """A figure as pages show it: a share in percent, hours with their unit, a count.

    >>> shown(0.316, "share"), shown(36.36, "hours"), shown(12.0, "people")
    ('32%', '36 h', '12')
    """
    if unit == "share":
        return f"{value:.0%}"
    if unit == "hours":
        return hours_text(value)
    return f"{round_level(value):g}"


@dataclass(frozen=True)
class Condition:
    """A reason to alert a workspace's owners: what changed, since when, and the evidence."""

    kind: str  # "fading" or "target"
    metric: str  # a key of SERIES
    summary: str
    since: dt.date
    evidence: tuple[str, ...]


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def fading_condition(data: Mapping[str, Any], *, seen: dt.date) -> Condition | None:
    """The verdict is fading: since the changepoint of weekly active contributors when the
    engine found one, else since `seen` (the day the metrics first showed it).

    >>> ev = {"sentence": "Weekly active contributors fell from 16 to 4.", "significant": True}
    >>> data = {"fading": {"verdict": "fading", "evidence": [ev],
    ...         "trends": {"active_contributors": {"changepoint": "2026-07-27"}}}}
    >>> c = fading_condition(data, seen=dt.date(2026, 12, 6))
    >>> c.since
    datetime.date(2026, 7, 27)
    >>> c.summary
    'Activity is fading. Weekly active contributors fell from 16 to 4.'
    >>> fading_condition({"fading": {"verdict": "stable"}}, seen=dt.date(2026, 12, 6)) is None
    True
    """
    fading = family(data, "fading")
    if fading.get("verdict") != "fading":
        return None
    items = [e for e in fading.get("evidence") or [] if isinstance(e, Mapping)]
    sentences = tuple(str(e.get("sentence")) for e in items if e.get("sentence"))
    trend = family(family(fading, "trends"), FADING_METRIC)
    since = _date(trend.get("changepoint")) or seen
    summary = "Activity is fading." + (f" {sentences[0]}" if sentences else "")
    return Condition("fading", FADING_METRIC, summary, since, sentences)


def _known(st: TargetStatus) -> list[tuple[dt.date, float]]:
    return [(w.week, w.value) for w in st.weeks if w.value is not None]


def target_conditions(data: Mapping[str, Any], targets: Targets) -> list[Condition]:
    """Each target missed in the two latest complete weeks (`targets_against_actuals`'s
    ``watch``), since the first week of that run of misses."""
    out = []
    for st in targets_against_actuals(dict(data), targets):
        if not st.watch or st.missed_since is None:
            continue
        known = _known(st)
        last = known[-1][1] if known else None
        target = shown(st.target, st.unit)
        figure = f" ({shown(last, st.unit)} last week)" if last is not None else ""
        summary = f"{st.label} missed the target of {target} two weeks running{figure}."
        weeks = "; ".join(f"week of {w:%-d %B}: {shown(v, st.unit)}" for w, v in _known(st))
        out.append(Condition("target", st.key, summary, st.missed_since, (summary, weeks)))
    return out


def alert_conditions(
    data: Mapping[str, Any], targets: Targets, *, seen: dt.date
) -> list[Condition]:
    """Every condition the metrics show: fading first, then the targets missed."""
    fading = fading_condition(data, seen=seen)
    return [*([fading] if fading else []), *target_conditions(data, targets)]


class Week(NamedTuple):
    """One week of a series: its Monday, its value (None when hidden or without data)."""

    week: dt.date
    value: float | None
    hidden: bool  # the privacy guard hid it (or it counts fewer people than the threshold)


@dataclass(frozen=True)
class BeforeAfter:
    """A metric's weekly values split at a day: the weeks that start before the week holding
    the day, and the weeks from that week on, each with the mean of its shown weeks."""

    series: Series
    day: dt.date
    before: tuple[Week, ...]
    after: tuple[Week, ...]
    mean_before: float | None
    mean_after: float | None
    min_group_size: int = 5

    def figure(self, value: float | None) -> str:
        """A value as shown: "no data" for None, "fewer than N" for a small count of people.

        >>> ba = BeforeAfter(SERIES["active_contributors"], dt.date(2026, 1, 1), (), (), None, 2)
        >>> ba.figure(None), ba.figure(2.5), ba.figure(12.25)
        ('no data', 'fewer than 5', '12')
        """
        if value is None:
            return "no data"
        if self.series.unit == "people" and 0 < value < self.min_group_size:
            return f"fewer than {self.min_group_size}"
        return shown(value, self.series.unit)


def _mean(rows: tuple[Week, ...]) -> float | None:
    values = [w.value for w in rows if w.value is not None]
    return sum(values) / len(values) if values else None


def before_after(data: Mapping[str, Any], metric: str, day: dt.date) -> BeforeAfter | None:
    """The weekly series of `metric` (a key of `SERIES`) split at `day`; None for an unknown
    metric. A week the privacy guard hid stays None and counts in neither mean, and so does a
    count of 1 to the threshold less one people (it would read as a small group). The weeks
    before the series' first activity are left out.

    >>> rows = [{"week": "2026-11-09", "active": 0},
    ...         {"week": "2026-11-16", "active": 9}, {"week": "2026-11-23", "active": 3},
    ...         {"week": "2026-11-30", "active": 15}, {"week": "2026-12-07", "active": 11}]
    >>> ba = before_after({"participation": {"weekly": rows}}, "active_contributors",
    ...                   dt.date(2026, 12, 2))
    >>> [w.value for w in ba.before], ba.before[1].hidden, ba.mean_before, ba.mean_after
    ([9.0, None], True, 9.0, 13.0)
    """
    series = SERIES.get(metric)
    if series is None:
        return None
    monday = day - dt.timedelta(days=day.weekday())
    rows = family(data, series.family).get("weekly") or []
    mgs = number(family(data, "privacy").get("min_group_size")) or 5
    weekly = []
    for r in rows:
        week = _date(r.get("week")) if isinstance(r, Mapping) else None
        if week is None:
            continue
        value = None if r.get("suppressed") else number(r.get(series.column))
        people = series.unit == "people"
        # a count of people the guard left out of a shown row, or under the threshold, is hidden
        hidden = bool(r.get("suppressed")) or (people and (value is None or 0 < value < mgs))
        weekly.append(Week(week, None if hidden else value, hidden))
    # the weeks before the series' first activity (a workspace not yet created) are left out
    first = next((i for i, w in enumerate(weekly) if w.hidden or w.value), len(weekly))
    weekly = weekly[first:]
    before = tuple(w for w in weekly if w.week < monday)
    after = tuple(w for w in weekly if w.week >= monday)
    return BeforeAfter(series, day, before, after, _mean(before), _mean(after), int(mgs))
