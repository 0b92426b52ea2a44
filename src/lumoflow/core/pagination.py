"""Keyset pagination, for the API's lists and the pages that show them a page at a time.

A page is `(items, next)`: `next` is an opaque, signed cursor to pass back for the following
page (None at the end). Pages are keyed by (key, id), not by offset, so rows added meanwhile
neither repeat nor go missing. The API returns them as `{"items": [...], "next": ...}`.

(django-ninja's own `CursorPagination` answers `{"results", "next", "previous"}` with URLs, takes
`page_size`, and encodes an unsigned position; the API's documented contract is this one.)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django.core import signing
from django.db.models import Model, Q, QuerySet

from .errors import Invalid, UnknownReference

DEFAULT_LIMIT, MAX_LIMIT = 20, 100


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(
            f"limit must be between 1 and {MAX_LIMIT}.",
            errors={"limit": [f"Must be between 1 and {MAX_LIMIT}."]},
        )
    return limit


_CURSOR_SALT = "lumoflow.api.cursor"
T = TypeVar("T", bound=Model)


def encode_cursor(values: list[Any]) -> str:
    return signing.dumps(values, salt=_CURSOR_SALT, compress=True)


def _bad_cursor() -> Invalid:
    return UnknownReference(
        "The cursor is not one this API gave out; start again without it.",
        errors={"cursor": ["Unknown or altered cursor."]},
    )


def decode_cursor(cursor: str) -> list[Any]:
    try:
        values = signing.loads(cursor, salt=_CURSOR_SALT)
        if not isinstance(values, list):
            raise ValueError
        return values
    except (signing.BadSignature, ValueError):
        raise _bad_cursor()


def _page_and_next(items: list[T], n: int, key: str) -> tuple[list[T], str | None]:
    """The first `n` of `n + 1` fetched items, and the cursor after them when there are more."""
    if len(items) <= n:
        return items, None
    items = items[:n]
    last = items[-1]
    return items, encode_cursor([_plain(getattr(last, key)), last.pk] if key != "id" else [last.pk])


def paginate(
    qs: QuerySet[T],
    *,
    limit: int | None,
    cursor: str | None,
    newest_first: bool = False,
    key: str = "id",
) -> tuple[list[T], str | None]:
    """Keyset pagination over (key, id), oldest first or newest first. Returns items and next."""
    n = clamp_limit(limit)
    desc = "-" if newest_first else ""
    order = [f"{desc}{key}", f"{desc}id"] if key != "id" else [f"{desc}id"]
    qs = qs.order_by(*order)
    if cursor:
        values = decode_cursor(cursor)
        op = "lt" if newest_first else "gt"
        if key == "id":
            qs = qs.filter(**{f"id__{op}": values[-1]})
        else:
            qs = qs.filter(
                Q(**{f"{key}__{op}": values[0]}) | Q(**{key: values[0], f"id__{op}": values[1]})
            )
    return _page_and_next(list(qs[: n + 1]), n, key)


def newest_first_page(
    fetch: Callable[[int, tuple[datetime, int] | None], list[T]],
    *,
    limit: int | None,
    cursor: str | None,
) -> tuple[list[T], str | None]:
    """`paginate(..., newest_first=True, key="created_at")` for a feed read in SQL: `fetch(n,
    before)` returns the `n` newest items older than `before` (created_at, id). Same cursors."""
    n = clamp_limit(limit)
    before = None
    if cursor:
        try:
            when, pk = decode_cursor(cursor)
            before = (datetime.fromisoformat(when), int(pk))
        except (TypeError, ValueError):
            raise _bad_cursor()
    return _page_and_next(fetch(n + 1, before), n, "created_at")


def _plain(v: Any) -> Any:
    return v.isoformat() if hasattr(v, "isoformat") else v
