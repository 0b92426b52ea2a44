"""`{% chart spec %}`: a chart in a page, drawn three ways.

- interactively by vega-embed (`lumoflow/charts.js` finds the figure and draws the spec it
  carries in a `<script type="application/json">`), with Vega's expression interpreter, so no
  `eval` is needed under the pages' Content-Security-Policy;
- as a static SVG drawn on the server by vl-convert (`core.charts.static_svg`, cached by the
  spec's content), shown when JavaScript is off or the libraries fail, and replaced by the
  interactive chart once it is drawn;
- in words: a sentence under the chart and its data as a table behind a disclosure.

Usage::

    {% load charts %}
    {% chart spec %}
    {% chart spec title="Active people" sentence=sentence table=rows static=False %}
    {% chart spec svg_url=url %}

`title`, `sentence` and `table` default to what the spec carries (`lumoflow.charts` functions put
them there). `table` is `{"columns": [...], "rows": [[...], ...]}`, a list of dicts (their keys
are the columns) or a list of rows under the spec's columns. `static=False` leaves the SVG out
(the page then says that the chart needs JavaScript and points to the table).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any, cast

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils.html import json_script
from django.utils.safestring import SafeString, mark_safe

from lumoflow.charts import inline_svg, text_alternative
from lumoflow.core.charts import page_spec, spec_key, static_svg

register = template.Library()


class CompactJSON(DjangoJSONEncoder):
    """JSON without the spaces after separators: a page's specs are a large part of it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**{**kwargs, "separators": (",", ":")})


_COUNT = "lumoflow.charts.ids"


def _title(spec: Mapping[str, Any]) -> str:
    """The chart's name: its drawn title, or the one it carries without drawing (sparklines)."""
    title = spec.get("title") or (spec.get("usermeta") or {}).get("title")
    if isinstance(title, Mapping):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(str(t) for t in title)
    return str(title or "Chart")


def table_of(
    table: Any, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> tuple[list[str], list[list[str]]]:
    """The table to show: ``table`` in one of its forms, else the spec's own columns and rows."""
    if table is None:
        return [str(c) for c in columns], [[str(v) for v in row] for row in rows]
    if isinstance(table, Mapping):
        return table_of(None, list(table.get("columns") or []), list(table.get("rows") or []))
    items = list(table)
    if items and isinstance(items[0], Mapping):
        keys = list(items[0])
        return [str(k) for k in keys], [[str(item.get(k, "")) for k in keys] for item in items]
    return table_of(None, columns, items)


def _chart_id(context: template.Context, key: str) -> str:
    """An id for the figure, the same for the same spec; a second copy on a page gets a suffix."""
    if _COUNT not in context.render_context:
        context.render_context[_COUNT] = {}
    seen = cast(dict[str, int], context.render_context[_COUNT])
    seen[key] = seen.get(key, 0) + 1
    base = "chart-" + hashlib.blake2b(key.encode(), digest_size=5).hexdigest()
    return base if seen[key] == 1 else f"{base}-{seen[key]}"


@register.simple_tag(takes_context=True)
def chart(
    context: template.Context,
    spec: dict[str, Any],
    *,
    title: str | None = None,
    sentence: str | None = None,
    table: Any = None,
    static: bool = True,
    svg_url: str = "",
) -> SafeString:
    """Render one chart: its interactive container, its static SVG and its text alternative.

    With `svg_url`, the static SVG is not drawn into the page: an image from that address
    inside `<noscript>` stands for it, so only browsers without JavaScript fetch it (pages with
    many charts stay light; the address serves `static_svg` of the same spec)."""
    if not isinstance(spec, Mapping) or not spec:
        raise template.TemplateSyntaxError("{% chart %} needs a Vega-Lite spec (a dict).")
    own_sentence, columns, rows = text_alternative(dict(spec))
    cid = _chart_id(context, spec_key(spec))
    head, body = table_of(table, columns, rows)
    svg = inline_svg(static_svg(spec), f"{cid}-caption") if static and not svg_url else ""
    html = render_to_string(
        "core/chart.html",
        {
            "id": cid,
            "title": title or _title(spec),
            "sentence": own_sentence if sentence is None else sentence,
            "columns": head,
            "rows": body,
            "svg": mark_safe(svg),  # drawn by vl-convert from our own spec: text is escaped
            "svg_url": svg_url if static else "",
            "spec": json_script(page_spec(spec), f"{cid}-spec", encoder=CompactJSON),
        },
    )
    return mark_safe(html)
