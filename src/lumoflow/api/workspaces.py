"""Workspaces, members, objectives, key results and check-ins."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import Strict

from lumoflow.core import limits
from lumoflow.core.pagination import paginate
from lumoflow.people.auth import SignedInRequest
from lumoflow.people.models import Viewer
from lumoflow.workspaces import actions, queries

from .base import JSON_WHOLE, AtMost, BodyIn, Day, Id, Limit, Required, Text

router = Router(tags=["workspaces"])


class TargetsOut(Schema):
    weekly_active_share: float
    first_reply_hours: float
    on_topic_share: float


class WorkspaceOut(Schema):
    id: int
    name: str
    purpose: str
    visibility: str
    created_at: dt.datetime
    archived: bool
    excluded_from_org_analytics: bool
    member_count: int
    my_role: str | None
    can_read: bool
    needs_objective: bool
    objective_due: dt.date
    targets: TargetsOut
    announcements_by_members: bool


class WorkspacePage(Schema):
    items: list[WorkspaceOut]
    next: str | None


class WorkspaceIn(BodyIn):
    name: Annotated[Required, AtMost(limits.WORKSPACE_NAME)]
    purpose: Annotated[Required, AtMost(limits.WORKSPACE_PURPOSE)]
    visibility: Literal["public", "private", "secret"] = "public"


class WorkspacePatch(BodyIn):
    name: Annotated[Required, AtMost(limits.WORKSPACE_NAME)] | None = None
    purpose: Annotated[Required, AtMost(limits.WORKSPACE_PURPOSE)] | None = None
    visibility: Literal["public", "private", "secret"] | None = None
    archived: bool | None = None
    excluded_from_org_analytics: bool | None = Field(
        None, description="Owners: list it in the organisation's portfolio with no figures."
    )
    target_weekly_active_share: float | None = Field(None, ge=0, le=1)
    target_first_reply_hours: float | None = Field(None, ge=0)
    target_on_topic_share: float | None = Field(None, ge=0, le=1)
    announcements_by_members: bool | None = Field(
        None, description="Every member may post announcements (else owners and facilitators)."
    )


def workspace_out(viewer: Viewer, ws: Any) -> WorkspaceOut:
    lacks, due = queries.objective_deadline(ws)
    return WorkspaceOut(
        id=ws.pk,
        name=ws.name,
        purpose=ws.purpose,
        visibility=ws.visibility,
        created_at=ws.created_at,
        archived=ws.is_archived,
        excluded_from_org_analytics=ws.excluded_from_org_analytics,
        member_count=queries.active_member_count(ws),
        my_role=queries.role_of(viewer, ws),
        can_read=queries.can_read(viewer, ws),
        needs_objective=lacks,
        objective_due=due,
        targets=TargetsOut(
            weekly_active_share=float(ws.target_weekly_active_share),
            first_reply_hours=float(ws.target_first_reply_hours),
            on_topic_share=float(ws.target_on_topic_share),
        ),
        announcements_by_members=ws.announcements_by_members,
    )


@router.get("/workspaces", response=WorkspacePage, summary="Workspaces I may see")
def list_workspaces(
    request: HttpRequest, limit: Limit | None = None, cursor: Text | None = None
) -> dict[str, Any]:
    items, nxt = paginate(queries.list_workspaces_for(request.user), limit=limit, cursor=cursor)
    return {"items": [workspace_out(request.user, w) for w in items], "next": nxt}


@router.post("/workspaces", response={201: WorkspaceOut}, summary="Create a workspace")
def create_workspace(request: SignedInRequest, payload: WorkspaceIn) -> Status[WorkspaceOut]:
    ws = actions.create_workspace(request.user, **payload.model_dump())
    return Status(201, workspace_out(request.user, queries.get_workspace_for(request.user, ws.pk)))


@router.get("/workspaces/{workspace_id}", response=WorkspaceOut, summary="One workspace")
def get_workspace(request: HttpRequest, workspace_id: Id) -> WorkspaceOut:
    ws = queries.get_workspace_for(request.user, workspace_id)
    return workspace_out(request.user, ws)


@router.patch("/workspaces/{workspace_id}", response=WorkspaceOut, summary="Change a workspace")
def patch_workspace(
    request: SignedInRequest, workspace_id: Id, payload: WorkspacePatch
) -> WorkspaceOut:
    ws = actions.change_workspace(
        request.user, workspace_id, **payload.model_dump(exclude_unset=True, exclude_none=True)
    )
    return workspace_out(request.user, ws)


class MemberOut(Schema):
    username: str
    name: str
    role: str
    status: str
    joined_at: dt.datetime


class MemberPage(Schema):
    items: list[MemberOut]
    next: str | None


class MemberIn(BodyIn):
    username: Annotated[Text, AtMost(limits.USERNAME)] | None = None
    role: Literal["owner", "facilitator", "member"] = "member"


def _member_out(m: Any) -> MemberOut:
    return MemberOut(
        username=m.user.username,
        name=m.user.name,
        role=m.role,
        status=m.status,
        joined_at=m.joined_at,
    )


@router.get("/workspaces/{workspace_id}/members", response=MemberPage, summary="Members")
def list_members(
    request: HttpRequest, workspace_id: Id, limit: Limit | None = None, cursor: Text | None = None
) -> dict[str, Any]:
    items, nxt = paginate(
        queries.list_members_for(request.user, workspace_id), limit=limit, cursor=cursor
    )
    return {"items": [_member_out(m) for m in items], "next": nxt}


@router.post(
    "/workspaces/{workspace_id}/members",
    response={201: MemberOut},
    summary="Join (empty body), ask to join a private workspace, or add a person (owners)",
)
def add_member(request: SignedInRequest, workspace_id: Id, payload: MemberIn) -> Status[MemberOut]:
    if payload.username:
        m = actions.add_member(
            request.user, workspace_id, username=payload.username, role=payload.role
        )
    else:
        m = actions.join_workspace(request.user, workspace_id)
    return Status(201, _member_out(m))


@router.delete(
    "/workspaces/{workspace_id}/members/{username}",
    response={204: None},
    summary="Leave, or remove a member (owners)",
)
def remove_member(request: SignedInRequest, workspace_id: Id, username: Text) -> Status[None]:
    actions.remove_member(request.user, workspace_id, username=username)
    return Status(204, None)


class CheckInOut(Schema):
    id: int
    value: float
    confidence: int
    note: str
    author: str
    date: dt.date


class KeyResultOut(Schema):
    id: int
    metric_name: str
    unit: str
    baseline: float
    target: float
    direction: str
    due: dt.date
    owner: str | None
    current: float
    progress: float
    status: str
    check_ins: list[CheckInOut]


class ObjectiveOut(Schema):
    id: int
    title: str
    description: str
    owner: str
    start: dt.date
    end: dt.date
    key_results: list[KeyResultOut]


class ObjectivePage(Schema):
    items: list[ObjectiveOut]
    next: str | None


class KeyResultIn(BodyIn):
    metric_name: Annotated[Required, AtMost(limits.KEY_RESULT_METRIC)]
    unit: Annotated[Text, AtMost(limits.KEY_RESULT_UNIT)] = ""
    baseline: float
    target: float
    direction: Literal["increase", "decrease"] | None = None
    due: Day
    owner: Text | None = None


class ObjectiveIn(BodyIn):
    title: Annotated[Required, AtMost(limits.OBJECTIVE_TITLE)]
    description: Annotated[Text, AtMost(limits.OBJECTIVE_DESCRIPTION)] = ""
    owner: Text | None = None
    start: Day
    end: Day
    key_results: list[KeyResultIn] = Field(..., min_length=1)


class CheckInIn(BodyIn):
    value: float
    confidence: Annotated[int, Field(ge=0, le=limits.CONFIDENCE_MAX), Strict(False), JSON_WHOLE]
    note: Annotated[Text, AtMost(limits.CHECK_IN_NOTE)] = ""
    date: Day | None = None


def objective_out(obj: Any) -> ObjectiveOut:
    krs = []
    for kr in obj.key_results.all():
        view = queries.key_result_status(kr)
        krs.append(
            KeyResultOut(
                id=kr.pk,
                metric_name=kr.metric_name,
                unit=kr.unit,
                baseline=kr.baseline,
                target=kr.target,
                direction=kr.direction,
                due=kr.due,
                owner=kr.owner.username if kr.owner else None,
                current=view.current,
                progress=round(view.status.progress, 4),
                status=view.status.label,
                check_ins=[
                    CheckInOut(
                        id=c.pk,
                        value=c.value,
                        confidence=c.confidence,
                        note=c.note,
                        author=c.author.username,
                        date=c.date,
                    )
                    for c in kr.check_ins.all()
                ],
            )
        )
    return ObjectiveOut(
        id=obj.pk,
        title=obj.title,
        description=obj.description,
        owner=obj.owner.username,
        start=obj.start,
        end=obj.end,
        key_results=krs,
    )


@router.get(
    "/workspaces/{workspace_id}/objectives",
    response=ObjectivePage,
    summary="Objectives with key results, progress and check-ins",
)
def list_objectives(
    request: HttpRequest, workspace_id: Id, limit: Limit | None = None, cursor: Text | None = None
) -> dict[str, Any]:
    items, nxt = paginate(
        queries.list_objectives_for(request.user, workspace_id), limit=limit, cursor=cursor
    )
    return {"items": [objective_out(o) for o in items], "next": nxt}


@router.post(
    "/workspaces/{workspace_id}/objectives",
    response={201: ObjectiveOut},
    summary="Add an objective (owners and facilitators)",
)
def create_objective(
    request: SignedInRequest, workspace_id: Id, payload: ObjectiveIn
) -> Status[ObjectiveOut]:
    data = payload.model_dump()
    obj = actions.create_objective(request.user, workspace_id, **data)
    created = queries.list_objectives_for(request.user, workspace_id).get(pk=obj.pk)
    return Status(201, objective_out(created))


@router.post(
    "/key-results/{key_result_id}/check-ins",
    response={201: CheckInOut},
    summary="Check in on a key result (members)",
)
def check_in(request: SignedInRequest, key_result_id: Id, payload: CheckInIn) -> Status[CheckInOut]:
    ci = actions.record_check_in(
        request.user,
        key_result_id,
        value=payload.value,
        confidence=payload.confidence,
        note=payload.note,
        on=payload.date,
    )
    out = CheckInOut(
        id=ci.pk,
        value=ci.value,
        confidence=ci.confidence,
        note=ci.note,
        author=ci.author.username,
        date=ci.date,
    )
    return Status(201, out)
