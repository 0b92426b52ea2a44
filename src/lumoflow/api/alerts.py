"""Alerts about a workspace's health: list a workspace's alerts, mark one acted on."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema

from lumoflow.core import limits
from lumoflow.core.pagination import paginate
from lumoflow.notifications import actions, queries
from lumoflow.people.auth import SignedInRequest

from .base import AtMost, Id, Limit, Text

router = Router(tags=["alerts"])


class SuggestedActionOut(Schema):
    rule: str
    kind: str
    text: str
    evidence: str


class AlertOut(Schema):
    id: int
    workspace_id: int
    kind: str
    metric: str
    summary: str
    since: dt.date
    evidence: list[str]
    actions: list[SuggestedActionOut]
    raised_at: dt.datetime
    computed_at: dt.datetime
    open: bool
    closed_at: dt.datetime | None
    acted_on_at: dt.datetime | None
    acted_on_by: str | None
    note: str
    url: str


class AlertPage(Schema):
    items: list[AlertOut]
    next: str | None


class ActedOnIn(Schema):
    note: Annotated[Text, AtMost(limits.ALERT_NOTE)]


def alert_out(a: Any) -> AlertOut:
    return AlertOut(
        id=a.pk,
        workspace_id=a.workspace_id,
        kind=a.kind,
        metric=a.metric,
        summary=a.summary,
        since=a.since,
        evidence=a.evidence,
        actions=[SuggestedActionOut(**x) for x in a.actions],
        raised_at=a.raised_at,
        computed_at=a.computed_at,
        open=a.is_open,
        closed_at=a.closed_at,
        acted_on_at=a.acted_on_at,
        acted_on_by=a.acted_on_by.username if a.acted_on_by else None,
        note=a.note,
        url=queries.alert_url(a),
    )


@router.get(
    "/workspaces/{workspace_id}/alerts",
    response=AlertPage,
    summary="A workspace's alerts, newest first (owners and facilitators)",
)
def list_alerts(
    request: HttpRequest,
    workspace_id: Id,
    open: bool = False,
    limit: Limit | None = None,
    cursor: Text | None = None,
) -> dict[str, Any]:
    qs = queries.list_alerts_for(request.user, workspace_id, open_only=open)
    items, nxt = paginate(qs, limit=limit, cursor=cursor, newest_first=True, key="raised_at")
    return {"items": [alert_out(a) for a in items], "next": nxt}


@router.post(
    "/alerts/{alert_id}/acted-on",
    response=AlertOut,
    summary="Mark an alert acted on, with a note saying what was done (owners and facilitators)",
)
def acted_on(request: SignedInRequest, alert_id: Id, payload: ActedOnIn) -> AlertOut:
    return alert_out(actions.mark_alert_acted_on(request.user, alert_id, note=payload.note))
