"""Charts: Vega-Lite specs from plain data, rendered to SVG by vl-convert, with text in words."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
from typing import Any

import pytest

import lumoflow.charts as pkg
from lumoflow.charts import group_bars, text_alternative, to_svg, weekly_chart

MODULES = sorted(m.name for m in pkgutil.iter_modules(pkg.__path__, pkg.__name__ + "."))


def _weeks(*values: float | None, hidden: tuple[int, ...] = ()) -> list[dict[str, Any]]:
    days = [f"2024-{3 + i // 4:02d}-{[4, 11, 18, 25][i % 4]:02d}" for i in range(len(values))]
    return [
        {"week": d, "value": None if i in hidden else v, "suppressed": i in hidden}
        for i, (d, v) in enumerate(zip(days, values, strict=True))
    ]


def _values(spec: dict[str, Any], part: dict[str, Any]) -> list[dict[str, Any]]:
    """The inline rows of one part of a spec (Altair moves them to ``datasets``)."""
    data = part["data"]
    return list(data["values"]) if "values" in data else list(spec["datasets"][data["name"]])


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_weekly_chart_is_a_vega_lite_spec_carrying_its_text_alternative() -> None:
    # given: four weeks, one of them empty
    spec = weekly_chart(_weeks(6, 8, 0, 7), title="Active people", y_title="people")
    # when
    sentence, columns, rows = text_alternative(spec)
    # then
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert sentence.startswith("Active people, 4 weeks from the week of 4 March 2024")
    assert "highest 8 (the week of 11 March 2024)" in sentence and "1 week at zero" in sentence
    assert columns == ["Week of", "People"]
    assert rows[2] == ["18 March 2024", "0"]


def test_zero_weeks_are_drawn_at_zero_and_hidden_weeks_as_a_labelled_band() -> None:
    # given: a zero week and two hidden weeks, threshold 7
    spec = weekly_chart(
        _weeks(9, 0, 3, 3, 8, hidden=(2, 3)), title="t", y_title="people", min_group_size=7
    )
    # when
    svg = to_svg(spec)
    # then: the zero is a point of the line, the hidden weeks one rect each, labelled
    data = _values(spec, spec["layer"][0])
    assert [r["state"] for r in data] == ["shown", "shown", "hidden", "hidden", "shown"]
    assert data[1]["value"] == 0 and data[2]["value"] is None
    band = re.search(r'<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)</g>', svg)
    assert band is not None and band.group(1).count("<path") == 2
    assert "fewer than 7 people (hidden)" in _texts(svg)
    assert ["25 March 2024", "fewer than 7 people"] in text_alternative(spec)[2]


def test_a_line_breaks_around_hidden_weeks_instead_of_bridging_them() -> None:
    spec = weekly_chart(_weeks(9, 8, 3, 8, 9, hidden=(2,)), title="t", y_title="people")
    svg = to_svg(spec)
    lines = re.findall(r'<g class="mark-line role-mark[^"]*"', svg)
    assert len(lines) == 2  # one path per run of shown weeks


def test_trend_and_changepoint_are_marked() -> None:
    trend = [{"week": "2024-03-04", "value": 10.0}, {"week": "2024-04-22", "value": 3.0}]
    spec = weekly_chart(
        _weeks(10, 11, 10, 9, 4, 3, 3, 2),
        title="t",
        y_title="people",
        trend=trend,
        changepoint="2024-04-01",
    )
    svg = to_svg(spec)
    assert "change: week of 1 April 2024" in _texts(svg)
    assert 'class="mark-rule role-mark' in svg
    assert "the level changed in the week of 1 April 2024" in text_alternative(spec)[0]


def test_shares_read_as_percentages_and_hours_as_hours() -> None:
    share = weekly_chart(_weeks(0.5, 0.25), title="t", y_title="on topic", kind="share")
    hours = weekly_chart(_weeks(0.5, 30.0), title="t", y_title="hours", kind="hours")
    assert "50%" in _texts(to_svg(share))
    assert [r[1] for r in text_alternative(share)[2]] == ["50%", "25%"]
    assert [r[1] for r in text_alternative(hours)[2]] == ["30 min", "30 h"]


def test_group_bars_leave_hidden_groups_out_of_the_drawing() -> None:
    groups = [
        {"group": "eng", "value": 0.4, "suppressed": False},
        {"group": "ops", "value": -0.2, "suppressed": False},
        {"group": "tiny", "value": None, "suppressed": True},
    ]
    spec = group_bars(groups, title="E-I index by department", x_title="E-I index")
    svg = to_svg(spec)
    assert [g["group"] for g in _values(spec, spec)] == ["eng", "ops"]
    assert "tiny" not in _texts(svg)
    sentence, _, rows = text_alternative(spec)
    assert "1 hidden (fewer than 5 people)" in sentence
    assert rows[-1] == ["tiny", "fewer than 5 people"]


def test_text_from_the_data_is_escaped_in_the_svg() -> None:
    groups = [{"group": "<script>alert(1)</script>", "value": 0.5, "suppressed": False}]
    svg = to_svg(group_bars(groups, title="t", x_title="x"))
    assert "<script" not in svg and "&lt;script&gt;" in svg


def test_svg_loads_nothing_from_outside() -> None:
    svg = to_svg(weekly_chart(_weeks(1, 2, 3), title="t", y_title="people"))
    assert svg.lstrip().startswith("<svg")
    outside = re.sub(r'xmlns(:\w+)?="http://www\.w3\.org/[^"]+"', "", svg)
    assert "http" not in outside and "<image" not in outside


def test_weeks_are_numbered_when_times_are_offsets_not_dates() -> None:
    # given: times placed at an origin (a Saturday) rather than real dates
    points = [
        {"week": w, "value": v, "suppressed": False}
        for w, v in (("1999-12-27", 5), ("2000-01-03", 7), ("2000-01-10", 6))
    ]
    # when
    spec = weekly_chart(
        points, title="t", y_title="people", changepoint="2000-01-03", origin="2000-01-01"
    )
    svg = to_svg(spec)
    # then: no calendar date anywhere, weeks counted from the origin's week
    sentence, columns, rows = text_alternative(spec)
    assert [r[0] for r in rows] == ["week 1", "week 2", "week 3"] and columns[0] == "Week"
    assert "from week 1 to week 3" in sentence and "changed in week 2" in sentence
    assert "change: week 2" in _texts(svg) and "week 1" in _texts(svg)
    assert not any(re.search(r"\b(2000|1999|Jan|Dec)\b", t) for t in _texts(svg))
