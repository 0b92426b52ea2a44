"""Reads of people and departments (every signed-in employee may see the directory)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from lumoflow.core.errors import NotFound, Unauthenticated

from .models import ApiToken, Department, User


def _require_signed_in(viewer: Any) -> None:
    if not getattr(viewer, "is_authenticated", False):
        raise Unauthenticated("Sign in to see people.")


def list_people_for(viewer: Any, *, q: str = "", department: str = "") -> QuerySet[User]:
    """Active, non-bot people, optionally filtered by a text or a department path prefix."""
    _require_signed_in(viewer)
    qs = get_user_model().objects.filter(is_active=True).select_related("department", "manager")
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


def get_person_for(viewer: Any, username: str) -> User:
    _require_signed_in(viewer)
    person = get_user_model().objects.filter(username=username, is_active=True).first()
    if person is None:
        raise NotFound(f"No person '{username}'.")
    return person


def list_departments_for(viewer: Any) -> QuerySet[Department]:
    _require_signed_in(viewer)
    return Department.objects.annotate(
        people_count=Count("people", filter=Q(people__is_active=True))
    ).order_by("path")


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def user_for_token(raw: str) -> User | None:
    """The active owner of a live token, or None (revoked, unknown, inactive user)."""
    if not raw:
        return None
    tok = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if tok is None:
        return None
    now = timezone.now()
    if tok.last_used_at is None or (now - tok.last_used_at).total_seconds() > 300:
        # Bookkeeping, not social data: throttled so reads stay cheap.
        ApiToken.objects.filter(pk=tok.pk).update(last_used_at=now)
    return tok.user


def list_tokens_for(viewer: Any) -> QuerySet[ApiToken]:
    _require_signed_in(viewer)
    return ApiToken.objects.filter(user=viewer)
