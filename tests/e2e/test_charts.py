"""Charts in a page: vega-embed draws the spec in Chromium under a strict Content-Security-Policy.

The page is the site's base template with `{% chart %}` in it, served at the live server's
address (scripts and styles come from the live server's static files). Its policy allows scripts
and styles from the site only: no 'unsafe-eval', no 'unsafe-inline'. A chart that needed `eval`
or `new Function`, or added a <style> element, would log a violation.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template import RequestContext, Template
from django.test import RequestFactory

from lumoflow.charts import department_reach, participation_funnel, sparkline, weekly_chart
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.xdist_group("browser")

# The site's own policy (core.middleware.ContentSecurityPolicyMiddleware sends it on every page).
CSP = "; ".join(f"{k} {v}" for k, v in settings.LUMOFLOW_CONTENT_SECURITY_POLICY.items())
PAGE = """{% extends "base.html" %}{% load charts %}
{% block content %}<h1>Charts</h1>{% chart first %}{% chart second static=False %}
{% for spec in more %}{% chart spec %}{% endfor %}{% endblock %}"""


def _points(*values: float | None) -> list[dict[str, Any]]:
    weeks = ["2024-03-04", "2024-03-11", "2024-03-18", "2024-03-25", "2024-04-01", "2024-04-08"]
    return [
        {"week": w, "value": v, "suppressed": v is None} for w, v in zip(weeks, values, strict=True)
    ]


def _page_html() -> str:
    request = RequestFactory().get("/charts")
    request.user = AnonymousUser()
    first = weekly_chart(
        _points(9, 8, None, 6, 5, 3),
        title="People contributing each week",
        y_title="people",
        target=7,
        compare=_points(5, 6, None, 5, None, 2),
        names=("contributing", "replying"),
        trend=[{"week": "2024-03-04", "value": 9.5}, {"week": "2024-04-08", "value": 3.2}],
        changepoint="2024-03-25",
    )
    second = weekly_chart(_points(0.5, 0.4, 0.45, 0.3, 0.35, 0.2), title="On topic",
                          y_title="on topic", kind="share")  # fmt: skip
    more = [
        sparkline(_points(9, 8, None, 6, 5, 3), title="Active people", target=7),
        participation_funnel(
            [
                {"step": "readers", "value": 140, "suppressed": False},
                {"step": "reactors", "value": 62, "suppressed": False},
                {"step": "repliers", "value": None, "suppressed": True},
                {"step": "posters", "value": 9, "suppressed": False},
            ]
        ),
        department_reach(
            [
                {"department": "Sales", "value": 0.6, "suppressed": False},
                {"department": "Legal", "value": 0, "suppressed": False},
                {"department": "Ops", "value": None, "suppressed": True},
            ]
        ),
    ]
    context = RequestContext(request, {"first": first, "second": second, "more": more})
    return Template(PAGE).render(context)


def _open(page: Any, live_server: Any, html: str) -> list[str]:
    """Serve `html` at the live server's /charts under the policy; return console errors."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else 0)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route(
        f"{live_server.url}/charts",
        lambda route: route.fulfill(
            status=200,
            body=html,
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": CSP},
        ),
    )
    page.goto(f"{live_server.url}/charts")
    return errors


def test_vega_embed_draws_each_chart_without_eval_under_the_policy(
    page: Any, live_server: Any
) -> None:
    # given a page with two charts, one without a static SVG
    html = _page_html()
    # when
    errors = _open(page, live_server, html)
    drawn = page.locator("figure.chart.chart-drawn")
    try:
        drawn.nth(4).wait_for(timeout=20_000)
    except Exception as timeout:
        raise AssertionError(f"charts not drawn; console: {errors}") from timeout
    assert drawn.count() == 5
    # then: each figure holds one SVG, drawn in the browser (vega's renderer marks it), with
    # the same words as the static SVG drawn on the server (axis labels included: Vega's
    # expression interpreter reads some expressions differently from compiled JavaScript)
    static = [
        [unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", part)]
        for part in re.findall(r'<div class="chart-view">(.*?)</div>', html, re.S)
    ]
    figures = page.locator("figure.chart").all()
    for figure, words in zip(figures, static, strict=True):
        assert figure.locator(".chart-view svg").count() == 1
        svg = figure.locator(".chart-live svg.marks")
        assert svg.count() == 1 and svg.get_attribute("aria-labelledby")
        if figure != figures[1]:  # the one without a static SVG
            assert sorted(svg.locator("text").all_text_contents()) == sorted(words)
    texts = figures[0].locator(".chart-live svg text").all_text_contents()
    assert "People contributing each week" in texts and "11 Mar" in texts
    assert "change: week of 25 March 2024" in texts and "target 7" in texts
    assert any("fewer than 5 people" in t for t in texts)
    assert "never took part" in (figures[4].locator(".chart-live svg").text_content() or "")
    # a point's tooltip shows its week and figure (vega-tooltip, styled by app.css)
    figures[3].locator(".chart-live svg .mark-rect path").first.hover()
    tooltip = page.locator("#vg-tooltip-element.visible")
    tooltip.wait_for(timeout=5_000)
    assert "140 (100%)" in tooltip.inner_text()
    # the data table is behind its disclosure
    figures[0].locator("summary").click()
    assert figures[0].locator("table tbody tr").count() == 6
    screenshot(page, "charts")
    assert not errors, errors


def test_without_javascript_the_static_svg_and_the_table_remain(
    browser: Any, live_server: Any
) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        _open(page, live_server, _page_html())
        figures = page.locator("figure.chart")
        assert figures.nth(0).locator(".chart-view svg[role=img]").count() == 1
        assert figures.nth(1).locator(".chart-view svg").count() == 0
        assert "its data is in the table below" in figures.nth(1).inner_text()
    finally:
        context.close()


def test_on_a_phone_the_charts_fit_the_column(browser: Any, live_server: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    try:
        page = context.new_page()
        errors = _open(page, live_server, _page_html())
        page.locator("figure.chart.chart-drawn").nth(4).wait_for(timeout=20_000)
        column = page.locator("figure.chart").first.bounding_box()
        for svg in page.locator(".chart-live svg.marks").all():
            box = svg.bounding_box()
            assert box and column and box["width"] <= column["width"] + 1
        # drawn at the column's width, not a wide drawing scaled down
        width = page.locator(".chart-live svg.marks").first.get_attribute("width")
        assert width and column and abs(float(width) - column["width"]) <= 2
        screenshot(page, "charts-phone")
        assert not errors, errors
    finally:
        context.close()
