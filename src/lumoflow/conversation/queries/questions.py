"""Unanswered questions and the people to ask about them.

A question is **unanswered** while nobody but its asker has replied to it (a visible reply) and
no answer is accepted: the engine's "no reply by someone else" (``analytics.responsiveness``).
A question someone answered, even without an accepted answer, has left the queue: its asker has
something to read and accept.

The people to ask are :func:`lumoflow.analytics.answerers.suggest_answerers` over the questions
of the same workspace that someone other than the asker answered, among the workspace's active
members. They are shown to the workspace's owners and facilitators for every question, and to
the asker for their own: nobody else learns who the platform would ask.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
from django.contrib.auth import get_user_model
from django.db.models import Exists, F, Min, OuterRef, QuerySet

from lumoflow.activity.actions import OUTSIDE
from lumoflow.activity.queries import change_marks_of
from lumoflow.analytics.answerers import Suggestion, suggest_answerers
from lumoflow.core import fragments
from lumoflow.people.models import Viewer
from lumoflow.workspaces import queries as ws_queries
from lumoflow.workspaces.models import Membership, MembershipStatus

from ..models import Kind, Post
from .posts import _uid, readable_posts_for, visible_posts

#: Questions of the queue shown at once (oldest first).
QUEUE = 20


@dataclass(frozen=True)
class SuggestedPerson:
    """Someone to ask about a question: who answered similar ones, how many, and the terms."""

    id: int
    username: str
    name: str
    answered: int
    accepted: int
    terms: tuple[str, ...]


@dataclass(frozen=True)
class UnansweredQuestion:
    post: Post
    #: None when the viewer may not see who to ask (neither the asker nor a facilitator).
    suggestions: tuple[SuggestedPerson, ...] | None


def _unanswered(qs: QuerySet[Post]) -> QuerySet[Post]:
    """Root questions of `qs` with no accepted answer and no visible reply but the asker's."""
    others = (
        visible_posts().filter(thread_id=OuterRef("pk")).exclude(author_id=OuterRef("author_id"))
    )
    return qs.filter(parent__isnull=True, kind=Kind.QUESTION, accepted_answer=None).exclude(
        Exists(others)
    )


def list_unanswered_questions_for(viewer: Viewer, workspace_id: Any) -> QuerySet[Post]:
    """Unanswered questions of a workspace the viewer may read, oldest first (NotFound, or
    PermissionDenied for a private workspace the viewer is not a member of)."""
    ws = ws_queries.get_readable_workspace_for(viewer, workspace_id)
    return (
        _unanswered(visible_posts().filter(workspace=ws))
        .select_related("author")
        .order_by("created_at", "id")
    )


def answered_questions(workspace_ids: Iterable[int], *, person: int | None = None) -> pa.Table:
    """(question, person, text, accepted): one row per visible question of these workspaces and
    person other than its asker who replied to it (visibly), with whether the asker accepted
    their answer. With `person`, that person's rows only."""
    replies = visible_posts().filter(
        workspace_id__in=list(workspace_ids),
        parent__isnull=False,
        thread__kind=Kind.QUESTION,
        thread__deleted_at__isnull=True,
        thread__hidden_at__isnull=True,
    )
    if person is not None:
        replies = replies.filter(author_id=person)
    rows = (
        replies.exclude(author_id=F("thread__author_id"))
        .values_list("thread_id", "author_id", "thread__body", "thread__accepted_answer__author_id")
        .distinct()
    )
    question, who, text, accepted_by = zip(*rows, strict=True) if rows else ((), (), (), ())
    return pa.table(
        {
            "question": pa.array(question, pa.int64()),
            "person": pa.array(who, pa.int64()),
            "text": pa.array(text, pa.string()),
            "accepted": pa.array(
                np.equal(np.array(accepted_by, dtype=float), np.array(who, dtype=float)), pa.bool_()
            ),
        }
    )


def open_questions_table(questions: Sequence[Post]) -> pa.Table:
    return pa.table(
        {
            "question": pa.array([q.pk for q in questions], pa.int64()),
            "asker": pa.array([q.author_id for q in questions], pa.int64()),
            "text": pa.array([q.body for q in questions], pa.string()),
        }
    )


def people_for(suggestions: Sequence[Suggestion]) -> dict[int, tuple[SuggestedPerson, ...]]:
    """The suggestions grouped by question, each with the person's name."""
    User = get_user_model()
    users = User.objects.in_bulk({int(s.person) for s in suggestions})
    out: dict[int, list[SuggestedPerson]] = {}
    for s in suggestions:
        u = users[int(s.person)]
        out.setdefault(int(s.question), []).append(
            SuggestedPerson(u.pk, u.username, u.name, s.answered, s.accepted, s.terms)
        )
    return {q: tuple(p) for q, p in out.items()}


def suggested_people(
    workspace_id: int, questions: Sequence[Post]
) -> dict[int, tuple[SuggestedPerson, ...]]:
    """Who to ask about each of `questions` (of this workspace), computed afresh: the plain
    version of what `list_unanswered_queue_for` keeps in the fragments cache."""
    members = Membership.objects.filter(workspace_id=workspace_id, status=MembershipStatus.ACTIVE)
    return people_for(
        suggest_answerers(
            open_questions_table(questions),
            answered_questions([workspace_id]),
            pa.array(list(members.values_list("user_id", flat=True)), pa.int64()),
        )
    )


def list_unanswered_queue_for(
    viewer: Viewer, workspace_id: Any, *, limit: int = QUEUE
) -> list[UnansweredQuestion]:
    """The oldest `limit` unanswered questions of a workspace the viewer may read, each with up
    to three members to ask when the viewer may see them (owners and facilitators: every
    question; the asker: their own; anyone else: none). NotFound / PermissionDenied as
    `list_unanswered_questions_for`."""
    ws = ws_queries.get_readable_workspace_for(viewer, workspace_id)
    marks = change_marks_of([ws.pk])  # before the data they stand for (core.marks)
    questions = list(list_unanswered_questions_for(viewer, ws.pk)[:limit])
    uid = _uid(viewer)
    everything = ws_queries.may_facilitate(ws_queries.role_of(viewer, ws))
    shown = [q for q in questions if everything or q.author_id == uid]
    found: dict[int, tuple[SuggestedPerson, ...]] = {}
    if shown:
        # every write in the workspace (answers, members) moves its mark; names move OUTSIDE's
        parts = ("answerers", ws.pk, marks.of(ws.pk), marks.of(OUTSIDE), *(q.pk for q in shown))
        found = dict(
            fragments.cached(
                parts, lambda: tuple(suggested_people(ws.pk, shown).items()), marks=marks
            )
        )
    return [
        UnansweredQuestion(q, found.get(q.pk, ()) if everything or q.author_id == uid else None)
        for q in questions
    ]


# ------------------------------------------------------------------ one person's questions
def _first_replies(thread_ids: Sequence[int], *, besides: int | None = None) -> dict[int, Any]:
    """The first visible reply's time in each thread, by someone other than `besides` (None: the
    thread's asker)."""
    replies = visible_posts().filter(thread_id__in=list(thread_ids))
    replies = replies.exclude(author_id=besides if besides is not None else F("thread__author_id"))
    return dict(
        replies.values("thread_id")
        .annotate(first=Min("created_at"))
        .values_list("thread_id", "first")
    )


def my_question_reply_times_for(viewer: Viewer, start: Any, end: Any) -> list[tuple[Any, Any]]:
    """(asked, first reply by someone else or None) for each visible question the viewer asked
    between the instants `start` (included) and `end` (excluded), in readable workspaces."""
    uid = _uid(viewer)
    asked = dict(
        readable_posts_for(viewer)
        .filter(author_id=uid, parent__isnull=True, kind=Kind.QUESTION)
        .filter(created_at__gte=start, created_at__lt=end)
        .values_list("pk", "created_at")
    )
    first = _first_replies(list(asked), besides=uid)
    return [(at, first.get(pk)) for pk, at in asked.items()]


def my_answer_times_for(viewer: Viewer, start: Any, end: Any) -> list[tuple[Any, Any, Any]]:
    """(asked, the viewer's first reply, the first reply by anyone but the asker) for each
    question of someone else, asked between `start` and `end`, that the viewer replied to."""
    uid = _uid(viewer)
    mine = (
        readable_posts_for(viewer)
        .filter(author_id=uid, parent__isnull=False, thread__kind=Kind.QUESTION)
        .filter(thread__created_at__gte=start, thread__created_at__lt=end)
        .filter(thread__deleted_at__isnull=True, thread__hidden_at__isnull=True)
        .exclude(thread__author_id=uid)
        .values("thread_id", "thread__created_at")
        .annotate(mine=Min("created_at"))
        .values_list("thread_id", "thread__created_at", "mine")
    )
    rows = list(mine)
    first = _first_replies([t for t, _, _ in rows])
    return [(asked, at, first.get(t, at)) for t, asked, at in rows]


@dataclass(frozen=True)
class WaitingQuestion:
    """An unanswered question close to those the viewer answered before."""

    post: Post
    score: float
    answered: int
    terms: tuple[str, ...]


def list_questions_waiting_for(
    viewer: Viewer, *, since: Any, limit: int = 5, scan: int = 500
) -> list[WaitingQuestion]:
    """Unanswered questions of others, asked since `since` in the viewer's workspaces (active
    member, not archived), on which the viewer would be suggested: they answered similar ones
    there (the similarity of `list_unanswered_queue_for`). Best first; the newest `scan` are
    considered."""
    uid = _uid(viewer)
    if uid is None:
        return []
    workspaces = list(
        ws_queries.member_workspace_ids(viewer).values_list("workspace_id", flat=True)
    )
    # nobody can answer in an archived workspace; its answers still tell what one knows
    where = visible_posts().filter(workspace_id__in=workspaces, workspace__archived_at__isnull=True)
    open_qs = list(
        _unanswered(where.filter(created_at__gte=since))
        .exclude(author_id=uid)
        .select_related("author", "workspace")
        .order_by("-created_at", "-id")[:scan]
    )
    if not open_qs:
        return []
    found = suggest_answerers(
        open_questions_table(open_qs),
        answered_questions(workspaces, person=uid),
        pa.array([uid], pa.int64()),
        top=1,
    )
    by_id = {q.pk: q for q in open_qs}
    best = sorted(found, key=lambda s: (-s.score, -int(s.question)))[:limit]
    return [WaitingQuestion(by_id[int(s.question)], s.score, s.answered, s.terms) for s in best]
