"""Every write to people, departments and tokens, each recording its ActivityEvent."""

from __future__ import annotations

import csv
import io
import re
import secrets
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from lumoflow.activity.actions import EventRow, record, record_many
from lumoflow.activity.models import Verb
from lumoflow.core import limits
from lumoflow.core.errors import Invalid, NotFound, PermissionDenied
from lumoflow.core.validation import FieldErrors, text_problem

from . import queries
from .models import ApiToken, Department, User

PROFILE_FIELDS = ("display_name", "title", "department", "manager", "location", "time_zone")
CSV_HEADER = [
    "username",
    "email",
    "name",
    "title",
    "department",
    "manager",
    "location",
    "time_zone",
]
USERNAME_RE = re.compile(rf"^[\w.@+-]{{1,{limits.USERNAME}}}\Z")


def parse_department_path(path: str) -> list[str]:
    """Split 'Sales/Nordics' into its parts; raise ValueError on an empty segment.

    >>> parse_department_path("Sales/Nordics")
    ['Sales', 'Nordics']
    """
    problem = text_problem(path)
    if problem is not None:
        raise ValueError(f"department path {path!r}: {problem}")
    parts = [p.strip() for p in path.split("/")]
    if any(not p for p in parts):
        raise ValueError(f"department path '{path}' has an empty part")
    if any(len(p) > limits.DEPARTMENT_NAME for p in parts):
        raise ValueError(
            f"department path '{path}' has a part over {limits.DEPARTMENT_NAME} characters"
        )
    return parts


def ensure_department(path: str) -> Department:
    """Return the department at `path`, creating missing parts. Call inside an action."""
    parent = None
    built: list[str] = []
    for part in parse_department_path(path):
        built.append(part)
        dept, _ = Department.objects.get_or_create(
            path="/".join(built), defaults={"name": part, "parent": parent}
        )
        parent = dept
    assert parent is not None
    return parent


def _check_manager(person: Any, manager: Any) -> None:
    seen = {person.pk}
    m = manager
    while m is not None:
        if m.pk in seen:
            raise Invalid(
                "A manager cycle: a person cannot (indirectly) manage themselves.",
                errors={"manager": ["This would make a management cycle."]},
            )
        seen.add(m.pk)
        m = m.manager


def _valid_tz(errs: FieldErrors, value: str) -> str:
    value = (value or "").strip()
    if value and value not in zoneinfo.available_timezones():
        errs.add("time_zone", f"'{value}' is not a known time zone (use a name like Europe/Oslo).")
    return value


def _check_department(errs: FieldErrors, path: str) -> None:
    try:
        parse_department_path(path)
    except ValueError as exc:
        errs.add("department", str(exc).capitalize() + ".")


def _lookup_manager(errs: FieldErrors, username: str) -> User | None:
    if not errs.storable("manager", username):
        return None
    mgr = User.objects.filter(username=username, is_active=True).first()
    if mgr is None:
        errs.add("manager", f"No person with username '{username}'.")
    return mgr


@transaction.atomic
def update_profile(actor: Any, username: str, **changes: Any) -> User:
    """Change a profile. People change their own; staff may change anyone's."""
    person = queries.get_person_for(actor, username)
    if person.pk != actor.pk and not actor.is_staff:
        raise PermissionDenied("You can only edit your own profile.")
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise Invalid(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    with FieldErrors() as errs:
        for f in ("display_name", "title", "location"):
            if f in changes:
                changes[f] = errs.limit(f, changes[f], limits.PERSON_NAME)
        if "time_zone" in changes:
            changes["time_zone"] = _valid_tz(errs, changes["time_zone"])
        if changes.get("department"):
            _check_department(errs, str(changes["department"]))
        if changes.get("manager"):
            changes["manager"] = _lookup_manager(errs, str(changes["manager"]))
    if "department" in changes:
        changes["department"] = (
            ensure_department(changes["department"]) if changes["department"] else None
        )
    if "manager" in changes:
        changes["manager"] = changes["manager"] or None
        _check_manager(person, changes["manager"])
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


@transaction.atomic
def create_token(actor: Any, *, name: str = "") -> tuple[ApiToken, str]:
    """Create a personal access token for the actor; return it and the raw value (shown once)."""
    name = (name or "").strip()[: limits.TOKEN_NAME]
    with FieldErrors() as errs:
        errs.storable("name", name)
    raw = "lf_" + secrets.token_urlsafe(32)
    tok = ApiToken.objects.create(
        user=actor,
        name=name,
        digest=queries.token_digest(raw),
        prefix=raw[:8],
    )
    record(actor, Verb.TOKEN, obj=tok, data={"change": "created"})
    return tok, raw


@transaction.atomic
def revoke_token(actor: Any, token_id: Any) -> None:
    """Revoke one of the actor's own tokens."""
    tok = ApiToken.objects.filter(pk=token_id, user=actor, revoked_at__isnull=True).first()
    if tok is None:
        raise NotFound(f"No active token {token_id}.")
    tok.revoked_at = timezone.now()
    tok.save(update_fields=["revoked_at"])
    record(actor, Verb.TOKEN, obj=tok, data={"change": "revoked"})


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
    record(
        user,
        Verb.PERSON,
        obj=user,
        data={"change": "admin_created" if created else "admin_ensured"},
    )
    return user, created


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def _read_people_csv(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        return [], ["line 1: the file is empty; expected the header " + ",".join(CSV_HEADER)]
    if [h.strip() for h in header] != CSV_HEADER:
        return [], [f"line 1: the header must be exactly {','.join(CSV_HEADER)}"]
    rows: list[tuple[int, dict[str, str]]] = []
    errors: list[str] = []
    for line_no, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(CSV_HEADER):
            errors.append(f"line {line_no}: expected {len(CSV_HEADER)} columns, found {len(row)}")
            continue
        cells = {k: v.strip() for k, v in zip(CSV_HEADER, row, strict=True)}
        unstorable = _unstorable(f"line {line_no}", cells)
        if unstorable:
            errors.extend(unstorable)
            continue
        rows.append((line_no, cells))
    return rows, errors


def _unstorable(where: str, values: dict[str, Any]) -> list[str]:
    """One message per text value no database can store (a NUL character, say)."""
    return [
        f"{where}: {name}: {problem}"
        for name, value in values.items()
        if isinstance(value, str) and (problem := text_problem(value)) is not None
    ]


def _row_errors(line: int, r: dict[str, str], known: set[str], seen: dict[str, int]) -> list[str]:
    errs: list[str] = []
    u = r["username"]
    if not USERNAME_RE.match(u):
        errs.append(
            f"line {line}: username '{u}' is empty or has characters other than letters, "
            "digits and . @ + - _"
        )
    elif u in seen:
        errs.append(f"line {line}: duplicate username '{u}' (also on line {seen[u]})")
    else:
        seen[u] = line
    try:
        validate_email(r["email"])
    except ValidationError:
        errs.append(f"line {line}: '{r['email']}' is not an e-mail address")
    if max(len(r["name"]), len(r["title"]), len(r["location"])) > limits.PERSON_NAME:
        errs.append(
            f"line {line}: name, title and location take at most {limits.PERSON_NAME} characters"
        )
    if r["department"]:
        try:
            parse_department_path(r["department"])
        except ValueError as exc:
            errs.append(f"line {line}: {exc}")
    if r["time_zone"] and r["time_zone"] not in zoneinfo.available_timezones():
        errs.append(f"line {line}: '{r['time_zone']}' is not a known time zone")
    if r["manager"] and r["manager"] not in known:
        errs.append(f"line {line}: manager '{r['manager']}' is neither in the file nor in LumoFlow")
    return errs


def _manager_cycles(rows: list[tuple[int, dict[str, str]]]) -> list[str]:
    file_mgr = {r["username"]: r["manager"] for _, r in rows}
    db_mgr = dict(
        User.objects.filter(manager__isnull=False).values_list("username", "manager__username")
    )
    mgr = {**db_mgr, **file_mgr}
    errors = []
    for line, r in rows:
        seen, cur = {r["username"]}, mgr.get(r["username"]) or ""
        while cur:
            if cur in seen:
                errors.append(f"line {line}: manager chain of '{r['username']}' loops back ({cur})")
                break
            seen.add(cur)
            cur = mgr.get(cur) or ""
    return errors


@transaction.atomic
def import_people(actor: Any, text: str) -> ImportReport:
    """Create or update people from CSV text; all or nothing. Staff only (or the CLI's admin)."""
    if actor is not None and not actor.is_staff:
        raise PermissionDenied("Only administrators can import people.")
    rows, errors = _read_people_csv(text)
    usernames = [r["username"] for _, r in rows]
    emails_by_user = dict(User.objects.values_list("username", "email"))
    known = set(usernames) | set(emails_by_user)
    seen: dict[str, int] = {}
    for line, r in rows:
        errors.extend(_row_errors(line, r, known, seen))
    if not errors:
        errors.extend(_manager_cycles(rows))
    email_owner = {e.lower(): u for u, e in emails_by_user.items() if e}
    for line, r in rows:
        owner = email_owner.get(r["email"].lower())
        if owner and owner != r["username"]:
            errors.append(f"line {line}: e-mail {r['email']} already belongs to '{owner}'")
        email_owner[r["email"].lower()] = r["username"]
    if errors:
        raise Invalid(f"{len(errors)} bad row(s); nothing was imported.", errors={"rows": errors})
    report = ImportReport()
    people: dict[str, User] = {}
    for _line, r in rows:
        person = User.objects.filter(username=r["username"]).first()
        is_new = person is None
        if person is None:
            person = User(username=r["username"])
            person.set_unusable_password()
        person.email = r["email"]
        person.display_name, person.title = r["name"], r["title"]
        person.location, person.time_zone = r["location"], r["time_zone"]
        person.department = ensure_department(r["department"]) if r["department"] else None
        person.save()
        people[person.username] = person
        report.created += is_new
        report.updated += not is_new
        record(
            actor or person,
            Verb.PERSON,
            obj=person,
            target_actor=person,
            data={"change": "created" if is_new else "updated", "source": "csv"},
        )
    for _line, r in rows:
        manager = people.get(r["manager"]) or User.objects.filter(username=r["manager"]).first()
        User.objects.filter(pk=people[r["username"]].pk).update(
            manager=manager if r["manager"] else None
        )
    return report


def _check_email(errs: FieldErrors, email: str) -> None:
    try:
        validate_email(email)
    except ValidationError:
        errs.add("email", f"'{email}' is not an e-mail address.")
        return
    if User.objects.filter(email__iexact=email).exists():
        errs.add("email", f"The e-mail {email} already belongs to someone.")


@transaction.atomic
def create_person(
    actor: Any,
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
    with FieldErrors() as errs:
        if not USERNAME_RE.match(username or ""):
            errs.add("username", f"Use 1–{limits.USERNAME} letters, digits and . @ + - _ only.")
        elif User.objects.filter(username__iexact=username).exists():
            errs.add("username", f"The username '{username}' is taken.")
        if email:
            _check_email(errs, email)
        for f, v in (("name", name), ("title", title), ("location", location)):
            errs.limit(f, v, limits.PERSON_NAME)
        time_zone = _valid_tz(errs, time_zone)
        if department:
            _check_department(errs, department)
        mgr = _lookup_manager(errs, manager) if manager else None
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
    person.save()
    record(
        actor or person,
        Verb.PERSON,
        obj=person,
        target_actor=person,
        ts=joined,
        data={"change": "created"},
    )
    return person


@dataclass(frozen=True)
class PersonRow:
    """One person for `bulk_create_people` (manager: a username earlier in the rows or stored)."""

    username: str
    email: str = ""
    name: str = ""
    title: str = ""
    department: str = ""
    manager: str = ""
    location: str = ""
    time_zone: str = ""
    is_staff: bool = False
    joined: Any = None


def _bulk_people_errors(rows: list[PersonRow]) -> list[str]:
    errors: list[str] = []
    names = [r.username for r in rows]
    valid = [n for n in names if USERNAME_RE.match(n or "")]
    taken = set(
        User.objects.filter(username__in=valid).values_list("username", flat=True).iterator()
    )
    known = set(names)
    seen: set[str] = set()
    zones = zoneinfo.available_timezones()
    for i, r in enumerate(rows, start=1):
        errors += _unstorable(f"row {i}", vars(r))
        if not USERNAME_RE.match(r.username or ""):
            errors.append(f"row {i}: username '{r.username}' is not valid")
        elif r.username in seen or r.username in taken:
            errors.append(f"row {i}: the username '{r.username}' is taken")
        seen.add(r.username)
        if r.time_zone and r.time_zone not in zones:
            errors.append(f"row {i}: '{r.time_zone}' is not a known time zone")
        if max(len(r.name), len(r.title), len(r.location)) > limits.PERSON_NAME:
            errors.append(
                f"row {i}: name, title and location take at most {limits.PERSON_NAME} characters"
            )
        if r.manager and r.manager not in known:
            errors.append(f"row {i}: manager '{r.manager}' is not in the rows")
        if r.manager == r.username:
            errors.append(f"row {i}: a person cannot manage themselves")
        try:
            if r.department:
                parse_department_path(r.department)
        except ValueError as exc:
            errors.append(f"row {i}: {exc}")
    return errors + _bulk_manager_cycles(rows)


def _bulk_manager_cycles(rows: list[PersonRow]) -> list[str]:
    mgr = {r.username: r.manager for r in rows}
    errors = []
    for i, r in enumerate(rows, start=1):
        seen, cur = {r.username}, mgr.get(r.username) or ""
        while cur:
            if cur in seen:
                errors.append(f"row {i}: manager chain of '{r.username}' loops back ({cur})")
                break
            seen.add(cur)
            cur = mgr.get(cur) or ""
    return errors


@transaction.atomic
def bulk_create_people(
    actor: Any, rows: list[PersonRow], *, password: str | None = None, batch_size: int = 2000
) -> list[int]:
    """Create many people at once (administrators, the CLI and the demo generator).

    The shared `password` is hashed once and the hash reused (hashing per person is far too slow
    for thousands of people); without it the accounts cannot sign in with a password. Managers
    are set after everyone exists. All or nothing: any bad row raises `Invalid` listing every
    problem. Records one `person` event per person, backdated to `joined`. Returns the new ids in
    input order.
    """
    from django.contrib.auth.hashers import make_password

    if actor is not None and not actor.is_staff:
        raise PermissionDenied("Only administrators can add people.")
    errors = _bulk_people_errors(rows)
    if errors:
        raise Invalid(f"{len(errors)} bad row(s); nobody was created.", errors={"rows": errors})
    hashed = make_password(password) if password else make_password(None)
    depts = {
        d: ensure_department(d) for d in dict.fromkeys(r.department for r in rows if r.department)
    }
    now = timezone.now()
    people = [
        User(
            username=r.username,
            email=r.email,
            display_name=r.name,
            title=r.title,
            location=r.location,
            time_zone=r.time_zone,
            is_staff=r.is_staff,
            department=depts.get(r.department),
            password=hashed,
            date_joined=r.joined or now,
        )
        for r in rows
    ]
    User.objects.bulk_create(people, batch_size=batch_size)
    if any(p.pk is None for p in people):  # backends without RETURNING
        ids = dict(
            User.objects.filter(username__in=[r.username for r in rows]).values_list(
                "username", "pk"
            )
        )
        for p in people:
            p.pk = ids[p.username]
    by_name = {p.username: p for p in people}
    with_manager = []
    for p, r in zip(people, rows, strict=True):
        if r.manager:
            p.manager_id = by_name[r.manager].pk
            with_manager.append(p)
    User.objects.bulk_update(with_manager, ["manager"], batch_size=batch_size)
    record_many(
        (
            EventRow(
                actor_id=actor.pk if actor is not None else p.pk,
                verb=Verb.PERSON,
                ts=p.date_joined,
                object_type="user",
                object_id=str(p.pk),
                target_actor_id=p.pk,
                data={"change": "created", "source": "bulk"},
            )
            for p in people
        ),
        batch_size=batch_size,
    )
    return [p.pk for p in people]


@transaction.atomic
def admin_save(actor: Any, obj: Any, *, created: bool) -> None:
    """Save a person or department edited in the admin site, recording who changed it."""
    if not actor.is_staff:
        raise PermissionDenied("Only administrators can use the admin site.")
    if isinstance(obj, Department):
        parent = obj.parent if obj.parent_id else None
        obj.path = f"{parent.path}/{obj.name}" if parent is not None else obj.name
        parse_department_path(obj.path)
    if isinstance(obj, User) and obj.manager_id:
        _check_manager(obj, obj.manager)
    obj.save()
    target = obj if isinstance(obj, User) else None
    record(
        actor,
        Verb.PERSON,
        obj=obj,
        target_actor=target,
        data={"change": "created" if created else "updated", "source": "admin"},
    )


@transaction.atomic
def admin_delete(actor: Any, obj: Any) -> None:
    """Delete a department (or deactivate a person) from the admin site."""
    if not actor.is_staff:
        raise PermissionDenied("Only administrators can use the admin site.")
    if isinstance(obj, User):
        obj.is_active = False  # people keep their history; they are deactivated, not deleted
        obj.save(update_fields=["is_active"])
    else:
        obj.delete()
    record(
        actor,
        Verb.PERSON,
        object_type=obj._meta.model_name,
        object_id=str(obj.pk),
        data={"change": "deactivated" if isinstance(obj, User) else "deleted"},
    )
