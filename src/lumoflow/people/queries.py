"""Reads of people and departments (every signed-in employee may see the directory)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from lumoflow.core.errors import NotFound, PermissionDenied, Unauthenticated
from lumoflow.core.sql import Loader

from .models import ApiToken, AuditEntry, Capability, Department, Grant, SignIn, User, Viewer

if TYPE_CHECKING:
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations

    # Columns that `list_departments_for` and `user_for_token` add to the rows they read.
    class PeopleCount(TypedDict):
        people_count: int

    class TokenUse(TypedDict):
        token_id: int
        token_last_used_at: datetime | str | None


def _require_signed_in(viewer: Viewer) -> User:
    if not isinstance(viewer, User) or not viewer.is_authenticated:
        raise Unauthenticated("Sign in to see people.")
    return viewer


def listed_people() -> QuerySet[User]:
    """The people the directory lists to everyone signed in (the rule of `list_people_for`)."""
    return get_user_model().objects.filter(is_active=True)


def list_people_for(viewer: Viewer, *, q: str = "", department: str = "") -> QuerySet[User]:
    """Active, non-bot people, optionally filtered by a text or a department path prefix."""
    _require_signed_in(viewer)
    qs = listed_people().select_related("department", "manager")
    if q:
        qs = qs.filter(
            Q(username__icontains=q)
            | Q(display_name__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(title__icontains=q)
        )
    if department:
        qs = qs.filter(
            Q(department__path=department) | Q(department__path__startswith=department + "/")
        )
    return qs.order_by("username")


def get_person_for(viewer: Viewer, username: str) -> User:
    _require_signed_in(viewer)
    person = get_user_model().objects.filter(username=username, is_active=True).first()
    if person is None:
        raise NotFound(f"No person '{username}'.")
    return person


def list_departments_for(viewer: Viewer) -> QuerySet[WithAnnotations[Department, PeopleCount]]:
    _require_signed_in(viewer)
    return Department.objects.annotate(
        people_count=Count("people", filter=Q(people__is_active=True))
    ).order_by("path")


def department_paths() -> list[str]:
    """Every department's path, in tree order (what a person may choose from)."""
    return list(Department.objects.order_by("path").values_list("path", flat=True))


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


_TOKEN_SQL: str | None = None


def _token_sql() -> str:
    """The bearer-token lookup as SQL, built once per process (it runs on every API call)."""
    global _TOKEN_SQL
    if _TOKEN_SQL is None:
        u, t = User._meta.db_table, ApiToken._meta.db_table
        _TOKEN_SQL = (
            f"SELECT {Loader.of(User).columns('u')}, t.id, t.last_used_at "
            f"FROM {t} t JOIN {u} u ON u.id = t.user_id "
            f"WHERE t.digest = %s AND t.revoked_at IS NULL AND u.is_active"
        )
    return _TOKEN_SQL


def user_for_token(raw: str) -> User | None:
    """The active owner of a live token, or None (revoked, unknown, inactive user)."""
    if not raw:
        return None
    found = Loader.of(User).load(
        "default", _token_sql(), [token_digest(raw)], extra=("token_id", "token_last_used_at")
    )
    if not found:
        return None
    user: WithAnnotations[User, TokenUse] = found[0]
    now = timezone.now()
    last = user.token_last_used_at
    if isinstance(last, str):  # SQLite hands back text for an annotated column
        last = datetime.fromisoformat(last)
    if last is not None and timezone.is_naive(last):
        last = timezone.make_aware(last, UTC)
    if last is None or (now - last).total_seconds() > 300:
        # Bookkeeping, not social data: throttled so reads stay cheap.
        ApiToken.objects.filter(pk=user.token_id).update(last_used_at=now)
    return user


def list_tokens_for(viewer: Viewer) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=_require_signed_in(viewer))


def list_sign_ins_for(viewer: Viewer) -> QuerySet[SignIn]:
    """The sign-in audit, newest first: administrators only (PermissionDenied for others)."""
    if not is_administrator(viewer):
        raise PermissionDenied("Only administrators can read the sign-in audit.")
    return SignIn.objects.select_related("user").order_by("-at", "-pk")


def is_administrator(viewer: Viewer) -> bool:
    """Whether the viewer is a signed-in, active administrator (staff)."""
    return isinstance(viewer, User) and viewer.is_active and viewer.is_staff


def has_capability(viewer: Viewer, capability: Capability | str) -> bool:
    """Whether the viewer holds a capability: administrators hold both; others when an
    administrator granted it. The one check every page, API answer and report uses."""
    if not isinstance(viewer, User) or not viewer.is_authenticated or not viewer.is_active:
        return False
    if viewer.is_staff:
        return True
    return Grant.objects.filter(user=viewer, capability=capability).exists()


def require_capability(viewer: Viewer, capability: Capability | str) -> User:
    """The viewer when they hold the capability; else PermissionDenied (Unauthenticated when
    nobody is signed in)."""
    user = _require_signed_in(viewer)
    if not has_capability(user, capability):
        label = Capability(capability).label.split(" (")[0]
        raise PermissionDenied(
            f"This needs the {label.lower()} capability, which administrators grant."
        )
    return user


def list_grants_for(viewer: Viewer) -> QuerySet[Grant]:
    """Every capability granted, by person: administrators only."""
    if not is_administrator(viewer):
        raise PermissionDenied("Only administrators can read who holds capabilities.")
    return Grant.objects.select_related("user", "granted_by")


def list_audit_for(viewer: Viewer) -> QuerySet[AuditEntry]:
    """The audit of views of individual-level figures, newest first: administrators only."""
    if not is_administrator(viewer):
        raise PermissionDenied("Only administrators can read the audit log.")
    return AuditEntry.objects.select_related("viewer").order_by("-at", "-pk")


def list_reports_for(viewer: Viewer, person: User) -> QuerySet[User]:
    """The active people who report to `person`, by name."""
    _require_signed_in(viewer)
    return (
        get_user_model().objects.filter(manager_id=person.pk, is_active=True).order_by("username")
    )
