"""A weekly series as a Vega-Lite spec: zero weeks at zero, hidden weeks as a labelled band.

The spec is plain data built with Altair; the same dict is rendered to SVG for the static report
(:func:`lumoflow.charts.render.to_svg`) and drawn by vega-embed in the browser. Its text
alternative (a sentence and the data as a table) travels inside the spec: ``description`` and
``usermeta["table"]``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt

from lumoflow.charts import numbers
from lumoflow.charts.style import BAND, INK, MARK, SECOND, TARGET, TREND, WIDTH, spec_of

#: How the states of a week are named in the data of the spec.
SHOWN, HIDDEN, EMPTY = "shown", "hidden", "no data"


def hidden_count(what: str, min_group_size: int) -> str:
    """How a sentence says what the guard hid: ``3 weeks hidden (fewer than 5 people)``."""
    return f"{what} hidden ({hidden_label(min_group_size)})"


def hidden_label(min_group_size: int) -> str:
    """The words written on a hidden week: ``fewer than 5 people``."""
    return f"fewer than {min_group_size} people"


def _rows(
    points: Sequence[Mapping[str, Any]], min_group_size: int, kind: str
) -> list[dict[str, Any]]:
    """One row per week: its value, state, run number (a line breaks between runs), label."""
    out: list[dict[str, Any]] = []
    run, previous = 0, None
    for p in points:
        week = dt.date.fromisoformat(str(p["week"])[:10])
        value = p.get("value")
        state = HIDDEN if p.get("suppressed") else SHOWN if numbers.is_number(value) else EMPTY
        if state == SHOWN and previous != SHOWN:
            run += 1
        previous = state
        label = {HIDDEN: hidden_label(min_group_size), EMPTY: "no data"}.get(state)
        out.append(
            {
                "week": week.isoformat(),
                # a hidden week's band is centred on the week's point, half a week each side
                "band_from": f"{week - dt.timedelta(days=4)}T12:00:00Z",
                "band_to": f"{week + dt.timedelta(days=3)}T12:00:00Z",
                "value": value if state == SHOWN else None,
                "state": state,
                "run": run,
                "label": label or numbers.figure(value, kind),
            }
        )
    return out


def _week_axis(rows: Sequence[Mapping[str, Any]], origin: str | None) -> alt.Axis:
    """Months on a long series; on a short one, at most 8 ticks on the weeks' Mondays; week
    numbers when times are offsets from ``origin``."""
    common: dict[str, Any] = {"labelFlush": True, "labelOverlap": True, "grid": False}
    if origin is not None:
        monday = dt.date.fromisoformat(origin[:10])
        monday -= dt.timedelta(days=monday.weekday())
        ms = dt.datetime.combine(monday, dt.time(), dt.UTC).timestamp() * 1000
        return alt.Axis(
            labelExpr=f"'week ' + (floor((datum.value - {ms:.0f}) / 604800000) + 1)", **common
        )
    if len(rows) > 20:
        return alt.Axis(format="%b %Y", **common)
    step = max(1, -(-len(rows) // 8))
    # dates, not timestamps: Vega-Lite writes a timestamp as datetime(ms), which Vega's
    # expression interpreter (pages under a Content-Security-Policy) reads as a year
    values = [
        alt.DateTime(year=d.year, month=d.month, date=d.day, utc=True)
        for d in (dt.date.fromisoformat(r["week"]) for r in rows[::step])
    ]
    return alt.Axis(format="%-d %b", values=values, **common)


def value_runs(points: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The points with a value, numbered by run: a line breaks where a value is missing."""
    out, run, previous = [], 0, False
    for p in points:
        has = numbers.is_number(p.get("value"))
        run += has and not previous
        previous = has
        if has:
            out.append({"week": str(p["week"])[:10], "value": p["value"], "run": run})
    return out


def _week_cell(week: str, origin: str | None) -> str:
    return numbers.day(week) if origin is None else numbers.week(week, origin)


def weeks(n: int) -> str:
    """``1 week``, ``3 weeks``."""
    return f"{n} week" + ("" if n == 1 else "s")


def _hidden_runs(rows: Sequence[Mapping[str, Any]]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for i, r in enumerate(rows):
        if r["state"] != HIDDEN:
            continue
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _sentence(
    title: str,
    rows: Sequence[Mapping[str, Any]],
    kind: str,
    min_group_size: int,
    changepoint: str | None,
    origin: str | None,
    target: float | None = None,
) -> str:
    if not rows:
        return f"{title}: no weeks to show."
    shown = [r for r in rows if r["state"] == SHOWN]
    hidden = sum(r["state"] == HIDDEN for r in rows)
    text = (
        f"{title}, {len(rows)} weeks from {numbers.week(rows[0]['week'], origin)} "
        f"to {numbers.week(rows[-1]['week'], origin)}"
    )
    if shown:
        top = max(shown, key=lambda r: r["value"])
        text += (
            f": highest {numbers.figure(top['value'], kind)} ({numbers.week(top['week'], origin)})"
            f", last shown {numbers.figure(shown[-1]['value'], kind)}"
        )
        zeros = sum(r["value"] == 0 for r in shown)
        if zeros:
            text += f"; {weeks(zeros)} at zero"
    if hidden:
        text += f"; {hidden_count(weeks(hidden), min_group_size)}"
    if changepoint:
        text += f"; the level changed in {numbers.week(changepoint, origin)}"
    if numbers.is_number(target):
        text += f"; target {numbers.figure(target, kind)}"
    return text + "."


def trend_line(
    trend: Mapping[str, Any], points: Sequence[Mapping[str, Any]], *, silent_run: int = 4
) -> list[dict[str, Any]] | None:
    """The fading result's trend (Sen's line: ``intercept`` at ``start`` plus ``sen_slope`` a
    week) as points over the chart's weeks, for ``weekly_chart(trend=...)``.

    The line is broken (``None``) over runs of at least ``silent_run`` zero weeks and the week
    either side, which the trend tests leave out; ``None`` when the trend is withheld.

    >>> trend_line({"sen_slope": -1.0, "intercept": 5.0, "start": "2024-03-11"},
    ...            [{"week": "2024-03-04"}, {"week": "2024-03-11"}, {"week": "2024-03-18"}])
    [{'week': '2024-03-11', 'value': 5.0}, {'week': '2024-03-18', 'value': 4.0}]
    """
    slope, intercept, start = trend.get("sen_slope"), trend.get("intercept"), trend.get("start")
    if not (numbers.is_number(slope) and numbers.is_number(intercept) and start):
        return None
    origin = dt.date.fromisoformat(str(start)[:10])
    silent = _silent_weeks([p.get("value") for p in points], silent_run)
    line = []
    for i, p in enumerate(points):
        week = dt.date.fromisoformat(str(p["week"])[:10])
        if week >= origin:
            fitted = max(0.0, intercept + slope * (week - origin).days / 7)
            line.append({"week": week.isoformat(), "value": None if i in silent else fitted})
    return line


def _silent_weeks(values: Sequence[object], run: int) -> set[int]:
    """Weeks in runs of at least ``run`` zero weeks, and the week either side."""
    out: set[int] = set()
    i = 0
    while i < len(values):
        j = i
        while j < len(values) and values[j] == 0:
            j += 1
        if j - i >= max(run, 1):
            out.update(range(max(0, i - 1), min(len(values), j + 1)))
        i = max(j, i + 1)
    return out


def _target_layers(target: float, label: str) -> list[alt.Chart]:
    """A target as a dashed level across the chart, named at its right end."""
    rule = alt.Chart(alt.InlineData(values=[{"value": target, "text": label}]))
    return [
        rule.mark_rule(color=TARGET, strokeDash=[6, 3], strokeWidth=1.5).encode(
            y=alt.Y("value:Q"),
            tooltip=[alt.Tooltip("text:N", title="target")],
        ),
        rule.mark_text(align="right", baseline="bottom", dy=-3, color=TARGET, fontSize=11).encode(
            y="value:Q", x=alt.value("width"), text="text:N"
        ),
    ]


def weekly_chart(
    points: Sequence[Mapping[str, Any]],
    *,
    title: str,
    y_title: str,
    kind: str = "count",
    min_group_size: int = 5,
    trend: Sequence[Mapping[str, Any]] | None = None,
    changepoint: str | None = None,
    target: float | None = None,
    compare: Sequence[Mapping[str, Any]] | None = None,
    names: tuple[str, str] = ("", ""),
    origin: str | None = None,
    width: int | str = WIDTH,
    height: int = 200,
) -> dict[str, Any]:
    """Vega-Lite spec of a weekly series with hidden weeks, its trend and its changepoint.

    Parameters
    ----------
    points
        One mapping per week, in order: ``week`` (ISO date of the week's Monday), ``value``
        (a number, ``None`` when there is nothing to show) and ``suppressed`` (the privacy guard
        hid it). A zero is drawn at zero; a hidden week is a grey band labelled
        "fewer than N people"; a week without data is a gap.
    kind
        How values read: ``count``, ``hours``, ``share`` (axis in percent) or ``decimal``.
    trend
        Fitted trend, ``[{"week", "value"}]``, drawn as a dashed line (broken where a value is
        ``None``).
    changepoint
        ISO date of the week where the level changed, drawn as a labelled rule.
    target
        The level aimed at, drawn as a dashed line named "target …" (in the units of ``kind``).
    compare
        A second series over the same weeks (e.g. engaged beside active people, P90 beside the
        median), drawn as a second line; ``names`` name the two in the legend, the sentence and
        the table. A week of it without a value is a gap.
    origin
        When times are offsets rather than dates: the origin they count from. Weeks are then
        named by number (week 1 holds the origin), never by a calendar date.
    width
        Pixels, or ``"container"`` for pages that size the chart to their column.

    Returns
    -------
    dict
        The spec, with ``description`` (a sentence) and ``usermeta["table"]`` (the data
        formatted for people) as its text alternative.

    Examples
    --------
    >>> spec = weekly_chart([{"week": "2024-03-04", "value": 0, "suppressed": False},
    ...                      {"week": "2024-03-11", "value": None, "suppressed": True}],
    ...                     title="Active people", y_title="people")
    >>> spec["usermeta"]["table"]["rows"]
    [['4 March 2024', '0'], ['11 March 2024', 'fewer than 5 people']]
    """
    rows = _rows(points, min_group_size, kind)
    label = hidden_label(min_group_size)
    base = alt.Chart(alt.InlineData(values=rows))
    span = len(rows)
    x = alt.X("week:T", title=None, axis=_week_axis(rows, origin), scale=alt.Scale(type="utc"))
    y_axis = alt.Axis(
        format=".0%" if kind == "share" else "~s",
        tickMinStep=1 if kind == "count" else alt.Undefined,
    )
    y = alt.Y("value:Q", title=y_title, axis=y_axis, scale=alt.Scale(zero=True, nice=True))
    layers: list[alt.Chart] = []
    if any(r["state"] == HIDDEN for r in rows):
        layers.append(
            base.transform_filter(f"datum.state === '{HIDDEN}'")
            .mark_rect(color=BAND, opacity=0.55)
            .encode(
                x=alt.X(
                    "band_from:T",
                    title=None,
                    axis=_week_axis(rows, origin),
                    scale=alt.Scale(type="utc"),
                ),
                x2="band_to:T",
                color=alt.Color(
                    "state:N",
                    scale=alt.Scale(domain=[HIDDEN], range=[BAND]),
                    legend=alt.Legend(
                        title=None,
                        orient="top",
                        labelExpr=f"'{label} (hidden)'",
                        symbolType="square",
                    ),
                ),
            )
        )
        first, last = max(_hidden_runs(rows), key=lambda r: r[1] - r[0])
        pixels = width if isinstance(width, int) else WIDTH
        if (last - first + 1) / span * pixels >= 130:  # wide enough to carry its own label
            layers.append(
                alt.Chart(
                    alt.InlineData(values=[{"week": rows[first]["band_from"], "text": label}])
                )
                .mark_text(align="left", baseline="bottom", dx=4, dy=-4, color=INK, fontSize=11)
                .encode(x="week:T", y=alt.value(height), text="text:N")
            )
    tooltip = [alt.Tooltip("week:T", title="week of"), alt.Tooltip("label:N", title=y_title)]
    shown = base.transform_filter(f"datum.state === '{SHOWN}'")
    layers.append(shown.mark_line(color=MARK, strokeWidth=2).encode(x=x, y=y, detail="run:N"))
    layers.append(
        shown.mark_circle(color=MARK, size=18 if span <= 60 else 8, opacity=1).encode(
            x=x, y=y, tooltip=tooltip
        )
    )
    fitted = value_runs(trend or [])
    if fitted:
        layers.append(
            alt.Chart(alt.InlineData(values=fitted))
            .mark_line(color=TREND, strokeDash=[6, 4], strokeWidth=2)
            .encode(x="week:T", y="value:Q", detail="run:N")
        )
    if numbers.is_number(target):
        layers += _target_layers(float(target), f"target {numbers.figure(target, kind)}")
    cp_known = changepoint in {r["week"] for r in rows}
    if changepoint:
        when = numbers.week(changepoint, origin).removeprefix("the ")
        cp = [{"week": changepoint, "text": f"change: {when}"}]
        rule = alt.Chart(alt.InlineData(values=cp))
        layers.append(rule.mark_rule(color=TREND, strokeDash=[2, 3]).encode(x="week:T"))
        late = [r["week"] for r in rows].index(changepoint) > 0.6 * span if cp_known else False
        layers.append(
            rule.mark_text(
                align="right" if late else "left",
                baseline="top",
                dx=-4 if late else 4,
                dy=2,
                color=TREND,
                fontSize=11,
            ).encode(x="week:T", y=alt.value(0), text="text:N")
        )
    columns = ["Week of" if origin is None else "Week", y_title[0].upper() + y_title[1:]]
    cells = [[_week_cell(r["week"], origin), r["label"]] for r in rows]
    sentence = _sentence(title, rows, kind, min_group_size, changepoint, origin, target)
    if compare is not None:
        layers, sentence = _compare(layers, rows, compare, names, kind, min_group_size, sentence)
        columns = [columns[0], *(n[0].upper() + n[1:] for n in names)]
        for row, point in zip(cells, compare, strict=True):
            row.append(figure_cell(point, kind, min_group_size))
    chart = alt.layer(*layers).properties(title=title, width=width, height=height)
    if compare is not None:
        chart = chart.resolve_scale(color="independent")  # a legend entry per line, the band's
    return spec_of(chart, description=sentence, table={"columns": columns, "rows": cells})


def figure_cell(point: Mapping[str, Any], kind: str, min_group_size: int) -> str:
    """A week's figure in the table: the figure, "fewer than N people" or "no data"."""
    if point.get("suppressed"):
        return hidden_label(min_group_size)
    text = numbers.figure(point.get("value"), kind)
    return "no data" if text == "n/a" else text


def _compare(
    layers: list[alt.Chart],
    rows: Sequence[Mapping[str, Any]],
    compare: Sequence[Mapping[str, Any]],
    names: tuple[str, str],
    kind: str,
    min_group_size: int,
    sentence: str,
) -> tuple[list[alt.Chart], str]:
    """The second series as its own line, each line named in a legend of its own."""
    if [str(p["week"])[:10] for p in compare] != [r["week"] for r in rows]:
        raise ValueError("compare: the second series must cover the same weeks, in order")
    shown = value_runs([{**p, "value": None} if p.get("suppressed") else p for p in compare])
    for r in shown:
        r["label"] = numbers.figure(r["value"], kind)

    def legend(name: str, colour: str) -> alt.Color:
        return alt.Color(
            "series:N",
            scale=alt.Scale(domain=[name], range=[colour]),
            legend=alt.Legend(title=None, orient="top", symbolType="stroke", symbolStrokeWidth=3),
        )

    main = next(i for i, c in enumerate(layers) if _mark(c) == "line")  # the first line drawn
    layers[main] = (
        layers[main]
        .transform_calculate(series=_literal(names[0]))
        .encode(color=legend(names[0], MARK))
    )
    line = alt.Chart(alt.InlineData(values=[{**r, "series": names[1]} for r in shown]))
    x = alt.X("week:T", title=None, scale=alt.Scale(type="utc"))
    tooltip = [alt.Tooltip("week:T", title="week of"), alt.Tooltip("label:N", title=names[1])]
    layers += [
        line.mark_line(strokeWidth=2).encode(
            x=x, y="value:Q", detail="run:N", color=legend(names[1], SECOND)
        ),
        line.mark_circle(color=SECOND, size=18, opacity=1).encode(
            x=x, y="value:Q", tooltip=tooltip
        ),
    ]
    if shown:
        last = numbers.figure(shown[-1]["value"], kind)
        sentence = sentence[:-1] + f"; {names[1]}: last shown {last}."
    hidden = sum(bool(p.get("suppressed")) for p in compare)
    if hidden:
        sentence = sentence[:-1] + f" ({weeks(hidden)} hidden)."
    return layers, sentence


def _mark(chart: alt.Chart) -> str:
    """The type of a layer's mark ("line", "rect", …)."""
    mark = chart.mark
    return str(getattr(mark, "type", mark))


def _literal(text: str) -> str:
    """``text`` as a Vega expression's string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


__all__ = ["hidden_label", "trend_line", "weekly_chart"]
