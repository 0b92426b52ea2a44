"""Building blocks of the HTML report: the page being rendered, its terms, figures and tables."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from lumoflow.analytics.glossary import TERMS
from lumoflow.charts import inline_svg, numbers, text_alternative, to_svg

#: Chart widths in pixels: the page's column, and a phone held upright.
WIDE, NARROW = 820, 300
NOT_AVAILABLE = "not available"

VERDICTS = {
    "fading": ("Fading", "Activity is falling, and the tests say the fall is not chance."),
    "growing": ("Growing", "Activity is rising, and the tests say the rise is not chance."),
    "stable": ("Stable", "Weekly active contributors neither rose nor fell beyond chance."),
    "inconclusive": (
        "Inconclusive",
        "The evidence does not settle it either way; the first line below says why.",
    ),
    "too_little_data": ("Too little data", "There is not enough data to judge the trend."),
}


def esc(text: object) -> str:
    """Text escaped for HTML content and attributes."""
    return html.escape(str(text), quote=True)


class Page:
    """What a page being rendered knows: the data, the privacy threshold and the terms used."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        privacy = data.get("privacy") or {}
        self.min_group_size = int(privacy.get("min_group_size") or 5)
        epoch = (data.get("input") or {}).get("epoch")
        #: when times are offsets, not dates: their origin (weeks are then numbered)
        self.origin = str(epoch)[:10] if epoch else None
        self.used: list[str] = []
        self.charts = 0

    def term(self, key: str, text: str | None = None) -> str:
        """The term's words, explained on hover, and noted for the glossary."""
        name, explanation = TERMS[key]
        if key not in self.used:
            self.used.append(key)
        return f'<abbr title="{esc(explanation)}">{esc(text or name)}</abbr>'

    def workspace(self, key: str) -> str:
        """A workspace's name (its id when the log names none)."""
        names = (self.data.get("input") or {}).get("workspace_names") or {}
        return str(names.get(key) or key)

    def hidden(self) -> str:
        """What a hidden figure reads as."""
        return self.term("hidden", f"fewer than {self.min_group_size} people")

    def withheld(self) -> str:
        """What a figure withheld because it would give a smaller group away reads as."""
        return self.term("hidden", "withheld")

    def value(self, value: object, kind: str = "decimal") -> str:
        """A figure for people, or "not available"."""
        text = numbers.figure(value, kind)
        return NOT_AVAILABLE if text == "n/a" else esc(text)

    def guarded(self, item: object, kind: str = "decimal") -> str:
        """A guarded figure (``{"value", "people", "suppressed"}``) or a plain one."""
        if isinstance(item, Mapping):
            if item.get("suppressed"):
                return self.hidden()
            item = item.get("value")
        return self.value(item, kind)

    def chart(self, spec: dict[str, Any]) -> str:
        """A figure: the SVG (wide, and narrow for phones), its sentence, and its data table."""
        self.charts += 1
        sentence, columns, rows = text_alternative(spec)
        cid = f"chart-{self.charts}"
        svgs = "".join(
            f'<div class="{size}">{_svg(sized(spec, width), cid)}</div>'
            for size, width in (("wide", WIDE), ("narrow", NARROW))
        )
        head = "".join(f"<th>{esc(c)}</th>" for c in columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>" for row in rows
        )
        return (
            f'<figure>{svgs}<figcaption id="{cid}">{esc(sentence)}</figcaption>'
            f"<details><summary>The data as a table</summary><div class='scroll'><table>"
            f"<tr>{head}</tr>{body}</table></div></details></figure>"
        )


def sized(spec: dict[str, Any], width: int) -> dict[str, Any]:
    """The spec drawn ``width`` pixels wide; axis labels on a narrow one give way to the marks."""
    config = dict(spec.get("config") or {})
    axis = dict(config.get("axis") or {})
    axis["labelLimit"] = min(int(axis.get("labelLimit") or 220), width // 3)
    return spec | {"width": width, "config": config | {"axis": axis}}


def _svg(spec: dict[str, Any], caption_id: str) -> str:
    return inline_svg(to_svg(spec), caption_id)


def figures(items: Sequence[tuple[str, str]]) -> str:
    """Headline figures as cards: (label HTML, value HTML); figures not available are left out."""
    cards = "".join(
        f"<div><dt>{label}</dt><dd>{value}</dd></div>"
        for label, value in items
        if value != NOT_AVAILABLE
    )
    return f'<dl class="figures">{cards}</dl>'


def table(rows: Sequence[tuple[str, str]]) -> str:
    """Two-column table of (label HTML, value HTML); figures not available are left out."""
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows if v != NOT_AVAILABLE)
    return f"<div class='scroll'><table>{body}</table></div>"


def section(anchor: str, question: str, sentence: str, body: str = "") -> str:
    """One question: its heading, its plain sentence (HTML), then the figures and charts."""
    return (
        f'<section id="{anchor}"><h2>{esc(question)}</h2><p class="lead">{sentence}</p>'
        f"{body}</section>"
    )
