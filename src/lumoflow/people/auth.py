"""Sign in with username or e-mail, throttled and audited (`throttle`, `SignIn`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from lumoflow.core.errors import PermissionDenied
from lumoflow.core.sql import Frozen
from lumoflow.core.validation import as_id

from . import throttle
from .actions.signin import record_sign_in
from .models import SignIn, User

_BY_ID = Frozen(lambda user_id: get_user_model().objects.filter(pk=user_id))


class UsernameOrEmailBackend(ModelBackend):
    """Authenticate by username, or by e-mail when the login holds an @."""

    def get_user(self, user_id: Any) -> Any:
        """The signed-in person of a session (every request): one precompiled query."""
        pk = as_id(user_id)
        if pk is None:
            return None
        found = _BY_ID.models(user_id=pk)
        user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """Check a login and password; on a web request, throttle and audit it first.

        A paused account or address (`throttle`) is refused without checking the password:
        raising Django's PermissionDenied stops every backend, and `SignInPausedMiddleware`
        answers 429. A check outside any request (scripts, the shell) is neither."""
        if not username or password is None:
            return None
        if request is None:
            return self._check(throttle.find_account(username), password)
        attempt = throttle.attempt_from(request, username)
        if throttle.is_paused(attempt, timezone.now()):
            record_sign_in(attempt, outcome=SignIn.Outcome.PAUSED)
            throttle.mark_paused(request)
            raise DjangoPermissionDenied("Sign-in is paused.")
        user = self._check(attempt.user, password)
        outcome = SignIn.Outcome.FAILED if user is None else SignIn.Outcome.SUCCEEDED
        record_sign_in(attempt, outcome=outcome)
        return user

    def _check(self, user: User | None, password: str) -> User | None:
        if user is None:
            User().set_password(password)  # same cost as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


class SignedInRequest(HttpRequest):
    """A request whose person is signed in: a page behind `login_required`, or an API call the
    API's authentication let through. Annotating a view with it states that promise to the type
    checker; it changes nothing at run time."""

    user: User


def signed_in(request: HttpRequest) -> User:
    """The request's person, where only signed-in people get (the admin site); else 403."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    return user
