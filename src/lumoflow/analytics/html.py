"""A self-contained HTML report (inline CSS and SVG charts, no external resources)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from lumoflow.analytics.report import Report, render_text

_CSS = """body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;
color:#1d2733}h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid
#dde3ea}.verdict{display:inline-block;padding:.2em .7em;border-radius:1em;font-weight:600}
.fading{background:#fde2e1;color:#9b1c1c}.growing{background:#dcfce7;color:#166534}
.stable{background:#e0ecff;color:#1e3a8a}.too_little_data{background:#eee;color:#444}
table{border-collapse:collapse}td,th{padding:.15em .8em;text-align:left;border-bottom:1px solid
#eef1f4}pre{background:#f6f8fa;padding:1em;overflow:auto}svg{max-width:100%}"""


def line_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    width: int = 900,
    height: int = 220,
) -> str:
    """An inline SVG line chart; ``None`` values are gaps (e.g. suppressed weeks)."""
    pad_l, pad_b, pad_t = 48, 28, 24
    pts = [v for v in values if v is not None]
    top = max(pts) if pts else 1.0
    top = top or 1.0
    n = max(len(values) - 1, 1)
    w, h = width - pad_l - 10, height - pad_b - pad_t

    def xy(i: int, v: float) -> str:
        return f"{pad_l + w * i / n:.1f},{pad_t + h - h * v / top:.1f}"

    segments: list[list[str]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            segments.append([])
        else:
            segments[-1].append(xy(i, v))
    lines = "".join(
        f'<polyline fill="none" stroke="#2563eb" stroke-width="2" points="{" ".join(s)}"/>'
        for s in segments
        if s
    )
    ticks = ""
    if labels:
        for i in sorted({0, len(labels) // 2, len(labels) - 1}):
            ticks += (
                f'<text x="{pad_l + w * i / n:.1f}" y="{height - 8}" font-size="11" '
                f'text-anchor="middle">{html.escape(str(labels[i]))}</text>'
            )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{html.escape(title)}"><text x="{pad_l}" y="16" '
        f'font-size="13" font-weight="600">{html.escape(title)}</text>'
        f'<line x1="{pad_l}" y1="{pad_t + h}" x2="{pad_l + w}" y2="{pad_t + h}" '
        f'stroke="#999"/><text x="{pad_l - 6}" y="{pad_t + 4}" font-size="11" '
        f'text-anchor="end">{top:.3g}</text><text x="{pad_l - 6}" y="{pad_t + h}" '
        f'font-size="11" text-anchor="end">0</text>{lines}{ticks}</svg>'
    )


def _table(rows: Sequence[tuple[str, Any]]) -> str:
    body = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows
    )
    return f"<table>{body}</table>"


def render_html(report: Report, *, title: str = "LumoFlow measurement report") -> str:
    """Render ``report`` as one HTML page a manager can open from an e-mail."""
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>"
        f"{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>"
    ]
    f = report.fading
    if f is not None:
        parts.append(
            f"<h2>Is it fading?</h2><p><span class='verdict {f.verdict}'>"
            f"{html.escape(f.verdict.replace('_', ' '))}</span></p><ul>"
            + "".join(f"<li>{html.escape(e)}</li>" for e in f.evidence)
            + "</ul>"
        )
        if f.by_workspace:
            rows = sorted(f.by_workspace.items(), key=lambda kv: kv[0])[:200]
            parts.append(
                "<table><tr><th>workspace</th><th>verdict</th><th>evidence</th></tr>"
                + "".join(
                    f"<tr><td>{html.escape(w)}</td><td><span class='verdict "
                    f"{v.verdict}'>{v.verdict}</span></td><td>"
                    f"{html.escape(' '.join(v.evidence[:2]))}</td></tr>"
                    for w, v in rows
                )
                + "</table>"
            )
    p = report.participation
    if p is not None and p.weekly:
        labels = [w.week.isoformat() for w in p.weekly]
        parts.append("<h2>Participation</h2>")
        parts.append(line_chart("Active people per week", labels, [w.active for w in p.weekly]))
        parts.append(
            line_chart(
                "Engaged people per week (posted, replied, reacted)",
                labels,
                [w.engaged for w in p.weekly],
            )
        )
    r = report.responsiveness
    if r is not None and r.weekly:
        parts.append(
            line_chart(
                "Median hours to first reply, by week of the post",
                [w.week.isoformat() for w in r.weekly],
                [w.median_first_reply_h for w in r.weekly],
            )
        )
    rel = report.relevance
    if rel is not None and rel.weekly:
        parts.append(
            "<h2>Relevance</h2>"
            + line_chart(
                "On-topic share of posts per week",
                [w.week.isoformat() for w in rel.weekly],
                [w.on_topic_share for w in rel.weekly],
            )
        )
    n = report.network
    if n is not None:
        parts.append(
            "<h2>Network</h2>"
            + _table(
                [
                    ("people", n.nodes),
                    ("ties (directed)", n.edges),
                    ("reciprocity", n.reciprocity),
                    ("average clustering", n.avg_clustering),
                    ("diameter", n.diameter),
                    ("E-I index", n.ei_index.overall),
                    ("department modularity", n.modularity_departments),
                    ("Leiden communities", n.leiden["count"]),
                    ("peripheral people", n.peripheral["count"]),
                    ("top-5% share of ties", n.load_concentration),
                ]
            )
        )
    parts.append(f"<h2>Full summary</h2><pre>{html.escape(render_text(report))}</pre>")
    parts.append("</body></html>\n")
    return "".join(parts)
