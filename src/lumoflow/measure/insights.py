"""Personal insights: one person's own activity and responsiveness, for that person only.

Everything here is about the signed-in person (`viewer`); nobody can ask for another's. A
person's own figures are theirs to see (DESIGN.md, rule 4), so no group threshold applies; the
questions waiting for them are drawn from workspaces they are an active member of.

- activity: their posts, replies and reactions per ISO week of the period, and in total;
- their questions: how many they asked, how many got a reply from someone else, the median
  hours to that first reply;
- their answers: how many questions of others they replied to, the median hours from the
  question to their first reply, and how often theirs was the first reply;
- waiting for them: unanswered questions of others, in their workspaces, close to questions
  they answered before (`conversation.queries.list_questions_waiting_for`);
- where they take part most and least: their workspaces ranked by their own activity.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lumoflow.activity import queries as activity_queries
from lumoflow.conversation import queries as cq
from lumoflow.core.errors import NotFound
from lumoflow.people.models import User, Viewer
from lumoflow.workspaces import queries as ws_queries

from .queries import check_period

#: Workspaces listed as most and as least active.
RANKED = 3
VERBS = ("post", "reply", "reaction")


@dataclass(frozen=True)
class WorkspaceActivity:
    id: int
    name: str
    posts: int
    replies: int
    reactions: int

    @property
    def total(self) -> int:
        return self.posts + self.replies + self.reactions


@dataclass(frozen=True)
class Responses:
    """Questions and how fast the first reply came, in hours."""

    count: int
    replied: int
    median_hours: float | None
    #: for answers: how many times the person's reply was the first one
    first: int | None = None


@dataclass(frozen=True)
class Insights:
    start: dt.date
    end: dt.date
    #: one row per ISO week (Monday) of the period: week, posts, replies, reactions
    weekly: list[dict[str, Any]]
    totals: dict[str, int]
    questions: Responses
    answers: Responses
    waiting: list[cq.WaitingQuestion]
    most_active: list[WorkspaceActivity]
    least_active: list[WorkspaceActivity] = field(default_factory=list)


def _hours(later: np.ndarray, earlier: np.ndarray) -> np.ndarray:
    return np.asarray((later - earlier) / np.timedelta64(1, "s"), dtype=float) / 3600.0


def _median(x: np.ndarray) -> float | None:
    return round(float(np.median(x)), 1) if x.size else None


def _times(values: list[Any]) -> np.ndarray:
    return np.array([np.datetime64(v.replace(tzinfo=None), "us") for v in values], "datetime64[us]")


def _questions(viewer: User, start: dt.datetime, end: dt.datetime) -> Responses:
    rows = cq.my_question_reply_times_for(viewer, start, end)
    replied = [(a, f) for a, f in rows if f is not None]
    hours = _hours(_times([f for _, f in replied]), _times([a for a, _ in replied]))
    return Responses(len(rows), len(replied), _median(hours))


def _answers(viewer: User, start: dt.datetime, end: dt.datetime) -> Responses:
    rows = cq.my_answer_times_for(viewer, start, end)
    asked, mine, first = (_times([r[i] for r in rows]) for i in range(3))
    hours = _hours(mine, asked)
    return Responses(len(rows), len(rows), _median(hours), int(np.count_nonzero(mine <= first)))


def _weeks(start: dt.date, end: dt.date) -> list[dt.date]:
    monday = start - dt.timedelta(days=start.weekday())
    return [monday + dt.timedelta(weeks=k) for k in range((end - monday).days // 7 + 1)]


def _activity(
    viewer: User, start: dt.date, end: dt.date
) -> tuple[list[dict[str, Any]], dict[str, int], dict[int, dict[str, int]]]:
    """Weekly rows, totals and per-workspace counts of the viewer's own activity."""
    weeks = _weeks(start, end)
    grid = np.zeros((len(weeks), len(VERBS)), dtype=np.int64)
    by_ws: dict[int, dict[str, int]] = {}
    rows = activity_queries.own_activity_of(viewer.pk, start, end)
    if rows:
        days, verbs, wss, counts = zip(*rows, strict=True)
        w = (np.array([(d - weeks[0]).days for d in days]) // 7).astype(np.int64)
        v = np.array([VERBS.index(x) for x in verbs])
        np.add.at(grid, (w, v), np.array(counts, dtype=np.int64))
        for ws, verb, n in zip(wss, verbs, counts, strict=True):
            per = by_ws.setdefault(int(ws), dict.fromkeys(VERBS, 0))
            per[verb] += int(n)
    weekly = [
        {"week": wk.isoformat(), **{verb: int(grid[i, j]) for j, verb in enumerate(VERBS)}}
        for i, wk in enumerate(weeks)
    ]
    totals = {verb: int(grid[:, j].sum()) for j, verb in enumerate(VERBS)}
    return weekly, totals, by_ws


def _ranked(
    viewer: User, by_ws: dict[int, dict[str, int]]
) -> tuple[list[WorkspaceActivity], list[WorkspaceActivity]]:
    """The viewer's workspaces (active member, not archived) by their own activity: the most
    active (with some activity) and the least active (not among the most)."""
    mine = (
        ws_queries.list_workspaces_for(viewer, include_archived=False)
        .filter(pk__in=ws_queries.member_workspace_ids(viewer))
        .values_list("pk", "name")
    )
    rows = [
        WorkspaceActivity(pk, name, *(by_ws.get(pk, {}).get(v, 0) for v in VERBS))
        for pk, name in mine
    ]
    rows.sort(key=lambda r: (-r.total, r.name, r.id))
    most = [r for r in rows if r.total > 0][:RANKED]
    rest = [r for r in rows if r not in most]
    least = sorted(rest, key=lambda r: (r.total, r.name, r.id))[:RANKED]
    return most, least


def get_insights_for(
    viewer: Viewer, *, start: dt.date | None = None, end: dt.date | None = None
) -> Insights:
    """The signed-in viewer's own insights over a period (default: the 12 months up to today).

    NotFound for an anonymous viewer (there is nobody to show); Invalid for a reversed period,
    one longer than three years or one ending after today (`measure.queries.check_period`).
    """
    if not isinstance(viewer, User) or not viewer.is_authenticated:
        raise NotFound("Sign in to see your insights.")
    first, last, _ = check_period(start, end)
    since = dt.datetime.combine(first, dt.time(), dt.UTC)
    until = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), dt.UTC)
    weekly, totals, by_ws = _activity(viewer, first, last)
    most, least = _ranked(viewer, by_ws)
    return Insights(
        start=first,
        end=last,
        weekly=weekly,
        totals=totals,
        questions=_questions(viewer, since, until),
        answers=_answers(viewer, since, until),
        waiting=cq.list_questions_waiting_for(viewer, since=since),
        most_active=most,
        least_active=least,
    )
