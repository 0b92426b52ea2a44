"""What administrators do to people one at a time: add someone, make sure an administrator
exists, and save or delete through the admin site."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from lumoflow.activity.actions import record
from lumoflow.activity.models import Verb
from lumoflow.core.errors import Invalid, PermissionDenied
from lumoflow.core.validation import FieldErrors
from lumoflow.search.documents import index_people

from ..models import Department, User
from .checks import (
    PersonRow,
    check_manager,
    ensure_department,
    lookup_manager,
    parse_department_path,
    person_problems,
    sentence,
)


def _taken(username: str, email: str) -> Invalid:
    """The field errors of a person whose username or e-mail someone else now holds."""
    errs = FieldErrors()
    if User.objects.filter(username__iexact=username).exists():
        errs.add("username", f"The username '{username}' is taken.")
    if email and User.objects.filter(email__iexact=email).exists():
        errs.add("email", f"The e-mail {email} already belongs to someone.")
    try:
        errs.check()
    except Invalid as exc:
        return exc
    return Invalid("Someone else was saved with these details meanwhile.")


@transaction.atomic
def create_person(
    actor: User | None,
    *,
    username: str,
    email: str = "",
    name: str = "",
    title: str = "",
    department: str = "",
    manager: str = "",
    location: str = "",
    time_zone: str = "",
    password: str | None = None,
    is_staff: bool = False,
    is_bot: bool = False,
    joined: Any = None,
) -> User:
    """Create one person (administrators, the CLI and the demo generator; actor None = system)."""
    if actor is not None and not actor.is_staff:
        raise PermissionDenied("Only administrators can add people.")
    time_zone = (time_zone or "").strip()
    row = PersonRow(username, email, name, title, department, manager, location, time_zone)
    with FieldErrors() as errs:
        for field, message in person_problems(row):
            errs.add(field, sentence(message))
        if (
            "username" not in errs.errors
            and User.objects.filter(username__iexact=username).exists()
        ):
            errs.add("username", f"The username '{username}' is taken.")
        if (
            email
            and "email" not in errs.errors
            and User.objects.filter(email__iexact=email).exists()
        ):
            errs.add("email", f"The e-mail {email} already belongs to someone.")
        mgr = lookup_manager(errs, manager) if manager and "manager" not in errs.errors else None
    person = User(
        username=username,
        email=email,
        display_name=name,
        title=title,
        location=location,
        time_zone=time_zone,
        manager=mgr,
        is_staff=is_staff,
        is_bot=is_bot,
        department=ensure_department(department) if department else None,
    )
    if joined is not None:
        person.date_joined = joined
    if password:
        person.set_password(password)
    else:
        person.set_unusable_password()
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        # Someone with this username or e-mail (in any case) was saved meanwhile.
        raise _taken(username, email) from exc
    index_people([person])
    record(
        actor or person,
        Verb.PERSON,
        obj=person,
        target_actor=person,
        ts=joined,
        data={"change": "created"},
    )
    return person


@transaction.atomic
def ensure_admin(username: str, password: str, *, email: str = "") -> tuple[User, bool]:
    """Make sure an administrator with this password exists; return it and whether it was new."""
    user = User.objects.filter(username=username).first()
    created = user is None
    if user is None:
        user = User(username=username, email=email)
    user.is_staff = user.is_superuser = user.is_active = True
    user.set_password(password)
    user.save()
    index_people([user])
    record(
        user,
        Verb.PERSON,
        obj=user,
        data={"change": "admin_created" if created else "admin_ensured"},
    )
    return user, created


@transaction.atomic
def admin_save(actor: User, obj: Any, *, created: bool) -> None:
    """Save a person or department edited in the admin site, recording who changed it."""
    if not actor.is_staff:
        raise PermissionDenied("Only administrators can use the admin site.")
    if isinstance(obj, Department):
        parent = obj.parent if obj.parent_id else None
        obj.path = f"{parent.path}/{obj.name}" if parent is not None else obj.name
        parse_department_path(obj.path)
    if isinstance(obj, User) and obj.manager_id:
        check_manager(obj, obj.manager)
    obj.save()
    # a department's path is part of its people's search documents
    index_people([obj] if isinstance(obj, User) else obj.people.all())
    target = obj if isinstance(obj, User) else None
    record(
        actor,
        Verb.PERSON,
        obj=obj,
        target_actor=target,
        data={"change": "created" if created else "updated", "source": "admin"},
    )


@transaction.atomic
def admin_delete(actor: User, obj: Any) -> None:
    """Delete a department (or deactivate a person) from the admin site."""
    if not actor.is_staff:
        raise PermissionDenied("Only administrators can use the admin site.")
    if isinstance(obj, User):
        # a check inside this action (no write of its own); workspaces import people
        from lumoflow.workspaces.actions.members import require_not_last_owner

        require_not_last_owner(obj)
        obj.is_active = False  # people keep their history; they are deactivated, not deleted
        obj.save(update_fields=["is_active"])
        index_people([obj])
    else:
        members = list(obj.people.all())
        obj.delete()
        index_people(User.objects.filter(pk__in=[p.pk for p in members]))
    record(
        actor,
        Verb.PERSON,
        object_type=obj._meta.model_name,
        object_id=str(obj.pk),
        data={"change": "deactivated" if isinstance(obj, User) else "deleted"},
    )
