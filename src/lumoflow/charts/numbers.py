"""Numbers written for people: counts with separators, percentages, hours, two significant digits.

One set of rules for every chart, table and sentence, so that a figure reads the same wherever it
appears and is compared the way it is written (no "rose from 37 to 37").
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TypeGuard

MINUS = "\u2212"


def _sign(text: str) -> str:
    return text.replace("-", MINUS)


def is_number(value: object) -> TypeGuard[int | float]:
    """True for an int or a finite float (not a bool, not ``None``, not NaN)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value)


def count(value: float) -> str:
    """A count, rounded to a whole number, with thousands separators.

    >>> count(25571), count(3.6)
    ('25,571', '4')
    """
    return _sign(f"{round(value):,}")


def decimal(value: float) -> str:
    """Two significant digits (whole numbers from 100 up), never scientific notation.

    >>> decimal(0.32856075697211157), decimal(0.024706150522288955), decimal(-16.02)
    ('0.33', '0.025', '−16')
    >>> decimal(142.6), decimal(0.0071), decimal(-0.004), decimal(2.0)
    ('143', 'under 0.01', 'between −0.01 and 0', '2')
    """
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return count(value)
    if abs(value) < 0.01:
        return "under 0.01" if value > 0 else "between −0.01 and 0"
    digits = max(0, 1 - math.floor(math.log10(abs(value))))
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return _sign(text)


def share(value: float) -> str:
    """A share of a whole as a percentage: whole percents from 10%, one decimal below.

    >>> share(0.4123), share(0.045), share(0.0004), share(0.0), share(1.0)
    ('41%', '4.5%', 'under 0.1%', '0%', '100%')
    """
    pct = value * 100
    if pct == 0:
        return "0%"
    if 0 < pct < 0.1:
        return "under 0.1%"
    if abs(pct) >= 10 or float(round(pct)) == round(pct, 1):
        return _sign(f"{round(pct)}%")
    return _sign(f"{pct:.1f}%")


def change(value: float) -> str:
    """A relative change with its sign: ``+25%``, ``−97%``.

    >>> change(0.25), change(-0.9712), change(0.0)
    ('+25%', '−97%', '0%')
    """
    if round(value * 100) == 0:
        return "0%"
    return ("+" if value > 0 else "") + share(value)


def hours(value: float) -> str:
    """A duration given in hours: minutes under one hour, days noted from three days.

    >>> hours(0.25), hours(3.46), hours(37.2), hours(130.0)
    ('15 min', '3.5 h', '37 h', '130 h (5.4 days)')
    """
    if value < 1:
        return f"{max(1, round(value * 60))} min"
    text = f"{decimal(value) if value < 10 else count(value)} h"
    if value >= 72:
        text += f" ({decimal(value / 24)} days)"
    return text


def p_value(value: float) -> str:
    """A p-value as people read it in a report.

    >>> p_value(0.0004), p_value(0.0612)
    ('p < 0.01', 'p = 0.06')
    """
    return "p < 0.01" if value < 0.01 else f"p = {value:.2f}"


def day(value: dt.date | str) -> str:
    """A day written out: ``4 March 2024``.

    >>> day("2024-03-04"), day("2024-03-04T00:00:00Z")
    ('4 March 2024', '4 March 2024')
    """
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value.day} {value:%B %Y}"


def week(value: dt.date | str, origin: dt.date | str | None = None) -> str:
    """A week named by its Monday, or numbered from ``origin`` when times are offsets.

    >>> week("2024-03-04"), week("2000-01-17", origin="2000-01-01")
    ('the week of 4 March 2024', 'week 4')
    """
    if origin is None:
        return f"the week of {day(value)}"
    return f"week {week_number(value, origin)}"


def week_number(value: dt.date | str, origin: dt.date | str) -> int:
    """The week's number counted from the week holding ``origin`` (that week is week 1)."""
    start, first = (
        dt.date.fromisoformat(v[:10]) if isinstance(v, str) else v for v in (value, origin)
    )
    return ((start - first).days + first.weekday()) // 7 + 1


def figure(value: object, kind: str = "decimal") -> str:
    """Format ``value`` by ``kind`` (count, decimal, share, change, hours); "n/a" when absent.

    >>> figure(None), figure(0.5, "share"), figure(float("nan")), figure(3, "count")
    ('n/a', '50%', 'n/a', '3')
    """
    if not is_number(value):
        return "n/a"
    return {"count": count, "share": share, "change": change, "hours": hours}.get(kind, decimal)(
        value
    )
