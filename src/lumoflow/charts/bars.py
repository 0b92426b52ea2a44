"""Figures of groups (departments, workspaces) as horizontal bars, hidden groups named as such."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt

from lumoflow.charts import numbers
from lumoflow.charts.style import MARK, NEGATIVE, WIDTH, spec_of
from lumoflow.charts.weekly import hidden_count, hidden_label


def group_bars(
    groups: Sequence[Mapping[str, Any]],
    *,
    title: str,
    x_title: str,
    group_title: str = "group",
    kind: str = "decimal",
    min_group_size: int = 5,
    domain: tuple[float, float] | None = None,
    width: int | str = WIDTH,
) -> dict[str, Any]:
    """Vega-Lite spec of one figure per group, largest first; negative values drawn in red.

    ``groups`` holds ``{"group", "value", "suppressed"}``. A hidden group (the privacy guard)
    gets no bar: the description counts it and the table says "fewer than N people".

    >>> spec = group_bars([{"group": "a", "value": 0.4, "suppressed": False},
    ...                    {"group": "b", "value": None, "suppressed": True}],
    ...                   title="E-I index", x_title="E-I index", min_group_size=5)
    >>> spec["usermeta"]["table"]["rows"]
    [['a', '0.4'], ['b', 'fewer than 5 people']]
    """
    shown: list[dict[str, Any]] = sorted(
        (
            {"group": str(g["group"]), "value": float(g["value"])}
            for g in groups
            if not g.get("suppressed") and numbers.is_number(g.get("value"))
        ),
        key=lambda g: (-g["value"], g["group"]),
    )
    for g in shown:
        g["label"] = numbers.figure(g["value"], kind)
    hidden = [str(g["group"]) for g in groups if g.get("suppressed")]
    x_axis = alt.Axis(format=".1~%" if kind == "share" else "~g", grid=True, tickCount=6)
    scale = alt.Scale(domain=list(domain)) if domain else alt.Scale(zero=True)
    bars = (
        alt.Chart(alt.InlineData(values=shown))
        .mark_bar(height={"band": 0.7})
        .encode(
            y=alt.Y("group:N", sort=None, title=None),
            x=alt.X("value:Q", title=x_title, axis=x_axis, scale=scale),
            color=alt.condition("datum.value < 0", alt.value(NEGATIVE), alt.value(MARK)),
            tooltip=[
                alt.Tooltip("group:N", title=group_title),
                alt.Tooltip("label:N", title=x_title),
            ],
        )
    )
    # pixels rather than a step per bar: a page can then fit the width to a phone's column
    chart = bars.properties(title=title, width=width, height=18 * max(1, len(shown)))
    sentence = f"{title}: {len(shown)} {group_title}s shown"
    if shown:
        sentence += (
            f", highest {group_title} {shown[0]['group']} ({shown[0]['label']}), lowest "
            f"{shown[-1]['group']} ({shown[-1]['label']})"
        )
    if hidden:
        sentence += f"; {hidden_count(str(len(hidden)), min_group_size)}"
    rows = [[g["group"], g["label"]] for g in shown]
    rows += [[h, hidden_label(min_group_size)] for h in sorted(hidden)]
    table = {"columns": [group_title[0].upper() + group_title[1:], x_title], "rows": rows}
    return spec_of(chart, description=sentence + ".", table=table)
