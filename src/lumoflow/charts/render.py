"""Render a chart spec to SVG (or PNG) with vl-convert, and read its text alternative."""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

import vl_convert

#: The Vega-Lite release the specs are written for (Altair's schema).
VEGA_LITE = "6.4"
_LOCK = threading.Lock()


def to_svg(spec: dict[str, Any]) -> str:
    """The chart as a standalone SVG document (vl-convert, no network: data must be inline).

    The ``<svg>`` carries ``role="img"`` and the spec's description as its ``aria-label``.
    """
    with _LOCK:  # one Vega runtime per process; calls are serialised
        svg: str = vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE, allowed_base_urls=[])
    return svg


def to_png(spec: dict[str, Any], *, scale: float = 2.0) -> bytes:
    """The chart as a PNG image (vl-convert, no network), drawn at `scale` times its size so it
    stays sharp on high-density screens (e-mail clients show no SVG)."""
    with _LOCK:
        png: bytes = vl_convert.vegalite_to_png(
            spec, vl_version=VEGA_LITE, scale=scale, allowed_base_urls=[]
        )
    return png


#: The smallest spec that starts the runtime: a chart with one point.
_WARM_UP_SPEC: dict[str, Any] = {
    "data": {"values": [{"x": 0}]},
    "mark": "point",
    "encoding": {"x": {"field": "x", "type": "quantitative"}},
}


def warm_up() -> threading.Thread:
    """Start vl-convert's JavaScript runtime in a background thread, so that the first chart a
    process draws for a person does not wait for it (1.4–6 s on a loaded machine). Returns the
    thread (a daemon: it never holds up a shutdown); a request that draws meanwhile waits on the
    same lock, no longer than it would have anyway."""

    def run() -> None:
        try:
            to_svg(_WARM_UP_SPEC)
        except Exception:  # a warm-up that fails leaves the first real chart to start it
            logging.getLogger(__name__).exception("vl-convert warm-up failed")

    thread = threading.Thread(target=run, name="vl-convert-warm-up", daemon=True)
    thread.start()
    return thread


def inline_svg(svg: str, caption_id: str) -> str:
    """The SVG document made ready to sit in HTML: no XML declaration, an image whose name is
    the element ``caption_id`` (the chart's sentence)."""
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    return svg.replace("<svg ", f'<svg role="img" aria-labelledby="{caption_id}" ', 1)


def text_alternative(spec: dict[str, Any]) -> tuple[str, list[str], list[list[str]]]:
    """The sentence, column names and rows that say in words what the chart shows."""
    table = spec.get("usermeta", {}).get("table", {})
    return (
        str(spec.get("description", "")),
        list(table.get("columns", [])),
        list(table.get("rows", [])),
    )
