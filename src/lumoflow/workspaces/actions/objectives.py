"""Objectives and their key results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from lumoflow.activity.actions import record
from lumoflow.activity.models import Verb
from lumoflow.core import limits
from lumoflow.core.validation import FieldErrors
from lumoflow.people.models import User

from .. import queries
from ..models import (
    Direction,
    KeyResult,
    Objective,
    Workspace,
)
from .common import active_person, finite_number, member_named, parse_date


def _key_result_fields(
    errs: FieldErrors, ws: Workspace, data: dict[str, Any], prefix: str = ""
) -> dict[str, Any]:
    """A key result's fields from `data`; its `owner`, when named, an active member of `ws`."""
    out: dict[str, Any] = {
        "metric_name": errs.require(
            prefix + "metric_name", data.get("metric_name"), max_length=limits.KEY_RESULT_METRIC
        ),
        "unit": errs.limit(prefix + "unit", data.get("unit"), 40),
        "baseline": finite_number(errs, prefix + "baseline", data.get("baseline")),
        "target": finite_number(errs, prefix + "target", data.get("target")),
        "direction": data.get("direction") or "",
        "due": parse_date(errs, prefix + "due", data.get("due")),
        "owner": member_named(errs, prefix + "owner", data.get("owner"), ws),
    }
    if (
        prefix + "target" not in errs.errors
        and prefix + "baseline" not in errs.errors
        and out["baseline"] == out["target"]
    ):
        errs.add(prefix + "target", "The target must differ from the baseline.")
    if not out["direction"] and out["target"] != out["baseline"]:
        out["direction"] = (
            Direction.INCREASE if out["target"] > out["baseline"] else Direction.DECREASE
        )
    if out["target"] == out["baseline"]:
        pass  # already reported on the target; a direction cannot be judged
    elif out["direction"] not in (Direction.INCREASE, Direction.DECREASE):
        errs.add(prefix + "direction", "Must be increase or decrease.")
    elif (out["direction"] == Direction.INCREASE) != (out["target"] > out["baseline"]) and out[
        "target"
    ] != out["baseline"]:
        errs.add(
            prefix + "direction",
            f"A target of {out['target']:g} from {out['baseline']:g} is not an {out['direction']}.",
        )
    return out


@transaction.atomic
def create_objective(
    actor: User,
    workspace_id: Any,
    *,
    title: str,
    description: str = "",
    start: Any,
    end: Any,
    owner: str | None = None,
    key_results: list[dict[str, Any]] | None = None,
    at: datetime | None = None,
) -> Objective:
    """Add an objective with one or more key results (each may name an `owner`, a member who may
    check in on it). Owners and facilitators only."""
    ws = queries.get_workspace_for(actor, workspace_id)
    queries.require_role(actor, ws, queries.FACILITATE_ROLES, "set objectives")
    key_results = key_results or []
    with FieldErrors() as errs:
        title = errs.require("title", title, max_length=limits.OBJECTIVE_TITLE)
        description = errs.limit("description", description, limits.OBJECTIVE_DESCRIPTION)
        start_d, end_d = parse_date(errs, "start", start), parse_date(errs, "end", end)
        if "start" not in errs.errors and "end" not in errs.errors and end_d <= start_d:
            errs.add("end", "The end must come after the start.")
        if not key_results:
            errs.add("key_results", "Add at least one key result.")
        krs = [
            _key_result_fields(errs, ws, kr, f"key_results.{i}.")
            for i, kr in enumerate(key_results)
        ]
    owner_user = active_person(owner, "owner") if owner else actor
    now = at or timezone.now()
    obj = Objective.objects.create(
        workspace=ws,
        title=title,
        description=description,
        owner=owner_user,
        start=start_d,
        end=end_d,
        created_at=now,
    )
    KeyResult.objects.bulk_create([KeyResult(objective=obj, **kr) for kr in krs])
    text = "\n".join([title, description, *(kr["metric_name"] for kr in krs)])
    record(
        actor,
        Verb.OBJECTIVE,
        workspace=ws,
        obj=obj,
        text=text,
        ts=now,
        data={"key_results": len(krs)},
    )
    return obj


@transaction.atomic
def add_key_result(actor: User, objective_id: Any, **fields: Any) -> KeyResult:
    """Add a key result (its `owner`, when named, a member) to an objective. Owners and
    facilitators only."""
    obj = queries.get_objective_for(actor, objective_id)
    queries.require_role(actor, obj.workspace, queries.FACILITATE_ROLES, "change objectives")
    with FieldErrors() as errs:
        kr_fields = _key_result_fields(errs, obj.workspace, fields)
    kr = KeyResult.objects.create(objective=obj, **kr_fields)
    record(
        actor,
        Verb.OBJECTIVE,
        workspace=obj.workspace,
        obj=obj,
        text=kr.metric_name,
        data={"change": "key_result_added", "key_result": kr.pk},
    )
    return kr
