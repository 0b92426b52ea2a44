"""Every write to workspaces, memberships, objectives, key results and check-ins.

Each action checks permission through `queries`, validates, writes and records its
ActivityEvent in one transaction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from lumoflow.activity.actions import EventRow, record, record_many
from lumoflow.activity.models import Verb
from lumoflow.core import limits
from lumoflow.core.errors import Conflict, Invalid, NotFound, PermissionDenied
from lumoflow.core.validation import FieldErrors, text_problem

from . import queries
from .models import (
    CheckIn,
    Direction,
    KeyResult,
    Membership,
    MembershipStatus,
    Objective,
    Role,
    Visibility,
    Workspace,
)


def _not_archived(ws: Workspace) -> None:
    if ws.is_archived:
        raise Conflict(f"Workspace '{ws.name}' is archived: unarchive it first.")


def _choice(errs: FieldErrors, field: str, value: Any, choices: Any) -> str:
    values = [c.value for c in choices]
    if value not in values:
        errs.add(field, f"Must be one of: {', '.join(values)}.")
    return str(value)


@transaction.atomic
def create_workspace(
    actor: Any,
    *,
    name: str,
    purpose: str,
    visibility: str = Visibility.PUBLIC,
    at: datetime | None = None,
) -> Workspace:
    """Create a workspace with the actor as its first owner. Anyone signed in may."""
    with FieldErrors() as errs:
        name = errs.require("name", name, max_length=limits.WORKSPACE_NAME)
        purpose = errs.require("purpose", purpose, max_length=limits.WORKSPACE_PURPOSE)
        visibility = _choice(errs, "visibility", visibility, Visibility)
    now = at or timezone.now()
    ws = Workspace.objects.create(
        name=name, purpose=purpose, visibility=visibility, created_by=actor, created_at=now
    )
    Membership.objects.create(workspace=ws, user=actor, role=Role.OWNER, joined_at=now)
    record(
        actor,
        Verb.WORKSPACE,
        workspace=ws,
        obj=ws,
        text=purpose,
        ts=now,
        data={"change": "created", "name": name, "visibility": visibility},
    )
    record(actor, Verb.JOIN, workspace=ws, obj=ws, ts=now, data={"role": Role.OWNER})
    return ws


def _decimal(errs: FieldErrors, field: str, value: Any, lo: float, hi: float | None) -> Decimal:
    try:
        d = Decimal(str(value))
        if not d.is_finite() or d < lo or (hi is not None and d > hi):
            raise InvalidOperation
        return d
    except (InvalidOperation, ValueError):
        bound = f"between {lo} and {hi}" if hi is not None else f"{lo} or more"
        errs.add(field, f"Must be a number {bound}.")
        return Decimal(0)


@transaction.atomic
def update_workspace(actor: Any, workspace_id: Any, **changes: Any) -> Workspace:
    """Change name, purpose, visibility or engagement targets. Owners only."""
    ws = queries.get_workspace_for(actor, workspace_id)
    queries.require_role(actor, ws, queries.MANAGE_ROLES, "change the workspace")
    allowed = {
        "name",
        "purpose",
        "visibility",
        "target_weekly_active_share",
        "target_first_reply_hours",
        "target_on_topic_share",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise Invalid(
            f"Unknown field(s): {', '.join(sorted(unknown))}.",
            errors={k: ["Unknown field."] for k in sorted(unknown)},
        )
    with FieldErrors() as errs:
        if "name" in changes:
            changes["name"] = errs.require(
                "name", changes["name"], max_length=limits.WORKSPACE_NAME
            )
        if "purpose" in changes:
            changes["purpose"] = errs.require(
                "purpose", changes["purpose"], max_length=limits.WORKSPACE_PURPOSE
            )
        if "visibility" in changes:
            changes["visibility"] = _choice(errs, "visibility", changes["visibility"], Visibility)
        for share in ("target_weekly_active_share", "target_on_topic_share"):
            if share in changes:
                changes[share] = _decimal(errs, share, changes[share], 0, 1)
        if "target_first_reply_hours" in changes:
            changes["target_first_reply_hours"] = _decimal(
                errs, "target_first_reply_hours", changes["target_first_reply_hours"], 0, 10000
            )
    for key, value in changes.items():
        setattr(ws, key, value)
    ws.save(update_fields=list(changes) or None)
    record(
        actor,
        Verb.WORKSPACE,
        workspace=ws,
        obj=ws,
        data={"change": "updated", "fields": sorted(changes)},
    )
    return queries.get_workspace_for(actor, ws.pk)


@transaction.atomic
def archive_workspace(actor: Any, workspace_id: Any, *, archived: bool = True) -> Workspace:
    """Archive (read-only) or unarchive a workspace. Owners only."""
    ws = queries.get_workspace_for(actor, workspace_id)
    queries.require_role(actor, ws, queries.MANAGE_ROLES, "archive the workspace")
    if archived == ws.is_archived:
        raise Conflict(f"Workspace '{ws.name}' is already {'archived' if archived else 'active'}.")
    ws.archived_at = timezone.now() if archived else None
    ws.save(update_fields=["archived_at"])
    record(
        actor,
        Verb.WORKSPACE,
        workspace=ws,
        obj=ws,
        data={"change": "archived" if archived else "unarchived"},
    )
    return ws


@transaction.atomic
def change_workspace(
    actor: Any, workspace_id: Any, *, archived: bool | None = None, **changes: Any
) -> Workspace:
    """`update_workspace` with `changes`, then `archive_workspace` when `archived` differs from
    the workspace's state: all or nothing, in one transaction. Owners only."""
    ws = queries.get_workspace_for(actor, workspace_id)
    if changes:
        ws = update_workspace(actor, ws.pk, **changes)
    if archived is not None and archived != ws.is_archived:
        archive_workspace(actor, ws.pk, archived=archived)
    return queries.get_workspace_for(actor, ws.pk)


@transaction.atomic
def join_workspace(actor: Any, workspace_id: Any, *, at: datetime | None = None) -> Membership:
    """Join a public workspace, or ask to join a private one. Secret ones are invisible."""
    ws = queries.get_workspace_for(actor, workspace_id)
    _not_archived(ws)
    existing = queries.membership_of(actor, ws)
    if existing is not None:
        state = "a member" if existing.status == MembershipStatus.ACTIVE else "waiting for approval"
        raise Conflict(f"You are already {state} in '{ws.name}'.")
    if ws.visibility == Visibility.SECRET:
        raise NotFound(f"No workspace {ws.pk}.")
    now = at or timezone.now()
    status = (
        MembershipStatus.ACTIVE
        if ws.visibility == Visibility.PUBLIC
        else MembershipStatus.REQUESTED
    )
    m = Membership.objects.create(
        workspace=ws, user=actor, role=Role.MEMBER, status=status, joined_at=now
    )
    if status == MembershipStatus.ACTIVE:
        record(actor, Verb.JOIN, workspace=ws, obj=ws, ts=now, data={"role": Role.MEMBER})
    else:
        record(actor, Verb.MEMBERSHIP, workspace=ws, obj=ws, ts=now, data={"change": "requested"})
    return m


def _person(username: str, field: str = "username") -> Any:
    with FieldErrors() as errs:
        errs.storable(field, username)
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise Invalid(
            f"No person with username '{username}'.",
            errors={field: [f"No person with username '{username}'."]},
        )
    return user


def _owner_count(ws: Workspace) -> int:
    return Membership.objects.filter(
        workspace=ws, role=Role.OWNER, status=MembershipStatus.ACTIVE
    ).count()


@transaction.atomic
def add_member(
    actor: Any,
    workspace_id: Any,
    *,
    username: str,
    role: str = Role.MEMBER,
    at: datetime | None = None,
) -> Membership:
    """Add a person (or approve their request) with a role, or change their role. Owners only."""
    ws = queries.get_workspace_for(actor, workspace_id)
    queries.require_role(actor, ws, queries.MANAGE_ROLES, "manage members")
    _not_archived(ws)
    with FieldErrors() as errs:
        role = _choice(errs, "role", role, Role)
    person = _person(username)
    now = at or timezone.now()
    m = Membership.objects.filter(workspace=ws, user=person).first()
    if m is None:
        m = Membership.objects.create(workspace=ws, user=person, role=role, joined_at=now)
        record(
            actor,
            Verb.JOIN,
            workspace=ws,
            obj=ws,
            target_actor=person,
            ts=now,
            data={"role": role, "added_by": actor.pk},
        )
        return m
    if (
        m.status == MembershipStatus.ACTIVE
        and m.role == Role.OWNER
        and role != Role.OWNER
        and _owner_count(ws) == 1
    ):
        raise Conflict("The last owner cannot step down: make someone else an owner first.")
    was_requested = m.status == MembershipStatus.REQUESTED
    m.role, m.status = role, MembershipStatus.ACTIVE
    if was_requested:
        m.joined_at = now
    m.save()
    verb = Verb.JOIN if was_requested else Verb.MEMBERSHIP
    record(
        actor,
        verb,
        workspace=ws,
        obj=ws,
        target_actor=person,
        ts=now,
        data={"role": role, "change": "approved" if was_requested else "role"},
    )
    return m


@transaction.atomic
def remove_member(actor: Any, workspace_id: Any, *, username: str) -> None:
    """Remove a member (owners) or leave (oneself). The last owner cannot leave."""
    ws = queries.get_workspace_for(actor, workspace_id)
    person = _person(username)
    if person.pk != actor.pk:
        queries.require_role(actor, ws, queries.MANAGE_ROLES, "remove members")
    m = Membership.objects.filter(workspace=ws, user=person).first()
    if m is None:
        raise NotFound(f"'{username}' is not a member of '{ws.name}'.")
    if m.role == Role.OWNER and m.status == MembershipStatus.ACTIVE and _owner_count(ws) == 1:
        raise Conflict("The last owner cannot leave: make someone else an owner first.")
    m.delete()
    record(
        person if person.pk == actor.pk else actor,
        Verb.LEAVE,
        workspace=ws,
        obj=ws,
        target_actor=None if person.pk == actor.pk else person,
    )


def _date(errs: FieldErrors, field: str, value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errs.add(field, "Must be a date like 2026-01-31.")
        return date.min


def _number(errs: FieldErrors, field: str, value: Any) -> float:
    try:
        f = float(value)
        if not math.isfinite(f):
            raise ValueError
        return f
    except (TypeError, ValueError):
        errs.add(field, "Must be a number.")
        return 0.0


def _key_result_fields(errs: FieldErrors, data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {
        "metric_name": errs.require(
            prefix + "metric_name", data.get("metric_name"), max_length=limits.KEY_RESULT_METRIC
        ),
        "unit": errs.limit(prefix + "unit", data.get("unit"), 40),
        "baseline": _number(errs, prefix + "baseline", data.get("baseline")),
        "target": _number(errs, prefix + "target", data.get("target")),
        "direction": data.get("direction") or "",
        "due": _date(errs, prefix + "due", data.get("due")),
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
    actor: Any,
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
    """Add an objective with one or more key results. Owners and facilitators only."""
    ws = queries.get_workspace_for(actor, workspace_id)
    queries.require_role(actor, ws, queries.FACILITATE_ROLES, "set objectives")
    _not_archived(ws)
    key_results = key_results or []
    with FieldErrors() as errs:
        title = errs.require("title", title, max_length=limits.OBJECTIVE_TITLE)
        description = errs.limit("description", description, limits.OBJECTIVE_DESCRIPTION)
        start_d, end_d = _date(errs, "start", start), _date(errs, "end", end)
        if "start" not in errs.errors and "end" not in errs.errors and end_d <= start_d:
            errs.add("end", "The end must come after the start.")
        if not key_results:
            errs.add("key_results", "Add at least one key result.")
        krs = [
            _key_result_fields(errs, kr, f"key_results.{i}.") for i, kr in enumerate(key_results)
        ]
    owner_user = _person(owner, "owner") if owner else actor
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
def add_key_result(actor: Any, objective_id: Any, **fields: Any) -> KeyResult:
    """Add a key result to an objective. Owners and facilitators only."""
    obj = queries.get_objective_for(actor, objective_id)
    queries.require_role(actor, obj.workspace, queries.FACILITATE_ROLES, "change objectives")
    _not_archived(obj.workspace)
    with FieldErrors() as errs:
        kr_fields = _key_result_fields(errs, fields)
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


@transaction.atomic
def record_check_in(
    actor: Any,
    key_result_id: Any,
    *,
    value: Any,
    confidence: Any,
    note: str = "",
    on: Any = None,
    at: datetime | None = None,
) -> CheckIn:
    """Record a key result's current value. Any active member; not on archived workspaces."""
    kr = queries.get_key_result_for(actor, key_result_id)
    ws = kr.objective.workspace
    if queries.role_of(actor, ws) is None:
        raise PermissionDenied("Only members of the workspace can check in.")
    _not_archived(ws)
    with FieldErrors() as errs:
        val = _number(errs, "value", value)
        try:
            conf = int(confidence)
            if str(confidence).strip() != str(conf) and not isinstance(confidence, int):
                raise ValueError
            if not 0 <= conf <= 10:
                raise ValueError
        except (TypeError, ValueError):
            errs.add("confidence", "Must be a whole number from 0 to 10.")
            conf = 0
        note = errs.limit("note", note, limits.CHECK_IN_NOTE)
        day = _date(errs, "date", on) if on else timezone.localdate()
    now = at or timezone.now()
    try:
        ci = CheckIn.objects.create(
            key_result=kr,
            value=val,
            confidence=conf,
            note=note,
            author=actor,
            date=day,
            created_at=now,
        )
    except IntegrityError as exc:  # pragma: no cover - guarded by validation above
        raise Invalid(str(exc))
    record(
        actor,
        Verb.CHECK_IN,
        workspace=ws,
        obj=ci,
        parent=kr,
        text=note,
        ts=now,
        data={"value": val, "confidence": conf, "key_result": kr.pk},
    )
    return ci


@dataclass(frozen=True)
class MemberRow:
    """One membership for `bulk_add_members`: the person joins the workspace at `joined`."""

    workspace_id: int
    user_id: int
    role: str = Role.MEMBER
    joined: datetime | None = None


@transaction.atomic
def bulk_add_members(actor: Any, rows: list[MemberRow], *, batch_size: int = 2000) -> int:
    """Add many active memberships at once (administrators, imports and the demo generator).

    `actor` None is the system; otherwise only administrators may. All or nothing: unknown or
    archived workspaces, unknown roles and people already members raise `Invalid`. Records one
    `join` event per membership by the person who joined, backdated to `joined`.
    """
    if actor is not None and not actor.is_staff:
        raise PermissionDenied("Only administrators can add members in bulk.")
    ws_ids = {r.workspace_id for r in rows}
    live = set(
        Workspace.objects.filter(pk__in=ws_ids, archived_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    existing = set(
        Membership.objects.filter(workspace_id__in=ws_ids).values_list("workspace_id", "user_id")
    )
    roles = {c.value for c in Role}
    errors: list[str] = []
    for i, r in enumerate(rows, start=1):
        key = (r.workspace_id, r.user_id)
        if r.workspace_id not in live:
            errors.append(f"row {i}: no open workspace {r.workspace_id}")
        if r.role not in roles:
            errors.append(f"row {i}: role must be one of {', '.join(sorted(roles))}")
        if key in existing:
            errors.append(f"row {i}: person {r.user_id} is already in workspace {r.workspace_id}")
        existing.add(key)
    if errors:
        raise Invalid(f"{len(errors)} bad row(s); nobody was added.", errors={"rows": errors})
    now = timezone.now()
    Membership.objects.bulk_create(
        [
            Membership(
                workspace_id=r.workspace_id,
                user_id=r.user_id,
                role=r.role,
                joined_at=r.joined or now,
            )
            for r in rows
        ],
        batch_size=batch_size,
    )
    return record_many(
        (
            EventRow(
                actor_id=r.user_id,
                verb=Verb.JOIN,
                ts=r.joined or now,
                workspace_id=r.workspace_id,
                object_type="workspace",
                object_id=str(r.workspace_id),
                data={"role": r.role},
            )
            for r in rows
        ),
        batch_size=batch_size,
    )


@dataclass(frozen=True)
class CheckInRow:
    """One check-in for `bulk_record_check_ins`."""

    key_result_id: int
    author_id: int
    value: float
    confidence: int
    on: date
    at: datetime
    note: str = ""


@transaction.atomic
def bulk_record_check_ins(rows: list[CheckInRow], *, batch_size: int = 2000) -> int:
    """Record many key-result check-ins at once (imports and the demo generator).

    The same rules as `record_check_in`: the author must be an active member of the key result's
    workspace, which is not archived; the value is a finite number and the confidence 0–10. All
    or nothing. Records one `check_in` event per check-in, backdated to `at`.
    """
    krs = {
        kr.pk: kr
        for kr in KeyResult.objects.select_related("objective__workspace").filter(
            pk__in={r.key_result_id for r in rows}
        )
    }
    members = set(
        Membership.objects.filter(
            workspace_id__in={kr.objective.workspace_id for kr in krs.values()},
            status=MembershipStatus.ACTIVE,
        ).values_list("workspace_id", "user_id")
    )
    errors: list[str] = []
    for i, r in enumerate(rows, start=1):
        kr = krs.get(r.key_result_id)
        if kr is None or kr.objective.workspace.is_archived:
            errors.append(f"row {i}: no open key result {r.key_result_id}")
        elif (kr.objective.workspace_id, r.author_id) not in members:
            errors.append(f"row {i}: person {r.author_id} is not a member of the workspace")
        if (
            not math.isfinite(r.value)
            or not 0 <= r.confidence <= 10
            or len(r.note) > limits.CHECK_IN_NOTE
        ):
            errors.append(
                f"row {i}: value must be finite, confidence 0–10, "
                f"note ≤ {limits.CHECK_IN_NOTE} chars"
            )
        if (problem := text_problem(r.note)) is not None:
            errors.append(f"row {i}: note: {problem}")
    if errors:
        raise Invalid(f"{len(errors)} bad row(s); nothing was recorded.", errors={"rows": errors})
    cis = [
        CheckIn(
            key_result_id=r.key_result_id,
            value=r.value,
            confidence=r.confidence,
            note=r.note,
            author_id=r.author_id,
            date=r.on,
            created_at=r.at,
        )
        for r in rows
    ]
    CheckIn.objects.bulk_create(cis, batch_size=batch_size)
    if any(c.pk is None for c in cis):  # pragma: no cover - every supported backend returns ids
        raise Conflict("The database did not return the new check-in ids.")
    return record_many(
        (
            EventRow(
                actor_id=c.author_id,
                verb=Verb.CHECK_IN,
                ts=c.created_at,
                workspace_id=krs[c.key_result_id].objective.workspace_id,
                object_type="checkin",
                object_id=str(c.pk),
                parent_id=str(c.key_result_id),
                text=c.note,
                data={"value": c.value, "confidence": c.confidence, "key_result": c.key_result_id},
            )
            for c in cis
        ),
        batch_size=batch_size,
    )
