"""Weekly curves of each workspace shape: how much is posted, how healthy the talk is."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .workspaces import (
    FADE_WEEKS,
    FADING_SHAPE,
    GROWING_SHAPE,
    NEWS_SHAPE,
    SILO_SHAPE,
    STEADY_SHAPE,
    WorkspacePlan,
)

KINDS = ("update", "question", "idea", "decision", "announcement")
KIND_P = {
    NEWS_SHAPE: (0.25, 0.0, 0.0, 0.1, 0.65),
    SILO_SHAPE: (0.5, 0.3, 0.1, 0.07, 0.03),
}
DEFAULT_KIND_P = (0.46, 0.26, 0.12, 0.08, 0.08)
#: Mean replies per root post, by kind.
REPLIES = {"update": 1.1, "question": 2.0, "idea": 2.2, "decision": 1.0, "announcement": 1.0}


@dataclass(frozen=True)
class Week:
    """How a workspace behaves in one week."""

    intensity: float  # multiplier of the base rate of root posts
    health: float  # multiplier of replies, reactions and reads
    off_topic: float  # share of off-topic chatter
    first_reply_h: float  # median hours to the first reply
    unanswered: float  # share of questions nobody answers


def week(ws: WorkspacePlan, t: int, t0: int, weeks: int) -> Week:
    """The curves of `ws` in week `t` (`t0`: the week it was created)."""
    s = t - t0
    if ws.shape == FADING_SHAPE:
        f = min(1.0, max(0.0, s / FADE_WEEKS))
        burst = 3.0 if s < 3 else 0.22 + 1.6 * math.exp(-(s - 3) / 6)
        return Week(
            burst,
            max(0.25, 1 - 0.75 * f),
            0.08 + 0.55 * f,
            1.0 * math.exp(3.4 * f),
            0.08 + 0.42 * f,
        )
    if ws.shape == GROWING_SHAPE:
        g = t / max(1, weeks - 1)
        return Week(0.35 + 1.3 * g, 0.9 + 0.2 * g, 0.08, 2.5 - g, 0.06)
    if ws.shape == STEADY_SHAPE:
        return Week(1 + 0.1 * math.sin(2 * math.pi * t / 13), 1.1, 0.06, 1.0, 0.03)
    if ws.shape == SILO_SHAPE:
        return Week(1.1, 1.0, 0.1, 1.5, 0.05)
    if ws.shape == NEWS_SHAPE:
        return Week(1.0, 1.0, 0.04, 4.0, 0.15)
    wave = 1 + 0.15 * math.sin(2 * math.pi * t / 13 + ws.phase)  # quarterly rhythm, no trend
    return Week(wave, 0.9, 0.12, 2.0 + 2.0 * (ws.index % 3), 0.12)


def base_rate(ws: WorkspacePlan, n_people: int) -> float:
    """Root posts per week at full intensity."""
    if ws.shape == NEWS_SHAPE:
        return min(15.0, 1.2 + 0.004 * n_people)
    writers = int(np.count_nonzero(ws.write > 0))
    return float(0.26 * writers**0.85)


def kind_p(ws: WorkspacePlan) -> tuple[float, ...]:
    return KIND_P.get(ws.shape, DEFAULT_KIND_P)
