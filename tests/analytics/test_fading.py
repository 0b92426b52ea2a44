"""Fading verdicts on logs whose weekly activity is planted."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from lumoflow.analytics.fading import FadingRule, changepoint, fading_signal

from .conftest import frame_of

MONDAY = dt.date(2024, 1, 1)


def _log(counts: list[int], workspace: str = "w", prefix: str = "p") -> list[dict[str, object]]:
    out = []
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


def test_fading_when_contributors_drop_with_a_changepoint() -> None:
    counts = [24] * 10 + [9] * 10
    f = fading_signal(frame_of(_log(counts), min_group_size=5))
    assert f.verdict == "fading"
    assert f.trends["active_contributors"].changepoint == MONDAY + dt.timedelta(weeks=10)
    assert f.evidence[0].startswith(
        "Weekly active contributors fell from 24 to 9 since 11 March 2024 (−62%, p "
    )
    assert f.trends["active_contributors"].p < 0.05


def test_growing_is_the_mirror_image() -> None:
    f = fading_signal(frame_of(_log(list(range(6, 26))), min_group_size=5))
    assert f.verdict == "growing"
    assert f.trends["active_contributors"].sen_slope == pytest.approx(1.0)


def test_stable_when_the_series_only_wobbles() -> None:
    rng = np.random.default_rng(3)
    counts = list(20 + rng.integers(-3, 4, size=20))
    f = fading_signal(frame_of(_log(counts), min_group_size=5))
    assert f.verdict == "stable"


def test_a_decline_without_significance_or_size_is_not_fading() -> None:
    counts = [20] * 10 + [17] * 10  # −15%: below the 25% rule
    assert fading_signal(frame_of(_log(counts), min_group_size=5)).verdict == "stable"


def test_too_little_data_with_few_active_weeks_or_few_people() -> None:
    assert fading_signal(frame_of(_log([9, 8, 7, 6, 5, 4]))).verdict == "too_little_data"
    small = fading_signal(frame_of(_log([4, 4, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1]), min_group_size=5))
    assert small.verdict == "too_little_data"
    assert "fewer than 5 members" in small.evidence[0]


def test_each_workspace_gets_its_own_verdict() -> None:
    events = _log([24] * 10 + [9] * 10, "down", "d") + _log(list(range(6, 26)), "up", "u")
    f = fading_signal(frame_of(events, min_group_size=5))
    assert {w: v.verdict for w, v in f.by_workspace.items()} == {"down": "fading", "up": "growing"}


def test_the_rule_is_configurable() -> None:
    counts = [20] * 10 + [17] * 10
    strict = FadingRule(drop=0.10)
    f = fading_signal(frame_of(_log(counts), min_group_size=5), rule=strict)
    assert f.verdict == "fading"


def test_gravity_falls_when_people_do_less() -> None:
    f = fading_signal(frame_of(_log([24] * 10 + [9] * 10), min_group_size=5))
    assert f.gravity is not None and f.gravity < 0
    assert sum(f.levels.values()) == 9


def test_changepoint_finds_the_step() -> None:
    assert changepoint(np.array([5.0] * 8 + [15.0] * 8)) == 8
    assert changepoint(np.array([5.0] * 16)) is None


def test_changepoint_search_equals_ruptures_pelt_with_l2_cost() -> None:
    import math

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
