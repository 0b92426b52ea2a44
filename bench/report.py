"""The executive report of a quarter on the 10,000-person demo, as a PDF.

The demo company (10,000 people, the 12 months up to today, about 200 workspaces; people times
LUMOFLOW_BENCH_SCALE) is written into a scratch site, or copied from the demo cache
(`common.load_demo_cached`). In a child process with Django set up, as `lumoflow report` makes
it (the report of the administrator, `measure.report`), for the last complete quarter:

* ``report_pdf_first_seconds``: the first report of the quarter, which measures every workspace
  and the organisation over the quarter from one read of the log (`actions.store_period`) and
  stores the results, then draws the PDF. Target ≤ 10 s.
* ``report_pdf_seconds``: the same report again, the quarter's results now stored: read the
  store, draw the charts, lay out the PDF. Target ≤ 10 s.

The baseline of both is the HTML report of the same quarter made right after in the same
process (read the store, draw the same charts as SVG, no PDF layout): the ratio says what the
PDF's layout adds. CPU seconds are printed beside the wall time (the machine may be shared).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bench import common

PEOPLE = 10_000
TARGET_S = 10.0


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """(what `fn()` returned, its wall seconds, its CPU seconds in this process)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - started, time.process_time() - cpu


def make_reports() -> dict[str, Any]:
    """Time the quarter's first PDF report, the same again, and the HTML report (child)."""
    import datetime as dt

    from lumoflow.measure.report import content, render
    from lumoflow.measure.report.period import last_complete_quarter, parse_period
    from lumoflow.people.models import User
    from lumoflow.workspaces.models import Workspace

    today = dt.datetime.now(dt.UTC).date()
    period = parse_period(last_complete_quarter(today), today=today)
    viewer = User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()

    def pdf() -> bytes:
        return render.render(content.report_for(viewer, period), "pdf")

    def html() -> bytes:
        return render.render(content.report_for(viewer, period), "html")

    first, first_s, first_cpu = timed(pdf)
    again, again_s, again_cpu = timed(pdf)
    page, html_s, html_cpu = timed(html)
    return {
        "period": period.key,
        "workspaces": Workspace.objects.exclude(visibility="secret").count(),
        "first": first_s,
        "first_cpu": first_cpu,
        "again": again_s,
        "again_cpu": again_cpu,
        "html": html_s,
        "html_cpu": html_cpu,
        "pdf_bytes": len(again),
        "html_bytes": len(page),
    }


def run() -> list[dict[str, Any]]:
    people = max(60, common.scaled(PEOPLE))
    with common.scratch_site() as site:
        common.load_demo_cached(site, people=people, months=12, password=common.DEMO_PASSWORD)
        r = site.call(make_reports)
    print(
        f"  {people} people, {r['workspaces']} workspaces, {r['period']}: first PDF "
        f"{r['first']:.1f} s ({r['first_cpu']:.1f} s of CPU), again {r['again']:.1f} s "
        f"({r['again_cpu']:.1f} s of CPU, {r['pdf_bytes']:,} bytes), HTML {r['html']:.1f} s "
        f"({r['html_cpu']:.1f} s of CPU, {r['html_bytes']:,} bytes)",
        flush=True,
    )
    return [
        common.figure(
            "report_pdf_first_seconds", r["first"], "s", baseline=r["html"], higher_is_better=False
        ),
        common.figure(
            "report_pdf_first_seconds (at most 10 s)",
            r["first"],
            "s",
            target=TARGET_S,
            higher_is_better=False,
        ),
        common.figure(
            "report_pdf_seconds", r["again"], "s", baseline=r["html"], higher_is_better=False
        ),
        common.figure(
            "report_pdf_seconds (at most 10 s)",
            r["again"],
            "s",
            target=TARGET_S,
            higher_is_better=False,
        ),
    ]
