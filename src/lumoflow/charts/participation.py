"""Who takes part: the participation funnel and the departments a workspace reaches.

Both are horizontal bars with their figures written at the bars' ends. A step or department the
privacy guard hides gets no bar, only the words "fewer than N people"; a department that never
took part is drawn as a marker of its own colour at zero, so that it cannot be mistaken for one
the guard hides or for a short bar.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt

from lumoflow.charts import numbers
from lumoflow.charts.style import ACCENT, MARK, MUTED, WIDTH, spec_of
from lumoflow.charts.weekly import hidden_count, hidden_label

#: The funnel's steps as the engine names them (``participation.funnel``), in words.
FUNNEL_STEPS = {
    "readers": "Read",
    "reactors": "Reacted",
    "repliers": "Replied",
    "posters": "Posted",
}
TOOK_PART, NEVER, HIDDEN = "took part", "never took part", "hidden"


def _bars(
    rows: Sequence[Mapping[str, Any]],
    *,
    title: str,
    x_title: str,
    y_title: str,
    kind: str,
    width: int | str,
    legend: bool,
) -> alt.TopLevelMixin:
    """Bars of the shown rows, a marker for those that never took part, every row labelled.

    ``rows`` hold ``name``, ``value`` (``None`` unless shown), ``status`` and ``label``.
    """
    base = alt.Chart(alt.InlineData(values=list(rows)))
    # the rows' order, whichever layer draws a row
    y = alt.Y(
        "name:N", sort=[str(r["name"]) for r in rows], title=None, axis=alt.Axis(labelLimit=200)
    )
    top = max((float(r["value"]) for r in rows if r["status"] == TOOK_PART), default=0.0)
    domain = [0, 1] if kind == "share" else [0, top * 1.25 or 1]
    x = alt.X(
        "value:Q",
        title=x_title,
        scale=alt.Scale(domain=domain, nice=False),
        axis=alt.Axis(format=".0%" if kind == "share" else "~s", grid=True, tickCount=5),
    )
    statuses = [TOOK_PART, NEVER] if legend else [TOOK_PART]
    color = alt.Color(
        "status:N",
        scale=alt.Scale(domain=statuses, range=[MARK, ACCENT][: len(statuses)]),
        legend=alt.Legend(title=None, orient="top") if legend else None,
    )
    tooltip = [alt.Tooltip("name:N", title=y_title), alt.Tooltip("label:N", title=x_title)]
    layers = [
        base.transform_filter(f"datum.status === '{TOOK_PART}'")
        .mark_bar(height={"band": 0.7})
        .encode(y=y, x=x, color=color, tooltip=tooltip),
        base.transform_filter(f"datum.status === '{NEVER}'")
        .transform_calculate(value="0")
        .mark_point(shape="diamond", filled=True, size=70)
        .encode(y=y, x=x, color=color, tooltip=tooltip),
        base.transform_calculate(at="datum.value === null ? 0 : datum.value")
        .mark_text(align="left", dx=6, fontSize=11)
        .encode(
            y=y,
            x=alt.X("at:Q", scale=alt.Scale(domain=domain, nice=False)),
            text="label:N",
            color=alt.condition(
                f"datum.status === '{HIDDEN}'", alt.value(MUTED), alt.value("#1d2733")
            ),
        ),
    ]
    # a height in pixels rather than a step per row, so that a page can fit the width to a
    # phone's column (Vega-Lite fits no chart whose height is a step)
    return alt.layer(*layers).properties(title=title, width=width, height=24 * max(1, len(rows)))


def participation_funnel(
    steps: Sequence[Mapping[str, Any]] | Mapping[str, Mapping[str, Any]],
    *,
    title: str = "From reading to posting",
    min_group_size: int = 5,
    width: int | str = WIDTH,
) -> dict[str, Any]:
    """Vega-Lite spec of the participation funnel: readers → reactors → repliers → posters.

    ``steps`` are ``{"step", "value", "suppressed"}`` in funnel order (``step`` one of the
    engine's names, ``FUNNEL_STEPS``, or any label); ``value`` counts the people who went at
    least that far. The engine's own shape (``participation.funnel``: step name → guarded
    figure) is taken as it is. A hidden step gets no bar and reads "fewer than N people". Each
    shown step also reads as a share of the first step, when the first is shown.

    >>> spec = participation_funnel([
    ...     {"step": "readers", "value": 40, "suppressed": False},
    ...     {"step": "reactors", "value": 22, "suppressed": False},
    ...     {"step": "repliers", "value": None, "suppressed": True},
    ...     {"step": "posters", "value": 0, "suppressed": False}])
    >>> for row in spec["usermeta"]["table"]["rows"]:
    ...     print(row)
    ['Read', '40', '100%']
    ['Reacted', '22', '55%']
    ['Replied', 'fewer than 5 people', '']
    ['Posted', '0', '0%']
    >>> print(*spec["description"].split(", "), sep="\\n")
    From reading to posting: 40 people read
    22 reacted (55%)
    fewer than 5 people replied
    0 posted (0%).
    """
    if isinstance(steps, Mapping):
        steps = [{"step": name, **figure} for name, figure in steps.items()]
    first = steps[0] if steps else {}
    base = first.get("value") if not first.get("suppressed") else None
    rows: list[dict[str, Any]] = []
    table: list[list[str]] = []
    words: list[str] = []
    for s in steps:
        name = FUNNEL_STEPS.get(str(s["step"]), str(s["step"]))
        value = s.get("value")
        if s.get("suppressed") or not numbers.is_number(value):
            label = hidden_label(min_group_size) if s.get("suppressed") else "no data"
            rows.append({"name": name, "value": None, "status": HIDDEN, "label": label})
            table.append([name, label, ""])
            words.append(f"{label} {name.lower()}")
            continue
        share = numbers.share(value / base) if numbers.is_number(base) and base > 0 else ""
        label = numbers.count(value) + (f" ({share})" if share else "")
        rows.append({"name": name, "value": value, "status": TOOK_PART, "label": label})
        table.append([name, numbers.count(value), share])
        people = " people" if not words else ""
        words.append(
            f"{numbers.count(value)}{people} {name.lower()}"
            + (f" ({share})" if share and words else "")
        )
    chart = _bars(
        rows, title=title, x_title="people", y_title="step", kind="count", width=width,
        legend=False,
    )  # fmt: skip
    sentence = f"{title}: " + (", ".join(words) if words else "no steps to show") + "."
    return spec_of(
        chart,
        description=sentence,
        table={"columns": ["Step", "People", "Share of the first step"], "rows": table},
    )


def department_reach(
    departments: Sequence[Mapping[str, Any]],
    *,
    title: str = "Departments taking part",
    x_title: str = "share of members who took part",
    kind: str = "share",
    min_group_size: int = 5,
    width: int | str = WIDTH,
) -> dict[str, Any]:
    """Vega-Lite spec of the departments a workspace reaches, including those it never does.

    ``departments`` are ``{"department", "value", "suppressed"}``: ``value`` is what took part
    (a share of the department's members by default, or a count with ``kind="count"``). A value
    of zero means the department never took part: it is drawn as a diamond of its own colour at
    zero, named in the legend. A hidden department (the privacy guard) gets no mark and reads
    "fewer than N people". Order: the most reached first, then those never reached, then the
    hidden ones.

    >>> spec = department_reach([
    ...     {"department": "Sales", "value": 0.5, "suppressed": False},
    ...     {"department": "Legal", "value": 0, "suppressed": False},
    ...     {"department": "Ops", "value": None, "suppressed": True}])
    >>> spec["usermeta"]["table"]["rows"]
    [['Sales', '50%'], ['Legal', 'never took part'], ['Ops', 'fewer than 5 people']]
    """
    shown: list[dict[str, Any]] = []
    never: list[dict[str, Any]] = []
    hidden: list[dict[str, Any]] = []
    for d in departments:
        name, value = str(d["department"]), d.get("value")
        if d.get("suppressed") or not numbers.is_number(value):
            label = hidden_label(min_group_size) if d.get("suppressed") else "no data"
            hidden.append({"name": name, "value": None, "status": HIDDEN, "label": label})
        elif value == 0:
            never.append({"name": name, "value": None, "status": NEVER, "label": NEVER})
        else:
            label = numbers.figure(value, kind)
            shown.append({"name": name, "value": value, "status": TOOK_PART, "label": label})
    shown.sort(key=lambda r: (-r["value"], r["name"]))
    never.sort(key=lambda r: r["name"])
    hidden.sort(key=lambda r: r["name"])
    rows = shown + never + hidden
    chart = _bars(
        rows, title=title, x_title=x_title, y_title="department", kind=kind, width=width,
        legend=bool(never),
    )  # fmt: skip
    sentence = f"{title}: {len(shown)} of {len(rows)} departments took part"
    if shown:
        sentence += f", most {shown[0]['name']} ({shown[0]['label']})"
    if never:
        sentence += f"; never took part: {', '.join(r['name'] for r in never)}"
    if hidden:
        sentence += f"; {hidden_count(str(len(hidden)), min_group_size)}"
    return spec_of(
        chart,
        description=sentence + ".",
        table={
            "columns": ["Department", x_title[0].upper() + x_title[1:]],
            "rows": [[r["name"], r["label"]] for r in rows],
        },
    )


__all__ = ["FUNNEL_STEPS", "department_reach", "participation_funnel"]
