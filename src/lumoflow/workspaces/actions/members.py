"""Joining, adding, approving, changing the role of and removing members."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from lumoflow.activity.actions import record
from lumoflow.activity.models import Verb
from lumoflow.core.errors import Conflict, NotFound, PermissionDenied
from lumoflow.core.validation import FieldErrors
from lumoflow.people.models import User

from .. import queries
from ..models import (
    Membership,
    MembershipStatus,
    Role,
    Visibility,
    Workspace,
)
from .common import active_person, one_of


@transaction.atomic
def join_workspace(actor: User, workspace_id: Any, *, at: datetime | None = None) -> Membership:
    """Join a public workspace, or ask to join a private one. Secret ones are invisible."""
    ws = queries.get_workspace_for(actor, workspace_id)
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
    m = _insert(
        Membership(workspace=ws, user=actor, role=Role.MEMBER, status=status, joined_at=now),
        f"You are already in '{ws.name}'.",
    )
    if status == MembershipStatus.ACTIVE:
        record(actor, Verb.JOIN, workspace=ws, obj=ws, ts=now, data={"role": Role.MEMBER})
    else:
        record(actor, Verb.MEMBERSHIP, workspace=ws, obj=ws, ts=now, data={"change": "requested"})
    return m


def _insert(m: Membership, clash: str) -> Membership:
    """Save a new membership; Conflict with `clash` when the person got in meanwhile (the
    unique key settles two inserts racing each other: the second waits, then fails)."""
    try:
        with transaction.atomic():
            m.save(force_insert=True)
    except IntegrityError:
        raise Conflict(clash)
    return m


def _owner_rows(**where: Any) -> Any:
    """The active owners' memberships matching `where`, with whether each owner can still sign
    in. Their rows are locked until commit first, in one order (workspace, then id), so every
    writer waits for the one before it; then they are read again, as committed by then (the
    locking read would see a person's deactivation as of before it waited)."""
    rows = Membership.objects.filter(role=Role.OWNER, status=MembershipStatus.ACTIVE, **where)
    list(rows.select_for_update().order_by("workspace_id", "pk").values_list("pk", flat=True))
    return rows.order_by("workspace_id", "pk")


def require_not_last_owner(person: User) -> None:
    """Conflict when `person` is the last owner, among people still active, of a workspace:
    taking them away (deactivating them) would leave it with nobody to manage it. Locks the
    owners' memberships of their workspaces until commit, as every change of an owner does
    (`_locked`), so an owner stepping down at the same time is counted. Call inside an action."""
    owned = Membership.objects.filter(
        user=person, role=Role.OWNER, status=MembershipStatus.ACTIVE
    ).values("workspace_id")
    others: dict[int, int] = {}
    for ws_id, uid, active in _owner_rows(workspace_id__in=owned).values_list(
        "workspace_id", "user_id", "user__is_active"
    ):
        others.setdefault(ws_id, 0)
        others[ws_id] += uid != person.pk and active
    alone = sorted(ws_id for ws_id, n in others.items() if n == 0)
    if alone:
        names = ", ".join(
            f"'{n}'" for n in Workspace.objects.filter(pk__in=alone).values_list("name", flat=True)
        )
        raise Conflict(
            f"{person.name} is the last owner of {names}: make someone else an owner first."
        )


def _locked(ws: Workspace, actor: User, person: User) -> tuple[Membership | None, bool]:
    """Lock the workspace's active owners' memberships, then the person's, until commit; return
    the person's membership (None when they have none) and whether they are its last owner.
    PermissionDenied when the actor, acting on someone else, is no longer an owner.

    "The last owner cannot leave or step down" is a count followed by a write: without the lock,
    two owners stepping down at once each counted two owners and left none. Every change of an
    owner's membership takes the owners' rows first, in id order, so the second waits for the
    first to commit and then counts again (SQLite runs one writer at a time anyway).
    """
    owners = list(
        _owner_rows(workspace_id=ws.pk)
        .filter(user__is_active=True)
        .values_list("user_id", flat=True)
    )
    if actor.pk != person.pk and actor.pk not in owners:
        raise PermissionDenied("Only owners can manage members.")
    m = Membership.objects.select_for_update().filter(workspace=ws, user=person).first()
    return m, owners == [person.pk]


@transaction.atomic
def add_member(
    actor: User,
    workspace_id: Any,
    *,
    username: str,
    role: str = Role.MEMBER,
    at: datetime | None = None,
) -> Membership:
    """Add a person (or approve their request) with a role, or change their role. Owners only."""
    ws = queries.get_workspace_for(actor, workspace_id)
    queries.require_role(actor, ws, queries.MANAGE_ROLES, "manage members")
    with FieldErrors() as errs:
        role = one_of(errs, "role", role, Role)
    person = active_person(username)
    now = at or timezone.now()
    m, last_owner = _locked(ws, actor, person)
    if m is None:
        m = _insert(
            Membership(workspace=ws, user=person, role=role, joined_at=now),
            f"'{username}' joined '{ws.name}' meanwhile: try again.",
        )
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
    if last_owner and role != Role.OWNER:
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
def remove_member(actor: User, workspace_id: Any, *, username: str) -> None:
    """Remove a member (owners) or leave (oneself). The last owner cannot leave."""
    ws = queries.get_workspace_for(actor, workspace_id)
    person = active_person(username)
    if person.pk != actor.pk:
        queries.require_role(actor, ws, queries.MANAGE_ROLES, "remove members")
    m, last_owner = _locked(ws, actor, person)
    if m is None:
        raise NotFound(f"'{username}' is not a member of '{ws.name}'.")
    if last_owner:
        raise Conflict("The last owner cannot leave: make someone else an owner first.")
    m.delete()
    record(
        person if person.pk == actor.pk else actor,
        Verb.LEAVE,
        workspace=ws,
        obj=ws,
        target_actor=None if person.pk == actor.pk else person,
    )
