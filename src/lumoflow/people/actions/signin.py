"""The sign-in audit: one row per attempt to sign in."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..models import SignIn
from ..throttle import Attempt


@transaction.atomic
def record_sign_in(attempt: Attempt, *, outcome: SignIn.Outcome) -> SignIn:
    """Record who tried to sign in, when, from where and with what outcome.

    Anyone may cause it (signing in is done before anyone is known). No activity event: a
    sign-in is not social activity, and the activity log's figures must not count it."""
    return SignIn.objects.create(
        at=timezone.now(),
        login=attempt.login,
        account=attempt.account,
        user=attempt.user,
        address=attempt.address,
        user_agent=attempt.user_agent,
        outcome=outcome,
    )
