"""The look shared by every chart: colours, sizes, fonts, and how a spec carries its text."""

from __future__ import annotations

from typing import Any

import altair as alt

#: Default width in pixels of a chart in the static report.
WIDTH = 620
INK = "#1d2733"
MUTED = "#5b6b7c"
MARK = "#2563eb"
TREND = "#c2410c"
TARGET = "#15803d"
#: The second line of a chart that compares two series.
SECOND = "#7c3aed"
#: A figure that stands out from the rest (a group that never took part).
ACCENT = "#b45309"
BAND = "#cbd5e1"
NEGATIVE = "#9b1c1c"
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"

CONFIG: dict[str, Any] = {
    "font": FONT,
    "background": "white",
    "padding": 8,
    "view": {"stroke": None},
    "title": {"anchor": "start", "fontSize": 14, "fontWeight": 600, "color": INK, "offset": 10},
    "axis": {
        "labelFontSize": 12,
        "titleFontSize": 12,
        "labelColor": INK,
        "titleColor": MUTED,
        "titleFontWeight": "normal",
        "domainColor": "#94a3b8",
        "tickColor": "#94a3b8",
        "gridColor": "#e5e9ef",
        "labelLimit": 220,
    },
    "legend": {"labelFontSize": 12, "labelColor": INK, "labelLimit": 400},
}


def spec_of(chart: alt.TopLevelMixin, *, description: str, table: dict[str, Any]) -> dict[str, Any]:
    """The chart's Vega-Lite dict with its text alternative and the shared configuration."""
    spec: dict[str, Any] = chart.to_dict()
    spec["description"] = description
    spec["usermeta"] = {"table": table}
    spec["config"] = CONFIG | {k: v for k, v in spec.get("config", {}).items() if k not in CONFIG}
    spec["autosize"] = {"type": "pad", "contains": "padding"}
    return spec
