"""A person changing their profile (or an administrator changing it for them)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from lumoflow.activity.actions import record
from lumoflow.activity.models import Verb
from lumoflow.core import limits
from lumoflow.core.errors import Invalid, PermissionDenied
from lumoflow.core.validation import FieldErrors

from .. import queries
from ..models import User
from .checks import (
    check_manager,
    ensure_department,
    known_time_zone,
    lookup_manager,
    parse_department_path,
    sentence,
    time_zone_problem,
)

PROFILE_FIELDS = ("display_name", "title", "department", "manager", "location", "time_zone")


def _check(changes: dict[str, Any]) -> None:
    """Check the changed fields in place (stripping, resolving the manager); raise Invalid."""
    with FieldErrors() as errs:
        for f in ("display_name", "title", "location"):
            if f in changes:
                changes[f] = errs.limit(f, changes[f], limits.PERSON_NAME)
        if "time_zone" in changes:
            changes["time_zone"] = (changes["time_zone"] or "").strip()
            if not known_time_zone(changes["time_zone"]):
                errs.add("time_zone", sentence(time_zone_problem(changes["time_zone"])))
        if changes.get("department"):
            try:
                parse_department_path(str(changes["department"]))
            except ValueError as exc:
                errs.add("department", sentence(str(exc)))
        if changes.get("manager"):
            changes["manager"] = lookup_manager(errs, str(changes["manager"]))


@transaction.atomic
def update_profile(actor: User, username: str, **changes: Any) -> User:
    """Change a profile. People change their own; staff may change anyone's."""
    person = queries.get_person_for(actor, username)
    if person.pk != actor.pk and not actor.is_staff:
        raise PermissionDenied("You can only edit your own profile.")
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise Invalid(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    _check(changes)
    if "department" in changes:
        changes["department"] = (
            ensure_department(changes["department"]) if changes["department"] else None
        )
    if "manager" in changes:
        changes["manager"] = changes["manager"] or None
        check_manager(person, changes["manager"])
    for key, value in changes.items():
        setattr(person, key, value)
    person.save()
    record(
        actor,
        Verb.PROFILE,
        obj=person,
        target_actor=person if person.pk != actor.pk else None,
        data={"fields": sorted(changes)},
    )
    return person
