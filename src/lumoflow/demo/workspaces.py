"""The demo's workspaces: which theme, which shape over the year, who is in them and when."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from .clock import DAY, HOUR, Clock
from .company import DEPT_NAMES, HEAD, LEAD, SILO_INDEX, People
from .vocab import FADING, GENERIC, GROWING, NEWS, SILO, STEADY, ObjectiveSpec, Theme

#: Shapes planted on purpose (see the package docstring).
NEWS_SHAPE, FADING_SHAPE, GROWING_SHAPE, STEADY_SHAPE, SILO_SHAPE, NORMAL = (
    "news",
    "fading",
    "growing",
    "steady",
    "silo",
    "normal",
)
FADE_WEEKS = 26


@dataclass
class ObjectivePlan:
    spec: ObjectiveSpec
    start: date
    end: date
    pace: float  # 1.0 on track; well below 1 off track
    created: int


@dataclass
class WorkspacePlan:
    index: int
    theme: Theme
    name: str
    shape: str
    created: int
    owner: int
    facilitators: list[int]
    members: np.ndarray  # person indices, owner first
    joined: np.ndarray  # when each member joined (UTC seconds)
    engaged_until: np.ndarray  # week index after which a member stops writing
    write: np.ndarray  # weight to write, per member
    react: np.ndarray  # weight to react, per member
    objectives: list[ObjectivePlan] = field(default_factory=list)
    phase: float = 0.0

    @property
    def visibility(self) -> str:
        return self.theme.visibility


def workspace_count(n: int) -> int:
    """About 12 workspaces at 300 people and one more per 50 people (206 at 10,000)."""
    return 6 + n // 50


def _themes(n: int) -> list[tuple[Theme, str, str]]:
    """(theme, name, shape) for every workspace."""
    silo_ws = max(1, math.ceil((0.12 * n) / 150))
    out = [
        (NEWS, NEWS.name, NEWS_SHAPE),
        (FADING, FADING.name, FADING_SHAPE),
        (GROWING, GROWING.name, GROWING_SHAPE),
        (STEADY, STEADY.name, STEADY_SHAPE),
    ]
    out += [
        (SILO, SILO.name + (f" · Line {k + 1}" if k else ""), SILO_SHAPE) for k in range(silo_ws)
    ]
    k = 0
    while len(out) < workspace_count(n):
        theme = GENERIC[k % len(GENERIC)]
        rnd = k // len(GENERIC)
        out.append((theme, theme.name + (f" · Team {rnd + 1}" if rnd else ""), NORMAL))
        k += 1
    return out


def _member_pool(
    people: People, theme: Theme, shape: str, silo_groups: list[np.ndarray], k: int
) -> tuple[np.ndarray, np.ndarray]:
    everyone = np.arange(people.n)
    if shape == NEWS_SHAPE:
        return everyone, np.zeros(0, int)
    if shape == SILO_SHAPE:
        return silo_groups[k], np.zeros(0, int)
    outside = everyone[(people.dept != SILO_INDEX)]
    if not theme.home:
        return outside, np.zeros(0, int)
    home_idx = [DEPT_NAMES.index(h) for h in theme.home]
    home = outside[np.isin(people.dept[outside], home_idx)]
    rest = outside[~np.isin(people.dept[outside], home_idx)]
    return home, rest


def _pick_members(
    rng: np.random.Generator,
    people: People,
    theme: Theme,
    shape: str,
    silo_groups: list[np.ndarray],
    k: int,
    n_ws: int,
) -> np.ndarray:
    home, rest = _member_pool(people, theme, shape, silo_groups, k)
    if shape in (NEWS_SHAPE, SILO_SHAPE):
        return np.sort(home)
    size = int(np.clip(round(0.16 * people.n * rng.lognormal(0, 0.3)), 14, 90))
    if shape in (FADING_SHAPE, GROWING_SHAPE, STEADY_SHAPE):  # big enough to show their shape
        size = int(np.clip(round(0.22 * people.n), 30, 120))
    n_home = min(len(home), round(size * 0.8))
    chosen = list(rng.choice(home, n_home, replace=False)) if n_home else []
    n_rest = 0 if theme.visibility != "public" else min(len(rest), size - n_home)
    if n_rest > 0:
        chosen += list(rng.choice(rest, n_rest, replace=False))
    if theme.visibility == "public":
        brokers = np.flatnonzero(people.broker)
        chosen += [b for b in brokers if rng.random() < min(1.0, 25 / n_ws)]
    return np.unique(np.array(chosen, dtype=int))


def _owner(people: People, members: np.ndarray, theme: Theme) -> int:
    leaders = members[people.level[members] <= LEAD]
    if theme.home:
        home = [DEPT_NAMES.index(h) for h in theme.home]
        first = leaders[people.dept[leaders] == home[0]]
        leaders = first if len(first) else leaders
    if not len(leaders):
        leaders = members
    # the most senior, then the most active
    order = np.lexsort((-people.weight[leaders], people.level[leaders]))
    return int(leaders[order[0]])


def _objectives(
    theme: Theme, shape: str, created: int, clock: Clock, rng: np.random.Generator
) -> list[ObjectivePlan]:
    start = Clock.dt(created).date()
    end = Clock.dt(clock.end_ts).date()
    mid = start + (end - start) / 2
    specs = theme.objectives
    out = []
    for j, spec in enumerate(specs):
        if shape == FADING_SHAPE:
            s, e = start + timedelta(days=21 * j), end + timedelta(days=45 + 15 * j)
            pace = 0.25 if j == 0 else 0.6
        elif len(specs) > 1:
            s, e = (start, mid) if j == 0 else (mid, end + timedelta(days=90))
            pace = 1.0 + rng.normal(0, 0.05)
        else:
            s, e = start, end + timedelta(days=90)
            pace = 1.0 + rng.normal(0, 0.05)
        at = int(max(created + HOUR, (s - date(1970, 1, 1)).days * DAY + 9 * HOUR))
        out.append(ObjectivePlan(spec, s, e, float(pace), at))
    return out


def _created(shape: str, k: int, clock: Clock, rng: np.random.Generator) -> int:
    if shape == NEWS_SHAPE:
        return clock.start_ts + 7 * HOUR
    if shape == FADING_SHAPE:
        fade_start = clock.end_ts - FADE_WEEKS * 7 * DAY
        base = fade_start if fade_start > clock.start_ts + 14 * DAY else clock.start_ts + 3 * DAY
        return int(base + 9 * HOUR)
    return int(clock.start_ts + 7 * HOUR + k * 600 + rng.integers(0, 3600))


def plan_workspaces(rng: np.random.Generator, people: People, clock: Clock) -> list[WorkspacePlan]:
    """Draw every workspace with its members, join times, engagement and objectives."""
    themes = _themes(people.n)
    silo_people = np.flatnonzero(people.dept == SILO_INDEX)
    n_silo_ws = sum(1 for _, _, s in themes if s == SILO_SHAPE)
    silo_groups = np.array_split(rng.permutation(silo_people), n_silo_ws)
    account = clock.start_ts + people.joined_day * DAY + 6 * HOUR
    out: list[WorkspacePlan] = []
    silo_k = 0
    for i, (theme, name, shape) in enumerate(themes):
        members = _pick_members(rng, people, theme, shape, silo_groups, silo_k, len(themes))
        silo_k += shape == SILO_SHAPE
        owner = _owner(people, members, theme)
        members = np.concatenate([[owner], members[members != owner]]).astype(int)
        created = _created(shape, i, clock, rng)
        joined = np.maximum(created + rng.integers(600, DAY, len(members)), account[members])
        if shape == GROWING_SHAPE:
            late = rng.random(len(members)) < 0.7
            span = max(DAY, clock.end_ts - 21 * DAY - created)
            joined = np.where(late, created + rng.integers(0, span, len(members)), joined)
            joined = np.maximum(joined, account[members])
        joined[0] = created
        w = people.weight[members] * rng.lognormal(0, 0.5, len(members))
        r = people.react[members] * rng.lognormal(0, 0.3, len(members))
        if shape == NEWS_SHAPE:
            silo = people.dept[members] == SILO_INDEX
            w = np.where(silo, w * 0.02, w * 0.3)
            r = np.where(silo, r * 0.05, r)
            w[people.level[members] <= HEAD] *= 8
        w[0] *= 2
        until = np.full(len(members), clock.weeks + 1)
        left = people.left_day[members]
        until = np.where(left >= 0, (clock.start_ts // DAY + left - clock.day0) // 7, until)
        until[0] = clock.weeks + 1
        fac = [int(m) for m in members[1:][np.argsort(-w[1:])][: 1 + (len(members) > 40)]]
        if shape == FADING_SHAPE:
            t0 = int(clock.week_of(created))
            until = np.minimum(until, t0 + 2 + rng.exponential(7.0, len(members)).astype(int))
            until[0] = clock.weeks + 1  # the owner keeps trying
        plan = WorkspacePlan(
            index=i,
            theme=theme,
            name=name,
            shape=shape,
            created=created,
            owner=owner,
            facilitators=fac,
            members=members,
            joined=joined.astype(np.int64),
            engaged_until=until,
            write=w,
            react=r,
            phase=float(rng.uniform(0, 2 * math.pi)),
        )
        plan.objectives = _objectives(theme, shape, created, clock, rng)
        out.append(plan)
    if len(out) > 5:  # one ordinary workspace has an objective at risk
        at_risk = out[5 + int(rng.integers(0, len(out) - 5))]
        at_risk.objectives[0].pace = 0.6
    return out
