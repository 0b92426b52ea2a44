"""Create, change and archive a workspace."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from lumoflow.activity.actions import record
from lumoflow.activity.models import Verb
from lumoflow.core import limits
from lumoflow.core.errors import Conflict, Invalid
from lumoflow.core.validation import FieldErrors
from lumoflow.people.models import User
from lumoflow.search.documents import index_workspaces

from .. import queries
from ..models import (
    Membership,
    Role,
    Visibility,
    Workspace,
)
from .common import decimal_between, one_of


@transaction.atomic
def create_workspace(
    actor: User,
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
        visibility = one_of(errs, "visibility", visibility, Visibility)
    now = at or timezone.now()
    ws = Workspace.objects.create(
        name=name, purpose=purpose, visibility=visibility, created_by=actor, created_at=now
    )
    Membership.objects.create(workspace=ws, user=actor, role=Role.OWNER, joined_at=now)
    index_workspaces([ws])
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


@transaction.atomic
def update_workspace(actor: User, workspace_id: Any, **changes: Any) -> Workspace:
    """Change name, purpose, visibility, engagement targets, whether the workspace is excluded
    from organisation analytics, or who may post announcements. Owners only."""
    ws = queries.get_workspace_for(actor, workspace_id)
    queries.require_role(actor, ws, queries.MANAGE_ROLES, "change the workspace")
    allowed = {
        "name",
        "purpose",
        "visibility",
        "target_weekly_active_share",
        "target_first_reply_hours",
        "target_on_topic_share",
        "excluded_from_org_analytics",
        "announcements_by_members",
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
            changes["visibility"] = one_of(errs, "visibility", changes["visibility"], Visibility)
        for share in ("target_weekly_active_share", "target_on_topic_share"):
            if share in changes:
                changes[share] = decimal_between(errs, share, changes[share], 0, 1)
        if "excluded_from_org_analytics" in changes and not isinstance(
            changes["excluded_from_org_analytics"], bool
        ):
            errs.add("excluded_from_org_analytics", "Must be true or false.")
        if "target_first_reply_hours" in changes:
            changes["target_first_reply_hours"] = decimal_between(
                errs,
                "target_first_reply_hours",
                changes["target_first_reply_hours"],
                0,
                limits.FIRST_REPLY_HOURS_MAX,
            )
        if "announcements_by_members" in changes and not isinstance(
            changes["announcements_by_members"], bool
        ):
            errs.add("announcements_by_members", "Must be true or false.")
    if "purpose" in changes and changes["purpose"] != ws.purpose:
        changes["purpose_pending"] = False  # a purpose stated by an owner replaces a placeholder
    for key, value in changes.items():
        setattr(ws, key, value)
    ws.save(update_fields=list(changes) or None)
    index_workspaces([ws])
    record(
        actor,
        Verb.WORKSPACE,
        workspace=ws,
        obj=ws,
        data={"change": "updated", "fields": sorted(changes)},
    )
    return queries.get_workspace_for(actor, ws.pk)


@transaction.atomic
def archive_workspace(actor: User, workspace_id: Any, *, archived: bool = True) -> Workspace:
    """Archive (read-only) or unarchive a workspace. Owners only."""
    ws = queries.get_workspace_for(actor, workspace_id)
    queries.require_role(actor, ws, queries.MANAGE_ROLES, "archive the workspace")
    # Read again under the workspace's row lock: of two owners archiving at once, the second
    # waits for the first to commit and is told it is done.
    ws.archived_at = (
        Workspace.objects.select_for_update().values_list("archived_at", flat=True).get(pk=ws.pk)
    )
    if archived == ws.is_archived:
        raise Conflict(f"Workspace '{ws.name}' is already {'archived' if archived else 'active'}.")
    ws.archived_at = timezone.now() if archived else None
    ws.save(update_fields=["archived_at"])
    index_workspaces([ws])
    record(
        actor,
        Verb.WORKSPACE,
        workspace=ws,
        obj=ws,
        data={"change": "archived" if archived else "unarchived"},
        archiving=True,
    )
    return ws


@transaction.atomic
def change_workspace(
    actor: User, workspace_id: Any, *, archived: bool | None = None, **changes: Any
) -> Workspace:
    """`update_workspace` with `changes` and `archive_workspace` when `archived` differs from the
    workspace's state: all or nothing, in one transaction. Owners only. An archived workspace is
    read-only, so it is unarchived before the changes and archived after them."""
    ws = queries.get_workspace_for(actor, workspace_id)
    # Even a change that changes nothing is refused to whoever may not make it.
    queries.require_role(actor, ws, queries.MANAGE_ROLES, "change the workspace")
    flip = archived is not None and archived != ws.is_archived
    if flip and not archived:
        archive_workspace(actor, ws.pk, archived=False)
    if changes:
        update_workspace(actor, ws.pk, **changes)
    if flip and archived:
        archive_workspace(actor, ws.pk, archived=True)
    return queries.get_workspace_for(actor, ws.pk)
