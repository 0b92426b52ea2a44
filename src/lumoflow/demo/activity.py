"""Plan the year's conversation: root posts, threads of replies, reactions, reads, answers.

Root posts per workspace and week come from the workspace's curve (`shapes.week`); authors from
the members still engaged that week, weighted by their heavy-tailed propensity. Replies follow
with log-normal delays snapped to the replier's working hours; a share of questions is never
answered. Reactions and reads are drawn per post, vectorised per workspace.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from .clock import DAY, HOUR, Clock
from .company import People
from .shapes import KINDS, REPLIES, Week, base_rate, kind_p, week
from .text import Writer
from .vocab import REACTIONS_BY_KIND
from .workspaces import NEWS_SHAPE, WorkspacePlan

WEEKDAY_P = np.array([0.22, 0.22, 0.21, 0.2, 0.15])
SAME_DEPT = 0.45  # chance a reply comes from the root author's own department (when possible)


@dataclass
class Activity:
    """Everything written, as parallel lists (post index = position)."""

    ws: list[int] = field(default_factory=list)
    author: list[int] = field(default_factory=list)
    ts: list[int] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    parent: list[int] = field(default_factory=list)  # -1 for a root post
    depth: list[int] = field(default_factory=list)
    on_topic: list[bool] = field(default_factory=list)
    objective: list[int] = field(default_factory=list)  # objective slot in the workspace, or -1
    body: list[str] = field(default_factory=list)
    reactions: list[np.ndarray] = field(default_factory=list)  # [post, actor, ts, emoji] blocks
    views: list[np.ndarray] = field(default_factory=list)  # [post, actor, ts] blocks
    accepts: list[tuple[int, int, int]] = field(default_factory=list)  # question, reply, ts
    ideas: list[tuple[int, str, int, int]] = field(default_factory=list)  # post, status, ts, actor
    #: `questions.PlantedQuestion`s: open questions whose answerers are known
    planted_questions: list[Any] = field(default_factory=list)

    def add(self, **kw: object) -> int:
        for k, v in kw.items():
            getattr(self, k).append(v)
        return len(self.ws) - 1


class Pool:
    """Members who may write in one week, with cumulative weights for fast weighted picks."""

    def __init__(self, idx: np.ndarray, weights: np.ndarray, dept: np.ndarray) -> None:
        self.idx = idx
        self.cum = np.cumsum(weights).tolist()
        self.dept = dept
        self._by_dept: dict[int, tuple[np.ndarray, list[float]]] = {}

    def __len__(self) -> int:
        return len(self.idx)

    def pick(self, rng: np.random.Generator, dept: int = -1, avoid: tuple[int, ...] = ()) -> int:
        idx, cum = self.idx, self.cum
        if dept >= 0:
            if dept not in self._by_dept:
                sel = self.dept == dept
                w = np.diff(np.concatenate([[0.0], self.cum]))[sel]
                self._by_dept[dept] = (self.idx[sel], np.cumsum(w).tolist())
            idx, cum = self._by_dept[dept]
            if len(idx) <= len(avoid):
                idx, cum = self.idx, self.cum
        for _ in range(8):
            j = bisect.bisect_right(cum, float(rng.random()) * cum[-1])
            p = int(idx[min(j, len(idx) - 1)])
            if p not in avoid:
                return p
        return -1


class Planner:
    """Draw one workspace's year at a time into an `Activity`."""

    def __init__(self, rng: np.random.Generator, people: People, clock: Clock) -> None:
        self.rng, self.people, self.clock = rng, people, clock
        self.writer = Writer(int(rng.integers(2**62)))
        self.ploc = people.loc.tolist()
        self.act = Activity()
        self.first_names = [name.split(" ")[0] for name in people.names]

    # ----------------------------------------------------------------- roots
    def workspace(self, ws: WorkspacePlan) -> None:
        rng, clock = self.rng, self.clock
        t0 = int(clock.week_of(ws.created))
        base = base_rate(ws, self.people.n)
        season = clock.season()
        start = len(self.act.ws)
        member_at = dict(zip(ws.members.tolist(), ws.joined.tolist(), strict=True))
        for t in range(max(0, t0), clock.weeks):
            wk = week(ws, t, t0, clock.weeks)
            count = rng.poisson(base * wk.intensity * season[t])
            week_end = (clock.day0 + 7 * (t + 1)) * DAY
            ok = (ws.joined < week_end - DAY) & (ws.engaged_until > t) & (ws.write > 0)
            if not count or not ok.any():
                continue
            pool = Pool(ws.members[ok], ws.write[ok], self.people.dept[ws.members[ok]])
            self._roots(ws, pool, wk, t, int(count), member_at)
        marks = len(self.act.reactions), len(self.act.views)
        self._reactions_and_views(ws, start)
        self._announcers(ws, start, *marks)

    def _announcers(self, ws: WorkspacePlan, start: int, reactions: int, views: int) -> None:
        """Announcements reach every member's home feed, so only owners and facilitators post
        them (`create_post`'s rule): each of this workspace's announcements is put in the name of
        one of them, in the drawn author's time zone where one is, without drawing again (the
        rest of the plan stays as the seed made it); their own reactions and reads are dropped."""
        act, ploc = self.act, self.ploc
        announcers = [ws.owner, *ws.facilitators]
        moved = False
        for p in range(start, len(act.ws)):
            a = act.author[p]
            if act.parent[p] >= 0 or act.kind[p] != "announcement" or a in announcers:
                continue
            near = [x for x in announcers if ploc[x] == ploc[a]] or announcers
            act.author[p] = near[a % len(near)]
            moved = True
        if not moved:
            return
        author = np.array(act.author, dtype=np.int64)
        for blocks, first in ((act.reactions, reactions), (act.views, views)):
            for i in range(first, len(blocks)):
                b = blocks[i]
                own = author[b[0].astype(np.int64)] == b[1].astype(np.int64)
                blocks[i] = b[:, ~own]

    def _roots(
        self, ws: WorkspacePlan, pool: Pool, wk: Week, t: int, count: int, member_at: dict[int, int]
    ) -> None:
        rng, clock, people = self.rng, self.clock, self.people
        authors = np.array([pool.pick(rng) for _ in range(count)])
        weekday = rng.choice(5, size=count, p=WEEKDAY_P)
        sec = np.clip(rng.normal(12.5 * HOUR, 2.6 * HOUR, count), 7.6 * HOUR, 18.9 * HOUR)
        ts, off = clock.local_time(people.loc[authors], np.full(count, t), weekday, sec.astype(int))
        kinds = rng.choice(len(KINDS), size=count, p=kind_p(ws))
        drawn = zip(authors.tolist(), ts.tolist(), off.tolist(), kinds.tolist(), strict=True)
        for a, when, day_off, k in drawn:
            if day_off or when < max(ws.created, member_at[a]) or when >= clock.end_ts:
                continue
            self._thread(ws, pool, wk, a, when, KINDS[k], member_at)

    def _objective_slot(self, ws: WorkspacePlan, when: int) -> int:
        day = Clock.dt(when).date()
        live = [j for j, o in enumerate(ws.objectives) if o.start <= day <= o.end]
        return live[-1] if live else -1

    def _body(
        self, ws: WorkspacePlan, kind: str, author: int, on: bool, slot: int, pool: Pool
    ) -> str:
        other = pool.pick(self.rng, avoid=(author,))
        if not on:
            name = self.first_names[other] if other >= 0 else "everyone"
            return self.writer.chatter(kind == "reply", name)
        mention = self.people.usernames[other] if other >= 0 else ""
        return self.writer.on_topic(kind, ws.theme, max(slot, 0), mention)

    # ---------------------------------------------------------------- threads
    def _thread(
        self,
        ws: WorkspacePlan,
        pool: Pool,
        wk: Week,
        author: int,
        when: int,
        kind: str,
        member_at: dict[int, int],
    ) -> None:
        rng, act = self.rng, self.act
        on = bool(rng.random() >= wk.off_topic) or ws.shape == NEWS_SHAPE and kind != "update"
        if not on:
            kind = "update"
        slot = self._objective_slot(ws, when)
        link = slot if on and slot >= 0 and rng.random() < 0.5 else -1
        body = self._body(ws, kind, author, on, slot, pool)
        root = act.add(
            ws=ws.index, author=author, ts=when, kind=kind, parent=-1, depth=0,
            on_topic=on, objective=link, body=body,
        )  # fmt: skip
        n = int(rng.poisson(REPLIES[kind] * wk.health))
        if kind == "question":
            n = 0 if rng.random() < wk.unanswered else max(1, n)
        self._replies(ws, pool, wk, root, n, on, member_at)
        if kind == "idea":
            self._idea(ws, root)

    def _reply_author(self, pool: Pool, root_author: int, parent_author: int, k: int) -> int:
        rng, dept = self.rng, self.people.dept
        if k > 0 and parent_author != root_author and rng.random() < 0.4:
            return root_author
        same = int(dept[root_author]) if rng.random() < SAME_DEPT else -1
        return pool.pick(rng, dept=same, avoid=(root_author, parent_author))

    def _replies(
        self,
        ws: WorkspacePlan,
        pool: Pool,
        wk: Week,
        root: int,
        n: int,
        on: bool,
        member_at: dict[int, int],
    ) -> None:
        rng, act, clock = self.rng, self.act, self.clock
        prev, thread = act.ts[root], [root]
        root_author = act.author[root]
        for k in range(n):
            median = wk.first_reply_h if k == 0 else 2.0
            delay = rng.lognormal(math.log(median), 1.0 if k == 0 else 1.2) * HOUR
            parent = (
                thread[int(rng.integers(1, len(thread)))]
                if len(thread) > 1 and rng.random() < 0.3
                else root
            )
            who = self._reply_author(pool, root_author, act.author[parent], k)
            if who < 0:
                break
            when = clock.snap1(int(prev + delay), self.ploc[who], rng.random())
            if when >= clock.end_ts:
                break
            if when < member_at.get(who, 0):
                continue
            reply_on = on and rng.random() > 0.05
            body = self._body(ws, "reply", who, reply_on, max(act.objective[root], 0), pool)
            r = act.add(
                ws=ws.index, author=who, ts=when, kind="", parent=parent,
                depth=act.depth[parent] + 1, on_topic=reply_on, objective=-1, body=body,
            )  # fmt: skip
            thread.append(r)
            prev = when
        if act.kind[root] == "question" and len(thread) > 1:
            self._accept(ws, root, thread[1:], wk)

    def _accept(self, ws: WorkspacePlan, root: int, replies: list[int], wk: Week) -> None:
        rng, act = self.rng, self.act
        answer = next((r for r in replies if act.author[r] != act.author[root]), -1)
        if answer < 0 or rng.random() > 0.65 * wk.health:
            return
        asker = act.author[root]
        at = act.ts[answer] + rng.lognormal(math.log(3), 1.0) * HOUR
        when = self.clock.snap1(int(at), self.ploc[asker], rng.random())
        if when < self.clock.end_ts:
            act.accepts.append((root, answer, when))

    def _idea(self, ws: WorkspacePlan, root: int) -> None:
        rng, act = self.rng, self.act
        u = rng.random()
        adopted = 0.1 if ws.shape == "fading" else 0.3
        status = (
            "adopted" if u < adopted else "under_review" if u < adopted + 0.25
            else "declined" if u < adopted + 0.35 else ""
        )  # fmt: skip
        if not status:
            return
        deciders = [ws.owner, *ws.facilitators]
        who = deciders[int(rng.integers(len(deciders)))]
        at = act.ts[root] + int(rng.uniform(5, 30) * DAY)
        when = self.clock.snap1(int(at), self.ploc[who], rng.random())
        if when < self.clock.end_ts:
            act.ideas.append((root, status, when, who))

    # ------------------------------------------------------- reactions, reads
    def _reactions_and_views(self, ws: WorkspacePlan, start: int) -> None:
        rng, act, clock = self.rng, self.act, self.clock
        posts = np.arange(start, len(act.ws))
        if not len(posts):
            return
        ts = np.array(act.ts[start:], dtype=np.int64)
        author = np.array(act.author[start:])
        is_root = np.array(act.parent[start:]) < 0
        kinds = [act.kind[p] for p in posts]
        t0 = int(clock.week_of(ws.created))
        post_week = clock.week_of(ts).tolist()
        health_of = {t: week(ws, t, t0, clock.weeks).health for t in set(post_week)}
        health = np.array([health_of[t] for t in post_week])
        lam = np.where(is_root, 1.3, 0.45) * health
        lam = np.where(np.array(kinds) == "announcement", 4.0 + 0.01 * len(ws.members), lam)
        self._reactions(ws, posts, ts, author, kinds, rng.poisson(lam))
        pv = min(0.3 if ws.shape == NEWS_SHAPE else 0.12, 40 / len(ws.members)) * health
        seen = rng.binomial(len(ws.members) - 1, np.where(is_root, pv, 0.0))
        self._views(ws, posts, ts, author, seen)

    def _draw(
        self,
        ws: WorkspacePlan,
        weights: np.ndarray,
        counts: np.ndarray,
        posts: np.ndarray,
        ts: np.ndarray,
        author: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """(post, person, time) for `counts` draws per post, deduplicated, after joining."""
        rng = self.rng
        total = int(counts.sum())
        if not total:
            return None
        who = rng.choice(len(ws.members), size=total, p=weights / weights.sum())
        rows = np.repeat(np.arange(len(posts)), counts)
        at = ts[rows] + (rng.lognormal(math.log(4), 1.2, total) * HOUR).astype(np.int64)
        person = ws.members[who]
        stays = self.clock.week_of(at) < ws.engaged_until[who]
        keep = (person != author[rows]) & (at >= ws.joined[who]) & stays
        rows, person, at = rows[keep], person[keep], at[keep]
        _, first = np.unique(rows.astype(np.int64) * (1 << 32) + person, return_index=True)
        first.sort()
        rows, person, at = rows[first], person[first], at[first]
        at = self.clock.snap(at, self.people.loc[person], rng)
        keep = at < self.clock.end_ts
        return rows[keep], person[keep], at[keep]

    def _reactions(
        self,
        ws: WorkspacePlan,
        posts: np.ndarray,
        ts: np.ndarray,
        author: np.ndarray,
        kinds: list[str],
        counts: np.ndarray,
    ) -> None:
        drawn = self._draw(ws, ws.react, counts, posts, ts, author)
        if drawn is None:
            return
        rows, person, at = drawn
        emoji = np.array(
            [hash_pick(REACTIONS_BY_KIND[kinds[r]], self.rng) for r in rows.tolist()], dtype=object
        )
        self.act.reactions.append(np.array([posts[rows], person, at, emoji], dtype=object))

    def _views(
        self,
        ws: WorkspacePlan,
        posts: np.ndarray,
        ts: np.ndarray,
        author: np.ndarray,
        counts: np.ndarray,
    ) -> None:
        weights = np.ones(len(ws.members))
        drawn = self._draw(ws, weights, counts, posts, ts, author)
        if drawn is None:
            return
        rows, person, at = drawn
        self.act.views.append(np.stack([posts[rows], person, at]).astype(np.int64))


def hash_pick(options: tuple[str, ...], rng: np.random.Generator) -> str:
    return options[int(rng.integers(len(options)))]


@dataclass(frozen=True)
class CheckInPlan:
    ws: int
    objective: int
    key_result: int
    author: int
    value: float
    confidence: int
    on: date
    at: int
    note: str


def plan_check_ins(
    rng: np.random.Generator, workspaces: list[WorkspacePlan], clock: Clock
) -> list[CheckInPlan]:
    """Fortnightly check-ins per key result; progress follows the objective's pace."""
    out = []
    last = Clock.dt(clock.end_ts - 1).date()
    for ws in workspaces:
        authors = [ws.owner, *ws.facilitators]
        for j, obj in enumerate(ws.objectives):
            span = max(1, (obj.end - obj.start).days)
            day = obj.start + timedelta(days=7)
            while day <= min(obj.end, last):
                frac = (day - obj.start).days / span
                for k, kr in enumerate(obj.spec.key_results):
                    done = min(1.0, frac * obj.pace * (1 + rng.normal(0, 0.04)))
                    value = kr.baseline + (kr.target - kr.baseline) * done
                    value = round(value) if abs(kr.target - kr.baseline) >= 10 else round(value, 2)
                    behind = obj.pace < 0.9
                    conf = int(rng.integers(2, 5) if obj.pace < 0.5 else rng.integers(5, 7)
                               if behind else rng.integers(7, 10))  # fmt: skip
                    note = (
                        f"Behind plan: {kr.metric.lower()} at {value:g} {kr.unit}."
                        if behind
                        else f"On track: {kr.metric.lower()} at {value:g} {kr.unit}."
                    )
                    who = authors[int(rng.integers(len(authors)))]
                    at = (day - date(1970, 1, 1)).days * DAY + 10 * HOUR
                    if at < clock.end_ts:
                        out.append(CheckInPlan(ws.index, j, k, who, value, conf, day, at, note))
                day += timedelta(days=14)
    return out
