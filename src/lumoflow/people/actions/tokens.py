"""Personal access tokens: created by their owner (the raw value shown once), and revoked."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from lumoflow.activity.actions import record
from lumoflow.activity.models import Verb
from lumoflow.core import limits
from lumoflow.core.errors import NotFound
from lumoflow.core.validation import FieldErrors, as_id

from .. import queries
from ..models import ApiToken, User


@transaction.atomic
def create_token(actor: User, *, name: str = "") -> tuple[ApiToken, str]:
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
def revoke_token(actor: User, token_id: Any) -> None:
    """Revoke one of the actor's own tokens."""
    tid = as_id(token_id)
    active = ApiToken.objects.filter(user=actor, revoked_at__isnull=True)
    tok = active.filter(pk=tid).first() if tid is not None else None
    if tok is None:
        raise NotFound(f"No active token {token_id}.")
    tok.revoked_at = timezone.now()
    tok.save(update_fields=["revoked_at"])
    record(actor, Verb.TOKEN, obj=tok, data={"change": "revoked"})
