"""When the digests are due: the period each one covers and the moment it goes out, in the
organisation's time zone (LUMOFLOW_TIME_ZONE, LUMOFLOW_DIGEST_WEEKLY, LUMOFLOW_DIGEST_MONTHLY,
checked at start-up by the settings).

A period is named by its key: the weekly digest of ISO week 49 of 2026 is "2026-W49" (sent on
that week's Monday at 07:00 by default, about the week before), the monthly digest of December
2026 is "2026-12" (sent on the 1st at 07:00, about November). Only the current period is ever
due: a worker that was stopped over a whole period does not send a stale digest later.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

from django.conf import settings

WEEKLY, MONTHLY = "weekly", "monthly"
DIGESTS = (WEEKLY, MONTHLY)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Period:
    digest: str
    key: str  # "2026-W49" / "2026-12"
    due_at: dt.datetime  # aware, UTC


def _clock(text: str) -> dt.time:
    hour, minute = text.split(":")
    return dt.time(int(hour), int(minute))


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.LUMOFLOW_TIME_ZONE)


def current_period(digest: str, now: dt.datetime) -> Period:
    """The period of `digest` that `now` (aware) falls in, and when its digest is due."""
    zone = _zone()
    local = now.astimezone(zone)
    if digest == WEEKLY:
        day, clock = settings.LUMOFLOW_DIGEST_WEEKLY.split()
        monday = local.date() - dt.timedelta(days=local.weekday())
        year, week, _ = monday.isocalendar()
        send_day = monday + dt.timedelta(days=DAYS.index(day))
        key = f"{year}-W{week:02d}"
    elif digest == MONTHLY:
        day, clock = settings.LUMOFLOW_DIGEST_MONTHLY.split()
        send_day = local.date().replace(day=int(day))
        key = f"{local.year}-{local.month:02d}"
    else:
        raise ValueError(f"unknown digest {digest!r}")
    due = dt.datetime.combine(send_day, _clock(clock), tzinfo=zone)
    return Period(digest, key, due.astimezone(dt.UTC))


def due_periods(now: dt.datetime) -> list[Period]:
    """The digests whose current period's time has come at `now`."""
    return [p for p in (current_period(d, now) for d in DIGESTS) if p.due_at <= now]


def covered(period: Period) -> tuple[dt.date, dt.date]:
    """The days the digest of a period reports on (the week or month before it, both days
    included), in the organisation's time zone."""
    if (m := re.fullmatch(r"(\d{4})-W(\d{2})", period.key)) is not None:
        monday = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        return monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)
    year, month = (int(x) for x in period.key.split("-"))
    first = dt.date(year, month, 1)
    last = first - dt.timedelta(days=1)
    return last.replace(day=1), last
