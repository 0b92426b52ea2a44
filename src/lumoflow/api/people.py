"""People, departments and the caller's own profile."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from lumoflow.core import limits
from lumoflow.core.pagination import paginate
from lumoflow.people import actions, queries
from lumoflow.people.actions.checks import known_zones
from lumoflow.people.auth import SignedInRequest

from .base import AtMost, BodyIn, Limit, Text

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from lumoflow.people.models import Department
    from lumoflow.people.queries import PeopleCount

router = Router(tags=["people"])


class PersonOut(Schema):
    id: int
    username: str
    name: str
    title: str
    department: str | None
    manager: str | None
    location: str
    time_zone: str

    @staticmethod
    def from_user(u: Any) -> PersonOut:
        return PersonOut(
            id=u.pk,
            username=u.username,
            name=u.name,
            title=u.title,
            department=u.department.path if u.department_id else None,
            manager=u.manager.username if u.manager_id else None,
            location=u.location,
            time_zone=u.time_zone,
        )


class MeOut(PersonOut):
    email: str
    is_admin: bool


class PeoplePage(Schema):
    items: list[PersonOut]
    next: str | None


TimeZone = Annotated[Text, Field(json_schema_extra={"enum": ["", *sorted(known_zones())]})]
"""An IANA time zone name, or "" for none."""


class ProfileIn(BodyIn):
    display_name: Annotated[Text, AtMost(limits.PERSON_NAME)] | None = None
    title: Annotated[Text, AtMost(limits.PERSON_NAME)] | None = None
    department: Annotated[Text, AtMost(limits.DEPARTMENT_PATH)] | None = None
    manager: Annotated[Text, AtMost(limits.USERNAME)] | None = None
    location: Annotated[Text, AtMost(limits.PERSON_NAME)] | None = None
    time_zone: (
        Annotated[Text, Field(json_schema_extra={"enum": ["", *sorted(known_zones())]})] | None
    ) = None


class DepartmentOut(Schema):
    id: int
    name: str
    path: str
    parent_id: int | None
    people: int


class DepartmentPage(Schema):
    items: list[DepartmentOut]
    next: str | None


def _me(u: Any) -> MeOut:
    return MeOut(**PersonOut.from_user(u).model_dump(), email=u.email, is_admin=u.is_staff)


@router.get("/me", response=MeOut, summary="The signed-in person")
def me(request: HttpRequest) -> MeOut:
    return _me(request.user)


@router.patch("/me", response=MeOut, summary="Edit my profile")
def edit_me(request: SignedInRequest, payload: ProfileIn) -> MeOut:
    user = actions.update_profile(
        request.user, request.user.username, **payload.model_dump(exclude_unset=True)
    )
    return _me(user)


@router.get("/people", response=PeoplePage, summary="The people directory")
def people(
    request: HttpRequest,
    q: Text = "",
    department: Text = "",
    limit: Limit | None = None,
    cursor: Text | None = None,
) -> dict[str, Any]:
    items, nxt = paginate(
        queries.list_people_for(request.user, q=q, department=department),
        limit=limit,
        cursor=cursor,
        key="username",
    )
    return {"items": [PersonOut.from_user(u) for u in items], "next": nxt}


@router.get("/departments", response=DepartmentPage, summary="The department tree, by path")
def departments(
    request: HttpRequest, limit: Limit | None = None, cursor: Text | None = None
) -> dict[str, Any]:
    items: list[WithAnnotations[Department, PeopleCount]]
    items, nxt = paginate(
        queries.list_departments_for(request.user), limit=limit, cursor=cursor, key="path"
    )
    return {
        "items": [
            DepartmentOut(
                id=d.pk, name=d.name, path=d.path, parent_id=d.parent_id, people=d.people_count
            )
            for d in items
        ],
        "next": nxt,
    }


class AuditEntryOut(Schema):
    id: int
    at: datetime
    person: str = Field(description="Username of who was shown the figures.")
    what: str
    scope: str
    via: str = Field(description="page or api")


class AuditPage(Schema):
    items: list[AuditEntryOut]
    next: str | None


@router.get(
    "/audit",
    response=AuditPage,
    summary="The audit log of individual-level figures",
    description="Every view of individual-level figures (who, what, when, which scope), newest "
    "first: administrators only.",
)
def audit(
    request: HttpRequest, limit: Limit | None = None, cursor: Text | None = None
) -> dict[str, Any]:
    items, nxt = paginate(
        queries.list_audit_for(request.user),
        limit=limit,
        cursor=cursor,
        newest_first=True,
        key="at",
    )
    return {
        "items": [
            AuditEntryOut(
                id=e.pk, at=e.at, person=e.viewer.username, what=e.what, scope=e.scope, via=e.via
            )
            for e in items
        ],
        "next": nxt,
    }
