"""Charts: one function per chart building a Vega-Lite spec (with Altair), rendered to SVG.

Pure like :mod:`lumoflow.analytics`: no Django, nothing of the platform (import-linter keeps it).
Each chart function takes plain data (lists of dicts) and returns the spec as a dict, carrying
its text alternative (``description`` and ``usermeta["table"]``). The static report renders a
spec with :func:`to_svg`; pages draw the same spec with vega-embed (``{% chart spec %}``).
"""

from lumoflow.charts.bars import group_bars
from lumoflow.charts.network import department_network
from lumoflow.charts.participation import FUNNEL_STEPS, department_reach, participation_funnel
from lumoflow.charts.render import inline_svg, text_alternative, to_svg
from lumoflow.charts.sparkline import sparkline, sparkline_svg
from lumoflow.charts.weekly import hidden_label, trend_line, weekly_chart

__all__ = [
    "FUNNEL_STEPS",
    "department_network",
    "department_reach",
    "group_bars",
    "hidden_label",
    "inline_svg",
    "participation_funnel",
    "sparkline",
    "sparkline_svg",
    "text_alternative",
    "to_svg",
    "trend_line",
    "weekly_chart",
]
