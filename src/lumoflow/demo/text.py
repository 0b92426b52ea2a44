"""Post and reply bodies from templates filled with a workspace's vocabulary (or chatter)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

from .vocab import CHATTER, CHATTER_REPLIES, FILL, ON_TOPIC, Theme

WEEKDAYS = FILL["d"]
T = TypeVar("T")


class Writer:
    """Fill templates deterministically from one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def _one(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def _value(self, metric_unit: tuple[float, float, str]) -> str:
        lo, hi, unit = metric_unit
        v = lo + (hi - lo) * self.rng.uniform(0.1, 0.9)
        num = f"{v:.0f}" if abs(hi - lo) >= 10 else f"{v:.1f}"
        return f"{num} {unit}".strip() if unit not in ("%", "x") else f"{num}{unit}"

    def on_topic(self, template_kind: str, theme: Theme, objective: int, mention: str) -> str:
        """A post or reply about the workspace's objective (terms from its vocabulary)."""
        spec = theme.objectives[min(objective, len(theme.objectives) - 1)]
        kr = self._one(spec.key_results)
        t1, t2, t3 = self.rng.sample(theme.terms, 3)
        body = self._one(ON_TOPIC[template_kind]).format(
            t1=t1,
            t2=t2,
            t3=t3,
            m=kr.metric.lower() if not kr.metric[:2].isupper() else kr.metric,
            v=self._value((kr.baseline, kr.target, kr.unit)),
            d=self._one(WEEKDAYS),
            p=f"@{mention}" if mention else "the team",
        )
        body = body[0].upper() + body[1:]
        if self.rng.random() < 0.08:
            body += f" #{theme.key}"
        return body

    def chatter(self, reply: bool, first_name: str) -> str:
        """Generic off-topic chatter."""
        if reply:
            return self._one(CHATTER_REPLIES)
        template = self._one(CHATTER)
        fill = {k: self._one(v) for k, v in FILL.items()}
        return template.format(first=first_name, n=self.rng.randrange(2, 9), **fill)
