"""Charts: one function per chart building a Vega-Lite spec (with Altair), rendered to SVG.

Pure like :mod:`lumoflow.analytics`: no Django, nothing of the platform (import-linter keeps it).
Each chart function takes plain data (lists of dicts) and returns the spec as a dict, carrying
its text alternative (``description`` and ``usermeta["table"]``). The static report renders a
spec with :func:`to_svg`; pages draw the same spec with vega-embed.
"""

from lumoflow.charts.bars import group_bars
from lumoflow.charts.render import inline_svg, text_alternative, to_svg
from lumoflow.charts.weekly import hidden_label, weekly_chart

__all__ = [
    "group_bars",
    "hidden_label",
    "inline_svg",
    "text_alternative",
    "to_svg",
    "weekly_chart",
]
