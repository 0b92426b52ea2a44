"""`Idempotency-Key` on the API's POST routes: a retry gets the first answer, not a second write.

A POST under `/api/` with the header, from a signed-in person (token or session), runs in one
transaction with the storing of its answer (`core.actions.remember_answer`): the write and its
key commit together, so a crash cannot leave a write whose retry would make it again. A retry
with the same key and the same request (method, path, query and body) gets the stored status and
body, marked `Idempotent-Replayed: true`; the same key with another request answers 422. Keys are
per person and expire after `LUMOFLOW_IDEMPOTENCY_KEY_HOURS`. Only successful answers (2xx) are
kept: a refused request wrote nothing, and its retry is judged again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware

from lumoflow.core import actions as core_actions
from lumoflow.core import limits
from lumoflow.core import queries as core_queries
from lumoflow.core.errors import Invalid, problem_for
from lumoflow.core.models import IdempotencyKey
from lumoflow.core.validation import INVISIBLE_MESSAGE, has_visible, text_problem
from lumoflow.people.queries import user_for_token

from .base import problem_response

HEADER = "Idempotency-Key"
MAX_KEY = 255


def _person(request: HttpRequest) -> int | None:
    """The id of who sends the request (token first, as the API's auth does), or None."""
    auth = request.headers.get("Authorization", "")
    if auth[:7].lower() == "bearer ":
        user = user_for_token(auth[7:].strip())
        return user.pk if user is not None else None
    if not request.user.is_authenticated:
        return None
    # A session's request must pass the CSRF check before anything is replayed to it.
    check = CsrfViewMiddleware(_nothing)
    refused = check.process_view(request, _nothing, (), {})
    return None if refused is not None else int(request.user.pk)


def _nothing(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.get_full_path()):
        digest.update(part.encode() + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def _replay(stored: IdempotencyKey, fingerprint: str, key: str) -> HttpResponse:
    if stored.fingerprint != fingerprint:
        detail = f"The Idempotency-Key '{key}' was used for another request."
        return problem_response(problem_for(Invalid(detail, errors={HEADER: [detail]})))
    response = HttpResponse(stored.body, status=stored.status, content_type=stored.content_type)
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith("/api/"):
            return self.get_response(request)
        if request.path in limits.EXPORT_UPLOAD_PATHS:
            return self.get_response(request)  # an export of gigabytes is not hashed in memory
        problem = text_problem(key) if key.strip() else "It is empty."
        if problem is None and not has_visible(key):
            problem = INVISIBLE_MESSAGE
        if problem is None and len(key) > MAX_KEY:
            problem = f"It is {len(key)} characters long; at most {MAX_KEY}."
        if problem is not None:
            detail = f"Bad Idempotency-Key header: {problem}"
            return problem_response(problem_for(Invalid(detail, errors={HEADER: [problem]})))
        user_id = _person(request)
        if user_id is None:
            return self.get_response(request)  # the API answers 401 or 403 itself
        fingerprint = _fingerprint(request)
        try:
            with transaction.atomic():
                # Inside the transaction: on SQLite it holds the write lock, so a retry racing
                # the first request waits for it and then finds its answer.
                stored = core_queries.find_answer(user_id, key)
                if stored is not None:
                    return _replay(stored, fingerprint, key)
                response = self.get_response(request)
                if 200 <= response.status_code < 300 and not response.streaming:
                    core_actions.remember_answer(
                        user_id,
                        key,
                        fingerprint=fingerprint,
                        status=response.status_code,
                        content_type=response.get("Content-Type", ""),
                        body=response.content.decode(),
                    )
        except core_actions.KeyTaken:
            stored = core_queries.find_answer(user_id, key)
            if stored is None:
                raise
            return _replay(stored, fingerprint, key)
        return response
