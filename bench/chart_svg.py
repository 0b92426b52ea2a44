"""A chart in a page: `{% chart spec %}` with its static SVG kept in the fragment cache vs drawn
by vl-convert each time.

The chart is a year of weeks (52 points, a hidden run, a trend, a changepoint and a target), the
largest a health page draws. The baseline is the tag with the SVG drawn anew (its cache entry
removed first), measured in the same run; the ratio is how many times faster the page renders
the chart once its SVG is kept (target ≥ 20: a page of six charts must not spend a second on
drawing). The first chart drawn in a process also starts vl-convert's JavaScript runtime; it is
drawn before timing starts and reported on its own.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from bench import common

WEEKS = 52


def _spec() -> dict[str, Any]:
    from lumoflow.charts import weekly_chart

    start = dt.date(2024, 1, 1)
    points = [
        {
            "week": (start + dt.timedelta(weeks=i)).isoformat(),
            "value": None if 20 <= i < 23 else 18 - i * 0.25 + (i % 5),
            "suppressed": 20 <= i < 23,
        }
        for i in range(WEEKS)
    ]
    trend = [{"week": points[0]["week"], "value": 19.0}, {"week": points[-1]["week"], "value": 6.0}]
    return weekly_chart(
        points,
        title="People contributing each week",
        y_title="people",
        trend=trend,
        changepoint=points[30]["week"],
        target=12,
    )


def _ms(fn: Any, runs: int) -> float:
    """Median milliseconds of `runs` calls."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return common.median(times)


def run() -> list[dict[str, Any]]:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", common.SETTINGS)
    django.setup()
    from django.core.cache import caches
    from django.template import Context, Template

    from lumoflow.core.charts import spec_key

    spec = _spec()
    key = "chart-svg:" + spec_key(spec)
    page = Template("{% load charts %}{% chart spec %}")
    cache = caches["fragments"]

    def drawn() -> str:
        cache.delete(key)
        return page.render(Context({"spec": spec}))

    def kept() -> str:
        return page.render(Context({"spec": spec}))

    started = time.perf_counter()
    drawn()  # starts vl-convert's runtime if this process has not yet
    first = (time.perf_counter() - started) * 1000
    runs = max(3, common.scaled(15))
    drawn_ms = _ms(drawn, runs)
    kept_ms = _ms(kept, runs * 10)
    assert drawn() == kept()
    return [
        common.figure(
            f"chart tag, {WEEKS}-week chart, SVG kept vs drawn by vl-convert",
            kept_ms,
            "ms",
            baseline=drawn_ms,
            target=20.0,
            higher_is_better=False,
        ),
        common.figure(f"chart tag, first {WEEKS}-week chart drawn in this process", first, "ms"),
    ]
