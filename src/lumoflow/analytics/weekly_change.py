"""Tests for change in a weekly series of counts: silent runs, a step, a gradual trend.

Each test assumes independent weeks under "nothing changed" and says how surprising the series is:

* :func:`silent_runs` finds runs of silent weeks (zero activity) and gives each the probability of
  a run at least that long when weeks fall silent at the series' own rate (a geometric run test);
* :func:`step_test` finds a level shift with PELT (``ruptures``) and compares the weeks before
  and after it with a Mann–Whitney test whose p-value allows for the search over all weeks
  (Pettitt's approximation);
* :func:`trend_test` is the Mann–Kendall test for a gradual trend (Hamed–Rao correction for
  autocorrelation) with Sen's slope and intercept.

Numbers are rounded once (:func:`round_level`, :func:`round_p`) and compared as rounded, so that a
sentence never shows a figure that disagrees with the decision taken on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import ruptures as rpt
from scipy.stats import norm, rankdata


def round_level(v: float) -> float:
    """A weekly level as shown and compared: whole numbers from 10 up, else 2 significant digits.

    >>> round_level(37.4), round_level(9.46), round_level(0.1234), round_level(0.0)
    (37.0, 9.5, 0.12, 0.0)
    """
    if v == 0 or not math.isfinite(v):
        return float(v)
    return float(round(v)) if abs(v) >= 9.5 else float(f"{v:.2g}")


def round_p(p: float) -> float:
    """A p-value as shown and compared: 2 significant digits (0.0499 is 0.05, not significant).

    >>> round_p(0.04949), round_p(0.0499), round_p(1.0)
    (0.049, 0.05, 1.0)
    """
    return float(f"{min(max(p, 0.0), 1.0):.2g}")


def relative_change(before: float, after: float) -> float | None:
    """Change from ``before`` to ``after`` in whole percent (as a fraction), from rounded levels.

    ``None`` when the rounded ``before`` is zero (no relative change from nothing).

    >>> relative_change(24.2, 9.1), relative_change(37.4, 37.2), relative_change(0.0, 3.0)
    (-0.62, 0.0, None)
    """
    b, a = round_level(before), round_level(after)
    if b == 0:
        return None
    return round((a / b - 1) * 100) / 100


@dataclass(frozen=True)
class SilentRun:
    """Weeks ``[start, stop)`` without activity; ``p``: chance of a run this long (run test)."""

    start: int
    stop: int
    p: float
    silent_elsewhere: int
    weeks_elsewhere: int

    @property
    def weeks(self) -> int:
        return self.stop - self.start


def silent_runs(x: np.ndarray) -> list[SilentRun]:
    """Every run of zero weeks in ``x`` with its run-test p-value.

    Definition: ``q`` = share of silent weeks outside the run, smoothed as ``(z + 1) / (m + 2)``
    (Laplace); a run of ``k`` weeks at the end of the series has probability ``q**k`` under
    independent weeks; a run inside the series could have been anywhere, so its ``q**k`` is
    multiplied by the number of places it could start (Bonferroni).

    >>> [(r.start, r.weeks, round_p(r.p)) for r in silent_runs(np.array([3, 4, 0, 5, 4, 0, 0]))]
    [(2, 1, 1.0), (5, 2, 0.082)]
    """
    x = np.asarray(x, dtype=float)
    silent = np.concatenate([[0], (x == 0).astype(np.int8), [0]])
    edges = np.diff(silent)
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    total = int(np.count_nonzero(x == 0))
    out = []
    for s, e in zip(starts.tolist(), stops.tolist(), strict=True):
        k, m = e - s, x.size - (e - s)
        q = (total - k + 1) / (m + 2)
        places = 1 if e == x.size else max(x.size - k + 1, 1)
        out.append(SilentRun(s, e, min(1.0, places * q**k), total - k, m))
    return out


def changepoint(x: np.ndarray) -> int | None:
    """Index of the largest mean shift found by PELT (``ruptures``, l2 cost, jump=1).

    Penalty: 2·σ²·ln(n), σ estimated robustly from the week-to-week differences (MAD). The search
    runs in ruptures' C implementation of PELT (``KernelCPD`` with the linear kernel, which is the
    l2 cost); it gives the same breakpoints as ``Pelt(model="l2", jump=1)``, hundreds of times
    faster (checked by the tests).
    """
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]
    if x.size < 6:
        return None
    sigma = float(np.median(np.abs(np.diff(x))) / 0.6745 / math.sqrt(2))
    sigma = sigma or float(np.std(x)) or 1.0
    algo = rpt.KernelCPD(kernel="linear", min_size=2, jump=1).fit(x.reshape(-1, 1))
    bkps = [int(b) for b in algo.predict(pen=2 * sigma**2 * math.log(x.size))]
    cuts = [b for b in bkps if b < x.size]
    if not cuts:
        return None
    bounds = [0, *cuts, x.size]
    means = [x[a:b].mean() for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    shifts = np.abs(np.diff(means))
    return int(cuts[int(np.argmax(shifts))])


@dataclass(frozen=True)
class Step:
    """A level shift at index ``at``: mean ``before`` and ``after``, Mann–Whitney ``u``, ``p``."""

    at: int
    before: float
    after: float
    u: float
    p: float


def step_test(x: np.ndarray) -> Step | None:
    """PELT changepoint, then the weeks before and after it compared by Mann–Whitney.

    Definition: ``at`` = :func:`changepoint`; ``u`` = Mann–Whitney U of the weeks before against
    the weeks after. The p-value allows for the changepoint having been searched for: it is
    Pettitt's approximation ``2·exp(−6K²/(n³+n²))`` for ``K = |U_at|``, Pettitt's statistic
    ``U_t = 2·Σ_{i≤t} rank_i − t(n+1)`` at the found week. Since ``K`` is at most the maximum over
    all weeks, this p is never smaller than Pettitt's own: the test is conservative. Ranks make it
    valid for counts of any distribution (ties get mid-ranks). ``None``: no changepoint.

    Source: Killick, Fearnhead & Eckley (2012), PELT; Mann & Whitney (1947); Pettitt (1979),
    Applied Statistics 28(2), "A non-parametric approach to the change-point problem".

    >>> s = step_test(np.array([24.0] * 10 + [9.0] * 10))
    >>> s.at, s.before, s.after, s.u, round_p(s.p)
    (10, 24.0, 9.0, 100.0, 0.0016)
    """
    x = np.asarray(x, dtype=float)
    at = changepoint(x)
    if at is None:
        return None
    n = x.size
    ranks = rankdata(x)
    pettitt = abs(2 * float(ranks[:at].sum()) - at * (n + 1))
    u = float(ranks[:at].sum()) - at * (at + 1) / 2
    p = min(1.0, 2 * math.exp(-6 * pettitt**2 / (n**3 + n**2)))
    return Step(at, float(x[:at].mean()), float(x[at:].mean()), u, p)


@dataclass(frozen=True)
class TrendTest:
    """Mann–Kendall ``z`` and ``p``; Sen's ``slope`` per week and ``intercept`` at ``t = 0``."""

    z: float
    p: float
    slope: float
    intercept: float


def mann_kendall(x: np.ndarray) -> tuple[float, float]:
    """Mann–Kendall ``(z, p)`` of ``x`` in order, two-sided, variance widened by Hamed–Rao.

    Definition: ``S = Σ_{i<j} sign(x_j − x_i)``; ``Var S = (n(n−1)(2n+5) − Σ t(t−1)(2t+5)) / 18``
    over tie groups of size ``t``; Hamed & Rao multiply it by ``n/n* = 1 + 2/(n(n−1)(n−2)) ·
    Σ_k (n−k)(n−k−1)(n−k−2)·ρ_k`` over the lags ``k`` whose autocorrelation ``ρ_k`` of the ranks of
    the series detrended by Sen's slope lies outside ±1.96/√n. The correction is there to widen
    the test when weeks follow each other (positive autocorrelation); on independent weeks it
    often narrows it on chance correlations and finds trends in noise (7% false positives at a
    2.5% level), so it may only widen: ``n/n*`` is at least 1. ``z = (S − sign S) / √Var S``.
    The same figures as ``pymannkendall`` (the larger p of its original and Hamed–Rao tests, as
    the tests check), vectorised.

    Source: Mann (1945); Kendall (1975); Hamed & Rao (1998), J. Hydrology 204.

    >>> z, p = mann_kendall(np.array([1.0, 2, 3, 4, 5, 6]))
    >>> round(z, 3), round(p, 4)
    (2.63, 0.0085)
    """
    x = np.asarray(x, dtype=float)
    n = x.size
    i, j = np.triu_indices(n, k=1)
    s = float(np.sign(x[j] - x[i]).sum())
    _, ties = np.unique(x, return_counts=True)
    var_s = (n * (n - 1) * (2 * n + 5) - float(np.sum(ties * (ties - 1) * (2 * ties + 5)))) / 18
    slope = float(np.median((x[j] - x[i]) / (j - i)))
    ranks = rankdata(x - np.arange(1, n + 1) * slope)
    y = ranks - ranks.mean()
    acov = np.correlate(y, y, "full")[n - 1 :]
    widen = 1.0
    if acov[0] > 0:
        acf = acov[1:] / acov[0]
        lags = np.arange(1, n)
        outside = np.abs(acf) > 1.959963984540054 / math.sqrt(n)
        terms = (n - lags) * (n - lags - 1) * (n - lags - 2) * acf
        widen = max(1.0, 1 + 2 / (n * (n - 1) * (n - 2)) * float(terms[outside].sum()))
    var = var_s * widen
    if var <= 0 or s == 0:
        return 0.0, 1.0
    z = (s - math.copysign(1.0, s)) / math.sqrt(var)
    return z, float(2 * norm.sf(abs(z)))


def trend_test(x: np.ndarray, t: np.ndarray) -> TrendTest | None:
    """Mann–Kendall test (Hamed–Rao modification) and Sen's line over weeks ``t``.

    Definition: the test runs on the values in time order; Sen's slope is the median of the
    pairwise slopes ``(x_j − x_i) / (t_j − t_i)`` over the week numbers ``t`` (weeks left out, such
    as a hole in the data, keep their place in time); the intercept is ``median(x − slope·t)``.
    The test is :func:`mann_kendall`.
    ``None`` with fewer than 4 values.

    Source: Mann (1945); Kendall (1975); Hamed & Rao (1998), J. Hydrology 204; Sen (1968).

    >>> r = trend_test(np.array([1.0, 2, 3, 4, 5, 6]), np.arange(6.0))
    >>> r.slope, r.intercept, r.p < 0.05
    (1.0, 1.0, True)
    """
    x, t = np.asarray(x, dtype=float), np.asarray(t, dtype=float)
    if x.size < 4:
        return None
    if np.ptp(x) == 0:
        return TrendTest(0.0, 1.0, 0.0, float(x[0]))
    z, p = mann_kendall(x)
    i, j = np.triu_indices(x.size, k=1)
    slope = float(np.median((x[j] - x[i]) / (t[j] - t[i])))
    intercept = float(np.median(x - slope * t))
    return TrendTest(z, p, slope, intercept)
