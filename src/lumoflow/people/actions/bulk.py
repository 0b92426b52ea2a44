"""Create many people at once (administrators, the CLI and the demo generator)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from lumoflow.activity.actions import EventRow, record_many
from lumoflow.activity.models import Verb
from lumoflow.core.errors import Invalid, PermissionDenied
from lumoflow.search.documents import index_people

from ..models import User
from .checks import USERNAME_RE, PersonRow, ensure_department, people_problems


def _bulk_people_errors(rows: list[PersonRow]) -> list[str]:
    names = [r.username for r in rows]
    valid = [n for n in names if USERNAME_RE.match(n or "")]
    taken = set(
        User.objects.filter(username__in=valid).values_list("username", flat=True).iterator()
    )
    return people_problems(
        [(f"row {i}", r) for i, r in enumerate(rows, start=1)],
        taken=taken,
        known=set(names),
        managers={r.username: r.manager for r in rows},
        unknown_manager="manager '{}' is not in the rows",
    )


@transaction.atomic
def bulk_create_people(
    actor: User | None,
    rows: list[PersonRow],
    *,
    password: str | None = None,
    batch_size: int = 2000,
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
    index_people(people)
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
