"""`{% chart spec %}`: the interactive container, its spec as JSON, the static SVG, the words."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.cache import caches
from django.template import Context, Template, TemplateSyntaxError

from lumoflow.charts import group_bars, sparkline, weekly_chart
from lumoflow.core.charts import page_spec, spec_key


def _render(source: str, **context: Any) -> str:
    return Template("{% load charts %}" + source).render(Context(context))


def _spec() -> dict[str, Any]:
    return weekly_chart(
        [
            {"week": "2024-03-04", "value": 6, "suppressed": False},
            {"week": "2024-03-11", "value": None, "suppressed": True},
            {"week": "2024-03-18", "value": 0, "suppressed": False},
        ],
        title="Active people",
        y_title="people",
    )


def _json(html: str, element_id: str) -> Any:
    found = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert found, f"no JSON script {element_id}"
    return json.loads(found.group(1))


def test_a_chart_has_its_container_spec_static_svg_and_text_alternative() -> None:
    # given
    spec = _spec()
    # when
    html = _render("{% chart spec %}", spec=spec)
    # then: the figure points at its spec, which is the chart's own (less the table)
    figure = re.search(r'<figure class="chart" id="([^"]+)" data-chart="([^"]+)">', html)
    assert figure and figure.group(2) == figure.group(1) + "-spec"
    assert _json(html, figure.group(2)) == page_spec(spec)
    assert "usermeta" not in _json(html, figure.group(2))
    # the static SVG is an image named by the sentence under it
    caption = f"{figure.group(1)}-caption"
    assert re.search(rf'<svg role="img" aria-labelledby="{caption}" ', html)
    assert f'<figcaption id="{caption}">{spec["description"]}</figcaption>' in html
    # the data, hidden week included, as a table behind a disclosure
    assert "<summary>Active people: the data as a table</summary>" in html
    cells = re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", html.split("<details")[1])
    assert cells == [
        "Week of", "People",
        "4 March 2024", "6",
        "11 March 2024", "fewer than 5 people",
        "18 March 2024", "0",
    ]  # fmt: skip


def test_title_sentence_and_table_can_be_given() -> None:
    rows = [{"Stage": "Readers", "People": "40"}, {"Stage": "Posters", "People": "8"}]
    html = _render(
        '{% chart spec title="Funnel" sentence="Forty read, eight posted." table=rows %}',
        spec=_spec(),
        rows=rows,
    )
    assert "Forty read, eight posted.</figcaption>" in html
    assert "<summary>Funnel: the data as a table</summary>" in html
    cells = re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", html.split("<details")[1])
    assert cells == ["Stage", "People", "Readers", "40", "Posters", "8"]


def test_rows_alone_take_the_spec_columns() -> None:
    html = _render("{% chart spec table=rows %}", spec=_spec(), rows=[["1 April 2024", "9"]])
    cells = re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", html.split("<details")[1])
    assert cells == ["Week of", "People", "1 April 2024", "9"]


def test_without_static_svg_the_page_says_the_chart_needs_javascript() -> None:
    html = _render("{% chart spec static=False %}", spec=_spec())
    assert "<svg" not in html
    assert "<noscript>" in html and "its data is in the table below" in html


def test_the_same_chart_twice_on_a_page_gets_two_ids() -> None:
    html = _render("{% chart spec %}{% chart spec %}", spec=_spec())
    ids = re.findall(r'<figure class="chart" id="([^"]+)"', html)
    assert len(ids) == 2 and ids[1] == ids[0] + "-2"
    assert len(set(re.findall(r'<script id="([^"]+)"', html))) == 2


def test_text_from_the_data_cannot_close_the_json_or_the_page() -> None:
    evil = "</script><script>alert(1)</script>"
    spec = group_bars([{"group": evil, "value": 0.5, "suppressed": False}], title="t", x_title="x")
    html = _render("{% chart spec %}", spec=spec)
    assert "<script>alert" not in html
    assert html.count("<script") == 1  # the spec's own JSON element, nothing else
    figure_id = re.search(r'data-chart="([^"]+)"', html)
    assert figure_id
    assert evil in json.dumps(_json(html, figure_id.group(1)))


def test_the_static_svg_is_kept_by_the_spec_content() -> None:
    spec = _spec()
    key = "chart-svg:" + spec_key(spec)
    caches["fragments"].delete(key)
    _render("{% chart spec %}", spec=spec)
    svg = caches["fragments"].get(key)
    assert svg and svg.lstrip().startswith("<svg")
    # another figure is another spec, so another key
    other = weekly_chart(
        [{"week": "2024-03-04", "value": 7, "suppressed": False}], title="Active people",
        y_title="people",
    )  # fmt: skip
    assert spec_key(other) != spec_key(spec)


@pytest.mark.parametrize("value", [None, "", {}, [1, 2]])
def test_a_chart_without_a_spec_fails_loudly(value: Any) -> None:
    with pytest.raises(TemplateSyntaxError, match="needs a Vega-Lite spec"):
        _render("{% chart spec %}", spec=value)


def test_a_sparkline_is_named_by_the_title_it_does_not_draw() -> None:
    spec = sparkline([{"week": "2024-03-04", "value": 3, "suppressed": False}], title="Replies")
    html = _render("{% chart spec %}", spec=spec)
    assert "<summary>Replies: the data as a table</summary>" in html
