"""Fading verdicts on logs whose weekly activity is planted, and the tests behind them."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from lumoflow.analytics.fading import (
    VERDICTS,
    FadingRule,
    Verdict,
    changepoint,
    fading_signal,
    verdict,
    weekly_series,
)
from lumoflow.analytics.frame import ENGAGED_VERBS, Period, sql, verb_list, weeks_of
from lumoflow.analytics.weekly_change import (
    relative_change,
    round_level,
    round_p,
    silent_runs,
    step_test,
    trend_test,
)

from .conftest import frame_of

MONDAY = dt.date(2024, 1, 1)


def weekly_posts(
    counts: list[int], workspace: str = "w", prefix: str = "p"
) -> list[dict[str, object]]:
    """One post per active person per week, on the Tuesday of the week."""
    out: list[dict[str, object]] = []
    for w, n in enumerate(counts):
        day = MONDAY + dt.timedelta(weeks=w, days=1)
        for p in range(n):
            out.append(
                {
                    "event_id": f"{workspace}-{w}-{p}",
                    "ts": f"{day}T10:00:00Z",
                    "actor": f"{prefix}{p}",
                    "verb": "post",
                    "workspace": workspace,
                    "object_id": f"{workspace}-{w}-{p}",
                }
            )
    return out


def _whole_weeks(weeks: int) -> Period:
    """Monday of the first week to Sunday of the last: every week complete."""
    return Period.from_dates(MONDAY, MONDAY + dt.timedelta(weeks=weeks, days=-1))


def _verdict(counts: Sequence[float]) -> Verdict:
    weeks = [MONDAY + dt.timedelta(weeks=i) for i in range(len(counts))]
    x = np.asarray(counts, dtype=float)
    return verdict({"active_contributors": x}, weeks, members=50, min_group_size=5)


def test_fading_when_contributors_drop_with_a_changepoint() -> None:
    # given weekly actives that halve and more from one week to the next
    counts = [24] * 10 + [9] * 10
    # when
    f = fading_signal(frame_of(weekly_posts(counts), period=_whole_weeks(20), min_group_size=5))
    # then the step test finds it, and says so
    assert f.verdict == "fading"
    assert f.trends["active_contributors"].changepoint == MONDAY + dt.timedelta(weeks=10)
    first = f.evidence[0]
    assert first.test.startswith("PELT changepoint + Mann–Whitney") and first.significant
    assert first.sentence.startswith(
        "Weekly active contributors fell from 24 to 9 in a step in the week of 11 March 2024 "
        "(−62%; PELT changepoint, then Mann–Whitney test"
    )
    assert first.p is not None and first.p < 0.05


def test_growing_is_the_mirror_image() -> None:
    f = fading_signal(
        frame_of(weekly_posts(list(range(6, 26))), period=_whole_weeks(20), min_group_size=5)
    )
    assert f.verdict == "growing"
    assert f.trends["active_contributors"].sen_slope == pytest.approx(1.0)
    assert f.trends["active_contributors"].intercept == pytest.approx(6.0)


def test_stable_when_the_series_only_wobbles() -> None:
    rng = np.random.default_rng(3)
    counts = list(20 + rng.integers(-3, 4, size=20))
    f = fading_signal(frame_of(weekly_posts(counts), period=_whole_weeks(20), min_group_size=5))
    assert f.verdict == "stable"
    assert all(e.significant is not True for e in f.evidence), f.evidence


def test_a_significant_but_small_decline_is_stable_and_says_why() -> None:
    counts = [20] * 10 + [17] * 10  # −15%: below the 25% rule
    f = fading_signal(frame_of(weekly_posts(counts), period=_whole_weeks(20), min_group_size=5))
    assert f.verdict == "stable"
    assert any("less than the 25% that counts as fading" in e.sentence for e in f.evidence)


def test_too_little_data_with_few_weeks_few_active_weeks_or_few_people() -> None:
    short = fading_signal(frame_of(weekly_posts([9, 8, 7, 6, 5, 4]), period=_whole_weeks(6)))
    assert short.verdict == "too_little_data"
    assert short.evidence[0].sentence == (
        "Too little data: 6 weeks from the first activity to the end of the period, "
        "at least 12 needed."
    )
    sparse = _verdict([5, 0, 0, 6, 0, 0, 5, 0, 0, 6, 0, 0, 5, 0, 0, 6])
    assert sparse.verdict == "too_little_data"
    assert "activity in 6 weeks, at least 8 needed" in sparse.evidence[0].sentence
    small = fading_signal(
        frame_of(weekly_posts([4, 4, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1]), min_group_size=5)
    )
    assert small.verdict == "too_little_data"
    assert "fewer than 5 members" in small.evidence[0].sentence
    assert small.trends == {}


def test_weeks_before_the_first_activity_do_not_count() -> None:
    # given a workspace that started in week 14 of an 24-week period: 10 active weeks
    v = _verdict([0] * 14 + [20] * 10)
    assert v.verdict == "too_little_data"
    assert "10 weeks from the first activity" in v.evidence[0].sentence


def test_each_workspace_gets_its_own_verdict() -> None:
    events = weekly_posts([24] * 10 + [9] * 10, "down", "d") + weekly_posts(
        list(range(6, 26)), "up", "u"
    )
    f = fading_signal(frame_of(events, period=_whole_weeks(20), min_group_size=5))
    assert {w: v.verdict for w, v in f.by_workspace.items()} == {"down": "fading", "up": "growing"}


def test_the_rule_is_configurable() -> None:
    counts = [20] * 10 + [17] * 10
    strict = FadingRule(drop=0.10)
    f = fading_signal(
        frame_of(weekly_posts(counts), period=_whole_weeks(20), min_group_size=5), rule=strict
    )
    assert f.verdict == "fading"


def test_partial_weeks_at_the_ends_are_left_out() -> None:
    # given events on Tuesdays and no --from/--to: the first and last weeks are partial
    f = fading_signal(frame_of(weekly_posts([20] * 14), min_group_size=5))
    # then the twelve whole weeks between them are tested
    assert f.trends["active_contributors"].weeks == 12
    assert f.verdict == "stable"


def test_gravity_falls_when_people_do_less() -> None:
    f = fading_signal(frame_of(weekly_posts([24] * 10 + [9] * 10), min_group_size=5))
    assert f.gravity is not None and f.gravity < 0
    assert sum(f.levels.values()) == 9


def test_every_verdict_has_a_name_of_the_documented_five() -> None:
    assert set(VERDICTS) == {"fading", "stable", "growing", "inconclusive", "too_little_data"}


# --------------------------------------------------------------------------- the tests behind


def test_changepoint_finds_the_step() -> None:
    assert changepoint(np.array([5.0] * 8 + [15.0] * 8)) == 8
    assert changepoint(np.array([5.0] * 16)) is None


def test_changepoint_search_equals_ruptures_pelt_with_l2_cost() -> None:
    import ruptures as rpt

    rng = np.random.default_rng(11)
    for _ in range(5):
        x = np.concatenate([rng.normal(10, 2, 30), rng.normal(4, 2, 25), rng.normal(8, 1, 20)])
        sigma = float(np.median(np.abs(np.diff(x))) / 0.6745 / math.sqrt(2))
        pelt = rpt.Pelt(model="l2", min_size=2, jump=1).fit(x.reshape(-1, 1))
        cuts = [b for b in pelt.predict(pen=2 * sigma**2 * math.log(x.size)) if b < x.size]
        bounds = [0, *cuts, x.size]
        means = [x[a:b].mean() for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
        assert changepoint(x) == cuts[int(np.argmax(np.abs(np.diff(means))))]


def test_step_test_u_is_mann_whitney_and_p_is_never_below_pettitt() -> None:
    from scipy.stats import mannwhitneyu

    rng = np.random.default_rng(5)
    for _ in range(20):
        x = np.concatenate([rng.poisson(20, 12), rng.poisson(12, 14)]).astype(float)
        s = step_test(x)
        assert s is not None
        assert s.u == mannwhitneyu(x[: s.at], x[s.at :]).statistic
        # Pettitt: K = max over every split week, p = 2 exp(−6K² / (n³ + n²))
        n = x.size
        ranks = __import__("scipy.stats").stats.rankdata(x)
        k = max(abs(2 * ranks[:t].sum() - t * (n + 1)) for t in range(1, n))
        assert s.p >= min(1.0, 2 * math.exp(-6 * k**2 / (n**3 + n**2))) - 1e-12


def test_trend_test_keeps_the_time_of_left_out_weeks() -> None:
    # given a line 2·t + 1 with weeks 3 and 4 left out
    t = np.array([0, 1, 2, 5, 6, 7, 8], dtype=float)
    r = trend_test(2 * t + 1, t)
    assert r is not None and r.slope == 2.0 and r.intercept == 1.0


def test_silent_runs_at_the_end_and_inside() -> None:
    x = np.array([5, 6, 5, 0, 0, 0, 0, 0, 6, 5, 6, 5, 0, 0])
    inside, end = silent_runs(x)
    assert (inside.start, inside.weeks) == (3, 5)
    assert (end.start, end.weeks) == (12, 2)
    # the end: q = (silent elsewhere + 1) / (weeks elsewhere + 2) = 6/14, p = q²
    assert end.p == pytest.approx((6 / 14) ** 2)
    # inside: could have started in any of 10 places
    assert inside.p == pytest.approx(min(1.0, 10 * (3 / 11) ** 5))


def test_numbers_are_compared_as_they_are_shown() -> None:
    assert round_level(37.4) == round_level(36.6) == 37
    assert relative_change(37.4, 36.6) == 0.0
    assert relative_change(20, 15) == -0.25
    assert round_p(0.0499) == 0.05 and round_p(0.0494) == 0.049


def test_mann_kendall_equals_pymannkendall_widened_only() -> None:
    # given the plain version as the oracle: pymannkendall's original and Hamed–Rao tests
    import warnings

    import pymannkendall as mk

    from lumoflow.analytics.weekly_change import mann_kendall

    rng = np.random.default_rng(8)
    series = [rng.poisson(lam, n).astype(float) for lam in (2, 20) for n in (5, 12, 40, 90)]
    series += [np.cumsum(rng.normal(0, 1, 60)), np.arange(30.0) + rng.normal(0, 3, 30)]
    for x in series:
        with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
            warnings.simplefilter("ignore")
            plain, hr = mk.original_test(x), mk.hamed_rao_modification_test(x)
        # when
        z, p = mann_kendall(x)
        # then the larger p of the two (the correction only widens), with its z
        best = plain if math.isnan(hr.p) or hr.p < plain.p else hr
        assert p == pytest.approx(best.p, rel=1e-9, abs=1e-12)
        assert z == pytest.approx(best.z, rel=1e-9, abs=1e-12)


Counts = dict[tuple[str | None, dt.date], tuple[int, int, int]]


def _weekly_counts_by_grouping_sets(frame: Any) -> Counts:
    """The plain query: active contributors, posts and replies over the events themselves,
    grouped by (workspace, week) and by week (the oracle of :func:`weekly_series`)."""
    tbl = sql(
        f"""SELECT CASE WHEN grouping(workspace) = 0 THEN workspace END AS ws,
                   CAST(date_trunc('week', ts) AS DATE) AS week,
                   count(DISTINCT actor) FILTER (verb IN {verb_list(ENGAGED_VERBS)}) AS a,
                   count(*) FILTER (verb = 'post') AS p, count(*) FILTER (verb = 'reply') AS r
            FROM ev GROUP BY GROUPING SETS ((workspace, week), (week))""",
        ev=frame.events.select(["workspace", "actor", "verb", "ts"]),
    )
    return {(r["ws"], r["week"]): (r["a"], r["p"], r["r"]) for r in tbl.to_pylist()}


def test_weekly_series_count_as_the_plain_grouping_query() -> None:
    # given: people active in several workspaces in the same weeks, with every verb
    rng = np.random.default_rng(5)
    verbs = ["post", "reply", "reaction", "message", "view", "mention"]
    events = [
        {"event_id": f"e{i}", "ts": (dt.datetime(2024, 1, 1, 9) + dt.timedelta(
            hours=int(rng.integers(0, 24 * 70)))).isoformat() + "Z",
         "actor": f"u{rng.integers(0, 15)}", "verb": verbs[rng.integers(0, len(verbs))],
         "workspace": f"w{rng.integers(0, 3)}"}
        for i in range(600)
    ]  # fmt: skip
    frame = frame_of(events)
    weeks = weeks_of(frame)
    # when
    series = weekly_series(frame, by_workspace=True, weeks=weeks)
    # then
    plain = _weekly_counts_by_grouping_sets(frame)
    for (ws, week), counts in plain.items():
        at = weeks.index(week)
        got = tuple(series[ws][k][at] for k in ("active_contributors", "posts", "replies"))
        assert got == counts, (ws, week)
    for ws, s in series.items():  # and nothing where the plain query found nothing
        busy = s["active_contributors"] + s["posts"] + s["replies"] > 0
        assert {(ws, weeks[i]) for i in np.flatnonzero(busy)} <= plain.keys()
