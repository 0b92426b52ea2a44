"""The one time format and the number filters (core.times, core.templatetags.display)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.template import Context, Template
from django.utils import timezone

from lumoflow.core import times
from lumoflow.core.templatetags.display import key_result_reading, number, percent

NOW = datetime(2026, 12, 7, 13, 5, tzinfo=UTC)  # a Monday


@pytest.mark.parametrize(
    ("age", "text"),
    [
        (timedelta(seconds=0), "just now"),
        (timedelta(seconds=59), "just now"),
        (timedelta(minutes=5, seconds=30), "5 min ago"),
        (timedelta(minutes=59), "59 min ago"),
        (timedelta(hours=3, minutes=10), "3 h ago"),
        (timedelta(hours=23, minutes=59), "23 h ago"),
        (timedelta(days=1), "Sun 14:05"),
        (timedelta(days=6, hours=23), "Mon 15:05"),
        (timedelta(days=7), "30 Nov 2026"),
        (timedelta(days=400), "2 Nov 2025"),
    ],
)
def test_ago_is_relative_for_a_week_then_the_date_in_the_viewers_zone(
    age: timedelta, text: str
) -> None:
    with timezone.override("Europe/Oslo"):
        assert times.ago(NOW - age, NOW) == text


def test_age_unchanged_for_says_when_the_text_changes() -> None:
    for age in (5, 59, 61, 3599, 3601, 86399, 86401, 6 * 86400, 8 * 86400):
        when = NOW - timedelta(seconds=age)
        wait = times.age_unchanged_for(when, NOW)
        assert wait > 0
        later = NOW + timedelta(seconds=wait - 0.5)
        assert times.ago(when, later) == times.ago(when, NOW), age
        if age < 7 * 86400:  # a date reads the same for ever
            assert times.ago(when, NOW + timedelta(seconds=wait)) != times.ago(when, NOW), age


def test_when_filter_gives_a_time_element_with_the_exact_time_on_hover() -> None:
    moment = NOW - timedelta(hours=3)
    with time_machine.travel(NOW, tick=False), timezone.override("Europe/Oslo"):
        html = Template("{% load display %}{{ moment|when }}").render(Context({"moment": moment}))
    assert html == (
        '<time datetime="2026-12-07T10:05:00+00:00" title="Mon 7 Dec 2026, 11:05">3 h ago</time>'
    )
    assert Template("{% load display %}{{ x|when }}").render(Context({"x": None})) == ""


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("40.000"), "40"), (12.5, "12.5"), (0.125, "0.13"), (1250, "1,250"), (-0.001, "0")],
)
def test_number_drops_trailing_zeros(value: Any, text: str) -> None:
    assert number(value) == text


@pytest.mark.parametrize(
    ("share", "text"), [(Decimal("0.400"), "40%"), (0.045, "4.5%"), (1, "100%")]
)
def test_percent_shows_a_share_as_a_percentage(share: Any, text: str) -> None:
    assert percent(share) == text


def _view(direction: str, baseline: float, target: float, current: float, unit: str) -> Any:
    kr = SimpleNamespace(
        direction=direction, baseline=baseline, target=target, unit=unit, metric_name="m"
    )
    return SimpleNamespace(key_result=kr, current=current)


def test_key_result_reading_follows_its_direction() -> None:
    assert key_result_reading(_view("increase", 0, 50, 10, "customers")) == (
        "10 customers of 50 (from 0)"
    )
    assert key_result_reading(_view("decrease", 12, 6, 12.0, "incidents")) == (
        "12 incidents, target 6 (from 12)"
    )
    assert key_result_reading(_view("increase", 0.0, 40.0, 12.5, "")) == "12.5 of 40 (from 0)"
