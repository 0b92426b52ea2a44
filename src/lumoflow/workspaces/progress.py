"""Key-result progress and objective status: pure arithmetic, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Status:
    """Progress of a key result against the elapsed share of its objective's period."""

    progress: float
    elapsed: float
    label: str  # on_track, at_risk, off_track

    @property
    def percent(self) -> int:
        return round(self.progress * 100)


def progress(current: float, baseline: float, target: float) -> float:
    """Return (current − baseline)/(target − baseline), clamped to 0–1.

    >>> progress(15, 10, 20)
    0.5
    >>> progress(5, 10, 0)   # a decrease target: 10 → 0, now at 5
    0.5
    >>> progress(30, 10, 20)
    1.0
    """
    if target == baseline:
        raise ValueError("target must differ from baseline")
    return min(1.0, max(0.0, (current - baseline) / (target - baseline)))


def elapsed_share(start: date, end: date, today: date) -> float:
    """Share of the period [start, end] that has passed on `today`, clamped to 0–1."""
    total = (end - start).days
    if total <= 0:
        return 1.0
    return min(1.0, max(0.0, (today - start).days / total))


def status(
    current: float,
    baseline: float,
    target: float,
    start: date,
    end: date,
    today: date,
    *,
    on_track_margin: float = 0.1,
    at_risk_margin: float = 0.3,
) -> Status:
    """Classify: on track when progress ≥ elapsed − 0.1, at risk when ≥ elapsed − 0.3, else off.

    >>> status(15, 10, 20, date(2026, 1, 1), date(2026, 1, 11), date(2026, 1, 6)).label
    'on_track'
    >>> status(11, 10, 20, date(2026, 1, 1), date(2026, 1, 11), date(2026, 1, 9)).label
    'off_track'
    """
    p = progress(current, baseline, target)
    e = elapsed_share(start, end, today)
    if p >= e - on_track_margin:
        label = "on_track"
    elif p >= e - at_risk_margin:
        label = "at_risk"
    else:
        label = "off_track"
    return Status(progress=p, elapsed=e, label=label)
