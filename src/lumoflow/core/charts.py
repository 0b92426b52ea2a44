"""Charts in pages: a spec's static SVG, drawn once per content, and the spec as the page sends it.

vl-convert draws a spec in roughly a tenth of a second (more for long series; the first call of a
process starts its JavaScript runtime and takes over a second), far too slow to repeat on every
page view. The SVG is therefore kept in the "fragments" cache (bounded in bytes, `core.cache`)
under a hash of what decides it: the spec itself (its data included) and the versions of
Vega-Lite and vl-convert that draw it. The same figures give the same key whoever looks and
whenever; new figures give a new spec and so a new key: nothing can be served stale.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib.metadata import version
from typing import Any

from django.core.cache import caches

from lumoflow.charts import to_svg
from lumoflow.charts.render import VEGA_LITE

LIFETIME = 24 * 3600  # seconds; the key decides whether an entry is right, this only frees room


@cache
def _renderer() -> str:
    return f"{VEGA_LITE}|{version('vl-convert-python')}|"


def spec_key(spec: dict[str, Any]) -> str:
    """A hash of the spec's content and of the renderer's versions (the SVG's cache key)."""
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), default=str)
    digest = hashlib.blake2b(digest_size=16)
    digest.update(_renderer().encode())
    digest.update(text.encode())
    return digest.hexdigest()


def static_svg(spec: dict[str, Any]) -> str:
    """The spec drawn as SVG by vl-convert, from the cache when the same spec was drawn before."""
    cache = caches["fragments"]
    key = "chart-svg:" + spec_key(spec)
    svg: str | None = cache.get(key)
    if svg is None:
        svg = to_svg(spec)
        cache.set(key, svg, LIFETIME)
    return svg


def page_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec as a page sends it to the browser: without its text alternative, which the page
    shows as HTML beside the chart."""
    return {k: v for k, v in spec.items() if k != "usermeta"}
