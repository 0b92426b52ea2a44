"""The calendar period a report covers: a year (`2026`), a quarter (`2026-Q3`), a month
(`2026-09`), or a range of them (`2026-07..2026-Q4`).

Pure: no database. `parse_period` raises `Invalid` with one sentence naming the value for an
unknown form, a reversed range, a period that starts after today or one longer than the
longest the engine measures; a period still under way ends today ("to date").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from lumoflow.core.errors import Invalid

#: The longest period a report covers (the engine's limit: `measure.queries.MAX_PERIOD_DAYS`).
MAX_DAYS = 3 * 366
_FORM = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|(\d{2})))?$", re.IGNORECASE)
FORMS = "a year (2026), a quarter (2026-Q3), a month (2026-09) or a range (2026-07..2026-09)"
MONTHS = [calendar.month_name[m] for m in range(13)]
_ONE = r"(?:19[7-9][0-9]|[2-9][0-9]{3})(?:-(?:[Qq][1-4]|0[1-9]|1[0-2]))?"
#: The forms as a pattern (the API states it; the calendar's checks come after).
PATTERN = f"^(?:{_ONE}(?:\\.\\.{_ONE})?)?$"


@dataclass(frozen=True)
class ReportPeriod:
    """A report's period: the key asked for (normalised), its name and its days (both
    included), and whether it was cut at today."""

    key: str
    label: str
    start: dt.date
    end: dt.date
    to_date: bool = False

    @property
    def days(self) -> str:
        """The days in words: 1 July – 30 September 2026."""
        a, b = self.start, self.end
        first = f"{a.day} {MONTHS[a.month]}" + ("" if a.year == b.year else f" {a.year}")
        return f"{first} – {b.day} {MONTHS[b.month]} {b.year}"

    @property
    def slug(self) -> str:
        """The key as a file name's part: 2026-Q3, 2026-07..2026-09 → 2026-07-to-2026-09."""
        return self.key.replace("..", "-to-")


def _one(text: str) -> tuple[str, str, dt.date, dt.date]:
    """(key, label, first day, last day) of one year, quarter or month."""
    m = _FORM.match(text.strip())
    if m is None:
        raise Invalid(f"Unknown period '{text}': give {FORMS}.", errors={"period": [FORMS]})
    year = int(m.group(1))
    if m.group(2):
        q = int(m.group(2))
        start = dt.date(year, 3 * q - 2, 1)
        end = dt.date(year, 3 * q, calendar.monthrange(year, 3 * q)[1])
        return f"{year}-Q{q}", f"Q{q} {year}", start, end
    if m.group(3):
        month = int(m.group(3))
        if not 1 <= month <= 12:
            raise Invalid(
                f"Unknown period '{text}': there is no month {month}.",
                errors={"period": [f"There is no month {month}."]},
            )
        end = dt.date(year, month, calendar.monthrange(year, month)[1])
        return f"{year}-{month:02d}", f"{MONTHS[month]} {year}", dt.date(year, month, 1), end
    if year < 1970:
        raise Invalid(f"Unknown period '{text}': no activity before 1970.")
    return str(year), str(year), dt.date(year, 1, 1), dt.date(year, 12, 31)


def parse_period(text: str, *, today: dt.date) -> ReportPeriod:
    """The period `text` names, cut at `today` (UTC) when still under way.

    >>> p = parse_period("2026-q3", today=dt.date(2026, 12, 7))
    >>> (p.key, p.label, p.start, p.end, p.days)
    ('2026-Q3', 'Q3 2026', datetime.date(2026, 7, 1), datetime.date(2026, 9, 30), '1 July – 30 September 2026')
    >>> parse_period("2026", today=dt.date(2026, 12, 7)).to_date
    True
    >>> parse_period("2026-09..2026-07", today=dt.date(2026, 12, 7))
    Traceback (most recent call last):
    ...
    lumoflow.core.errors.Invalid: The period '2026-09..2026-07' is reversed: September 2026 comes after July 2026.
    """  # noqa: E501
    text = (text or "").strip()
    if ".." in text:
        first, _, last = text.partition("..")
        k1, l1, start, _ = _one(first)
        k2, l2, s2, end = _one(last)
        if start > s2:
            raise Invalid(
                f"The period '{text}' is reversed: {l1} comes after {l2}.",
                errors={"period": [f"{l1} comes after {l2}."]},
            )
        key, label = f"{k1}..{k2}", f"{l1} to {l2}"
    else:
        key, label, start, end = _one(text)
    if start > today:
        raise Invalid(
            f"The period '{text}' is in the future: it starts on {start}, after today "
            f"({today}, UTC).",
            errors={"period": [f"It starts on {start}, after today ({today})."]},
        )
    to_date = end >= today
    end = min(end, today)
    if (end - start).days + 1 > MAX_DAYS:
        raise Invalid(
            f"The period '{text}' is longer than 3 years: ask for less.",
            errors={"period": ["Longer than 3 years."]},
        )
    return ReportPeriod(key, label + (" to date" if to_date else ""), start, end, to_date)


def last_complete_quarter(today: dt.date) -> str:
    """The key of the last quarter that ended before `today`: the report's default.

    >>> last_complete_quarter(dt.date(2026, 12, 7)), last_complete_quarter(dt.date(2026, 1, 1))
    ('2026-Q3', '2025-Q4')
    """
    q = (today.month - 1) // 3  # quarters of this year already over
    return f"{today.year}-Q{q}" if q else f"{today.year - 1}-Q4"


def last_complete_month(today: dt.date) -> str:
    """The key of the last month that ended before `today`.

    >>> last_complete_month(dt.date(2026, 12, 7)), last_complete_month(dt.date(2026, 1, 1))
    ('2026-11', '2025-12')
    """
    return f"{today.year}-{today.month - 1:02d}" if today.month > 1 else f"{today.year - 1}-12"


def recent_periods(today: dt.date, *, quarters: int = 4, months: int = 3) -> list[str]:
    """The periods a page offers: the last complete quarters, the last complete months, and
    this year and last year (to date).

    >>> recent_periods(dt.date(2026, 12, 7), quarters=2, months=2)
    ['2026-Q3', '2026-Q2', '2026-11', '2026-10', '2026', '2025']
    """
    out = []
    year, q = today.year, (today.month - 1) // 3
    for _ in range(quarters):
        if q == 0:
            year, q = year - 1, 4
        out.append(f"{year}-Q{q}")
        q -= 1
    year, month = today.year, today.month
    for _ in range(months):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        out.append(f"{year}-{month:02d}")
    return [*out, str(today.year), str(today.year - 1)]
