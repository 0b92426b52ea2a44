"""Check-ins: a key result's current value, recorded by a member."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from lumoflow.activity.actions import record
from lumoflow.activity.models import Verb
from lumoflow.core import limits
from lumoflow.core.errors import Invalid, InvalidNow, PermissionDenied
from lumoflow.core.validation import FieldErrors
from lumoflow.people.models import User

from .. import queries
from ..models import (
    CheckIn,
    Objective,
)
from .common import finite_number, parse_date


def _today_for(person: User) -> date:
    """Today where the person is (their time zone, else the site's): a check-in made on a Monday
    morning in Tokyo is dated Monday while it is still Sunday in UTC."""
    tz = zoneinfo.ZoneInfo(person.time_zone) if person.time_zone else None
    return timezone.localdate(timezone=tz)


def check_in_day(errs: FieldErrors, objective: Objective, on: Any, *, today: date) -> date:
    """The day of a check-in (`on`, else today): within the objective's period and not after
    `today`, else an error on `date`. The latest day's value is a key result's current one, so
    a far date (9999-12-31) would pin it for good."""
    day = parse_date(errs, "date", on) if on else today
    last = min(objective.end, today)
    if "date" in errs.errors:  # not a date: noted by parse_date
        return day
    if today < objective.start:
        errs.add(
            "date",
            f"The objective starts on {objective.start.isoformat()}: check in then.",
            kind=InvalidNow,
        )
    elif not objective.start <= day <= last:
        errs.add(
            "date",
            f"Must be a day from {objective.start.isoformat()} to {last.isoformat()}: within the "
            "objective's period and not after today.",
            kind=InvalidNow,
        )
    return day


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
    """Record a key result's current value on a day (today by default) of its objective's period,
    not after today. The key result's owner, the objective's owner, facilitators and owners only
    (`may_check_in`)."""
    kr = queries.get_key_result_for(actor, key_result_id)
    ws = kr.objective.workspace
    role = queries.role_of(actor, ws)
    if role is None:
        raise PermissionDenied("Only members of the workspace can check in.")
    if not queries.may_check_in(actor, kr, role):
        raise PermissionDenied(
            "Only the key result's owner, the objective's owner, facilitators and owners check "
            "in on a key result."
        )
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
        day = check_in_day(errs, kr.objective, on, today=_today_for(actor))
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
