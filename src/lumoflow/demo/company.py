"""The people of the demo company: departments, teams, locations, managers and propensities.

Everything is drawn from one seeded numpy generator, so the same seed gives the same people.
"""

from __future__ import annotations

import importlib
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from .vocab import DOMAIN


@dataclass(frozen=True)
class Location:
    name: str
    time_zone: str
    locale: str
    holidays: tuple[tuple[int, int], ...]  # (month, day) fixed-date public holidays
    easter: bool = False  # Good Friday and Easter Monday off


LOCATIONS = (
    Location("Oslo", "Europe/Oslo", "no_NO", ((5, 1), (5, 17)), easter=True),
    Location("London", "Europe/London", "en_GB", ((5, 4), (8, 31)), easter=True),
    Location("New York", "America/New_York", "en_US", ((7, 4), (9, 7), (11, 26))),
    Location("San Francisco", "America/Los_Angeles", "en_US", ((7, 4), (9, 7), (11, 26))),
    Location("Pune", "Asia/Kolkata", "en_IN", ((1, 26), (8, 15), (10, 2), (11, 9))),
)
LOC = {loc.name: i for i, loc in enumerate(LOCATIONS)}
#: Company-wide days off (every location).
COMPANY_HOLIDAYS = ((12, 24), (12, 25), (12, 26), (12, 31), (1, 1))


@dataclass(frozen=True)
class DepartmentSpec:
    name: str
    teams: tuple[str, ...]
    share: float  # of the people outside the executive team and the silo
    locations: dict[str, float]
    titles: tuple[str, ...]


EXECUTIVE = "Executive"
SILO_DEPARTMENT = "Manufacturing"
DEPARTMENTS = (
    DepartmentSpec(
        "Engineering",
        ("Platform", "Robotics", "Data", "Mobile"),
        0.30,
        {"Oslo": 0.6, "San Francisco": 0.4},
        ("Software Engineer", "Senior Software Engineer", "Robotics Engineer", "SRE"),
    ),
    DepartmentSpec(
        "Product & Design",
        ("Product Management", "Design", "Research"),
        0.10,
        {"Oslo": 0.5, "San Francisco": 0.5},
        ("Product Manager", "Product Designer", "User Researcher"),
    ),
    DepartmentSpec(
        "Sales",
        ("Nordics", "UK & Ireland", "North America"),
        0.17,
        {"Oslo": 0.3, "London": 0.3, "New York": 0.4},
        ("Account Executive", "Sales Engineer", "Sales Development Rep"),
    ),
    DepartmentSpec(
        "Marketing",
        ("Brand", "Growth"),
        0.08,
        {"London": 0.5, "New York": 0.5},
        ("Marketing Manager", "Content Writer", "Growth Marketer"),
    ),
    DepartmentSpec(
        "Customer Success",
        ("Support", "Onboarding"),
        0.14,
        {"London": 0.4, "New York": 0.3, "Oslo": 0.3},
        ("Support Engineer", "Customer Success Manager", "Onboarding Specialist"),
    ),
    DepartmentSpec(
        SILO_DEPARTMENT,
        ("Assembly", "Quality", "Logistics"),
        0.0,  # sized separately: the silo
        {"Pune": 1.0},
        ("Assembly Technician", "Quality Engineer", "Logistics Coordinator", "Shift Supervisor"),
    ),
    DepartmentSpec(
        "Finance & Legal",
        ("Accounting", "Legal"),
        0.10,
        {"Oslo": 0.6, "London": 0.4},
        ("Accountant", "Financial Analyst", "Legal Counsel"),
    ),
    DepartmentSpec(
        "People & IT",
        ("People Operations", "IT"),
        0.11,
        {"Oslo": 0.6, "London": 0.4},
        ("People Partner", "Recruiter", "IT Specialist"),
    ),
)
DEPT_NAMES = (EXECUTIVE, *(d.name for d in DEPARTMENTS))
SILO_INDEX = DEPT_NAMES.index(SILO_DEPARTMENT)

# Levels in the management tree.
CEO, HEAD, LEAD, MEMBER = 0, 1, 2, 3


@dataclass
class People:
    """Arrays over people (index = position in creation order) plus their text fields."""

    n: int
    dept: np.ndarray  # index into DEPT_NAMES
    team: list[str]  # department path, e.g. "Sales/Nordics"
    loc: np.ndarray  # index into LOCATIONS
    level: np.ndarray
    manager: np.ndarray  # index or -1
    weight: np.ndarray  # propensity to write (0 = reads only)
    react: np.ndarray  # propensity to react
    broker: np.ndarray  # bool
    joined_day: np.ndarray  # days after the start when the account was created (0 = rollout)
    usernames: list[str]
    names: list[str]
    titles: list[str]
    admin: int  # index of the IT administrator
    newcomer: np.ndarray  # bool: hired during the period
    left_day: np.ndarray  # days after the start when they stop taking part (attrition), or -1


def silo_size(n: int) -> int:
    """People in the silo department: 12% of the company, at least 20."""
    return max(20, round(0.12 * n))


def _sizes(n: int) -> list[int]:
    """People per department in DEPT_NAMES order (executive team of 2)."""
    rest = n - 2 - silo_size(n)
    shares = np.array([d.share for d in DEPARTMENTS])
    raw = shares / shares.sum() * rest
    sizes = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - sizes))[: rest - sizes.sum()]:
        sizes[i] += 1
    out = [2, *sizes.tolist()]
    out[SILO_INDEX] = silo_size(n)
    return out


def _ascii(text: str) -> str:
    norm = unicodedata.normalize("NFKD", text.replace("ø", "o").replace("æ", "ae"))
    return "".join(c for c in norm if c.isascii() and (c.isalnum() or c in "-")).lower()


class _Names:
    """First and last names per locale from faker's lists, drawn with our own generator."""

    def __init__(self) -> None:
        self.lists: dict[str, tuple[list[str], list[str]]] = {}
        for loc in dict.fromkeys(x.locale for x in LOCATIONS):
            # The locale's person provider, as `Faker(loc)` would pick it, without loading the
            # dozens of other providers a Faker instance sets up.
            p = importlib.import_module(f"faker.providers.person.{loc}").Provider
            first = getattr(p, "first_names", None) or list(p.first_names_female)
            self.lists[loc] = (sorted(set(first)), sorted(set(p.last_names)))
        self.taken: set[str] = set()

    def draw(self, rng: np.random.Generator, locale: str) -> tuple[str, str]:
        first, last = self.lists[locale]
        name = f"{first[rng.integers(len(first))]} {last[rng.integers(len(last))]}"
        base = ".".join(_ascii(part) for part in name.split(" ")[:2]) or "person"
        username, k = base, 1
        while username in self.taken:
            k += 1
            username = f"{base}{k}"
        self.taken.add(username)
        return name, username


def _team_plan(rng: np.random.Generator, n: int) -> list[tuple[int, str, int, int]]:
    """(department, team path, location, level) per person, in creation order."""
    out: list[tuple[int, str, int, int]] = [
        (0, f"{EXECUTIVE}/Office of the CEO", LOC["Oslo"], CEO),
        (0, f"{EXECUTIVE}/Office of the CEO", LOC["Oslo"], MEMBER),
    ]
    members: list[tuple[int, str, int, int]] = []
    for di, (spec, size) in enumerate(zip(DEPARTMENTS, _sizes(n)[1:], strict=True), start=1):
        locs = list(spec.locations)
        probs = np.array([spec.locations[x] for x in locs])
        team_of = rng.integers(len(spec.teams), size=size)
        lead_slots = min(size - 1, len(spec.teams))
        team_of[1 : 1 + lead_slots] = np.arange(lead_slots)
        for k in range(size):
            team = spec.teams[team_of[k]]
            loc = LOC[locs[rng.choice(len(locs), p=probs)]]
            if spec.name == "Sales":  # sales teams sit in their region
                loc = LOC[{"Nordics": "Oslo", "UK & Ireland": "London"}.get(team, "New York")]
            level = HEAD if k == 0 else LEAD if k < 1 + len(spec.teams) else MEMBER
            path = spec.name if level == HEAD else f"{spec.name}/{team}"
            (out if level != MEMBER else members).append((di, path, loc, level))
    return out + members


def _titles(plan: list[tuple[int, str, int, int]], rng: np.random.Generator) -> list[str]:
    titles = []
    for di, path, _, level in plan:
        if level == CEO:
            titles.append("Chief Executive Officer")
        elif di == 0:
            titles.append("Chief of Staff")
        elif level == HEAD:
            titles.append(f"Head of {DEPT_NAMES[di]}")
        elif level == LEAD:
            titles.append(f"{path.split('/')[-1]} Lead")
        else:
            opts = DEPARTMENTS[di - 1].titles
            titles.append(opts[rng.integers(len(opts))])
    return titles


def _managers(plan: list[tuple[int, str, int, int]]) -> np.ndarray:
    manager = np.full(len(plan), -1)
    heads: dict[int, int] = {}
    leads: dict[str, int] = {}
    for i, (di, path, _, level) in enumerate(plan):
        if level == HEAD:
            heads[di] = i
            manager[i] = 0
        elif level == LEAD:
            leads[path] = i
            manager[i] = heads[di]
        elif level == MEMBER:
            manager[i] = 0 if di == 0 else leads.get(path, heads[di])
    return manager


def make_people(rng: np.random.Generator, n: int, days: int) -> People:
    """Draw `n` people: the tree, time zones and a heavy-tailed propensity to write."""
    plan = _team_plan(rng, n)
    dept = np.array([p[0] for p in plan])
    level = np.array([p[3] for p in plan])
    loc = np.array([p[2] for p in plan])
    # Heavy tail (90-9-1): Pareto propensity; about 40% only ever read.
    weight = np.minimum(rng.pareto(1.1, n) + 0.05, 60.0)
    reader = (rng.random(n) < 0.42) & (level == MEMBER)
    weight[reader] = 0.0
    weight[level <= HEAD] = np.maximum(weight[level <= HEAD], 3.0)
    weight[level == LEAD] = np.maximum(weight[level == LEAD], 1.0)
    react = np.where(reader, 0.08, 0.4 + np.sqrt(weight))
    # Brokers: a few active people outside the silo who span departments.
    candidates = np.flatnonzero((dept > 0) & (dept != SILO_INDEX) & (level == MEMBER) & ~reader)
    nb = min(len(candidates), max(3, n // 100))
    broker = np.zeros(n, bool)
    picked: list[int] = []
    for d in rng.permutation(np.unique(dept[candidates])):
        pool = candidates[dept[candidates] == d]
        if len(picked) < nb and len(pool):
            picked.append(int(pool[rng.integers(len(pool))]))
    broker[picked] = True
    weight[broker] = np.maximum(weight[broker], 6.0)
    react[broker] = np.maximum(react[broker], 3.0)
    newcomer = (rng.random(n) < 0.12) & (level == MEMBER)
    joined_day = np.where(newcomer, rng.integers(7, max(8, days - 14), n), 0)
    # About as many leave (stop taking part) as join, so ordinary workspaces hold steady.
    leaver = (rng.random(n) < 0.1) & (level == MEMBER) & ~newcomer & ~broker
    left_day = np.where(leaver, rng.integers(14, max(15, days), n), -1)
    names_src = _Names()
    names, usernames = [], []
    for i in range(n):
        name, username = names_src.draw(rng, LOCATIONS[loc[i]].locale)
        names.append(name)
        usernames.append(username)
    it = [i for i, p in enumerate(plan) if p[1] == "People & IT/IT"]
    admin = it[0] if it else n - 1
    return People(
        n=n,
        dept=dept,
        team=[p[1] for p in plan],
        loc=loc,
        level=level,
        manager=_managers(plan),
        weight=weight,
        react=react,
        broker=broker,
        joined_day=joined_day,
        usernames=usernames,
        names=names,
        titles=_titles(plan, rng),
        admin=admin,
        newcomer=newcomer,
        left_day=left_day,
    )


def email(username: str) -> str:
    return f"{username}@{DOMAIN}"


def easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def holidays(loc: Location, first: date, last: date) -> set[date]:
    """Days off at a location between two dates (both included)."""
    out: set[date] = set()
    for year in range(first.year, last.year + 1):
        for m, d in (*COMPANY_HOLIDAYS, *loc.holidays):
            out.add(date(year, m, d))
        if loc.easter:
            sunday = easter(year)
            out |= {sunday - timedelta(days=2), sunday + timedelta(days=1)}
    return {d for d in out if first <= d <= last}
