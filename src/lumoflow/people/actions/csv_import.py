"""Create or update people from a CSV file (`lumoflow people import`), all or nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction

from lumoflow.activity.actions import record
from lumoflow.activity.models import Verb
from lumoflow.core.errors import Invalid, PermissionDenied
from lumoflow.search.documents import index_people

from ..models import User
from .checks import PersonRow, ensure_department, people_problems

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


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def _read_people_csv(text: str) -> tuple[list[tuple[str, PersonRow]], list[str]]:
    """The file's people, each with its "line N", and the lines that are not a person."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        return [], ["line 1: the file is empty; expected the header " + ",".join(CSV_HEADER)]
    if [h.strip() for h in header] != CSV_HEADER:
        return [], [f"line 1: the header must be exactly {','.join(CSV_HEADER)}"]
    rows: list[tuple[str, PersonRow]] = []
    errors: list[str] = []
    for line_no, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(CSV_HEADER):
            errors.append(f"line {line_no}: expected {len(CSV_HEADER)} columns, found {len(row)}")
            continue
        username, email, name, title, department, manager, location, time_zone = (
            c.strip() for c in row
        )
        person = PersonRow(username, email, name, title, department, manager, location, time_zone)
        rows.append((f"line {line_no}", person))
    return rows, errors


@transaction.atomic
def import_people(actor: User | None, text: str) -> ImportReport:
    """Create or update people from CSV text; all or nothing. Staff only (or the CLI's admin)."""
    if actor is not None and not actor.is_staff:
        raise PermissionDenied("Only administrators can import people.")
    rows, errors = _read_people_csv(text)
    emails_by_user = dict(User.objects.values_list("username", "email"))
    stored_managers = dict(
        User.objects.filter(manager__isnull=False).values_list("username", "manager__username")
    )
    errors += people_problems(
        rows,
        taken=(),  # a stored username is updated
        known={r.username for _, r in rows} | set(emails_by_user),
        managers={**stored_managers, **{r.username: r.manager for _, r in rows}},
        unknown_manager="manager '{}' is neither in the file nor in LumoFlow",
        email_required=True,
    )
    email_owner = {e.lower(): u for u, e in emails_by_user.items() if e}
    for where, r in rows:
        owner = email_owner.get(r.email.lower())
        if owner and owner != r.username:
            errors.append(f"{where}: e-mail {r.email} already belongs to '{owner}'")
        email_owner[r.email.lower()] = r.username
    if errors:
        raise Invalid(f"{len(errors)} bad row(s); nothing was imported.", errors={"rows": errors})
    report = ImportReport()
    people: dict[str, User] = {}
    for _, r in rows:
        person = User.objects.filter(username=r.username).first()
        is_new = person is None
        if person is None:
            person = User(username=r.username)
            person.set_unusable_password()
        person.email = r.email
        person.display_name, person.title = r.name, r.title
        person.location, person.time_zone = r.location, r.time_zone
        person.department = ensure_department(r.department) if r.department else None
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
    for _, r in rows:
        manager = people.get(r.manager) or User.objects.filter(username=r.manager).first()
        User.objects.filter(pk=people[r.username].pk).update(manager=manager if r.manager else None)
    index_people(people.values())
    return report
