"""Charts: Vega-Lite specs from plain data, rendered to SVG by vl-convert, with text in words."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
from typing import Any

import pytest

import lumoflow.charts as pkg
from lumoflow.charts import (
    FUNNEL_STEPS,
    department_reach,
    group_bars,
    participation_funnel,
    sparkline,
    text_alternative,
    to_svg,
    trend_line,
    weekly_chart,
)
from lumoflow.charts.style import ACCENT

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


# -- target line, sparkline, funnel, department reach -------------------------------------------


def _marks(svg: str, mark: str) -> list[str]:
    """The inner SVG of each group of ``mark`` (rule, line, rect, symbol, text…)."""
    return re.findall(rf'<g class="mark-{mark} role-mark[^"]*"[^>]*>(.*?)</g>', svg, re.S)


def test_a_target_is_a_named_level_the_axis_reaches() -> None:
    # given weekly shares all under the target
    spec = weekly_chart(_weeks(0.2, 0.3, 0.25), title="t", y_title="active", kind="share",
                        target=0.6)  # fmt: skip
    # when
    svg = to_svg(spec)
    # then: the level is drawn and named, and the axis runs up to it
    assert "target 60%" in _texts(svg)
    assert "60%" in _texts(svg)
    assert spec["description"].endswith("; target 60%.")
    # no target, no level
    plain = to_svg(weekly_chart(_weeks(0.2, 0.3, 0.25), title="t", y_title="a", kind="share"))
    assert not any(t.startswith("target") for t in _texts(plain))


def test_a_sparkline_has_no_axes_and_leaves_gaps_for_missing_weeks() -> None:
    # given a hidden week and a week without data between shown ones
    points = _weeks(4, 6, 5, 7, 8)
    points[1] = {"week": points[1]["week"], "value": None, "suppressed": True}
    points[3] = {"week": points[3]["week"], "value": None, "suppressed": False}
    # when
    spec = sparkline(points, title="Active people", target=6)
    svg = to_svg(spec)
    # then: nothing written, no zero anywhere, three runs of the line
    assert _texts(svg) == []
    line_layer = next(part for part in spec["layer"] if part["mark"]["type"] == "line")
    data = _values(spec, line_layer)
    assert [r["value"] for r in data] == [4, 5, 8]
    assert [r["run"] for r in data] == [1, 2, 3]
    sentence, _, rows = text_alternative(spec)
    assert [r[1] for r in rows] == ["4", "fewer than 5 people", "5", "no data", "8"]
    assert sentence.startswith("Active people over 5 weeks: first 4, last 8")
    assert "1 week hidden" in sentence and "target 6" in sentence


def test_a_hidden_week_is_a_gap_in_a_sparkline_even_with_a_value() -> None:
    points = [{**p, "suppressed": i == 1} for i, p in enumerate(_weeks(4, 6, 5))]
    spec = sparkline(points, title="t")
    line_layer = next(part for part in spec["layer"] if part["mark"]["type"] == "line")
    assert [r["value"] for r in _values(spec, line_layer)] == [4, 5]


FUNNEL = [
    {"step": "readers", "value": 140, "suppressed": False},
    {"step": "reactors", "value": 62, "suppressed": False},
    {"step": "repliers", "value": None, "suppressed": True},
    {"step": "posters", "value": 9, "suppressed": False},
]


def test_the_funnel_keeps_its_order_and_draws_no_bar_for_a_hidden_step() -> None:
    spec = participation_funnel(FUNNEL, min_group_size=7)
    svg = to_svg(spec)
    texts = _texts(svg)
    assert [t for t in texts if t in FUNNEL_STEPS.values()] == [
        "Read", "Reacted", "Replied", "Posted"
    ]  # fmt: skip
    assert _marks(svg, "rect")[0].count("<path") == 3
    assert "fewer than 7 people" in texts and "62 (44%)" in texts
    _, columns, rows = text_alternative(spec)
    assert columns == ["Step", "People", "Share of the first step"]
    assert rows[2] == ["Replied", "fewer than 7 people", ""]


def test_the_funnel_takes_the_engines_shape_as_it_is() -> None:
    engine = {
        s["step"]: {"value": s["value"], "people": s["value"], "suppressed": s["suppressed"]}
        for s in FUNNEL
    }
    assert participation_funnel(engine) == participation_funnel(FUNNEL)


def test_a_funnel_whose_first_step_is_hidden_shows_no_shares() -> None:
    steps = [{**FUNNEL[0], "value": None, "suppressed": True}, *FUNNEL[1:]]
    spec = participation_funnel(steps)
    assert [r[2] for r in text_alternative(spec)[2]] == ["", "", "", ""]
    assert "%" not in spec["description"]


DEPARTMENTS = [
    {"department": "Legal", "value": 0, "suppressed": False},
    {"department": "Engineering", "value": 0.35, "suppressed": False},
    {"department": "Ops", "value": None, "suppressed": True},
    {"department": "Sales", "value": 0.6, "suppressed": False},
]


def test_departments_that_never_took_part_stand_apart_from_hidden_ones() -> None:
    spec = department_reach(DEPARTMENTS)
    svg = to_svg(spec)
    texts = _texts(svg)
    # order: most reached, never reached, hidden
    names = [t for t in texts if t in {"Legal", "Engineering", "Ops", "Sales"}]
    assert names == ["Sales", "Engineering", "Legal", "Ops"]
    # bars for the two that took part; a marker of its own colour, in the legend, for Legal
    assert _marks(svg, "rect")[0].count("<path") == 2
    symbols = [m for m in _marks(svg, "symbol") if ACCENT in m]
    assert len(symbols) == 1 and symbols[0].count("<path") == 1
    assert texts.count("never took part") == 2  # the legend and the label at the marker
    assert "fewer than 5 people" in texts
    sentence, _, rows = text_alternative(spec)
    assert "2 of 4 departments took part" in sentence and "never took part: Legal" in sentence
    assert rows == [
        ["Sales", "60%"], ["Engineering", "35%"], ["Legal", "never took part"],
        ["Ops", "fewer than 5 people"],
    ]  # fmt: skip


def test_reach_without_absent_departments_has_no_legend() -> None:
    spec = department_reach([d for d in DEPARTMENTS if d["value"] != 0])
    assert "never took part" not in _texts(to_svg(spec))


def test_trend_line_is_withheld_when_the_trend_is() -> None:
    points = _weeks(5, 4, 3)
    assert trend_line({"sen_slope": None, "intercept": 5.0, "start": "2024-03-04"}, points) is None
    line = trend_line({"sen_slope": -1.0, "intercept": 5.0, "start": "2024-03-04"}, points)
    assert line is not None and [p["value"] for p in line] == [5.0, 4.0, 3.0]


def test_a_second_series_is_its_own_named_line_with_its_own_gaps() -> None:
    # given engaged beside active people, the engaged hidden in one week the active are not
    active = _weeks(30, 28, 25, 22)
    engaged = _weeks(12, 11, 9, 6, hidden=(2,))
    # when
    spec = weekly_chart(active, compare=engaged, names=("active", "engaged"), title="t",
                        y_title="people")  # fmt: skip
    svg = to_svg(spec)
    # then: both named in the legend, two runs of the second line, the table has both
    texts = _texts(svg)
    assert "active" in texts and "engaged" in texts
    second = [p for p in spec["layer"] if _values(spec, p) and "series" in _values(spec, p)[0]]
    assert [r["value"] for r in _values(spec, second[0])] == [12, 11, 6]
    assert [r["run"] for r in _values(spec, second[0])] == [1, 1, 2]
    sentence, columns, rows = text_alternative(spec)
    assert columns == ["Week of", "Active", "Engaged"]
    assert rows[2] == ["18 March 2024", "25", "fewer than 5 people"]
    assert sentence.endswith("; engaged: last shown 6 (1 week hidden).")


def test_a_second_series_over_other_weeks_is_refused() -> None:
    with pytest.raises(ValueError, match="same weeks"):
        weekly_chart(_weeks(1, 2, 3), compare=_weeks(1, 2), names=("a", "b"), title="t",
                     y_title="p")  # fmt: skip
