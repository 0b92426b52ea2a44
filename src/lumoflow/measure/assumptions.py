"""The organisation's value assumptions: what the value estimate rests on, and their limits.

Value is computed at read time from each stored result's counts (answered questions, views of
knowledge) under these assumptions (`analytics.value.estimate`), not stored with the result: an
edit changes every figure at once, and no stored metric goes stale or needs recomputing.
"""

from __future__ import annotations

from dataclasses import dataclass

from lumoflow.analytics.value import LEVELS, ValueAssumptions

from .models import ValueSettings


@dataclass(frozen=True)
class Limit:
    """The range an assumption may take, and how it is named to people."""

    label: str
    low: float
    high: float
    unit: str


#: Minutes saved per answered question and per reuse, at each level; the hourly cost.
LIMITS = {
    "minutes_per_answered_question": Limit("Minutes saved per answered question", 0, 480, "min"),
    "minutes_per_reuse": Limit("Minutes saved per view of knowledge", 0, 240, "min"),
    "hourly_cost": Limit("Hourly cost of an employee", 1, 1000, ""),
}
CURRENCIES = ("EUR", "USD", "GBP", "NOK", "SEK", "DKK", "CHF", "JPY", "CAD", "AUD")


def value_assumptions() -> ValueAssumptions:
    """The organisation's assumptions: those administrators saved, else the engine's defaults."""
    row = ValueSettings.objects.filter(pk=1).first()
    if row is None:
        return ValueAssumptions()
    return ValueAssumptions(
        minutes_per_answered_question=(row.answered_low, row.answered_base, row.answered_high),
        minutes_per_reuse=(row.reuse_low, row.reuse_base, row.reuse_high),
        hourly_cost=row.hourly_cost,
        currency=row.currency,
    )


def problems(
    minutes_per_answered_question: tuple[float, float, float],
    minutes_per_reuse: tuple[float, float, float],
    hourly_cost: float,
    currency: str,
) -> dict[str, list[str]]:
    """What is wrong with a set of assumptions, by field (empty: nothing)."""
    errors: dict[str, list[str]] = {}
    for name, triple in (
        ("minutes_per_answered_question", minutes_per_answered_question),
        ("minutes_per_reuse", minutes_per_reuse),
    ):
        lim = LIMITS[name]
        for level, v in zip(LEVELS, triple, strict=True):
            if not lim.low <= v <= lim.high:
                errors.setdefault(name, []).append(
                    f"{lim.label} ({level}) must be between {lim.low:g} and {lim.high:g} "
                    f"minutes; {v:g} is out of range."
                )
        if not errors.get(name) and not triple[0] <= triple[1] <= triple[2]:
            errors[name] = [f"{lim.label}: low ≤ base ≤ high (got {', '.join(map(str, triple))})."]
    lim = LIMITS["hourly_cost"]
    if not lim.low <= hourly_cost <= lim.high:
        errors["hourly_cost"] = [
            f"The hourly cost must be between {lim.low:g} and {lim.high:g}; "
            f"{hourly_cost:g} is out of range."
        ]
    if currency not in CURRENCIES:
        errors["currency"] = [f"Choose one of {', '.join(CURRENCIES)}."]
    return errors
