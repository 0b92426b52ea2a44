"""The department network map: departments as circles at given positions, the ties between them
as lines, silos drawn apart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt

from lumoflow.charts import numbers
from lumoflow.charts.style import BAND, MARK, MUTED, NEGATIVE, WIDTH, spec_of


def department_network(
    nodes: Sequence[Mapping[str, Any]],
    edges: Sequence[Mapping[str, Any]],
    *,
    title: str,
    min_group_size: int = 5,
    width: int | str = WIDTH,
    height: int = 420,
) -> dict[str, Any]:
    """Vega-Lite spec of departments as a network, one layer each for ties, circles and names.

    ``nodes`` hold ``{"department", "people", "ei_index", "silo", "merged", "x", "y",
    "suppressed"}`` with positions in [0, 1] (computed by
    :func:`lumoflow.analytics.department_map.department_map`); a circle's area is the number of
    people, a silo (E-I index ≤ −0.5) is red. ``edges`` hold ``{"source", "target", "ties",
    "weight"}``; a line's width is the number of ties. A suppressed department (fewer than
    ``min_group_size`` people) is a small grey circle without figures.

    >>> spec = department_network(
    ...     [{"department": "Ops", "people": 9, "ei_index": -0.8, "silo": True, "merged": [],
    ...       "x": 0, "y": 0, "suppressed": False},
    ...      {"department": "Sales", "people": 6, "ei_index": 0.2, "silo": False,
    ...       "merged": ["Board"], "x": 1, "y": 1, "suppressed": False}],
    ...     [{"source": "Ops", "target": "Sales", "ties": 2, "weight": 7}], title="Departments")
    >>> print(spec["description"])
    Departments: 2 departments, 1 pair in touch; silo: Ops.
    >>> spec["usermeta"]["table"]["rows"][0]
    ['Ops', '9', '−0.8', 'silo', '']
    """
    where = {str(n["department"]): (float(n["x"]), float(n["y"])) for n in nodes}
    lines = [
        {
            "source": e["source"],
            "target": e["target"],
            "ties": int(e["ties"]),
            "weight": int(e["weight"]),
            "x": where[e["source"]][0],
            "y": where[e["source"]][1],
            "x2": where[e["target"]][0],
            "y2": where[e["target"]][1],
        }
        for e in edges
        if e["source"] in where and e["target"] in where
    ]
    circles: list[dict[str, Any]] = []
    for n in nodes:
        hidden = bool(n.get("suppressed"))
        ei = n.get("ei_index")
        circles.append(
            {
                "department": str(n["department"]),
                "people": 0 if hidden else int(n["people"] or 0),
                "people_label": f"fewer than {min_group_size}" if hidden else str(n["people"]),
                "ei_label": numbers.figure(ei, "decimal") if numbers.is_number(ei) else "—",
                "kind": "hidden" if hidden else ("silo" if n.get("silo") else "department"),
                "merged": ", ".join(n.get("merged") or []),
                "x": float(n["x"]),
                "y": float(n["y"]),
            }
        )
    x = alt.X("x:Q", axis=None, scale=alt.Scale(domain=[-0.15, 1.15]))
    y = alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[-0.15, 1.15]))
    ties = (
        alt.Chart(alt.InlineData(values=lines))
        .mark_rule(color=BAND, opacity=0.9)
        .encode(
            x=x,
            y=y,
            x2="x2:Q",
            y2="y2:Q",
            strokeWidth=alt.StrokeWidth("ties:Q", legend=None, scale=alt.Scale(range=[1, 10])),
            tooltip=[
                alt.Tooltip("source:N", title="between"),
                alt.Tooltip("target:N", title="and"),
                alt.Tooltip("ties:Q", title="pairs of people in touch"),
                alt.Tooltip("weight:Q", title="interactions"),
            ],
        )
    )
    colour = alt.Color(
        "kind:N",
        title=None,
        scale=alt.Scale(domain=["department", "silo", "hidden"], range=[MARK, NEGATIVE, MUTED]),
        legend=alt.Legend(
            orient="bottom",
            labelExpr="datum.label == 'hidden' ? "
            f"'fewer than {min_group_size} people' : datum.label",
        ),
    )
    dots = (
        alt.Chart(alt.InlineData(values=circles))
        .mark_circle(opacity=0.9, stroke="white", strokeWidth=1)
        .encode(
            x=x,
            y=y,
            size=alt.Size("people:Q", legend=None, scale=alt.Scale(range=[80, 2400])),
            color=colour,
            tooltip=[
                alt.Tooltip("department:N", title="department"),
                alt.Tooltip("people_label:N", title="people"),
                alt.Tooltip("ei_label:N", title="E-I index"),
                alt.Tooltip("merged:N", title="holds"),
            ],
        )
    )
    names = (
        alt.Chart(alt.InlineData(values=circles))
        .mark_text(dy=-30, fontSize=12, color="#1d2733")
        .encode(x=x, y=y, text="department:N")
    )
    chart = alt.layer(ties, dots, names).properties(title=title, width=width, height=height)
    silos = [str(c["department"]) for c in circles if c["kind"] == "silo"]
    small = [str(c["department"]) for c in circles if c["kind"] == "hidden"]
    pairs = len(lines)
    description = (
        f"{title}: {len(circles)} departments, {pairs} pair{'s' if pairs != 1 else ''} in touch"
        + (f"; silo{'s' if len(silos) > 1 else ''}: {', '.join(silos)}" if silos else "; no silo")
        + (f"; fewer than {min_group_size} people: {', '.join(small)}" if small else "")
        + "."
    )
    table = {
        "columns": ["department", "people", "E-I index", "silo", "holds"],
        "rows": [
            [
                c["department"],
                c["people_label"],
                c["ei_label"],
                "silo" if c["kind"] == "silo" else "",
                c["merged"],
            ]
            for c in circles
        ],
    }
    return spec_of(chart, description=description, table=table)
