"""The fading verdict of one weekly series: the rule, its evidence in words, and the trends.

The weekly count of active contributors is read for three kinds of change, each by a test built
for it (:mod:`lumoflow.analytics.weekly_change`): activity that **stops** (a run of silent weeks up
to the end of the period), a **step** (a level shift: PELT changepoint, then a Mann–Whitney test of
the weeks before and after) and a **gradual trend** (Mann–Kendall, Sen's slope). A long silent run
inside the period is a **hole**: named, and left out of the tests. :func:`verdict` applies the
rule; :mod:`lumoflow.analytics.fading` builds the series from a log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from lumoflow.analytics.frame import week_start
from lumoflow.analytics.weekly_change import (
    SilentRun,
    Step,
    TrendTest,
    relative_change,
    round_level,
    round_p,
    silent_runs,
    step_test,
    trend_test,
)

#: The verdicts, from the worst news to no news.
VERDICTS = ("fading", "inconclusive", "growing", "stable", "too_little_data")
#: Tests for a change of level (step, gradual trend) that share the significance level.
CHANGE_TESTS = 2


@dataclass(frozen=True)
class FadingRule:
    """The verdict rule (defaults as documented in the README; configurable per workspace).

    ``min_weeks``: weeks from the first activity to the end of the period before any verdict;
    ``min_active_weeks``: weeks with activity; ``p_value``: significance level, shared by the
    step and trend tests (Bonferroni); ``drop``: smallest change of the weekly level that counts;
    ``min_silent_weeks``: length of a silence that is a stop (at the end) or a hole (inside).
    """

    min_weeks: int = 12
    min_active_weeks: int = 8
    p_value: float = 0.05
    drop: float = 0.25
    window_weeks: int | None = None
    min_silent_weeks: int = 4


@dataclass(frozen=True)
class Evidence:
    """One finding behind a verdict: the test, its statistic and p-value, and a sentence.

    ``significant`` is ``None`` for facts that are not tests (weeks counted, gravity). The p-value
    is the one compared with the rule's level: for the step and trend tests it is already
    multiplied by the number of tests sharing the level (Bonferroni).
    """

    test: str
    statistic: float | None
    p: float | None
    significant: bool | None
    sentence: str


@dataclass(frozen=True)
class Trend:
    """Trend of one weekly series, over the weeks tested (from the first activity on, holes out).

    ``first``/``last``: mean of the first and last quarter of those weeks; ``change``: their
    relative change as compared (rounded levels, whole percent); ``p``: Mann–Kendall p-value
    (before any multiple-test adjustment); Sen's line: ``sen_slope`` per week and ``intercept``
    at the week ``start`` (fitted value of week ``w`` = intercept + slope · weeks since start);
    ``changepoint``: first week after the PELT level shift, with the mean weekly level
    ``before`` and ``after`` it; ``end``: the last week of the series (Sen's line runs from
    ``start`` to ``end``).
    """

    weeks: int
    first: float | None
    last: float | None
    change: float | None
    p: float | None
    sen_slope: float | None
    changepoint: dt.date | None
    intercept: float | None = None
    start: dt.date | None = None
    before: float | None = None
    after: float | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class Verdict:
    """Fading verdict (one of :data:`VERDICTS`) with its evidence."""

    verdict: str
    evidence: list[Evidence]
    members: int
    trends: dict[str, Trend]
    gravity: float | None
    levels: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Series:
    """One weekly series analysed: its trend, and the tests behind it."""

    trend: Trend
    test: TrendTest | None
    step: Step | None


def _analyse(x: np.ndarray, weeks: list[dt.date]) -> _Series:
    """Quarter means, Mann–Kendall and Sen's line, PELT step over the weeks that are not NaN."""
    valid = ~np.isnan(x)
    xv = x[valid]
    t = np.flatnonzero(valid)
    if xv.size < 4:
        return _Series(Trend(int(xv.size), None, None, None, None, None, None), None, None)
    q = max(1, xv.size // 4)
    first, last = float(xv[:q].mean()), float(xv[-q:].mean())
    tt = trend_test(xv, t.astype(float))
    st = step_test(xv)
    trend = Trend(
        weeks=int(xv.size),
        first=first,
        last=last,
        change=relative_change(first, last),
        p=tt.p if tt else None,
        sen_slope=tt.slope if tt else None,
        changepoint=weeks[int(t[st.at])] if st else None,
        intercept=tt.intercept if tt else None,
        start=weeks[0],
        before=st.before if st else None,
        after=st.after if st else None,
        end=weeks[-1],
    )
    return _Series(trend, tt, st)


def trend(x: np.ndarray, weeks: list[dt.date]) -> Trend:
    """Trend of one weekly series (``NaN`` = week left out): see :class:`Trend`."""
    return _analyse(np.asarray(x, dtype=float), weeks).trend


@dataclass(frozen=True)
class _Words:
    """How the evidence speaks: privacy threshold, dates (calendar or relative), p-values."""

    min_group_size: int
    epoch: dt.datetime | None

    def level(self, v: float, people: bool, unit: str = "") -> str:
        r = round_level(v)
        if people and 0 < v < self.min_group_size:  # the guard compares the true level
            return f"fewer than {self.min_group_size}"
        return f"{r:g}{unit}"

    def date(self, d: dt.date) -> str:
        """'11 March 2024', or 'week 11' when times are offsets (week 1 holds the epoch)."""
        if self.epoch is None:
            return f"{d.day} {d:%B %Y}"
        return f"week {(d - week_start(self.epoch)).days // 7 + 1}"

    def week(self, d: dt.date) -> str:
        """'the week of 11 March 2024', or 'week 11'."""
        return self.date(d) if self.epoch else f"the week of {self.date(d)}"

    def movement(
        self, what: str, a: float, b: float, people: bool, unit: str = ""
    ) -> tuple[str, str]:
        """('… fell from A to B', '−x%; ') or ('… stayed at A', ''), from the rounded levels;
        no percentage beside a suppressed level (it would give the level away)."""
        ta, tb = self.level(a, people, unit), self.level(b, people, unit)
        if ta == tb:
            return f"{what} stayed at {ta}", ""
        verb = "rose" if round_level(b) > round_level(a) else "fell"
        change = relative_change(a, b)
        if ta.startswith("fewer") or tb.startswith("fewer") or change is None:
            pct = ""
        elif change == 0:
            pct = "less than 1%; "
        else:
            pct = f"{change:+.0%}; ".replace("-", "−")
        return f"{what} {verb} from {ta} to {tb}", pct


def _p_text(p: float) -> str:
    r = round_p(p)
    return "p < 0.001" if r < 0.001 else f"p = {r:g}"


def _significance(p: float, alpha: float) -> str:
    return _p_text(p) if round_p(p) < alpha else f"{_p_text(p)}, not significant"


def _silence_evidence(
    run: SilentRun, weeks: list[dt.date], rule: FadingRule, say: _Words
) -> Evidence:
    """The sentence for a silent run: a stop (at the end) or a hole (inside the period)."""
    sig = round_p(run.p) < rule.p_value
    k = run.weeks
    n = f"{k} week{'s' * (k != 1)}"
    base = f"{run.silent_elsewhere} of {run.weeks_elsewhere} other weeks were silent"
    test = f"silence run test, {_significance(run.p, rule.p_value)}"
    if run.stop < len(weeks):
        until = say.date(weeks[run.stop - 1] + dt.timedelta(days=6))
        text = (
            f"No activity for {n} from {say.date(weeks[run.start])} to {until}, then activity"
            f" resumed; these weeks, and the partly silent week either side, are left out of"
            f" the trend tests ({base}; {test})"
        )
    elif sig and k >= rule.min_silent_weeks:
        text = f"No activity since {say.date(weeks[run.start])} ({n}; {base}; {test})"
    elif sig:
        text = (
            f"No activity in the last {n}: unusual here ({base}; {test}), but too recent to"
            f" call it a stop ({rule.min_silent_weeks} silent weeks needed)"
        )
    else:
        text = f"No activity in the last {n}, not unusual here ({base}; {test})"
    return Evidence("silence run test", float(k), round_p(run.p), sig, text + ".")


def _change_evidence(
    s: _Series, rule: FadingRule, say: _Words, *, step: bool
) -> tuple[Evidence, int, bool] | None:
    """The step or trend sentence, with the direction it points (−1, 0, 1) and whether the
    change is as large as the rule's ``drop``."""
    t = s.trend
    if step:
        if s.step is None:
            return None
        a, b, stat, raw = s.step.before, s.step.after, s.step.u, s.step.p
        assert t.changepoint is not None
        where = f" in a step in {say.week(t.changepoint)}"
        name = "PELT changepoint + Mann–Whitney (Pettitt), Bonferroni ×2"
        how = "PELT changepoint, then Mann–Whitney test of the weeks before and after"
    else:
        if s.test is None or t.first is None or t.last is None:
            return None
        a, b, stat, raw = t.first, t.last, s.test.z, s.test.p
        where = " between the first and the last quarter of the period"
        name = "Mann–Kendall (Hamed–Rao), Bonferroni ×2"
        how = "gradual trend, Mann–Kendall test"
    p = min(1.0, raw * CHANGE_TESTS)
    sig = round_p(p) < rule.p_value
    change = relative_change(a, b)
    big = change is not None and abs(change) >= round(rule.drop, 2)
    moved, pct = say.movement("Weekly active contributors", a, b, people=True)
    if step and not pct and " stayed at " in moved:
        return None  # no step to speak of
    rising = round_level(b) > round_level(a)
    direction = 0 if round_level(a) == round_level(b) else (1 if rising else -1)
    if not step and (s.test is None or s.test.z * direction <= 0):
        direction = 0  # the trend test does not point the way the levels moved
    tail = ""
    if sig and not big and direction:
        tail = f", less than the {rule.drop:.0%} that counts as {'growing' if rising else 'fading'}"
    sentence = f"{moved}{where} ({pct}{how}, {_significance(p, rule.p_value)}){tail}."
    return Evidence(name, round(stat, 4), round_p(p), sig, sentence), direction, big


def too_little(
    why: str, statistic: float | None, members: int, trends: dict[str, Trend], g: float | None
) -> Verdict:
    return Verdict(
        "too_little_data",
        [Evidence("weeks of data", statistic, None, None, why)],
        members,
        trends,
        g,
    )


def verdict(
    series: Mapping[str, np.ndarray],
    weeks: list[dt.date],
    *,
    members: int,
    min_group_size: int,
    gravity: float | None = None,
    rule: FadingRule | None = None,
    epoch: dt.datetime | None = None,
) -> Verdict:
    """Apply the fading rule to the weekly series of one workspace (or the whole log).

    Rule (α = ``p_value``, shared by the step and trend tests; ``drop`` = 25%):

    * **too_little_data**: fewer members than the privacy threshold, fewer than ``min_weeks``
      weeks from the first activity to the end of the period, or fewer than
      ``min_active_weeks`` weeks with activity;
    * **fading**: silence from some week to the end of the period, at least
      ``min_silent_weeks`` long and significant by the silence run test; or a significant fall
      of at least ``drop`` found by the step test or the trend test;
    * **growing**: a significant rise of at least ``drop`` (step or trend);
    * **inconclusive**: the evidence is weak either way: the level moved by ``drop`` or more but
      not significantly, a recent silence is unusual but shorter than a stop, or the tests
      disagree;
    * **stable**: otherwise (no change of ``drop`` or more, significant or not).

    Weeks before the first activity are not counted (the selection had not started); a hole
    (silent run inside the period, at least ``min_silent_weeks`` long and significant) is named
    and left out of the step and trend tests.
    """
    rule = rule or FadingRule()
    start = max(0, len(weeks) - rule.window_weeks) if rule.window_weeks else 0
    busy = np.flatnonzero(np.asarray(series["active_contributors"][start:], dtype=float) > 0)
    start += int(busy[0]) if busy.size else 0
    w = weeks[start:]
    cut = {k: np.asarray(v[start:], dtype=float) for k, v in series.items()}
    active = cut["active_contributors"]
    say = _Words(min_group_size, epoch)
    if members < min_group_size:  # a small group's series and gravity are not shown
        why = f"Too little data: fewer than {min_group_size} members."
        return too_little(why, None, members, {}, None)
    active_weeks = int(np.count_nonzero(active > 0))
    if active_weeks == 0:
        return too_little("Too little data: no activity in the period.", 0.0, members, {}, gravity)
    if len(w) < rule.min_weeks or active_weeks < rule.min_active_weeks:
        trends = {k: trend(v, w) for k, v in cut.items()}
        if len(w) < rule.min_weeks:
            why = (
                f"Too little data: {len(w)} week{'s' * (len(w) != 1)} from the first activity"
                f" to the end of the period, at least {rule.min_weeks} needed."
            )
            return too_little(why, float(len(w)), members, trends, gravity)
        why = (
            f"Too little data: activity in {active_weeks} week{'s' * (active_weeks != 1)},"
            f" at least {rule.min_active_weeks} needed."
        )
        return too_little(why, float(active_weeks), members, trends, gravity)
    runs = silent_runs(active)
    tail = runs[-1] if runs and runs[-1].stop == len(w) else None
    holes = [
        r
        for r in runs
        if r is not tail and r.weeks >= rule.min_silent_weeks and round_p(r.p) < rule.p_value
    ]
    left_out = np.zeros(len(w), dtype=bool)
    for h in holes:  # the weeks either side are partly silent: left out as well
        left_out[max(h.start - 1, 0) : h.stop + 1] = True
    since_hole = len(w) - holes[-1].stop if holes else None
    analysed = {k: _analyse(np.where(left_out, np.nan, v), w) for k, v in cut.items()}
    trends = {k: a.trend for k, a in analysed.items()}
    silence = [_silence_evidence(r, w, rule, say) for r in holes]
    tail_ev, stopped = None, False
    if tail is not None and (tail.weeks >= 2 or round_p(tail.p) < rule.p_value):
        tail_ev = _silence_evidence(tail, w, rule, say)
        stopped = bool(tail_ev.significant) and tail.weeks >= rule.min_silent_weeks
    recent = bool(tail_ev and tail_ev.significant and not stopped)
    found = [
        f
        for f in (
            _change_evidence(analysed["active_contributors"], rule, say, step=True),
            _change_evidence(analysed["active_contributors"], rule, say, step=False),
        )
        if f is not None
    ]
    down = [e for e, d, big in found if e.significant and big and d < 0]
    up = [e for e, d, big in found if e.significant and big and d > 0]
    label, why_inconclusive = _decide(
        stopped, recent, down, up, any(b for _, _, b in found), rule=rule
    )
    if not stopped and since_hole is not None and since_hole < rule.min_weeks:
        label, why_inconclusive = (
            "inconclusive",
            (
                f"Inconclusive: activity resumed {since_hole} week{'s' * (since_hole != 1)} before"
                f" the end of the period, after {holes[-1].weeks} silent weeks; at least"
                f" {rule.min_weeks} weeks since then are needed to tell."
            ),
        )
    reasons = down if label == "fading" else up if label == "growing" else []
    evidence = [*([tail_ev] if stopped and tail_ev else []), *reasons]
    if why_inconclusive:
        evidence.insert(0, Evidence("verdict rule", None, None, None, why_inconclusive))
    rest = [tail_ev, *silence, *(e for e, _, _ in found)]
    evidence += [e for e in rest if e is not None and e not in evidence]
    evidence += _context(analysed, rule, say)
    if gravity is not None:
        text = f"Orbit gravity {gravity:+.2f} per member between the halves of the period."
        evidence.append(Evidence("Orbit gravity", gravity, None, None, text.replace("-", "−")))
    if epoch is not None:
        evidence.append(_relative_dates(epoch))
    return Verdict(label, evidence, members, trends, gravity)


def _decide(
    stopped: bool,
    recent: bool,
    down: list[Evidence],
    up: list[Evidence],
    big: bool,
    *,
    rule: FadingRule,
) -> tuple[str, str]:
    """The verdict label, and for ``inconclusive`` the sentence that says why."""
    if stopped:
        return "fading", ""
    if down and up:
        return (
            "inconclusive",
            "Inconclusive: the step and trend tests disagree (a fall and a rise).",
        )
    if down:
        return "fading", ""
    if recent:
        return "inconclusive", (
            "Inconclusive: the last weeks were silent, which is unusual here but too recent to"
            " call it a stop."
        )
    if up:
        return "growing", ""
    if big:
        return "inconclusive", (
            f"Inconclusive: weekly active contributors moved by {rule.drop:.0%} or more, but no"
            " test found the change significant; more weeks are needed to tell a real change"
            " from noise."
        )
    return "stable", ""


def _context(analysed: Mapping[str, _Series], rule: FadingRule, say: _Words) -> list[Evidence]:
    """Significant trends of posts and first-reply times: context, not reasons for the verdict."""
    out = []
    for key, label, unit in (
        ("posts", "Weekly posts", ""),
        ("median_first_reply_h", "Median first reply", " h"),
    ):
        s = analysed.get(key)
        if s is None or s.test is None or s.trend.first is None or s.trend.last is None:
            continue
        if round_p(s.test.p) >= rule.p_value:
            continue
        moved, pct = say.movement(label, s.trend.first, s.trend.last, people=False, unit=unit)
        text = f"{moved} ({pct}Mann–Kendall test, {_p_text(s.test.p)})."
        out.append(
            Evidence("Mann–Kendall (Hamed–Rao)", round(s.test.z, 4), round_p(s.test.p), True, text)
        )
    return out


def _relative_dates(epoch: dt.datetime) -> Evidence:
    text = (
        "Dates are relative: the input's times are offsets, not dates; week 1 is the week of"
        f" their origin (placed at {epoch:%Y-%m-%d}, --epoch)."
    )
    return Evidence("time origin", None, None, None, text)
