"""Metrics: the engine's JSON for a workspace or the organisation, served from the store."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lumoflow.core.errors import Invalid, PermissionDenied
from lumoflow.measure import actions, queries
from lumoflow.people.auth import SignedInRequest

from .base import From, Id, To

router = Router(tags=["metrics"])

FAMILIES = (*queries.SUMMARY_FAMILIES, *queries.FULL_ONLY_FAMILIES)


class PeriodOut(Schema):
    start: dt.date = Field(description="First day included (UTC).")
    end: dt.date = Field(description="Last day included (UTC).")


class MetricsOut(Schema):
    """The engine's guarded JSON (the shape of `lumoflow analyze --format json`) for the
    workspace (or the organisation), plus when it was computed. A family not shown to the
    caller, or not asked for with `families`, is null."""

    workspace_id: int | None = Field(description="null: the organisation")
    period: PeriodOut
    computed_at: dt.datetime = Field(description="When the engine ran.")
    full: bool = Field(description="Owner, facilitator or administrator: every family shown.")
    refreshing: bool = Field(description="A refresh is queued or running.")
    participation: dict[str, Any] | None
    responsiveness: dict[str, Any] | None
    fading: dict[str, Any] | None = Field(description="`verdict` in the engine's own words.")
    network: dict[str, Any] | None
    relevance: dict[str, Any] | None
    value: dict[str, Any] | None
    privacy: dict[str, Any]
    input: dict[str, Any]


class RefreshOut(Schema):
    refreshing: bool


Families = Annotated[
    str | None,
    Query(
        None,
        description="Comma-separated families to return (default: all the caller may see): "
        + ", ".join(FAMILIES)
        + ". network and value are for owners, facilitators and administrators.",
        pattern=f"^(({'|'.join(FAMILIES)})(,({'|'.join(FAMILIES)}))*)?$",
    ),
]


def _families(asked: str | None, full: bool) -> set[str]:
    """The families to return; Invalid for an unknown name, PermissionDenied for one the
    caller may not see."""
    if not asked:  # none asked for, or an empty list: all of them
        return set(FAMILIES)
    names = {n.strip() for n in asked.split(",") if n.strip()}
    unknown = sorted(names - set(FAMILIES))
    if unknown:
        raise Invalid(
            f"Unknown families: {', '.join(unknown)}.",
            errors={"families": [f"Choose among: {', '.join(FAMILIES)}."]},
        )
    hidden = sorted(names & set(queries.FULL_ONLY_FAMILIES)) if not full else []
    if hidden:
        raise PermissionDenied(
            f"Only a workspace owner or facilitator, or an administrator, sees {', '.join(hidden)}."
        )
    return names


def metrics_out(m: queries.Metrics, families: set[str]) -> dict[str, Any]:
    data = m.data
    return {
        "workspace_id": m.workspace_id,
        "period": {"start": m.start, "end": m.end},
        "computed_at": m.computed_at,
        "full": m.full,
        "refreshing": m.refreshing,
        **{f: (data.get(f) if f in families else None) for f in FAMILIES},
        "privacy": data["privacy"],
        "input": data["input"],
    }


@router.get(
    "/workspaces/{workspace_id}/metrics",
    response=MetricsOut,
    summary="A workspace's metrics",
    description="The engine's metrics of the workspace over a period (default: the 12 months "
    "up to today, at most 3 years), from the store. Owners, facilitators and administrators "
    "(every workspace that is not secret) get every family; members the summary (no network, "
    "no value).",
)
def workspace_metrics(
    request: HttpRequest, workspace_id: Id, start: From, end: To, families: Families
) -> dict[str, Any]:
    ws, full = queries.metrics_access(request.user, workspace_id)
    wanted = _families(families, full)
    m = queries.get_workspace_metrics_for(request.user, ws, start=start, end=end)
    return metrics_out(m, wanted)


@router.get(
    "/org/metrics",
    response=MetricsOut,
    summary="The organisation's metrics",
    description="The engine's metrics of every workspace that is not secret, together "
    "(`network.ei_index.by_department` included): administrators only.",
)
def org_metrics(request: HttpRequest, start: From, end: To, families: Families) -> dict[str, Any]:
    wanted = _families(families, True)
    return metrics_out(queries.get_org_metrics_for(request.user, start=start, end=end), wanted)


@router.post(
    "/workspaces/{workspace_id}/metrics/refresh",
    response={202: RefreshOut},
    summary="Refresh a workspace's metrics now",
    description="Queue the workspace's refresh at once (owners, facilitators, administrators).",
)
def refresh(request: SignedInRequest, workspace_id: Id) -> Status[RefreshOut]:
    actions.refresh_metrics(request.user, workspace_id)
    return Status(202, RefreshOut(refreshing=True))


class BrokerOut(Schema):
    person: str = Field(description="Username.")
    betweenness: float
    constraint: float | None = Field(description="Burt's constraint; lower = more brokerage.")


class PeopleGroupOut(Schema):
    count: int | None = Field(description="null under the privacy threshold.")
    share: float | None
    people: list[str] = Field(description="Usernames (the first 100).")


class PeopleFiguresOut(Schema):
    """Individual-level network figures of a workspace: people-analytics holders only, each
    answer written to the audit log."""

    workspace_id: int
    period: PeriodOut
    brokers: list[BrokerOut] | None
    peripheral: PeopleGroupOut | None = Field(description="Core number at most 1.")
    isolated: PeopleGroupOut | None = Field(description="No tie to anyone else.")
    load_concentration: float | None = Field(description="Share of ties the top 5% hold.")
    withheld: str | None = Field(description="Why nothing is shown (too few people).")


@router.get(
    "/workspaces/{workspace_id}/people-analytics",
    response=PeopleFiguresOut,
    summary="A workspace's individual-level figures (audited)",
    description="Brokers, peripheral and isolated people of the workspace by username over a "
    "period (default: the 12 months up to today): holders of the people-analytics capability "
    "(administrators hold it) who may read the workspace. Every answer is written to the "
    "audit log (`GET /audit`).",
)
def people_analytics(
    request: SignedInRequest, workspace_id: Id, start: From, end: To
) -> dict[str, Any]:
    f = queries.get_people_figures_for(request.user, workspace_id, via="api", start=start, end=end)
    return {
        "workspace_id": f.workspace_id,
        "period": {"start": f.start, "end": f.end},
        "brokers": [
            {"person": b["person"], "betweenness": b["betweenness"], "constraint": b["constraint"]}
            for b in f.brokers or []
        ]
        if f.brokers is not None
        else None,
        "peripheral": f.peripheral,
        "isolated": f.isolated,
        "load_concentration": f.load_concentration,
        "withheld": f.withheld,
    }
