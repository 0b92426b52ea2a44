"""The rules a person's fields follow, stated once for every way a person is written.

`person_problems` checks one person on their own; `people_problems` checks many against each
other and against those already stored (taken usernames, unknown managers, manager loops).
`create_person` shows the first's messages by field; the CSV import and the bulk create prefix
both kinds with the line or row.
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from collections.abc import Callable, Collection, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from lumoflow.core import limits, locks
from lumoflow.core.errors import InvalidNow, UnknownReference
from lumoflow.core.validation import FieldErrors, text_problem

from ..models import Department, User

USERNAME_RE = re.compile(rf"^[\w.@+-]{{1,{limits.USERNAME}}}\Z")
_TEXT = ("username", "email", "name", "title", "department", "manager", "location", "time_zone")
K = TypeVar("K", bound=Hashable)


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


@functools.cache
def known_zones() -> frozenset[str]:
    """Every IANA time zone name this system knows."""
    return frozenset(zoneinfo.available_timezones())


def known_time_zone(value: str) -> bool:
    """Whether `value` is an IANA time zone name (e.g. Europe/Oslo); blank counts as known."""
    return not value or value in known_zones()


def time_zone_problem(value: str) -> str:
    return f"'{value}' is not a known time zone (use a name like Europe/Oslo)"


def parse_department_path(path: str) -> list[str]:
    """Split 'Sales/Nordics' into its parts; raise ValueError on an empty segment.

    >>> parse_department_path("Sales/Nordics")
    ['Sales', 'Nordics']
    """
    problem = text_problem(path)
    if problem is not None:
        raise ValueError(f"department path {path!r}: {problem}")
    if len(path) > limits.DEPARTMENT_PATH:
        raise ValueError(
            f"department path takes at most {limits.DEPARTMENT_PATH} characters "
            f"(this has {len(path)})"
        )
    parts = [p.strip() for p in path.split("/")]
    if any(not p for p in parts):
        raise ValueError(f"department path '{path}' has an empty part")
    if any(len(p) > limits.DEPARTMENT_NAME for p in parts):
        raise ValueError(
            f"department path '{path}' has a part over {limits.DEPARTMENT_NAME} characters"
        )
    return parts


NOT_IN_TREE = (
    "'{path}' is not one of the departments; choose one from the list "
    "(administrators add new ones)."
)


def find_department(path: str) -> Department | None:
    """The existing department at `path` (parts stripped of spaces), or None."""
    return Department.objects.filter(path="/".join(parse_department_path(path))).first()


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


def sentence(message: str) -> str:
    """A row message as a field's sentence: capitalised, with its full stop.

    >>> sentence("'x' is not an e-mail address")
    "'x' is not an e-mail address."
    """
    text = message[:1].upper() + message[1:]
    return text if text.endswith(".") else text + "."


def person_problems(p: PersonRow, *, email_required: bool = False) -> list[tuple[str, str]]:
    """Say what is wrong with one person on their own, as (field, message) pairs.

    Text no database can store is all that is said about a person: the rest would be read
    from text that is not what was meant.
    """
    unstorable = [
        (f, f"{f}: {problem}")
        for f in _TEXT
        if (problem := text_problem(getattr(p, f) or "")) is not None
    ]
    if unstorable:
        return unstorable
    out: list[tuple[str, str]] = []
    if not USERNAME_RE.match(p.username or ""):
        out.append(
            (
                "username",
                f"username '{p.username}' is empty or has characters other than letters, "
                "digits and . @ + - _",
            )
        )
    if p.email or email_required:
        try:
            validate_email(p.email)
        except ValidationError:
            out.append(("email", f"'{p.email}' is not an e-mail address"))
    long = [f for f in ("name", "title", "location") if len(getattr(p, f)) > limits.PERSON_NAME]
    if long:
        out.append(
            (long[0], f"name, title and location take at most {limits.PERSON_NAME} characters")
        )
    if p.department:
        try:
            parse_department_path(p.department)
        except ValueError as exc:
            out.append(("department", str(exc)))
    if not known_time_zone(p.time_zone):
        out.append(("time_zone", time_zone_problem(p.time_zone)))
    return out


def manager_loop(start: K, manager_of: Callable[[K], K | None]) -> K | None:
    """Follow the manager chain from `start`; return the first person met twice, else None.

    >>> manager_loop("a", {"a": "b", "b": "c"}.get) is None
    True
    >>> manager_loop("a", {"a": "b", "b": "a"}.get)
    'a'
    """
    seen, cur = {start}, manager_of(start)
    while cur is not None:
        if cur in seen:
            return cur
        seen.add(cur)
        cur = manager_of(cur)
    return None


def check_manager(person: User, manager: User | None) -> None:
    """Refuse `manager` for `person` when the chain above would lead back to them. Takes the
    manager tree's lock first (`core.locks`), so two changes made at once cannot each pass on
    the chain as it was and close a cycle together. Call inside the write's transaction."""
    if manager is None:
        return
    locks.hold("people.manager_tree")

    def manager_of(pk: Any) -> Any:
        if pk == person.pk:
            return manager.pk
        return User.objects.filter(pk=pk).values_list("manager_id", flat=True).first()

    if manager_loop(person.pk, manager_of) is not None:
        raise InvalidNow(
            "A manager cycle: a person cannot (indirectly) manage themselves.",
            errors={"manager": ["This would make a management cycle."]},
        )


def people_problems(
    rows: list[tuple[str, PersonRow]],
    *,
    taken: Collection[str],
    known: Collection[str],
    managers: Mapping[str, str],
    unknown_manager: str,
    email_required: bool = False,
) -> list[str]:
    """Every problem of many people, each prefixed with its row's `where` ("line 3", "row 2").

    `taken`: usernames that may not be created; `known`: usernames a manager may name;
    `managers`: username -> manager username, stored and given, to find loops;
    `unknown_manager`: the message for a manager outside `known`, with `{}` for the name.
    """
    errors: list[str] = []
    seen: dict[str, str] = {}
    for where, r in rows:
        errors += [f"{where}: {m}" for _, m in person_problems(r, email_required=email_required)]
        if r.username in seen:
            errors.append(
                f"{where}: duplicate username '{r.username}' (also on {seen[r.username]})"
            )
        elif r.username in taken:
            errors.append(f"{where}: the username '{r.username}' is taken")
        else:
            seen[r.username] = where
        if r.manager and r.manager not in known:
            errors.append(f"{where}: " + unknown_manager.format(r.manager))
    for where, r in rows:
        loop = manager_loop(r.username, lambda u: managers.get(u) or None)
        if loop is not None:
            errors.append(f"{where}: manager chain of '{r.username}' loops back ({loop})")
    return errors


def lookup_manager(errs: FieldErrors, username: str) -> User | None:
    """The active person `username` names, else None with a message on `manager`."""
    if not errs.storable("manager", username):
        return None
    mgr = User.objects.filter(username=username, is_active=True).first()
    if mgr is None:
        errs.add("manager", f"No person with username '{username}'.", kind=UnknownReference)
    return mgr
