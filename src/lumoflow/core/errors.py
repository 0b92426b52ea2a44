"""Shared error types, mapped once to HTTP problems (api) and CLI messages (cli)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType


class LumoFlowError(Exception):
    """Base of the errors a person is meant to read."""

    status = 400
    type_slug = "bad-request"
    title = "Bad request"
    #: Further members of the API's problem (RFC 9457 extensions), e.g. a stale edit's diff.
    extensions: Mapping[str, object] = MappingProxyType({})

    def __init__(self, detail: str, *, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or {}


class Invalid(LumoFlowError):
    """Input breaks a rule; `errors` maps field names to messages."""

    status = 422
    type_slug = "invalid"
    title = "Invalid input"


class UnknownReference(Invalid):
    """A field names nothing the caller can see (a person, an objective, a page's cursor). A
    form shows it as that field's error, like any `Invalid`; the API answers 404, as for a path
    that names nothing, with the field in `errors`: the request was well formed."""

    status = 404
    type_slug = "not-found"
    title = "Not found"


class InvalidNow(Invalid):
    """A field's value is refused by the current state, not by its form: a check-in's date
    outside its objective's period or after today, a manager who would close a cycle. A field
    error on forms; 409 in the API."""

    status = 409
    type_slug = "conflict"
    title = "Conflict"


class NotFound(LumoFlowError):
    """The object does not exist, or the viewer may not see it (the same answer for both)."""

    status = 404
    type_slug = "not-found"
    title = "Not found"


class PermissionDenied(LumoFlowError):
    """The viewer sees the object but lacks the role for the action."""

    status = 403
    type_slug = "forbidden"
    title = "Forbidden"


class Conflict(LumoFlowError):
    """The action clashes with the current state (duplicate, archived, last owner…)."""

    status = 409
    type_slug = "conflict"
    title = "Conflict"


class Unauthenticated(LumoFlowError):
    """No valid session or token."""

    status = 401
    type_slug = "unauthenticated"
    title = "Authentication required"


PROBLEM_BASE = "https://lumoflow.org/problems/"
PROBLEM = "application/problem+json"
"""The content type of a problem document (RFC 9457)."""


def problem(
    status: int, type_slug: str, title: str, detail: str, errors: dict[str, list[str]] | None = None
) -> dict[str, object]:
    """Return an RFC 9457 problem body."""
    body: dict[str, object] = {
        "type": PROBLEM_BASE + type_slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return body


def problem_for(exc: LumoFlowError) -> dict[str, object]:
    """Return the problem body of one of our errors."""
    return {
        **exc.extensions,
        **problem(exc.status, exc.type_slug, exc.title, exc.detail, exc.errors),
    }
