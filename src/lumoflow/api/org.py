"""The executive view: the organisation's portfolio, trends, network map and the value
assumptions."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from lumoflow.measure import actions
from lumoflow.measure.assumptions import CURRENCIES, value_assumptions
from lumoflow.measure.portfolio import SORTS, VERDICT_CHOICES, Portfolio, portfolio_for
from lumoflow.measure.queries import get_org_network_for
from lumoflow.measure.report.period import PATTERN as PERIOD_PATTERN
from lumoflow.measure.report.render import report_file
from lumoflow.measure.trends import (
    MAX_WEEKS,
    MAX_WINDOW,
    MIN_WEEKS,
    MIN_WINDOW,
    WEEKS,
    WINDOW,
    trends_for,
)
from lumoflow.people.auth import SignedInRequest
from lumoflow.people.models import Capability
from lumoflow.people.queries import require_capability

from .base import BodyIn, Id, Text

router = Router(tags=["organisation"])

Levels = dict[str, float]


class ActiveWeekOut(Schema):
    week: dt.date
    value: int | None = Field(description="People active; null when hidden (too few people).")
    suppressed: bool


class PortfolioRowOut(Schema):
    rank: int
    workspace_id: int
    name: str
    visibility: str
    verdict: str = Field(
        description="The engine's verdict, 'not_measured' (nothing stored yet), 'excluded' "
        "(by its owners: no figures), or '' (too few people to measure)."
    )
    withheld: str | None = Field(description="Why nothing is shown, when too few people.")
    targets_missed: list[str]
    shortfall: float | None = Field(
        description="Sum of the missed targets' shortfalls as shares of their targets."
    )
    objective_progress: float | None = Field(description="0..1, the latest objective's mean.")
    weekly_active: int | None = Field(description="People active in the last complete week.")
    weekly: list[ActiveWeekOut] = Field(description="The last 12 complete weeks.")
    value_hours: Levels | None = Field(description="Hours saved: low, base, high.")
    value_cost: Levels | None = Field(description="Cost saved: low, base, high.")
    owner: str | None = Field(description="Username of the first owner.")
    department: str | None = Field(description="The first owner's department path.")
    sponsor: str | None = Field(description="Username of the latest objective's owner.")
    computed_at: dt.datetime | None


class AssumptionsOut(Schema):
    minutes_per_answered_question: list[float] = Field(description="low, base, high")
    minutes_per_reuse: list[float] = Field(description="low, base, high")
    hourly_cost: float
    currency: str


class PortfolioOut(Schema):
    items: list[PortfolioRowOut]
    assumptions: AssumptionsOut
    total_hours: Levels
    total_cost: Levels
    departments: list[str]
    sponsors: list[str]


def _assumptions(a: Any) -> dict[str, Any]:
    return {
        "minutes_per_answered_question": list(a.minutes_per_answered_question),
        "minutes_per_reuse": list(a.minutes_per_reuse),
        "hourly_cost": a.hourly_cost,
        "currency": a.currency,
    }


def portfolio_out(p: Portfolio) -> dict[str, Any]:
    items = []
    for rank, r in enumerate(p.rows, 1):
        f = r.figures
        items.append(
            {
                "rank": rank,
                "workspace_id": r.workspace_id,
                "name": r.name,
                "visibility": r.visibility,
                "verdict": r.verdict,
                "withheld": (f.withheld or None) if f else None,
                "targets_missed": list(f.missed) if f else [],
                "shortfall": f.shortfall if f and f.verdict else None,
                "objective_progress": r.progress,
                "weekly_active": f.weekly_active if f else None,
                "weekly": f.points() if f else [],
                "value_hours": r.hours,
                "value_cost": r.cost,
                "owner": r.owner_username or None,
                "department": r.department or None,
                "sponsor": r.sponsor_username or None,
                "computed_at": f.computed_at if f else None,
            }
        )
    return {
        "items": items,
        "assumptions": _assumptions(p.assumptions),
        "total_hours": p.total_hours,
        "total_cost": p.total_cost,
        "departments": p.departments,
        "sponsors": [u for u, _ in p.sponsors],
    }


Verdicts = Literal["", *VERDICT_CHOICES]  # type: ignore[valid-type]
Sorts = Literal[*SORTS]  # type: ignore[valid-type]


@router.get(
    "/org/portfolio",
    response=PortfolioOut,
    summary="The organisation's portfolio",
    description="Every workspace that is not secret (nor archived), ranked by health (the "
    "verdict, then how far its targets are missed), from the stored metrics: executives only "
    "(administrators hold the capability). Filter by top-level `department` of the owner, "
    "`verdict` and `sponsor` (username); `sort` by a column, `order` asc or desc. A workspace "
    "its owners excluded from organisation analytics is listed as excluded, with no figures.",
)
def portfolio(
    request: HttpRequest,
    department: Text = "",
    verdict: Annotated[Verdicts, Query("")] = "",
    sponsor: Text = "",
    sort: Annotated[Sorts, Query("health")] = "health",
    order: Annotated[Literal["asc", "desc"], Query("asc")] = "asc",
) -> dict[str, Any]:
    p = portfolio_for(
        request.user,
        department=department,
        verdict=verdict,
        sponsor=sponsor,
        sort=sort,
        descending=order == "desc",
    )
    return portfolio_out(p)


def _levels(values: list[float]) -> tuple[float, float, float]:
    low, base, high = values  # three by the schema
    return low, base, high


Minutes = Annotated[list[float], Field(min_length=3, max_length=3)]


class AssumptionsIn(BodyIn):
    minutes_per_answered_question: Minutes = Field(description="low, base, high (0 to 480)")
    minutes_per_reuse: Minutes = Field(description="low, base, high (0 to 240)")
    hourly_cost: float = Field(description="1 to 1000")
    currency: Literal[*CURRENCIES]  # type: ignore[valid-type]


@router.get(
    "/org/value-assumptions",
    response=AssumptionsOut,
    summary="The value assumptions",
    description="What every value estimate rests on: executives and administrators.",
)
def get_assumptions(request: HttpRequest) -> dict[str, Any]:
    require_capability(request.user, Capability.EXECUTIVE)
    return _assumptions(value_assumptions())


@router.put(
    "/org/value-assumptions",
    response=AssumptionsOut,
    summary="Change the value assumptions",
    description="Administrators only. A value out of range (negative minutes, low above high, "
    "an absurd hourly cost) is refused with the field's problem; nothing is saved.",
)
def put_assumptions(request: SignedInRequest, payload: AssumptionsIn) -> dict[str, Any]:
    a = actions.update_value_assumptions(
        request.user,
        minutes_per_answered_question=_levels(payload.minutes_per_answered_question),
        minutes_per_reuse=_levels(payload.minutes_per_reuse),
        hourly_cost=payload.hourly_cost,
        currency=payload.currency,
    )
    return _assumptions(a)


class DepartmentNodeOut(Schema):
    department: str
    people: int | None = Field(description="null when under the privacy threshold")
    ei_index: float | None
    silo: bool = Field(description="E-I index at most −0.5")
    merged: list[str] = Field(description="Departments under the threshold merged into it.")
    x: float
    y: float
    suppressed: bool


class DepartmentEdgeOut(Schema):
    source: str
    target: str
    ties: int = Field(description="Distinct pairs of people in touch across the two.")
    weight: int = Field(description="Interactions along those pairs.")


class NetworkOut(Schema):
    start: dt.date
    end: dt.date
    computed_at: dt.datetime
    min_group_size: int
    nodes: list[DepartmentNodeOut]
    edges: list[DepartmentEdgeOut]
    silos: list[str]


@router.get(
    "/org/network",
    response=NetworkOut,
    summary="The department network map",
    description="Departments (top level) as nodes with their people and E-I index, the ties "
    "between them as weighted edges, silos named; departments under the privacy threshold are "
    "merged into their parent. From the organisation's stored metrics (the 12 months up to "
    "today): executives only.",
)
def network(request: HttpRequest) -> dict[str, Any]:
    m, found = get_org_network_for(request.user)
    found = found or {"nodes": [], "edges": [], "silos": [], "min_group_size": 0}
    return {
        "start": m.start,
        "end": m.end,
        "computed_at": m.computed_at,
        "min_group_size": found["min_group_size"] or int(m.data["privacy"]["min_group_size"]),
        "nodes": found["nodes"],
        "edges": found["edges"],
        "silos": found["silos"],
    }


@router.get(
    "/org/report",
    response={200: None},
    summary="The executive report of a period, as a file",
    description="The report an executive reads in five minutes (the organisation's verdict, "
    "the portfolio, the fading workspaces with their reasons and suggested actions, value with "
    "its assumptions, the department map and its silos, the alerts acted on and what changed "
    "after) as a PDF or one self-contained HTML file. `period`: a year (2026), a quarter "
    "(2026-Q3), a month (2026-09) or a range (2026-07..2026-09); default the last complete "
    "quarter; 422 for an unknown form, a reversed range or a period in the future. Executives "
    "only (403 otherwise). Secret workspaces appear nowhere; groups under the privacy threshold "
    "are suppressed.",
)
def report(
    request: HttpRequest,
    period: Annotated[str, Query("", pattern=PERIOD_PATTERN, max_length=40)] = "",
    format: Annotated[Literal["pdf", "html"], Query("pdf")] = "pdf",  # noqa: A002
    workspace: Id | None = None,
) -> HttpResponse:
    content, name, kind = report_file(request.user, period, format, workspace_id=workspace)
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class TrendWeekOut(Schema):
    week: dt.date
    value: float | None = Field(description="null when hidden or nothing to measure that week")
    suppressed: bool = Field(description="hidden: fewer people than the privacy threshold")


class MoverOut(Schema):
    workspace_id: int
    name: str
    before: float = Field(description="People active per week, the `window` weeks before.")
    after: float = Field(description="People active per week, the last `window` weeks.")
    change: float = Field(description="after − before")
    relative: float | None = Field(description="change ÷ before; null when before is 0")


class TrendsOut(Schema):
    start: dt.date
    end: dt.date
    computed_at: dt.datetime
    min_group_size: int
    weeks: int
    window: int
    participation: list[TrendWeekOut] = Field(description="Share of people active each week.")
    responsiveness: list[TrendWeekOut] = Field(
        description="Median hours to a post's first reply, by week of the post."
    )
    relevance: list[TrendWeekOut] = Field(description="Share of posts on topic each week.")
    rising: list[MoverOut]
    falling: list[MoverOut]
    compared: int = Field(description="Workspaces with every week of both stretches shown.")
    not_compared: int = Field(
        description="Workspaces not measured yet, or with a week under the privacy threshold."
    )


@router.get(
    "/org/trends",
    response=TrendsOut,
    summary="Company trends",
    description="The organisation's participation, responsiveness and on-topic share over the "
    "last `weeks` complete weeks (4 to 52, default 26), and the workspaces whose people active "
    "per week moved most over the last `window` weeks against the `window` before (1 to 6, "
    "default 4), five each way. From the stored metrics (every workspace that is not secret nor "
    "excluded): executives only. Weeks under the privacy threshold are hidden.",
)
def trends(
    request: HttpRequest,
    weeks: Annotated[int, Query(WEEKS, ge=MIN_WEEKS, le=MAX_WEEKS)] = WEEKS,
    window: Annotated[int, Query(WINDOW, ge=MIN_WINDOW, le=MAX_WINDOW)] = WINDOW,
) -> dict[str, Any]:
    t = trends_for(request.user, weeks=weeks, window=window)
    m = t.metrics
    return {
        "start": m.start,
        "end": m.end,
        "computed_at": m.computed_at,
        "min_group_size": t.min_group_size,
        "weeks": t.weeks,
        "window": t.window,
        **t.series,
        "rising": [vars(x) for x in t.rising],
        "falling": [vars(x) for x in t.falling],
        "compared": t.compared,
        "not_compared": t.not_compared,
    }
