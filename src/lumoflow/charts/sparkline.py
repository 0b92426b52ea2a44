"""A sparkline: a weekly series in a line of text's room, no axes, its target as a faint level."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

import altair as alt

from lumoflow.charts import numbers
from lumoflow.charts.style import MARK, TARGET, spec_of
from lumoflow.charts.weekly import figure_cell, hidden_count, value_runs, weeks


def sparkline(
    points: Sequence[Mapping[str, Any]],
    *,
    title: str,
    kind: str = "count",
    target: float | None = None,
    min_group_size: int = 5,
    width: int = 120,
    height: int = 28,
) -> dict[str, Any]:
    """Vega-Lite spec of a tiny weekly line: no axes, no title drawn, the last value dotted.

    ``points`` are ``{"week", "value", "suppressed"}`` as for :func:`weekly_chart`. A week without
    a value (``None``: hidden by the privacy guard, or no data) is a gap in the line, never a
    zero. ``target`` is drawn as a faint dashed level. The title is not drawn (the sparkline sits
    beside its figure) but opens the sentence that says what the line shows.

    >>> spec = sparkline([{"week": "2024-03-04", "value": 0.3, "suppressed": False},
    ...                   {"week": "2024-03-11", "value": None, "suppressed": True},
    ...                   {"week": "2024-03-18", "value": 0.4, "suppressed": False}],
    ...                  title="Weekly active share", kind="share", target=0.5)
    >>> print(*spec["description"].split("; "), sep="\\n")
    Weekly active share over 3 weeks: first 30%, last 40%
    1 week hidden (fewer than 5 people)
    target 50%.
    >>> spec["usermeta"]["table"]["rows"][1]
    ['11 March 2024', 'fewer than 5 people']
    """
    days = [str(p["week"])[:10] for p in points]
    # a hidden week is a gap, whatever value it carries
    shown = value_runs([{**p, "value": None} if p.get("suppressed") else p for p in points])
    x = alt.X("week:T", axis=None, scale=alt.Scale(type="utc", domain=_domain(days)))
    y_scale = alt.Scale(zero=kind == "count", nice=False, domain=_y_domain(shown, target))
    y = alt.Y("value:Q", axis=None, scale=y_scale)
    line = alt.Chart(alt.InlineData(values=shown))
    layers: list[alt.Chart] = []
    if numbers.is_number(target):
        layers.append(
            alt.Chart(alt.InlineData(values=[{"value": target}]))
            .mark_rule(color=TARGET, strokeDash=[3, 2], strokeWidth=1, opacity=0.7)
            .encode(y=y)
        )
    tooltip = [
        alt.Tooltip("week:T", title="week of", format="%-d %b %Y"),
        alt.Tooltip("label:N", title=title),
    ]
    for row in shown:
        row["label"] = numbers.figure(row["value"], kind)
    layers += [
        line.mark_line(color=MARK, strokeWidth=1.5, interpolate="monotone").encode(
            x=x, y=y, detail="run:N"
        ),
        line.mark_circle(color=MARK, size=14, opacity=0, aria=False).encode(
            x=x, y=y, tooltip=tooltip
        ),
    ]
    if shown:
        last = alt.Chart(alt.InlineData(values=shown[-1:]))
        # the dots have no words of their own: hidden from screen readers (the sentence says it)
        layers.append(last.mark_circle(color=MARK, size=16, opacity=1, aria=False).encode(x=x, y=y))
    chart = alt.layer(*layers).properties(width=width, height=height)
    spec = spec_of(
        chart,
        description=_sentence(title, points, shown, kind, target, min_group_size),
        table={
            "columns": ["Week of", title],
            "rows": [
                [numbers.day(w), figure_cell(p, kind, min_group_size)]
                for w, p in zip(days, points, strict=True)
            ],
        },
    )
    spec["usermeta"]["title"] = title  # not drawn, but named wherever the data is listed
    spec["padding"] = 2
    spec["config"] = spec["config"] | {"padding": 2, "background": None}
    return spec


def sparkline_svg(
    points: Sequence[Mapping[str, Any]],
    *,
    title: str,
    kind: str = "count",
    target: float | None = None,
    min_group_size: int = 5,
    width: int = 120,
    height: int = 28,
) -> str:
    """The sparkline of :func:`sparkline` as a small static SVG (a few hundred bytes where the
    interactive spec and its table take about 4 kB): for pages that list many, as the portfolio.

    The same line: a hidden week is a gap, the last value dotted, the target a faint dashed
    level, the same scales (weeks evenly spaced, the values' domain padded as the spec's). The
    image is named by the title and the same sentence (``<title>``, ``aria-label``).

    >>> svg = sparkline_svg([{"week": "2024-03-04", "value": 3, "suppressed": False},
    ...                      {"week": "2024-03-11", "value": None, "suppressed": True},
    ...                      {"week": "2024-03-18", "value": 5, "suppressed": False}],
    ...                     title="Active <people>")
    >>> svg.count("<path"), "Active &lt;people&gt; over 3 weeks: first 3, last 5" in svg
    (2, True)
    """
    days = [str(p["week"])[:10] for p in points]
    shown = value_runs([{**p, "value": None} if p.get("suppressed") else p for p in points])
    name = escape(_sentence(title, points, shown, kind, target, min_group_size))
    parts = [
        f'<svg class="sparkline" role="img" aria-label="{name}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}"><title>{name}</title>'
    ]
    domain = _y_domain(shown, target)
    if isinstance(domain, list):
        low, high = domain
        step = (width - 4) / max(len(days) - 1, 1)
        index = {d: i for i, d in enumerate(days)}

        def x(week: str) -> str:
            return f"{2 + index[week] * step:.1f}"

        def y(value: float) -> str:
            return f"{height - 2 - (float(value) - low) / (high - low) * (height - 4):.1f}"

        if numbers.is_number(target):
            parts.append(
                f'<path d="M2 {y(float(target))}H{width - 2}" stroke="{TARGET}" '
                'stroke-dasharray="3 2" opacity="0.7"/>'
            )
        runs: dict[int, list[str]] = {}
        for r in shown:
            runs.setdefault(r["run"], []).append(f"{x(r['week'])} {y(r['value'])}")
        for line in runs.values():
            d = "M" + "L".join(line) if len(line) > 1 else f"M{line[0]}h0.1"
            parts.append(
                f'<path d="{d}" fill="none" stroke="{MARK}" stroke-width="1.5" '
                'stroke-linecap="round"/>'
            )
        last = shown[-1]
        parts.append(
            f'<circle cx="{x(last["week"])}" cy="{y(last["value"])}" r="2" fill="{MARK}"/>'
        )
    return "".join(parts) + "</svg>"


def _domain(days: Sequence[str]) -> list[str] | alt.UndefinedType:
    if not days:
        return alt.Undefined
    return [f"{days[0]}T00:00:00Z", f"{days[-1]}T00:00:00Z"]


def _y_domain(
    shown: Sequence[Mapping[str, Any]], target: float | None
) -> list[float] | alt.UndefinedType:
    values = [float(r["value"]) for r in shown]
    if numbers.is_number(target):
        values.append(float(target))
    if not values:
        return alt.Undefined
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
    return [low - pad, high + pad]


def _sentence(
    title: str,
    points: Sequence[Mapping[str, Any]],
    shown: Sequence[Mapping[str, Any]],
    kind: str,
    target: float | None,
    min_group_size: int,
) -> str:
    text = f"{title} over {weeks(len(points))}"
    if shown:
        first, last = shown[0]["value"], shown[-1]["value"]
        text += f": first {numbers.figure(first, kind)}, last {numbers.figure(last, kind)}"
    else:
        text += ": no week to show"
    hidden = sum(bool(p.get("suppressed")) for p in points)
    if hidden:
        text += f"; {hidden_count(weeks(hidden), min_group_size)}"
    if numbers.is_number(target):
        text += f"; target {numbers.figure(target, kind)}"
    return text + "."
