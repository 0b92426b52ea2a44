"""How pages show times and numbers, one filter per rule.

- `{{ moment|when }}`: a `<time>` element reading "just now", "5 min ago", "3 h ago", "Mon 14:05",
  then the date, with the exact local time on hover (`lumoflow.core.times`).
- `{{ value|number }}`: a figure without trailing zeros ("40", "12.5", "1,250"), never "40.000".
- `{{ share|percent }}`: a share of one as a percentage ("0.400" → "40%"; `charts.numbers`).
- `{{ view|key_result_reading }}`: a key result's current value against its target, in the
  direction it should move: "10 customers of 50 (from 0)" when it should go up, "12 incidents,
  target 6 (from 12)" when it should go down.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from lumoflow.charts import numbers
from lumoflow.core import times

register = template.Library()


@register.filter
def when(moment: Any) -> SafeString | str:
    """The moment in the one time format of the product, in a `<time>` element."""
    if moment is None or moment == "":
        return ""
    return mark_safe(times.time_tag(moment, timezone.now()))  # noqa: S308 (escaped in time_tag)


@register.filter
def number(value: Any) -> str:
    """A figure as people write it: at most two decimals, no trailing zeros, thousands grouped."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    text = f"{amount:,.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@register.filter
def percent(share: Any) -> str:
    """A share of one (0.4) as a percentage ("40%"), written as charts and reports write it."""
    if share is None or share == "":
        return ""
    return numbers.share(float(share))


@register.filter
def key_result_reading(view: Any) -> str:
    """The current value against the target, read in the key result's direction."""
    kr = view.key_result
    unit = f" {kr.unit}" if kr.unit else ""
    current, target, baseline = number(view.current), number(kr.target), number(kr.baseline)
    if kr.direction == "decrease":
        return f"{current}{unit}, target {target} (from {baseline})"
    return f"{current}{unit} of {target} (from {baseline})"
