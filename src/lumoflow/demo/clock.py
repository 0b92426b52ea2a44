"""Time for the demo: weeks relative to `until`, local working hours, weekends and holidays.

Times are int64 Unix seconds (UTC) in numpy arrays; each person works 08:00–18:30 local time on
weekdays, except on their location's holidays.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, timedelta

import numpy as np

from .company import LOCATIONS, holidays

DAY = 86400
HOUR = 3600
WORK_START = 8 * HOUR
WORK_END = 18 * HOUR + 1800
#: Company-wide seasonal dip per week (summer holidays in July; Christmas weeks below).
SEASON = {7: 0.8}


def _offset(tz: zoneinfo.ZoneInfo, day: date) -> int:
    """Seconds east of UTC at noon on `day`."""
    noon = datetime.combine(day, datetime.min.time()) + timedelta(hours=12)
    delta = tz.utcoffset(noon)
    return int(delta.total_seconds()) if delta is not None else 0


class Clock:
    """The demo period [start, end) with its weeks, offsets and days off per location."""

    def __init__(self, start: date, end: datetime) -> None:
        self.start = start
        self.start_ts = int(datetime.combine(start, datetime.min.time(), UTC).timestamp())
        self.end_ts = int(end.timestamp())
        self.monday = start - timedelta(days=start.weekday())
        self.day0 = (self.monday - date(1970, 1, 1)).days
        last = end.date() + timedelta(days=90)  # room to push replies past the end
        self.ndays = (last - self.monday).days + 1
        self.weeks = ((end.date() - self.monday).days // 7) + 1
        self.offset = np.zeros((len(LOCATIONS), self.ndays), dtype=np.int64)
        self.off_day = np.zeros((len(LOCATIONS), self.ndays), dtype=bool)
        self._lists: tuple[list[list[int]], list[list[bool]]] | None = None
        days = [self.monday + timedelta(days=i) for i in range(self.ndays)]
        for li, loc in enumerate(LOCATIONS):
            tz = zoneinfo.ZoneInfo(loc.time_zone)
            self.offset[li] = [_offset(tz, d) for d in days]
            hol = holidays(loc, days[0], days[-1])
            self.off_day[li] = [d.weekday() >= 5 or d in hol for d in days]

    def week_of(self, ts: np.ndarray | int) -> np.ndarray:
        return (np.asarray(ts) // DAY - self.day0) // 7

    def season(self) -> np.ndarray:
        """A multiplier per week: fewer posts around Christmas and in the summer."""
        out = np.ones(self.weeks)
        for t in range(self.weeks):
            d = self.monday + timedelta(days=7 * t + 3)
            out[t] = SEASON.get(d.month, 1.0) * (0.6 if (d.month, d.day) >= (12, 22) else 1.0)
            if d.month == 1 and d.day <= 3:
                out[t] = 0.6
        return out

    def local_time(
        self, loc: np.ndarray, week: np.ndarray, weekday: np.ndarray, sec: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """UTC seconds of a local weekday/time in a week, and whether that day is a day off."""
        idx = np.clip(week * 7 + weekday, 0, self.ndays - 1)
        ts = (self.day0 + idx) * DAY + sec - self.offset[loc, idx]
        return ts.astype(np.int64), self.off_day[loc, idx]

    def snap(self, ts: np.ndarray, loc: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Move times outside a person's working hours to their next working morning."""
        ts = np.asarray(ts, dtype=np.int64).copy()
        loc = np.asarray(loc)
        for _ in range(6):
            idx = np.clip(ts // DAY - self.day0, 0, self.ndays - 1)
            local = ts + self.offset[loc, idx]
            lday = local // DAY - self.day0
            lday = np.clip(lday, 0, self.ndays - 1)
            sec = local % DAY
            off = self.off_day[loc, lday]
            early = (sec < WORK_START) & ~off
            late = (sec >= WORK_END) | off
            if not (early.any() or late.any()):
                break
            morning = WORK_START + rng.integers(0, 2 * HOUR, size=ts.shape)
            nd = np.clip(lday + late, 0, self.ndays - 1)
            moved = (self.day0 + nd) * DAY + morning - self.offset[loc, nd]
            ts = np.where(early | late, moved, ts)
        return ts

    def snap1(self, ts: int, loc: int, u: float) -> int:
        """`snap` for one time (pure Python: the planner calls it once per reply)."""
        if self._lists is None:
            self._lists = (self.offset.tolist(), self.off_day.tolist())
        offset, off_day = self._lists[0][loc], self._lists[1][loc]
        last = self.ndays - 1
        ts = int(ts)
        for _ in range(6):
            i = min(max(ts // DAY - self.day0, 0), last)
            local = ts + offset[i]
            lday = min(max(local // DAY - self.day0, 0), last)
            sec = local % DAY
            if not off_day[lday] and WORK_START <= sec < WORK_END:
                return ts
            nd = lday if (not off_day[lday] and sec < WORK_START) else min(lday + 1, last)
            ts = (self.day0 + nd) * DAY + WORK_START + int(u * 2 * HOUR) - offset[nd]
        return ts

    @staticmethod
    def dt(ts: int) -> datetime:
        return datetime.fromtimestamp(int(ts), UTC)
