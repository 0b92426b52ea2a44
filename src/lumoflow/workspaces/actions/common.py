"""Checks the workspace actions share: field parsers, choices, people by username."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from lumoflow.core.errors import InvalidNow, UnknownReference
from lumoflow.core.validation import FieldErrors
from lumoflow.people.models import User

from .. import queries
from ..models import Workspace


def one_of(errs: FieldErrors, field: str, value: Any, choices: Any) -> str:
    """Return `value` as text; note an error when it is not one of `choices`."""
    values = [c.value for c in choices]
    if value not in values:
        errs.add(field, f"Must be one of: {', '.join(values)}.")
    return str(value)


def decimal_between(
    errs: FieldErrors, field: str, value: Any, lo: float, hi: float | None
) -> Decimal:
    """A decimal from `lo` to `hi` (or above `lo`); else an error on `field`."""
    try:
        d = Decimal(str(value))
        if not d.is_finite() or d < lo or (hi is not None and d > hi):
            raise InvalidOperation
        return d
    except (InvalidOperation, ValueError):
        bound = f"between {lo} and {hi}" if hi is not None else f"{lo} or more"
        errs.add(field, f"Must be a number {bound}.")
        return Decimal(0)


def active_person(username: str, field: str = "username") -> User:
    """The active person `username` names, else Invalid on `field`."""
    with FieldErrors() as errs:
        errs.storable(field, username)
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise UnknownReference(
            f"No person with username '{username}'.",
            errors={field: [f"No person with username '{username}'."]},
        )
    return user


def member_named(errs: FieldErrors, field: str, username: Any, workspace: Workspace) -> User | None:
    """The active member of `workspace` that `username` names, None when it is blank; else an
    error on `field`: it names nobody (404 in the API), or someone who is not a member (409)."""
    name = str(username or "").strip()
    if not name or not errs.storable(field, name):
        return None
    user = User.objects.filter(username=name, is_active=True).first()
    if user is None:
        errs.add(field, f"No person with username '{name}'.", kind=UnknownReference)
    elif queries.role_of(user, workspace) is None:
        errs.add(field, f"'{name}' is not a member of '{workspace.name}'.", kind=InvalidNow)
    else:
        return user
    return None


def parse_date(errs: FieldErrors, field: str, value: Any) -> date:
    """A date, or an ISO date string; else an error on `field`."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errs.add(field, "Must be a date like 2026-01-31.")
        return date.min


def finite_number(errs: FieldErrors, field: str, value: Any) -> float:
    """A finite number; else an error on `field`."""
    try:
        f = float(value)
        if not math.isfinite(f):
            raise ValueError
        return f
    except (TypeError, ValueError):
        errs.add(field, "Must be a number.")
        return 0.0
