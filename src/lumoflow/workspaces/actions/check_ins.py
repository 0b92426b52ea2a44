"""Check-ins: a key result's current value, recorded by a member."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from lumoflow.activity.actions import record
from lumoflow.activity.models import Verb
from lumoflow.core import limits
from lumoflow.core.errors import Invalid, PermissionDenied
from lumoflow.core.validation import FieldErrors
from lumoflow.people.models import User

from .. import queries
from ..models import (
    CheckIn,
)
from .common import finite_number, parse_date


@transaction.atomic
def record_check_in(
    actor: User,
    key_result_id: Any,
    *,
    value: Any,
    confidence: Any,
    note: str = "",
    on: Any = None,
    at: datetime | None = None,
) -> CheckIn:
    """Record a key result's current value. Any active member; not on archived workspaces."""
    kr = queries.get_key_result_for(actor, key_result_id)
    ws = kr.objective.workspace
    if queries.role_of(actor, ws) is None:
        raise PermissionDenied("Only members of the workspace can check in.")
    with FieldErrors() as errs:
        val = finite_number(errs, "value", value)
        try:
            conf = int(confidence)
            if str(confidence).strip() != str(conf) and not isinstance(confidence, int):
                raise ValueError
            if not 0 <= conf <= limits.CONFIDENCE_MAX:
                raise ValueError
        except (TypeError, ValueError):
            errs.add("confidence", f"Must be a whole number from 0 to {limits.CONFIDENCE_MAX}.")
            conf = 0
        note = errs.limit("note", note, limits.CHECK_IN_NOTE)
        day = parse_date(errs, "date", on) if on else timezone.localdate()
    now = at or timezone.now()
    try:
        ci = CheckIn.objects.create(
            key_result=kr,
            value=val,
            confidence=conf,
            note=note,
            author=actor,
            date=day,
            created_at=now,
        )
    except IntegrityError as exc:  # pragma: no cover - guarded by validation above
        raise Invalid(str(exc))
    record(
        actor,
        Verb.CHECK_IN,
        workspace=ws,
        obj=ci,
        parent=kr,
        text=note,
        ts=now,
        data={"value": val, "confidence": conf, "key_result": kr.pk},
    )
    return ci
