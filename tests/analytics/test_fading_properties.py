"""Fading verdicts over random shapes (hypothesis), and the false-positive rate on steady noise."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lumoflow.analytics.fading import VERDICTS, FadingRule, Verdict, verdict

MONDAY = dt.date(2024, 1, 1)
RULE = FadingRule()


def _verdict(counts: list[int] | np.ndarray) -> Verdict:
    x = np.asarray(counts, dtype=float)
    weeks = [MONDAY + dt.timedelta(weeks=i) for i in range(x.size)]
    series = {"active_contributors": x, "posts": 2 * x}
    return verdict(series, weeks, members=60, min_group_size=5, rule=RULE)


counts = st.lists(st.integers(0, 60), min_size=1, max_size=70)


@st.composite
def shapes(draw: st.DrawFn) -> list[int]:
    """A level, a step, a slope or a silence, with noise: the shapes the verdict must read."""
    n = draw(st.integers(4, 60))
    level = draw(st.integers(1, 60))
    kind = draw(st.sampled_from(["level", "step", "slope", "stop", "hole"]))
    x = np.full(n, float(level))
    at = draw(st.integers(1, n - 1))
    if kind == "step":
        x[at:] *= draw(st.floats(0.0, 3.0))
    elif kind == "slope":
        x += draw(st.floats(-2.0, 2.0)) * np.arange(n)
    elif kind == "stop":
        x[at:] = 0
    elif kind == "hole":
        x[at : at + draw(st.integers(1, n))] = 0
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    noisy = x + rng.integers(-draw(st.integers(0, 5)), draw(st.integers(0, 5)) + 1, n)
    return [int(v) for v in np.clip(np.round(noisy), 0, None)]


def _check_wording(v: Verdict) -> None:
    assert v.verdict in VERDICTS
    assert v.evidence
    for e in v.evidence:
        assert e.sentence[0].isupper() and e.sentence.endswith("."), e
        if e.significant:
            assert e.p is not None and e.p < RULE.p_value, e
        if e.significant is False:
            assert "not significant" in e.sentence, e
        # numbers rounded as compared: never "from 37 to 37", never "+0%"
        assert not re.search(r"from (\S+ ?\S*) to \1 ", e.sentence + " "), e
        assert not re.search(r"[+−-]0%", e.sentence), e
    if v.verdict in ("fading", "growing"):
        assert v.evidence[0].significant is True, v.evidence
    if v.verdict == "inconclusive":
        assert v.evidence[0].test == "verdict rule"


@settings(max_examples=100, deadline=None)
@given(counts)
def test_any_series_gets_one_of_the_five_verdicts_in_honest_words(x: list[int]) -> None:
    _check_wording(_verdict(x))


@settings(max_examples=100, deadline=None)
@given(shapes())
def test_every_shape_gets_one_of_the_five_verdicts_in_honest_words(x: list[int]) -> None:
    _check_wording(_verdict(x))


@settings(max_examples=100, deadline=None)
@given(counts)
def test_fewer_weeks_than_the_minimum_is_always_too_little_data(x: list[int]) -> None:
    busy = np.flatnonzero(np.asarray(x) > 0)
    weeks = len(x) - int(busy[0]) if busy.size else 0
    v = _verdict(x)
    if weeks < RULE.min_weeks:
        assert v.verdict == "too_little_data"
        assert v.evidence[0].statistic in (weeks, None) or busy.size == 0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 60), min_size=12, max_size=60), st.integers(4, 20))
def test_silence_after_steady_activity_is_a_stop(x: list[int], silent: int) -> None:
    v = _verdict([*x, *([0] * silent)])
    assert v.verdict == "fading"
    assert v.evidence[0].test == "silence run test"
    assert v.evidence[0].sentence.startswith("No activity since ")
    assert f"({silent} weeks;" in v.evidence[0].sentence


@settings(max_examples=100, deadline=None)
@given(shapes(), st.integers(1, 30))
def test_weeks_before_the_first_activity_change_nothing(x: list[int], lead: int) -> None:
    a, b = _verdict(x), _verdict([0] * lead + x)
    assert a.verdict == b.verdict
    assert [(e.test, e.statistic, e.p) for e in a.evidence] == [
        (e.test, e.statistic, e.p) for e in b.evidence
    ]


def test_false_positive_rate_on_steady_noisy_series_is_at_most_the_level() -> None:
    # given steady series with independent weeks: Poisson and overdispersed (negative binomial,
    # coefficient of variation up to 0.7) weekly counts at levels 3 to 100, 12 to 104 weeks
    rng = np.random.default_rng(2024)
    calls = {v: 0 for v in VERDICTS}
    runs = 0
    for level in (3, 10, 30, 100):
        for weeks in (12, 26, 52, 104):
            for _ in range(40):
                poisson = rng.poisson(level, weeks)
                negbin = rng.negative_binomial(2, 2 / (2 + level), weeks)
                for x in (poisson, negbin):
                    calls[_verdict(x).verdict] += 1
                    runs += 1
    # when a change is called
    rate = (calls["fading"] + calls["growing"]) / runs
    print(
        f"\nfalse-positive rate (fading or growing on steady series): {rate:.1%} of {runs}"
        f" series at significance level {RULE.p_value}; verdicts {calls}"
    )
    # then it stays within the significance level
    assert rate <= RULE.p_value
