"""Many members or check-ins at once (the demo generator and importers), all or nothing."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from lumoflow.activity.actions import EventRow, record_many
from lumoflow.activity.models import Verb
from lumoflow.core import limits
from lumoflow.core.errors import Conflict, Invalid, PermissionDenied
from lumoflow.core.validation import text_problem
from lumoflow.people.models import User
from lumoflow.search.documents import index_workspaces

from ..models import (
    CheckIn,
    KeyResult,
    Membership,
    MembershipStatus,
    Role,
    Visibility,
    Workspace,
)


@dataclass(frozen=True)
class MemberRow:
    """One membership for `bulk_add_members`: the person joins the workspace at `joined`."""

    workspace_id: int
    user_id: int
    role: str = Role.MEMBER
    joined: datetime | None = None


@transaction.atomic
def bulk_add_members(actor: User | None, rows: list[MemberRow], *, batch_size: int = 2000) -> int:
    """Add many active memberships at once (administrators, imports and the demo generator).

    `actor` None is the system; otherwise only administrators may. All or nothing: unknown
    workspaces, unknown roles and people already members raise `Invalid`, an archived workspace
    `Conflict`. Records one
    `join` event per membership by the person who joined, backdated to `joined`.
    """
    if actor is not None and not actor.is_staff:
        raise PermissionDenied("Only administrators can add members in bulk.")
    ws_ids = {r.workspace_id for r in rows}
    live = set(Workspace.objects.filter(pk__in=ws_ids).values_list("pk", flat=True))
    existing = set(
        Membership.objects.filter(workspace_id__in=ws_ids).values_list("workspace_id", "user_id")
    )
    roles = {c.value for c in Role}
    errors: list[str] = []
    for i, r in enumerate(rows, start=1):
        key = (r.workspace_id, r.user_id)
        if r.workspace_id not in live:
            errors.append(f"row {i}: no workspace {r.workspace_id}")
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
    workspace, which is not archived (Conflict); the value is a finite number and the confidence
    from 0 to `limits.CONFIDENCE_MAX`. All or nothing. Records one `check_in` event per
    check-in, backdated to `at`.
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
        if kr is None:
            errors.append(f"row {i}: no key result {r.key_result_id}")
        elif (kr.objective.workspace_id, r.author_id) not in members:
            errors.append(f"row {i}: person {r.author_id} is not a member of the workspace")
        elif not kr.objective.start <= r.on <= min(kr.objective.end, r.at.date()):
            errors.append(
                f"row {i}: date {r.on} is outside the objective's period or after the check-in"
            )
        if (
            not math.isfinite(r.value)
            or not 0 <= r.confidence <= limits.CONFIDENCE_MAX
            or len(r.note) > limits.CHECK_IN_NOTE
        ):
            errors.append(
                f"row {i}: value must be finite, confidence 0–{limits.CONFIDENCE_MAX}, "
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


@dataclass(frozen=True)
class WorkspaceRow:
    """One workspace for `bulk_create_workspaces` (imports): `purpose_pending` marks a
    placeholder purpose that its owners are asked to replace."""

    name: str
    purpose: str
    visibility: str = "public"
    created: datetime | None = None
    purpose_pending: bool = False


@transaction.atomic
def bulk_create_workspaces(actor: User, rows: list[WorkspaceRow]) -> list[int]:
    """Create many workspaces at once, the administrator `actor` their first owner (imports).

    All or nothing: a name or purpose that is empty or too long, or an unknown visibility,
    raises `Invalid` listing every bad row. Records the `workspace` and `join` events of
    `create_workspace`, backdated to `created`. Returns the new ids in input order.
    """
    if not actor.is_staff:
        raise PermissionDenied("Only administrators can create workspaces in bulk.")
    visibilities = {c.value for c in Visibility}
    errors: list[str] = []
    for i, r in enumerate(rows, start=1):
        if not r.name.strip() or len(r.name.strip()) > limits.WORKSPACE_NAME:
            errors.append(f"row {i}: name must have 1 to {limits.WORKSPACE_NAME} characters")
        if not r.purpose.strip() or len(r.purpose.strip()) > limits.WORKSPACE_PURPOSE:
            errors.append(f"row {i}: purpose must have 1 to {limits.WORKSPACE_PURPOSE} characters")
        if r.visibility not in visibilities:
            errors.append(f"row {i}: visibility must be one of {', '.join(sorted(visibilities))}")
        for field in (r.name, r.purpose):
            if (problem := text_problem(field)) is not None:
                errors.append(f"row {i}: {problem}")
    if errors:
        raise Invalid(
            f"{len(errors)} bad row(s); no workspace was created.", errors={"rows": errors}
        )
    now = timezone.now()
    spaces = [
        Workspace(
            name=r.name.strip(),
            purpose=r.purpose.strip(),
            visibility=r.visibility,
            created_by=actor,
            created_at=r.created or now,
            purpose_pending=r.purpose_pending,
        )
        for r in rows
    ]
    Workspace.objects.bulk_create(spaces, batch_size=500)
    index_workspaces(spaces)
    Membership.objects.bulk_create(
        [
            Membership(workspace=w, user=actor, role=Role.OWNER, joined_at=w.created_at)
            for w in spaces
        ],
        batch_size=2000,
    )
    events = []
    for w in spaces:
        events.append(
            EventRow(
                actor_id=actor.pk, verb=Verb.WORKSPACE, ts=w.created_at, workspace_id=w.pk,
                object_type="workspace", object_id=str(w.pk), text=w.purpose,
                data={"change": "created", "name": w.name, "visibility": w.visibility},
            )
        )  # fmt: skip
        events.append(
            EventRow(
                actor_id=actor.pk, verb=Verb.JOIN, ts=w.created_at, workspace_id=w.pk,
                object_type="workspace", object_id=str(w.pk), data={"role": Role.OWNER},
            )
        )  # fmt: skip
    record_many(events)
    return [w.pk for w in spaces]
