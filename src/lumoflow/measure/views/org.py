"""The executive view: the organisation's portfolio (`/org`), its trends (`/org/trends`) and
the value assumptions (`/org/value-assumptions`).

The portfolio reads the stored metrics through `measure.portfolio.portfolio_for` (executives
only); each row's sparkline is built once per stored result and kept in the fragments cache.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from lumoflow.activity.queries import change_marks_of
from lumoflow.analytics.html_page import Page
from lumoflow.charts import department_network, sparkline_svg
from lumoflow.core import fragments
from lumoflow.core.errors import Invalid, PermissionDenied
from lumoflow.core.forms import run_action
from lumoflow.people.auth import SignedInRequest
from lumoflow.people.models import Capability
from lumoflow.people.queries import is_administrator, require_capability

from .. import actions
from ..assumptions import value_assumptions
from ..forms import PortfolioForm, ValueAssumptionsForm
from ..portfolio import SORTS, VERDICT_CHOICES, Portfolio, Row, portfolio_for
from ..queries import get_org_network_for
from ..report.period import last_complete_quarter, recent_periods
from ..report.render import report_file
from ..trends import (
    MAX_WEEKS,
    MAX_WINDOW,
    MIN_WEEKS,
    MIN_WINDOW,
    SERIES,
    WEEKS,
    WINDOW,
    Trends,
    stretch,
    trends_for,
)
from .health import chart_html, weekly_charts


def money(value: float, currency: str) -> str:
    """A sum of money as people read it: EUR 12,300."""
    return f"{currency} {value:,.0f}"


def hours(value: float) -> str:
    return f"{value:,.0f} h"


def _sparks(rows: list[Row]) -> dict[int, str]:
    """Each measured row's sparkline of weekly actives, once per stored result: a small static
    SVG named by its sentence (`charts.sparkline_svg`), not an interactive chart, so a page of
    200 rows stays light."""
    measured = {r.workspace_id: r for r in rows if r.figures is not None and r.figures.weekly}
    parts = {
        wid: ("portfolio-spark-svg", r.figures.computed_at.isoformat(), r.figures.weekly)  # type: ignore[union-attr]
        for wid, r in measured.items()
    }

    def build(wids: list[int]) -> dict[int, str]:
        out = {}
        for wid in wids:
            f = measured[wid].figures
            assert f is not None
            out[wid] = sparkline_svg(
                f.points(),
                title=f"{measured[wid].name}: people active per week",
                kind="count",
                min_group_size=f.min_group_size,
            )
        return out

    return fragments.cached_many(parts, build, marks=change_marks_of([]))


def _row_html(rows: list[dict[str, Any]]) -> list[str]:
    """Each row of the table as HTML, rendered once per content: the key is a digest of
    everything the row shows (its rank, the row with its stored figures' time, the words and
    figures made from them), so an edit of any of it renders the row again. Rendering about
    200 rows is most of the page's time; joining them is not."""
    parts = {
        i: ("portfolio-row", hashlib.sha256(repr(sorted(item.items())).encode()).hexdigest())
        for i, item in enumerate(rows)
    }

    def build(keys: list[int]) -> dict[int, str]:
        return {i: str(render_to_string("measure/org_row.html", {"item": rows[i]})) for i in keys}

    html = fragments.cached_many(parts, build, marks=change_marks_of([]))
    return [mark_safe(html[i]) for i in range(len(rows))]  # noqa: S308 (rendered escaped)


def _link(query: dict[str, str], **changes: str) -> str:
    params = {k: v for k, v in {**query, **changes}.items() if v}
    return "?" + urlencode(params) if params else "?"


def _headers(query: dict[str, str], sort: str, descending: bool) -> list[dict[str, Any]]:
    """The table's column headers, each a link that sorts by it (again: the other way)."""
    out = []
    for key, label in SORTS.items():
        current = key == sort
        order = "asc" if current and descending else ("desc" if current else "asc")
        out.append(
            {
                "key": key,
                "label": label,
                "url": _link(query, sort=key, order=order),
                "current": current,
                "aria": ("descending" if descending else "ascending") if current else "none",
            }
        )
    return out


def _context(p: Portfolio, query: dict[str, str], sort: str, descending: bool) -> dict[str, Any]:
    a = p.assumptions
    sparks = _sparks(p.rows)
    rows = []
    for rank, r in enumerate(p.rows, 1):
        rows.append(
            {
                "rank": rank,
                "row": r,
                "verdict_label": VERDICT_CHOICES.get(r.verdict, "Too few people"),
                "spark": sparks.get(r.workspace_id, ""),
                "progress": "" if r.progress is None else f"{r.progress * 100:.0f}%",
                "value": money(r.cost["base"], a.currency) if r.cost else "",
                "value_range": (
                    f"{money(r.cost['low'], a.currency)} – {money(r.cost['high'], a.currency)}"
                    if r.cost
                    else ""
                ),
                "hours": hours(r.hours["base"]) if r.hours else "",
            }
        )
    row_html = _row_html(rows)
    total = {
        level: {"cost": money(p.total_cost.get(level, 0), a.currency), "hours": hours(h)}
        for level, h in (p.total_hours or {"low": 0.0, "base": 0.0, "high": 0.0}).items()
    }
    return {
        "p": p,
        "rows": rows,
        "row_html": row_html,
        "headers": _headers(query, sort, descending),
        "total": total,
        "a": a,
        "verdicts": VERDICT_CHOICES.items(),
        "query": query,
        "nav": "org",
    }


@login_required
def portfolio(request: SignedInRequest) -> HttpResponse:
    """Every workspace that is not secret, ranked by health; executives only (403)."""
    require_capability(request.user, Capability.EXECUTIVE)
    form = PortfolioForm(request.GET)
    if not form.is_valid():
        return render(
            request, "measure/org.html", {"form": form, "nav": "org", "bad": True}, status=400
        )
    d = form.cleaned_data
    sort, descending = d["sort"] or "health", d["order"] == "desc"
    p = portfolio_for(
        request.user,
        department=d["department"],
        verdict=d["verdict"],
        sponsor=d["sponsor"],
        sort=sort,
        descending=descending,
    )
    query = {k: str(v) for k, v in d.items() if v and k not in ("sort", "order")}
    ctx = _context(p, query, sort, descending)
    ctx["form"] = form
    ctx["is_admin"] = is_administrator(request.user)
    today = timezone.now().astimezone(dt.UTC).date()
    ctx["report_periods"] = recent_periods(today)
    ctx["report_default"] = last_complete_quarter(today)
    return render(request, "measure/org.html", ctx)


@login_required
def value_settings(request: SignedInRequest) -> HttpResponse:
    """The organisation's value assumptions: executives read them, administrators edit them."""
    require_capability(request.user, Capability.EXECUTIVE)
    a = value_assumptions()
    initial = {
        **{
            f"answered_{lv}": v
            for lv, v in zip(("low", "base", "high"), a.minutes_per_answered_question, strict=True)
        },
        **{
            f"reuse_{lv}": v
            for lv, v in zip(("low", "base", "high"), a.minutes_per_reuse, strict=True)
        },
        "hourly_cost": a.hourly_cost,
        "currency": a.currency,
    }
    admin = is_administrator(request.user)
    if request.method == "POST" and not admin:
        raise PermissionDenied("Only administrators can change the value assumptions.")
    form = ValueAssumptionsForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            done = run_action(
                form,
                lambda: actions.update_value_assumptions(
                    request.user,
                    minutes_per_answered_question=(
                        d["answered_low"],
                        d["answered_base"],
                        d["answered_high"],
                    ),
                    minutes_per_reuse=(d["reuse_low"], d["reuse_base"], d["reuse_high"]),
                    hourly_cost=d["hourly_cost"],
                    currency=d["currency"],
                ),
            )
            if done is not None:
                messages.success(request, "Saved: every value figure now uses these assumptions.")
                return redirect("org_value_assumptions")
        status = 400
    return render(
        request,
        "measure/value_assumptions.html",
        {"form": form, "a": a, "admin": admin, "nav": "org"},
        status=status,
    )


def network_context(found: dict[str, Any] | None) -> dict[str, Any]:
    """The department map's chart and its rows, for a page (or a report)."""
    if not found:
        return {"chart": "", "nodes": [], "silos": []}
    mgs = int(found["min_group_size"])
    spec = department_network(
        found["nodes"],
        found["edges"],
        title="Departments and the ties between them",
        min_group_size=mgs,
        width="container",
    )
    nodes = sorted(found["nodes"], key=lambda n: (n["ei_index"] is None, n["ei_index"] or 0))
    return {"chart": chart_html(spec), "nodes": nodes, "silos": found["silos"], "mgs": mgs}


@login_required
def network(request: SignedInRequest) -> HttpResponse:
    """The department network map of the organisation; executives only (403)."""
    m, found = get_org_network_for(request.user)
    ctx = network_context(found)
    return render(request, "measure/org_network.html", {**ctx, "m": m, "nav": "org"})


@login_required
def report(request: SignedInRequest) -> HttpResponse:
    """Download the executive report of a period (`?period=2026-Q3&format=pdf`); executives
    only (403). A bad period goes back to the portfolio with the reason."""
    fmt = request.GET.get("format", "pdf")
    if fmt not in ("pdf", "html"):
        fmt = "pdf"
    try:
        content, name, kind = report_file(request.user, request.GET.get("period", "")[:40], fmt)
    except Invalid as exc:
        messages.error(request, exc.detail)
        return redirect("org_portfolio")
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class TrendsForm(forms.Form):
    """The trends' weeks shown and the movers' window, from the address (kept beside its one
    view: the measure forms module keys the bench's demo cache, this one does not)."""

    weeks = forms.IntegerField(required=False, min_value=MIN_WEEKS, max_value=MAX_WEEKS)
    window = forms.IntegerField(required=False, min_value=MIN_WINDOW, max_value=MAX_WINDOW)


def _trend_charts(t: Trends) -> tuple[str, ...]:
    """The organisation's weekly charts (the health page's chart function on the
    organisation's result), drawn once per stored result and number of weeks."""
    m = t.metrics
    parts = ("org-trends", m.computed_at.isoformat(), m.end.isoformat(), t.weeks)

    def build() -> tuple[str, ...]:
        specs = weekly_charts(Page(m.data), m.data, None, charts=SERIES, weeks=t.weeks)
        return tuple(chart_html(spec) for spec in specs)

    return fragments.cached(parts, build, marks=change_marks_of([]))


@login_required
def trends(request: SignedInRequest) -> HttpResponse:
    """The organisation's participation, responsiveness and on-topic share week by week, and
    the workspaces that moved most; executives only (403), 400 for weeks out of range."""
    require_capability(request.user, Capability.EXECUTIVE)
    form = TrendsForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "measure/org_trends.html",
            {"form": form, "nav": "org", "bad": True},
            status=400,
        )
    weeks = form.cleaned_data["weeks"] or WEEKS
    window = form.cleaned_data["window"] or WINDOW
    t = trends_for(request.user, weeks=weeks, window=window)
    end = t.metrics.end
    ctx = {
        "t": t,
        "m": t.metrics,
        "charts": _trend_charts(t),
        "recent": stretch(end, window),
        "before": stretch(end - dt.timedelta(weeks=window), window),
        "week_choices": (12, 26, 52),
        "window_choices": range(MIN_WINDOW, MAX_WINDOW + 1),
        "form": form,
        "nav": "org",
    }
    return render(request, "measure/org_trends.html", ctx)
