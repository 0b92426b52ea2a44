"""A person changing their profile (or an administrator changing it for them)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from lumoflow.activity.actions import record
from lumoflow.activity.models import Verb
from lumoflow.core import limits
from lumoflow.core.errors import Invalid, PermissionDenied, UnknownReference
from lumoflow.core.validation import FieldErrors
from lumoflow.search.documents import index_people

from .. import queries
from ..models import User
from .checks import (
    NOT_IN_TREE,
    check_manager,
    ensure_department,
    find_department,
    known_time_zone,
    lookup_manager,
    sentence,
    time_zone_problem,
)

PROFILE_FIELDS = ("display_name", "title", "department", "manager", "location", "time_zone")


def _check(actor: User, changes: dict[str, Any]) -> None:
    """Check the changed fields in place (stripping, resolving the manager and the department);
    raise Invalid. People choose a department of the tree; staff may name a new one."""
    with FieldErrors() as errs:
        for f in ("display_name", "title", "location"):
            if f in changes:
                changes[f] = errs.limit(f, changes[f], limits.PERSON_NAME)
        if "time_zone" in changes:
            changes["time_zone"] = (changes["time_zone"] or "").strip()
            if not known_time_zone(changes["time_zone"]):
                errs.add("time_zone", sentence(time_zone_problem(changes["time_zone"])))
        if changes.get("department"):
            path = str(changes["department"])
            try:
                found = find_department(path)
            except ValueError as exc:
                # For someone choosing from the tree, a malformed path names no department.
                kind = Invalid if actor.is_staff else UnknownReference
                errs.add("department", sentence(str(exc)), kind=kind)
            else:
                if found is None and not actor.is_staff:
                    errs.add("department", NOT_IN_TREE.format(path=path), kind=UnknownReference)
                changes["department"] = found or path
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
    _check(actor, changes)
    if isinstance(changes.get("department"), str):
        changes["department"] = (
            ensure_department(changes["department"]) if changes["department"] else None
        )
    if "manager" in changes:
        changes["manager"] = changes["manager"] or None
        check_manager(person, changes["manager"])
    for key, value in changes.items():
        setattr(person, key, value)
    person.save()
    index_people([person])
    record(
        actor,
        Verb.PROFILE,
        obj=person,
        target_actor=person if person.pk != actor.pk else None,
        data={"fields": sorted(changes)},
    )
    return person
