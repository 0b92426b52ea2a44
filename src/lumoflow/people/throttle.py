"""Sign-in throttling, read from the sign-in audit (`SignIn`).

Two counts, both over the last `LUMOFLOW_LOGIN_COOL_OFF` (15 minutes):

- per **account**: failures on the account, whatever spelling or e-mail reached it, since its
  last successful sign-in; at `LUMOFLOW_LOGIN_FAILURE_LIMIT` (5) the account is paused from
  every address;
- per **address**: failures from the client's address on any accounts, which no success clears
  (else a sprayer holding one account would sign in between rounds); at
  `LUMOFLOW_LOGIN_ADDRESS_FAILURE_LIMIT` (20) the address is paused for every account.

Refused attempts are audited but not counted, so a pause ends one cool-off after the failure
that caused it. Two attempts checked at the same instant may both pass: the limits hold up to
the number of requests served at once.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from lumoflow.core import limits

from .models import SignIn, User


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt: what was typed, whom it reached, from where."""

    login: str
    user: User | None
    address: str | None
    user_agent: str

    @property
    def account(self) -> str:
        """The throttling key: the person reached (any spelling), else the login typed."""
        found = self.user.username if self.user is not None else self.login.strip()
        return found.lower()[: limits.LOGIN]


def find_account(login: str) -> User | None:
    """The person a login reaches: by e-mail when it holds an @, else by username (any case)."""
    login = login.strip()
    if "@" in login:
        return User.objects.filter(email__iexact=login).first()
    return User.objects.filter(username__iexact=login).first()


def client_address(request: HttpRequest) -> str | None:
    """The client's address: the connection's, or with `LUMOFLOW_PROXIES` = n proxies in front,
    the n-th address from the right of X-Forwarded-For (each proxy appends the address it saw;
    what the client itself sent is on the left and is not trusted). None when not an address."""
    candidate = request.META.get("REMOTE_ADDR", "")
    hops = settings.LUMOFLOW_PROXIES
    if hops > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops_seen = [part.strip() for part in forwarded.split(",") if part.strip()]
        if hops_seen:
            candidate = hops_seen[-hops] if len(hops_seen) >= hops else hops_seen[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def attempt_from(request: HttpRequest, login: str) -> Attempt:
    """The attempt a sign-in request makes with `login`."""
    return Attempt(
        login=login[: limits.LOGIN],
        user=find_account(login),
        address=client_address(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[: limits.USER_AGENT],
    )


def is_paused(attempt: Attempt, now: datetime) -> bool:
    """Whether the attempt's account or address is paused (one query)."""
    recent = SignIn.objects.filter(at__gte=now - settings.LUMOFLOW_LOGIN_COOL_OFF)
    last_success = Subquery(
        recent.filter(account=attempt.account, outcome=SignIn.Outcome.SUCCEEDED)
        .order_by("-pk")
        .values("pk")[:1]
    )
    # no address (not a valid one): counted per account only, never pooled with others
    from_address = Q(address=attempt.address) if attempt.address else Q(pk__in=[])
    failures = recent.filter(outcome=SignIn.Outcome.FAILED).filter(
        Q(account=attempt.account) | from_address
    )
    counts = failures.aggregate(
        account=Count(
            "pk", filter=Q(account=attempt.account, pk__gt=Coalesce(last_success, Value(0)))
        ),
        address=Count("pk", filter=from_address),
    )
    account_failures: int = counts["account"]
    address_failures: int = counts["address"]
    return (
        account_failures >= settings.LUMOFLOW_LOGIN_FAILURE_LIMIT
        or address_failures >= settings.LUMOFLOW_LOGIN_ADDRESS_FAILURE_LIMIT
    )


def mark_paused(request: HttpRequest) -> None:
    """Note on the request that sign-in was refused, for `SignInPausedMiddleware` (429)."""
    request._sign_in_paused = True  # type: ignore[attr-defined]


def was_paused(request: HttpRequest) -> bool:
    return getattr(request, "_sign_in_paused", False) is True
