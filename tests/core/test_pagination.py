"""Keyset pagination: every row once, in order, whatever is added between pages."""

from __future__ import annotations

from typing import Any

import pytest

from lumoflow.core.errors import Invalid
from lumoflow.core.pagination import encode_cursor, paginate
from lumoflow.workspaces.models import Membership

pytestmark = pytest.mark.django_db


def _walk(qs: Any, **options: Any) -> list[int]:
    seen, cursor = [], None
    while True:
        items, cursor = paginate(qs, limit=2, cursor=cursor, **options)
        seen += [m.pk for m in items]
        if cursor is None:
            return seen


def test_pages_walk_every_row_once_in_order(org: Any) -> None:
    # given the memberships of the test organisation, read two at a time
    qs = Membership.objects.all()
    expected = list(qs.order_by("-joined_at", "-id").values_list("pk", flat=True))
    # then the pages hold each once, newest first, and end with no cursor
    assert _walk(qs, newest_first=True, key="joined_at") == expected
    assert _walk(qs) == sorted(expected)


def test_a_cursor_that_was_not_given_out_is_refused(org: Any) -> None:
    with pytest.raises(Invalid, match="cursor"):
        paginate(Membership.objects.all(), limit=2, cursor=encode_cursor([1])[:-3] + "abc")


def test_a_limit_out_of_range_is_refused(org: Any) -> None:
    with pytest.raises(Invalid, match="limit"):
        paginate(Membership.objects.all(), limit=0, cursor=None)
