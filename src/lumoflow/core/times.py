"""One way to show a moment: relative up to a week, then the date, in the viewer's time zone.

"just now", "5 min ago", "3 h ago" within a day; "Mon 14:05" within a week; "14 Oct 2026"
after that. The exact time is on hover: `time_tag` wraps the text in `<time datetime title>`.
Local times are the active time zone's (the viewer's, set per request by the middleware).
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from django.utils import timezone

MINUTE, HOUR, DAY = 60, 3600, 86400
WEEK = 7 * DAY


def ago(when: datetime, now: datetime) -> str:
    """The moment as people read it in a feed.

    >>> from datetime import UTC, timedelta
    >>> now = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    >>> [ago(now - d, now) for d in (timedelta(seconds=30), timedelta(minutes=5),
    ...  timedelta(hours=3), timedelta(days=2), timedelta(days=9))]
    ['just now', '5 min ago', '3 h ago', 'Sat 12:00', '28 Nov 2026']
    """
    seconds = int((now - when).total_seconds())
    if seconds < MINUTE:
        return "just now"
    if seconds < HOUR:
        return f"{seconds // MINUTE} min ago"
    if seconds < DAY:
        return f"{seconds // HOUR} h ago"
    local = timezone.localtime(when)
    if seconds < WEEK:
        return local.strftime("%a %H:%M")
    return local.strftime("%-d %b %Y")


def age_unchanged_for(when: datetime, now: datetime) -> float:
    """Seconds until `ago(when, now)` reads differently (a date never does: a day is given)."""
    seconds: float = (now - when).total_seconds()
    if seconds < MINUTE:
        return MINUTE - seconds
    if seconds < DAY:
        step = MINUTE if seconds < HOUR else HOUR
        return step - seconds % step
    if seconds < WEEK:
        return WEEK - seconds
    return float(DAY)


def exact(when: datetime) -> str:
    """The full local time, for the hover: "Mon 7 Dec 2026, 14:05"."""
    return timezone.localtime(when).strftime("%a %-d %b %Y, %H:%M")


def time_tag(when: datetime, now: datetime) -> str:
    """`ago` in a `<time>` element with the machine-readable moment and the exact local time."""
    return (
        f'<time datetime="{escape(when.isoformat())}" title="{escape(exact(when))}">'
        f"{escape(ago(when, now))}</time>"
    )
