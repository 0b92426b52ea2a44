"""Capabilities administrators grant (`executive`, `people-analytics`) and the audit of every
view of individual-level figures."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from lumoflow.activity.actions import record
from lumoflow.activity.models import Verb
from lumoflow.core.errors import Invalid, NotFound, PermissionDenied

from ..models import AuditEntry, Capability, Grant, User


def _check(actor: User | None, username: str, capability: str) -> User:
    """The person a capability changes for; PermissionDenied for a non-administrator actor
    (None is the system: the CLI and the demo generator), Invalid for an unknown capability,
    NotFound for an unknown person."""
    if actor is not None and not (actor.is_active and actor.is_staff):
        raise PermissionDenied("Only administrators can grant or revoke capabilities.")
    if capability not in Capability.values:
        known = " or ".join(Capability.values)
        raise Invalid(f"'{capability}' is not a capability: use {known}.")
    person = User.objects.filter(username__iexact=username, is_active=True).first()
    if person is None:
        raise NotFound(f"No person '{username}'.")
    return person


@transaction.atomic
def grant_capability(
    actor: User | None, username: str, capability: str, *, at: datetime | None = None
) -> Grant:
    """Grant a person a capability (administrators; None = the system), now or (the demo
    generator, backdating its history) `at`. Granting one held already changes nothing and
    records nothing."""
    person = _check(actor, username, capability)
    held = Grant.objects.select_for_update().filter(user=person, capability=capability).first()
    if held is not None:
        return held
    when = at or timezone.now()
    grant = Grant.objects.create(
        user=person, capability=capability, granted_by=actor, granted_at=when
    )
    record(
        actor or person,
        Verb.PERSON,
        obj=person,
        target_actor=person,
        ts=when,
        data={"change": "capability_granted", "capability": capability},
    )
    return grant


@transaction.atomic
def revoke_capability(actor: User | None, username: str, capability: str) -> bool:
    """Revoke a person's capability (administrators; None = the system); whether they held
    it. An administrator keeps both capabilities whatever is revoked: they come with the
    role."""
    person = _check(actor, username, capability)
    deleted, _ = Grant.objects.filter(user=person, capability=capability).delete()
    if deleted:
        record(
            actor or person,
            Verb.PERSON,
            obj=person,
            target_actor=person,
            data={"change": "capability_revoked", "capability": capability},
        )
    return bool(deleted)


@transaction.atomic
def record_individual_view(viewer: User, *, what: str, scope: str, via: str) -> AuditEntry:
    """Write that `viewer` was shown individual-level figures (`what`, e.g. "brokers") of
    `scope` (e.g. "workspace 12 (Launch)") through `via` ("page" or "api").

    The caller has checked the capability (`queries.require_capability`). No activity event:
    a view is not social activity, and the audit is its own log."""
    return AuditEntry.objects.create(
        at=timezone.now(), viewer=viewer, what=what[:100], scope=scope[:200], via=via
    )
