"""Plan the demo company's year with numpy, then write it through the actions layer."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.db import transaction

from lumoflow.conversation import actions as talk
from lumoflow.conversation.actions import IdeaStatusRow, bulk_set_idea_status
from lumoflow.core.sql import refresh_statistics
from lumoflow.people import actions as people_actions
from lumoflow.workspaces import actions as ws_actions

from . import actions as demo_actions
from .activity import Activity, CheckInPlan, Planner, plan_check_ins
from .clock import DAY, HOUR, Clock
from .company import DEPT_NAMES, LOCATIONS, SILO_DEPARTMENT, People, email, make_people
from .knowledge import KnowledgeWriter
from .questions import plant_questions
from .vocab import COMPANY, IDEA_NOTES
from .workspaces import FADE_WEEKS, FADING_SHAPE, WorkspacePlan, plan_workspaces

CHUNK = 5000
#: At most this many ideas get a status (a seeded sample when more are planned); the others stay
#: new. Each change notifies the idea's author once the year is loaded.
MAX_IDEA_DECISIONS = 600


@dataclass(frozen=True)
class DemoOptions:
    people: int = 300
    months: int = 12
    seed: int = 7
    until: date | None = None
    password: str = ""


@dataclass
class Ids:
    """Database ids of what the plan wrote."""

    people: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    workspaces: list[int] = field(default_factory=list)
    objectives: dict[tuple[int, int], int] = field(default_factory=dict)
    key_results: dict[tuple[int, int, int], int] = field(default_factory=dict)
    posts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))


def period(months: int, until: date, now: datetime | None = None) -> tuple[date, datetime]:
    """Start (the Monday on or after `until` − `months`), and the end (exclusive) instant."""
    y, m = divmod(until.year * 12 + until.month - 1 - months, 12)
    day = min(until.day, 28)
    start = date(y, m + 1, day)
    start += timedelta(days=(7 - start.weekday()) % 7)  # roll out on a Monday: whole weeks
    end = datetime.combine(until + timedelta(days=1), datetime.min.time(), UTC)
    now = now or datetime.now(UTC)
    return start, min(end, now.replace(microsecond=0))


def _dt(ts: int) -> datetime:
    return datetime.fromtimestamp(int(ts), UTC)


def _chunks(seq: Any, n: int = CHUNK) -> Iterator[Any]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


class Loader:
    """Write a planned year through the actions, step by step, keeping ids in plan order."""

    def __init__(
        self, people: People, wss: list[WorkspacePlan], act: Activity, clock: Clock
    ) -> None:
        self.people, self.wss, self.act, self.clock = people, wss, act, clock
        self.ids = Ids()
        self.users: dict[int, Any] = {}

    def user(self, index: int) -> Any:
        pk = int(self.ids.people[index])
        if pk not in self.users:
            self.users[pk] = get_user_model().objects.get(pk=pk)
        return self.users[pk]

    def load_people(self, password: str) -> None:
        p, clock = self.people, self.clock
        rows = [
            people_actions.PersonRow(
                username=p.usernames[i],
                email=email(p.usernames[i]),
                name=p.names[i],
                title=p.titles[i],
                department=p.team[i],
                manager=p.usernames[p.manager[i]] if p.manager[i] >= 0 else "",
                location=LOCATIONS[p.loc[i]].name,
                time_zone=LOCATIONS[p.loc[i]].time_zone,
                is_staff=i == p.admin,
                joined=_dt(clock.start_ts + int(p.joined_day[i]) * DAY + 6 * HOUR),
            )
            for i in range(p.n)
        ]
        ids = people_actions.bulk_create_people(None, rows, password=password or None)
        self.ids.people = np.array(ids, dtype=np.int64)

    def grant_executives(self, indexes: list[int]) -> None:
        """The executive capability for the CEO and the administrator (who holds it with the
        role too: granted all the same, so it stays if the role goes), a minute after each
        joined."""
        for i in indexes:
            joined = self.clock.start_ts + int(self.people.joined_day[i]) * DAY + 6 * HOUR
            people_actions.grant_capability(
                None, self.people.usernames[i], "executive", at=_dt(joined + 60)
            )

    def load_workspaces(self) -> None:
        members = []
        for ws in self.wss:
            created = ws_actions.create_workspace(
                self.user(ws.owner),
                name=ws.name,
                purpose=ws.theme.purpose,
                visibility=ws.visibility,
                at=_dt(ws.created),
            )
            self.ids.workspaces.append(created.pk)
            for m, joined in zip(ws.members[1:], ws.joined[1:], strict=True):
                role = "facilitator" if int(m) in ws.facilitators else "member"
                members.append(
                    ws_actions.MemberRow(created.pk, int(self.ids.people[m]), role, _dt(joined))
                )
        for chunk in _chunks(members, 20000):
            ws_actions.bulk_add_members(None, list(chunk))
        for ws in self.wss:
            self._objectives(ws)

    def _objectives(self, ws: WorkspacePlan) -> None:
        for j, obj in enumerate(ws.objectives):
            created = ws_actions.create_objective(
                self.user(ws.owner),
                self.ids.workspaces[ws.index],
                title=obj.spec.title,
                description=obj.spec.description,
                start=obj.start,
                end=obj.end,
                key_results=[
                    {
                        "metric_name": kr.metric,
                        "unit": kr.unit,
                        "baseline": kr.baseline,
                        "target": kr.target,
                        "due": obj.end,
                    }
                    for kr in obj.spec.key_results
                ],
                at=_dt(obj.created),
            )
            self.ids.objectives[(ws.index, j)] = created.pk
            for k, kr_id in enumerate(
                created.key_results.order_by("id").values_list("id", flat=True)
            ):
                self.ids.key_results[(ws.index, j, k)] = kr_id

    def load_posts(self) -> None:
        act = self.act
        n = len(act.ws)
        ts = np.array(act.ts, dtype=np.int64)
        depth = np.array(act.depth)
        self.ids.posts = np.zeros(n, dtype=np.int64)
        for d in range(int(depth.max(initial=0)) + 1):
            wave = np.flatnonzero(depth == d)
            wave = wave[np.lexsort((wave, ts[wave]))]
            for chunk in _chunks(wave):
                rows = [self._post_row(int(i)) for i in chunk]
                self.ids.posts[chunk] = talk.bulk_create_posts(rows)

    def _post_row(self, i: int) -> Any:
        act, ids = self.act, self.ids
        parent = act.parent[i]
        slot = act.objective[i]
        return talk.PostRow(
            author_id=int(ids.people[act.author[i]]),
            workspace_id=ids.workspaces[act.ws[i]],
            body=act.body[i],
            at=_dt(act.ts[i]),
            kind=act.kind[i] or "update",
            parent_id=int(ids.posts[parent]) if parent >= 0 else None,
            objective_id=ids.objectives[(act.ws[i], slot)] if slot >= 0 else None,
        )

    def load_reactions(self) -> None:
        if not self.act.reactions:
            return
        r = np.concatenate(self.act.reactions, axis=1)
        order = np.lexsort((r[0].astype(np.int64), r[2].astype(np.int64)))
        actors = self.ids.people[r[1, order].astype(np.int64)].tolist()
        posts = self.ids.posts[r[0, order].astype(np.int64)].tolist()
        rows = [
            talk.ReactionRow(actor_id=a, post_id=p, emoji=str(e), at=_dt(t))
            for a, p, e, t in zip(
                actors, posts, r[3, order].tolist(), r[2, order].tolist(), strict=True
            )
        ]
        for chunk in _chunks(rows, 20000):
            talk.bulk_add_reactions(chunk)

    def load_outcomes(self, check_ins: list[CheckInPlan]) -> None:
        act, ids = self.act, self.ids
        accepts = sorted(act.accepts, key=lambda a: (a[2], a[0]))
        talk.bulk_accept_answers(
            [
                (
                    int(ids.people[act.author[q]]),
                    int(ids.posts[q]),
                    int(ids.posts[r]),
                    _dt(at),
                )
                for q, r, at in accepts
            ]
        )
        bulk_set_idea_status(
            [
                IdeaStatusRow(
                    int(ids.people[who]), int(ids.posts[post]), status, _dt(at), IDEA_NOTES[status]
                )
                for post, status, at, who in sorted(act.ideas, key=lambda x: (x[2], x[0]))
            ]
        )
        rows = [
            ws_actions.CheckInRow(
                key_result_id=ids.key_results[(c.ws, c.objective, c.key_result)],
                author_id=int(ids.people[c.author]),
                value=c.value,
                confidence=c.confidence,
                on=c.on,
                at=_dt(c.at),
                note=c.note,
            )
            for c in check_ins
        ]
        for chunk in _chunks(rows, 20000):
            ws_actions.bulk_record_check_ins(list(chunk))

    def load_views(self) -> int:
        if not self.act.views:
            return 0
        v = np.concatenate(self.act.views, axis=1)
        ws_of = np.array(self.act.ws, dtype=np.int64)[v[0]]
        week = v[2] // (7 * DAY)
        # Opening a post passes through its workspace: one workspace read per person and week.
        key = (ws_of * (1 << 24) + v[1]) * (1 << 20) + week
        _, first = np.unique(key, return_index=True)
        kinds = np.concatenate([np.zeros(v.shape[1], int), np.ones(len(first), int)])
        obj = np.concatenate([self.ids.posts[v[0]], np.array(self.ids.workspaces)[ws_of[first]]])
        who = np.concatenate([v[1], v[1, first]])
        at = np.concatenate([v[2], v[2, first] - 60])
        wsid = np.array(self.ids.workspaces)[np.concatenate([ws_of, ws_of[first]])]
        order = np.lexsort((obj, kinds, at))
        for chunk in _chunks(order, 50000):
            columns = (
                self.ids.people[who[chunk]].tolist(),
                wsid[chunk].tolist(),
                [demo_actions.VIEWABLE[k] for k in kinds[chunk].tolist()],
                obj[chunk].tolist(),
                [_dt(t) for t in at[chunk].tolist()],
            )
            demo_actions.bulk_record_views(
                [demo_actions.ViewRow(*row) for row in zip(*columns, strict=True)]
            )
        return len(order)

    def follow_for(self, indices: list[int]) -> None:
        """Let the people whose logins are printed follow their workspaces (home feed)."""
        for i in indices:
            for ws in self.wss:
                if i in set(ws.members.tolist()) and ws.shape != "news":
                    talk.follow(self.user(i), workspace_id=self.ids.workspaces[ws.index])


@dataclass
class DemoResult:
    summary: dict[str, Any]
    seconds: float
    timings: dict[str, float]


def _logins(people: People, wss: list[WorkspacePlan]) -> dict[str, int]:
    fading = next(ws for ws in wss if ws.shape == FADING_SHAPE)
    growing = next(ws for ws in wss if ws.shape == "growing")
    staff = {0, people.admin, fading.owner}
    candidates = [
        int(m)
        for m in growing.members[np.argsort(-growing.write)]
        if int(m) not in staff and not people.broker[m] and people.level[m] == 3
    ]
    return {
        "ceo": 0,
        "workspace_owner": fading.owner,
        "employee": candidates[0] if candidates else 1,
        "administrator": people.admin,
    }


def plan(
    options: DemoOptions, until: date, now: datetime | None = None
) -> tuple[Clock, People, list[WorkspacePlan], Activity, list[CheckInPlan]]:
    """Draw the whole year with one seeded generator; nothing is written."""
    rng = np.random.default_rng(options.seed)
    start, end = period(options.months, until, now)
    clock = Clock(start, end)
    people = make_people(rng, options.people, (end.date() - start).days)
    wss = plan_workspaces(rng, people, clock)
    planner = Planner(rng, people, clock)
    for ws in wss:
        planner.workspace(ws)
    act = planner.act
    if len(act.ideas) > MAX_IDEA_DECISIONS:
        keep = np.sort(rng.choice(len(act.ideas), MAX_IDEA_DECISIONS, replace=False))
        act.ideas = [act.ideas[int(k)] for k in keep]
    # a generator of their own, so that the rest of the year is the same with or without them
    act.planted_questions = plant_questions(
        np.random.default_rng([options.seed, 11]), act, wss, people, clock
    )
    return clock, people, wss, act, plan_check_ins(rng, wss, clock)


def generate(
    options: DemoOptions,
    *,
    until: date,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    """Plan and write the demo company; return its machine-readable summary."""
    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    started = last = time.perf_counter()

    def step(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        timings[name] = round(now - last, 3)
        last = now
        say(f"{name}: {timings[name]:.1f} s")

    clock, people, wss, act, check_ins = plan(options, until)
    step("plan")
    loader = Loader(people, wss, act, clock)
    logins = _logins(people, wss)
    # All or nothing: a failure half-way leaves the database as empty as it was.
    with transaction.atomic():
        loader.load_people(options.password)
        loader.grant_executives([logins["ceo"], logins["administrator"]])
        step("people")
        loader.load_workspaces()
        step("workspaces")
        loader.load_posts()
        step("posts")
        loader.load_reactions()
        step("reactions")
        loader.load_outcomes(check_ins)
        step("outcomes")
        knowledge = KnowledgeWriter(loader, options.seed).write(wss)
        step("knowledge")
        loader.load_views()
        step("views")
        loader.follow_for(sorted(set(logins.values())))
        step("follows")
    refresh_statistics()
    from .summary import summarise

    summary = summarise(options, clock, people, wss, act, loader.ids, logins)
    summary["knowledge"] = knowledge.as_dict()
    seconds = time.perf_counter() - started
    summary["seconds"] = round(seconds, 2)
    summary["timings"] = timings
    return DemoResult(summary, seconds, timings)


__all__ = ["COMPANY", "DEPT_NAMES", "FADE_WEEKS", "SILO_DEPARTMENT", "DemoOptions", "generate"]
