"""The report an executive reads: one self-contained HTML page (inline CSS and SVG charts).

It renders only the report's JSON-ready data (:func:`lumoflow.analytics.report.report_data`),
the same guarded data as ``--format json``, so the formats agree by construction: what the data
hides, the page cannot show. The verdict and its evidence come first, then one section per
question, each opening with one plain sentence. Every term is explained on hover and in the
glossary at the end; charts are Vega-Lite specs from :mod:`lumoflow.charts` rendered to SVG.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from lumoflow.analytics import html_sections
from lumoflow.analytics.glossary import TERMS
from lumoflow.analytics.html_page import Page, esc
from lumoflow.charts import numbers

CSS = """
*{box-sizing:border-box}
body{font:16px/1.55 "Liberation Sans",Arial,Helvetica,sans-serif;color:#1d2733;margin:0;
background:#f5f7fa}
main{max-width:980px;margin:0 auto;padding:1.5em 1.2em 3em;background:#fff}
h1{font-size:1.6em;line-height:1.25;margin:.2em 0}
h2{font-size:1.25em;margin:2em 0 .4em;padding-top:.6em;border-top:1px solid #dde3ea}
h3{font-size:1em;margin:1.4em 0 .4em}
.sub{color:#5b6b7c;margin:.2em 0 1.2em}
.lead{font-size:1.08em}
abbr[title]{text-decoration:underline dotted #7c8b9a;cursor:help;white-space:nowrap}
.verdict li.weak{color:#5b6b7c}
.verdict{border-radius:10px;padding:1em 1.2em;margin:1em 0;border:1px solid}
.verdict .label{font-size:1.35em;font-weight:700;margin:0}
.v-fading{background:#fdecec;border-color:#f3b4b4}.v-fading .label{color:#9b1c1c}
.v-growing{background:#e7f8ee;border-color:#a7e3bd}.v-growing .label{color:#166534}
.v-stable{background:#eaf1ff;border-color:#b9cdf6}.v-stable .label{color:#1e3a8a}
.v-inconclusive{background:#fff6e0;border-color:#f1d189}.v-inconclusive .label{color:#8a5a00}
.v-too_little_data,.v-other{background:#f1f3f5;border-color:#d5dbe1}
.verdict ul{margin:.5em 0 0;padding-left:1.2em}
.pill{display:inline-block;padding:.05em .6em;border-radius:1em;font-size:.9em;font-weight:600;
white-space:nowrap}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:.7em;
margin:1em 0;padding:0}
.figures div{background:#f5f7fa;border-radius:8px;padding:.6em .8em;min-width:0}
.figures dt{font-size:.85em;color:#5b6b7c}
.figures dd{margin:0;font-size:1.35em;font-weight:700}
.figures dd abbr{white-space:normal}
.scroll{overflow-x:auto}
table{border-collapse:collapse;margin:.5em 0;font-size:.95em}
th,td{padding:.3em .8em .3em 0;text-align:left;border-bottom:1px solid #eef1f4;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1.2em 0}
figure svg{max-width:100%;height:auto;display:block}
figcaption{color:#5b6b7c;font-size:.9em;margin-top:.3em}
details summary{cursor:pointer;color:#2563eb;font-size:.9em}
.empty{color:#5b6b7c;font-style:italic}
dl.glossary{columns:2 320px;column-gap:2em;font-size:.9em}
dl.glossary div{break-inside:avoid;margin-bottom:.6em}dl.glossary dt{font-weight:700}
dl.glossary dd{margin:0}
footer{margin-top:2em;color:#5b6b7c;font-size:.9em}
.narrow{display:none}
@media (max-width:600px){body{font-size:15px}.wide{display:none}.narrow{display:block}
main{padding:1em .8em}h1{font-size:1.35em}
.figures{grid-template-columns:repeat(2,1fr)}.figures dd{font-size:1.15em}}
"""


def _period(inp: Mapping[str, Any], origin: str | None = None) -> tuple[str, int | None]:
    period = inp.get("period") or {}
    start, end = period.get("from"), period.get("to")
    if not start or not end:
        return ("no dates in the input" if inp.get("events") else ""), None
    first = dt.datetime.fromisoformat(str(start).replace("Z", "+00:00"))
    last = dt.datetime.fromisoformat(str(end).replace("Z", "+00:00")) - dt.timedelta(microseconds=1)
    monday = first.date() - dt.timedelta(days=first.weekday())
    weeks = (last.date() - monday).days // 7 + 1  # ISO weeks touched, as the charts count
    if origin is not None:
        first_week = numbers.week(first.date(), origin)
        return f"{first_week} to {numbers.week(last.date(), origin)} of the input", weeks
    return f"{numbers.day(first.date())} to {numbers.day(last.date())}", weeks


def _header(page: Page, source: str | None) -> tuple[str, str]:
    inp = page.data.get("input") or {}
    name = source or inp.get("source") or inp.get("format") or "interaction log"
    when, weeks = _period(inp, page.origin)
    title = f"Measurement report: {name}"
    facts = [when + (f" ({weeks} weeks)" if weeks else "")] if when else []
    members = (page.data.get("participation") or {}).get("members")
    counts = (
        (inp.get("selected_events", inp.get("events")), "events"),
        (inp.get("people") or members, "people"),
        (inp.get("workspaces"), "workspaces"),
    )
    facts += [f"{numbers.count(n)} {what}" for n, what in counts if numbers.is_number(n) and n]
    if inp.get("workspace"):
        facts.append(f"workspace {page.workspace(str(inp['workspace']))}")
    note = ""
    if page.origin:
        note = (
            "<p class='sub'>The input's times are offsets from its start, not dates: weeks are "
            "numbered from its first week, and no calendar date in this report is real.</p>"
        )
    head = (
        f"<header><h1>{esc(title)}</h1><p class='sub'>{esc(' · '.join(facts))}</p>{note}</header>"
    )
    return head, esc(title)


def _glossary(page: Page) -> str:
    if not page.used:
        return ""
    items = "".join(
        f'<div><dt id="g-{k}">{esc(TERMS[k][0])}</dt><dd>{esc(TERMS[k][1])}</dd></div>'
        for k in sorted(page.used, key=lambda k: TERMS[k][0].lower())
    )
    return f'<section id="glossary"><h2>Glossary</h2><dl class="glossary">{items}</dl></section>'


def _footer(page: Page) -> str:
    privacy = page.data.get("privacy") or {}
    hidden = int(privacy.get("suppressed_groups") or 0)
    text = (
        f"Privacy: figures about fewer than {page.min_group_size} people are never shown"
        + (
            f" ({numbers.count(hidden)} {'group' if hidden == 1 else 'groups'} hidden)"
            if hidden
            else ""
        )
        + ". People appear by name only when asked for."
    )
    same = "Made by LumoFlow from the same data as its JSON output."
    return f"<footer><p>{esc(text)}</p><p>{same}</p></footer>"


SECTIONS: tuple[Callable[[Page], str], ...] = (
    html_sections.verdict,
    html_sections.participation,
    html_sections.responsiveness,
    html_sections.relevance,
    html_sections.network,
    html_sections.value,
)


def render_html(data: Mapping[str, Any], *, source: str | None = None) -> str:
    """Render the report's JSON-ready data as one self-contained HTML page.

    ``source`` names the input in the title (the file or folder measured); without it the
    input's own source or format is used.
    """
    page = Page(data)
    name = Path(source).name if source else None
    header, title = _header(page, name)
    selection = (page.data.get("privacy") or {}).get("selection") or {}
    if selection.get("suppressed"):
        reason = selection.get("reason") or "The selection holds too few people to be shown."
        body = f'<section id="withheld"><p class="lead">{esc(reason)}</p></section>'
    else:
        body = "".join(render(page) for render in SECTIONS)
    return (
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{title}</title><style>{CSS}</style></head><body><main>"
        f"{header}{body}{_glossary(page)}{_footer(page)}</main></body></html>\n"
    )
