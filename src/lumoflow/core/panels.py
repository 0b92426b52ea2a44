"""Panels that a higher layer draws on a lower layer's page.

A page of an app (the workspace page) may show a part that belongs to a layer above it (the
engagement card, drawn by `measure` from its stored metrics). The app may not import that layer,
so the page leaves a named slot and the layer above registers what fills it at start-up
(`AppConfig.ready`). A slot with nothing registered keeps the page's own content.

A panel is called per request, after the page's shared body is built, with the request and the
keyword arguments the page gives; it returns finished, escaped HTML, or ``None`` to keep the
page's own content. It must not write and must be cheap: it reads what it shows from a store.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Panel = Callable[..., str | None]
#: The workspace page's "Engagement targets" card: the page's own card shows the three targets;
#: measure fills it with the targets against their actuals.
WORKSPACE_ENGAGEMENT = "workspace-engagement"
_PANELS: dict[str, Panel] = {}


def register(slot: str, panel: Panel) -> None:
    """Fill `slot` with `panel` (registering again replaces it: one panel per slot)."""
    _PANELS[slot] = panel


def unregister(slot: str) -> None:
    """Leave `slot` to the page's own content."""
    _PANELS.pop(slot, None)


def mark(slot: str) -> tuple[str, str]:
    """The comments around a slot's default content in shared HTML."""
    return f"<!--panel:{slot}-->", f"<!--/panel:{slot}-->"


def fill(html: str, slot: str, request: Any, **kwargs: Any) -> str:
    """`html` with `slot` (its default content between the marks) replaced by the registered
    panel's HTML; the default stays when nothing is registered or the panel returns ``None``."""
    start, end = mark(slot)
    i = html.find(start)
    j = html.find(end, i)
    if i < 0 or j < 0:
        return html
    panel = _PANELS.get(slot)
    drawn = panel(request, **kwargs) if panel else None
    inner = html[i + len(start) : j] if drawn is None else drawn
    return html[:i] + inner + html[j + len(end) :]
