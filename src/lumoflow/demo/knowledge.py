"""The demo company's knowledge: a small wiki and a few articles per workspace, and their readers.

Written after the year's posts and accepted answers, through the knowledge and conversation
actions (so every save is a revision with its `wiki_edit` event, in the search index at once),
backdated into the period, from a generator of its own (`[seed, 14]`): the rest of the year is
the same with or without it. Per workspace:

- a handbook page with the pages below it: *How we work* (with *Glossary* under it), one page per
  objective (its key results) and *Frequently asked questions*, linked to each other with
  `[[Page title]]` (and one link to a page nobody wrote yet); each page is edited one to three
  times by other members, and now and then an edit is undone by restoring the revision before;
- up to two accepted answers saved as knowledge by the person who asked, filed under the FAQ,
  which then links to them;
- one article by the owner and sometimes one by an active writer, published, with comments and
  reactions on the post that announced it;
- views of each page and article by members, one per person, object and day, so that knowledge
  reuse (`analytics.value`) has something to count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lumoflow.conversation import actions as talk
from lumoflow.conversation.models import EMOJIS
from lumoflow.core.errors import LumoFlowError
from lumoflow.knowledge import actions as know
from lumoflow.knowledge import queries as know_queries

from . import actions as demo_actions
from .activity import Activity
from .clock import DAY, HOUR, Clock
from .company import People
from .workspaces import WorkspacePlan

#: Saved answers per workspace, at most.
SAVED_PER_WORKSPACE = 2
#: Workspaces (in plan order: the named ones first) that get the whole wiki; the others, in a
#: company of thousands, a handbook and a FAQ page, one saved answer and now and then an
#: article, so that the demo's write time grows with the company only a little.
FULL_WIKIS = 40

EDIT_NOTES = (
    (
        "Added what we agreed at the {month} review",
        "\n\n## {month} review\n\nWe agreed to {verb} "
        "{t1} before anything else, and to look at {t2} again at the next review.",
    ),
    (
        "Note on {t1}",
        "\n\n> Note: questions about {t1} go to the workspace, not to direct "
        "messages, so that the answer is found next time.",
    ),
    (
        "Link to the owners",
        "\n\nThe owners of this page are the workspace's facilitators; ask them before moving it.",
    ),
    (
        "Checklist for {t2}",
        "\n\n## Checklist for {t2}\n\n- [ ] read the latest check-in\n- [ ] "
        "{verb} {t1}\n- [ ] post a short update on {day}",
    ),
)
VERBS = ("review", "finish", "measure", "simplify", "write down")
DEFINITIONS = (
    "what we track every week in {ws}",
    "agreed in {ws} in {month}; see [[How we work]]",
    "the part of the objective most people ask about",
    "owned by the facilitators; ask them before changing it",
    "measured at each check-in against its target",
)
ARTICLE_TITLES = (
    "What a quarter of {t1} taught us",
    "{objective}: where we stand",
    "Five things we changed about {t1}",
    "Notes from the {ws} retrospective",
    "Why {t1} matters more than {t2}",
)
COMMENTS = (
    "Thanks, this is useful: the part about {t1} matches what we saw.",
    "Great write-up. Shared it with my team.",
    "How does this change the target for {t2}?",
    "+1 on {t1}. Could this go on the wiki's How we work page?",
    "We tried the same with {t2} last year; happy to compare notes.",
    "Clear and honest, thank you. What would you do differently next time?",
)


@dataclass
class KnowledgeCounts:
    pages: int = 0
    revisions: int = 0
    restores: int = 0
    saved_answers: int = 0
    articles: int = 0
    comments: int = 0
    reactions: int = 0
    views: int = 0
    page_ids: list[int] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if not k.endswith("_ids")} | {
            "first_page": self.page_ids[0] if self.page_ids else None,
            "first_article": self.article_ids[0] if self.article_ids else None,
        }


def _dt(ts: int) -> Any:
    return Clock.dt(ts)


class KnowledgeWriter:
    """Write one workspace's wiki, saved answers and articles, then everyone's views of them."""

    def __init__(self, loader: Any, seed: int) -> None:
        self.loader = loader
        self.people: People = loader.people
        self.clock: Clock = loader.clock
        self.act: Activity = loader.act
        self.rng = np.random.default_rng([seed, 14])
        self.counts = KnowledgeCounts()
        self.views: list[demo_actions.ViewRow] = []
        self.own_pages: list[tuple[WorkspacePlan, int, int]] = []  # workspace, page, created

    # --------------------------------------------------------------------- helpers
    def _when(self, lo: int, hi: int, person: int) -> int:
        """A working hour of `person` between lo and hi (hi when the window is empty)."""
        hi = min(hi, self.clock.end_ts - HOUR)
        lo = min(lo, hi)
        ts = int(self.rng.integers(lo, hi + 1))
        snapped = self.clock.snap1(ts, int(self.people.loc[person]), float(self.rng.random()))
        return snapped if lo <= snapped <= hi else ts

    def _writer(self, ws: WorkspacePlan, at: int, *, not_: int = -1) -> int:
        """A member who had joined by `at` and still writes then, by their weight to write."""
        week = (at - self.clock.start_ts) // (7 * DAY)
        ok = (ws.joined <= at) & (ws.engaged_until >= week) & (ws.members != not_)
        weights = np.where(ok, ws.write + 0.05, 0.0)
        if weights.sum() <= 0:
            return int(ws.owner)
        return int(ws.members[self.rng.choice(len(weights), p=weights / weights.sum())])

    def _fill(self, ws: WorkspacePlan, at: int) -> dict[str, str]:
        terms = list(ws.theme.terms)
        t1, t2, t3 = (terms[int(i)] for i in self.rng.choice(len(terms), 3, replace=False))
        when = Clock.dt(at)
        return {
            "t1": t1,
            "t2": t2,
            "t3": t3,
            "ws": ws.name,
            "month": when.strftime("%B"),
            "day": ("Monday", "Tuesday", "Wednesday", "Thursday")[int(self.rng.integers(4))],
            "verb": VERBS[int(self.rng.integers(len(VERBS)))],
        }

    def _user(self, index: int) -> Any:
        return self.loader.user(index)

    def _ws_id(self, ws: WorkspacePlan) -> int:
        return int(self.loader.ids.workspaces[ws.index])

    def _readers(self, ws: WorkspacePlan, kind: str, pk: int, since: int, mean: float) -> None:
        """Members who read the page or article on one to three days after `since`."""
        joined = np.flatnonzero(ws.joined <= since)
        if len(joined) == 0 or since >= self.clock.end_ts - 2 * HOUR:
            return
        n = min(len(joined), int(self.rng.poisson(mean)) + 1)
        oid = know_queries.object_id(kind, pk)
        for m in self.rng.choice(joined, n, replace=False).tolist():
            person = int(ws.members[m])
            for _ in range(int(self.rng.integers(1, 4))):
                at = self._when(since + HOUR, self.clock.end_ts, person)
                self.views.append(
                    demo_actions.ViewRow(
                        int(self.loader.ids.people[person]), self._ws_id(ws), kind, oid, _dt(at)
                    )
                )

    # ------------------------------------------------------------------------ wiki
    def _page(self, ws: WorkspacePlan, at: int, who: int, title: str, body: str, **kw: Any) -> Any:
        page = know.create_wiki_page(
            self._user(who), self._ws_id(ws), title=title, body=body, at=_dt(at), **kw
        )
        self.counts.pages += 1
        self.counts.revisions += 1
        self.counts.page_ids.append(page.pk)
        self.own_pages.append((ws, page.pk, at))
        return page

    def _edit(self, page: Any, who: int, at: int, body: str | None, summary: str, **kw: Any) -> Any:
        page = know.edit_wiki_page(
            self._user(who),
            page.pk,
            base_revision=page.current_id,
            body=body,
            summary=summary,
            at=_dt(at),
            **kw,
        )
        self.counts.revisions += 1
        return page

    def _edits(self, ws: WorkspacePlan, page: Any, created: int, author: int) -> int:
        """One to three later edits by others, now and then one undone; the last edit's time."""
        last, body = created, page.current.body
        for _ in range(int(self.rng.integers(1, 4))):
            at = last + int(self.rng.integers(2 * DAY, 40 * DAY))
            if at >= self.clock.end_ts - DAY:
                break
            who = self._writer(ws, at, not_=author)
            at = self._when(at, at + 2 * DAY, who)
            summary, extra = EDIT_NOTES[int(self.rng.integers(len(EDIT_NOTES)))]
            fill = self._fill(ws, at)
            body = body + extra.format(**fill)
            page = self._edit(page, who, at, body, summary.format(**fill))
            last = at
        if self.rng.random() < 0.25 and page.current.number > 2 and last < self.clock.end_ts - DAY:
            who = self._writer(ws, last + DAY)
            at = self._when(last + HOUR, last + DAY, who)
            previous = page.revisions.get(number=page.current.number - 1)
            page = know.restore_wiki_revision(
                self._user(who), page.pk, revision_id=previous.pk, at=_dt(at)
            )
            self.counts.revisions += 1
            self.counts.restores += 1
            last = at
        return last

    def wiki(self, ws: WorkspacePlan, *, full: bool = True) -> tuple[Any, int] | None:
        """The workspace's handbook and the pages under it; the FAQ page and its time."""
        start = max(ws.created, self.clock.start_ts) + 2 * DAY
        if start >= self.clock.end_ts - 10 * DAY:
            return None
        owner = int(ws.owner)
        at = self._when(start, start + 5 * DAY, owner)
        obj = ws.objectives[0].spec if ws.objectives else None
        obj_link = (
            f"- [[{obj.title}]]: the objective we work on, with its key results\n" if obj else ""
        )
        handbook = self._page(
            ws,
            at,
            owner,
            f"{ws.name} handbook",
            f"{ws.theme.purpose}\n\nThis handbook keeps what {ws.name} has learned and agreed, "
            "so that nobody has to ask twice.\n\n## Start here\n\n"
            "- [[How we work]]: our rhythm, check-ins and where to ask\n"
            f"{obj_link}"
            "- [[Glossary]]: the words we use\n- [[Frequently asked questions]]\n\n"
            f"Owner: @{self.people.usernames[owner]}. Anyone in the workspace can edit these "
            "pages; the history keeps every version.",
            summary="Started the handbook",
        )
        made = [(handbook, at, owner)]
        fill = self._fill(ws, at)
        if full:
            made += self._handbook_pages(ws, handbook, at, fill)
        t = self._when(at + DAY, at + 7 * DAY, owner)
        faq = self._page(
            ws,
            t,
            owner,
            "Frequently asked questions",
            f"Short answers to what people ask most in {ws.name}.\n\n"
            f"## Who do I ask about {fill['t1']}?\n\nPost a question in the workspace; "
            "the facilitators pick it up within a day.\n\n"
            "## Where are the key results?\n\nOn the workspace page, with every check-in.",
            parent_id=handbook.pk,
        )
        if full:
            for page, created, author in made:
                self._edits(ws, page, created, author)
        return faq, t

    def _handbook_pages(
        self, ws: WorkspacePlan, handbook: Any, at: int, fill: dict[str, str]
    ) -> list[tuple[Any, int, int]]:
        """How we work, the glossary under it, and the first objective's page."""
        owner = int(ws.owner)
        obj = ws.objectives[0].spec if ws.objectives else None
        made = []
        who = self._writer(ws, at + HOUR)
        t = self._when(at + HOUR, at + 3 * DAY, who)
        how = self._page(
            ws,
            t,
            who,
            "How we work",
            "## Rhythm\n\n"
            f"- We post an update on {fill['t1']} every {fill['day']}.\n"
            "- Key results are checked in every other week by their owners.\n"
            "- Decisions are posted as *decision* posts, so that they can be found later.\n\n"
            "## Asking for help\n\nAsk a *question* in the workspace rather than in a direct "
            "message: the answer helps the next person too. Accepted answers worth keeping are "
            "saved to this wiki.\n\n"
            f"See also the [[Onboarding checklist]], the [[Glossary]] and the "
            f"[[{ws.name} handbook]].",
            parent_id=handbook.pk,
        )
        made.append((how, t, who))
        terms = sorted(ws.theme.terms)[:6]
        glossary = "\n".join(
            f"- **{term}**: "
            + DEFINITIONS[k % len(DEFINITIONS)].format(ws=ws.name, month=fill["month"])
            for k, term in enumerate(terms)
        )
        t = self._when(t + HOUR, t + 4 * DAY, who)
        made.append((self._page(ws, t, who, "Glossary", glossary, parent_id=how.pk), t, who))
        if obj is not None:
            plan = ws.objectives[0]
            krs = "\n".join(
                f"- **{kr.metric}**: from {kr.baseline:g} to {kr.target:g} {kr.unit}".rstrip()
                for kr in obj.key_results
            )
            t = self._when(at + DAY, at + 6 * DAY, owner)
            body = (
                f"{obj.description}\n\nFrom {plan.start:%d %B %Y} to {plan.end:%d %B %Y}.\n\n"
                f"## Key results\n\n{krs}\n\n## How we get there\n\n"
                f"1. Agree who owns {fill['t2']}.\n2. Check in every other week.\n"
                f"3. Write down what we learn about {fill['t3']} here.\n\n"
                f"Back to the [[{ws.name} handbook]]."
            )
            made.append(
                (self._page(ws, t, owner, obj.title, body, parent_id=handbook.pk), t, owner)
            )
        return made

    def saved_answers(self, ws: WorkspacePlan, faq: Any, faq_at: int, *, most: int) -> None:
        """Accepted answers saved by their askers, filed under the FAQ, linked from it."""
        act = self.act
        mine = [
            a for a in sorted(act.accepts, key=lambda a: (a[2], a[0])) if act.ws[a[0]] == ws.index
        ]
        if not mine:
            return
        picks = sorted(self.rng.choice(len(mine), min(most, len(mine)), replace=False).tolist())
        links = []
        last = faq_at
        for k in picks:
            q, _reply, accepted = mine[k]
            asker = int(act.author[q])
            if accepted >= self.clock.end_ts - 2 * DAY:
                continue
            at = self._when(accepted + HOUR, accepted + 2 * DAY, asker)
            try:
                page = know.save_as_knowledge(
                    self._user(asker), int(self.loader.ids.posts[q]), at=_dt(at)
                )
            except LumoFlowError:
                continue  # e.g. a question whose first line makes no title
            self.counts.pages += 1
            self.counts.revisions += 1
            self.counts.saved_answers += 1
            self.counts.page_ids.append(page.pk)
            filed = self._when(at + HOUR, at + DAY, int(ws.owner))
            self._edit(
                page,
                int(ws.owner),
                filed,
                None,
                "Filed under the FAQ",
                parent_id=faq.pk,
            )
            self._readers(ws, know_queries.WIKI, page.pk, filed, 0.08 * len(ws.members))
            links.append(page.title)
            last = max(last, filed)
        if links:
            faq = know_queries.get_wiki_page_for(self._user(int(ws.owner)), faq.pk)
            at = self._when(last + HOUR, last + 2 * DAY, int(ws.owner))
            body = (
                faq.current.body
                + "\n\n## Saved answers\n\n"
                + "\n".join(f"- [[{title}]]" for title in links)
            )
            self._edit(faq, int(ws.owner), at, body, "Linked the saved answers")

    # ---------------------------------------------------------------------- articles
    def articles(self, ws: WorkspacePlan) -> None:
        """One article by the owner, sometimes one by an active writer; comments, reactions."""
        start = max(ws.created, self.clock.start_ts) + 14 * DAY
        stop = self.clock.end_ts - 7 * DAY
        if start >= stop:
            return
        authors = [int(ws.owner)]
        if self.rng.random() < 0.5:
            authors.append(self._writer(ws, stop, not_=int(ws.owner)))
        for k, author in enumerate(authors):
            at = self._when(start + k * (stop - start) // 2, stop, author)
            self._article(ws, author, at)

    def _article(self, ws: WorkspacePlan, author: int, at: int) -> None:
        fill = self._fill(ws, at)
        obj = ws.objectives[0].spec.title if ws.objectives else ws.name
        title = ARTICLE_TITLES[int(self.rng.integers(len(ARTICLE_TITLES)))].format(
            objective=obj, **fill
        )
        body = (
            f"In {ws.name} we spent the last weeks on {fill['t1']}. This is what we did, what "
            "worked and what we will change.\n\n## What we did\n\n"
            f"We started from {fill['t2']}: every {fill['day']} one of us wrote down what had "
            "changed, and the others read it before the check-in.\n\n## What worked\n\n"
            f"- Fewer questions about {fill['t3']}: the answers were on the wiki.\n"
            "- Check-ins took half the time.\n\n## What we will change\n\n"
            f"> {fill['verb'].capitalize()} {fill['t1']} first; everything else follows.\n\n"
            "Comments welcome below."
        )
        summary = f"How {ws.name} approached {fill['t1']} and {fill['t2']}, and what we learned."
        article = know.create_article(
            self._user(author),
            self._ws_id(ws),
            title=title[:200],
            body=body,
            summary=summary,
            publish=True,
            at=_dt(at),
        )
        self.counts.articles += 1
        self.counts.article_ids.append(article.pk)
        t = at
        for _ in range(int(self.rng.integers(1, 5))):
            t = t + int(self.rng.integers(HOUR, 3 * DAY))
            if t >= self.clock.end_ts - HOUR:
                break
            who = self._writer(ws, t, not_=author)
            text = COMMENTS[int(self.rng.integers(len(COMMENTS)))].format(**self._fill(ws, t))
            talk.create_reply(self._user(who), article.post_id, body=text, at=_dt(t))
            self.counts.comments += 1
        reactors = np.flatnonzero(ws.joined <= at)
        n = min(len(reactors), int(self.rng.integers(1, 7)))
        for m in sorted(self.rng.choice(reactors, n, replace=False).tolist()):
            who = int(ws.members[m])
            if who == author:
                continue
            emoji = EMOJIS[int(self.rng.integers(len(EMOJIS)))]
            when = self._when(at + HOUR, at + 5 * DAY, who)
            talk.add_reaction(self._user(who), article.post_id, emoji=emoji, at=_dt(when))
            self.counts.reactions += 1
        self._readers(ws, know_queries.ARTICLE, article.pk, at, 0.3 * len(ws.members))

    # ------------------------------------------------------------------------- all
    def write(self, wss: list[WorkspacePlan]) -> KnowledgeCounts:
        for ws in wss:
            full = ws.index < FULL_WIKIS
            made = self.wiki(ws, full=full)
            if made is not None:
                self.saved_answers(ws, *made, most=SAVED_PER_WORKSPACE if full else 1)
            if full or self.rng.random() < 0.3:
                self.articles(ws)
        for ws, pk, created in self.own_pages:
            self._readers(ws, know_queries.WIKI, pk, created, 0.1 * len(ws.members))
        rows, seen = [], set()
        for r in sorted(self.views, key=lambda r: (r.at, r.object_id, r.actor_id)):
            if (key := (r.actor_id, r.object_id, r.at.date())) not in seen:  # one a day
                seen.add(key)
                rows.append(r)
        self.counts.views = demo_actions.bulk_record_views(rows)
        return self.counts
