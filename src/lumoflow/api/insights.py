"""Personal insights: the caller's own activity and responsiveness (`GET /me/insights`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Router, Schema
from pydantic import Field

from lumoflow.measure.insights import Responses, get_insights_for
from lumoflow.people.auth import SignedInRequest

from .base import From, To

router = Router(tags=["insights"])


class WeekOut(Schema):
    week: dt.date = Field(description="Monday of the ISO week.")
    posts: int
    replies: int
    reactions: int


class ResponsesOut(Schema):
    count: int = Field(description="Questions.")
    replied: int = Field(description="Questions with a reply from someone other than the asker.")
    median_hours: float | None = Field(description="Median hours to the first such reply.")
    first: int | None = Field(
        description="Answers only: questions where the caller's reply came first."
    )


class SuggestedPersonOut(Schema):
    id: int
    username: str
    name: str


class WaitingOut(Schema):
    post_id: int
    workspace_id: int
    workspace: str
    asker: SuggestedPersonOut
    body: str
    created_at: dt.datetime
    answered: int = Field(description="Similar questions the caller answered before.")
    terms: list[str] = Field(description="Terms the question shares with those.")


class WorkspaceActivityOut(Schema):
    id: int
    name: str
    posts: int
    replies: int
    reactions: int


class InsightsOut(Schema):
    start: dt.date = Field(description="First day included (UTC).")
    end: dt.date = Field(description="Last day included (UTC).")
    total: dict[str, int] = Field(description="posts, replies, reactions over the period.")
    weekly: list[WeekOut]
    questions: ResponsesOut = Field(description="The caller's own questions.")
    answers: ResponsesOut = Field(description="The caller's replies to others' questions.")
    waiting: list[WaitingOut] = Field(description="Questions waiting for someone like the caller.")
    most_active: list[WorkspaceActivityOut]
    least_active: list[WorkspaceActivityOut]


def _responses(r: Responses) -> dict[str, Any]:
    return {
        "count": r.count,
        "replied": r.replied,
        "median_hours": r.median_hours,
        "first": r.first,
    }


@router.get("/me/insights", response=InsightsOut, summary="My own insights")
def my_insights(request: SignedInRequest, start: From = None, end: To = None) -> dict[str, Any]:
    """The caller's own activity per week, how fast their questions got a reply and how fast
    they reply to others', the questions waiting for someone like them, and their most and least
    active workspaces. Only ever the caller's own figures. Default period: the 12 months up to
    today; at most 3 years, not after today (422 otherwise)."""
    i = get_insights_for(request.user, start=start, end=end)
    return {
        "start": i.start,
        "end": i.end,
        "total": {"posts": i.totals["post"], "replies": i.totals["reply"],
                  "reactions": i.totals["reaction"]},
        "weekly": [
            {"week": w["week"], "posts": w["post"], "replies": w["reply"],
             "reactions": w["reaction"]}
            for w in i.weekly
        ],
        "questions": _responses(i.questions),
        "answers": _responses(i.answers),
        "waiting": [
            {
                "post_id": w.post.pk,
                "workspace_id": w.post.workspace_id,
                "workspace": w.post.workspace.name,
                "asker": {"id": w.post.author.pk, "username": w.post.author.username,
                          "name": w.post.author.name},
                "body": w.post.body,
                "created_at": w.post.created_at,
                "answered": w.answered,
                "terms": list(w.terms),
            }
            for w in i.waiting
        ],
        "most_active": [vars(w) for w in i.most_active],
        "least_active": [vars(w) for w in i.least_active],
    }  # fmt: skip
