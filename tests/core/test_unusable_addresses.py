"""Page addresses and cookies holding text no database can store answer 400, not 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/people?q=a%00b",
        "/people?department=%00",
        "/hashtags/launch%00",
        "/people/mia%00",
        "/mentions/suggest?q=%00",
        "/?cursor=%00",
    ],
)
def test_an_address_with_a_nul_character_is_a_bad_address(org: Any, path: str) -> None:
    c = Client()
    c.force_login(org.mia)
    r = c.get(path)
    assert r.status_code == 400
    assert b"Null characters are not allowed." in r.content


def test_new_posts_poll_with_a_strange_number_counts_nothing(org: Any) -> None:
    c = Client()
    c.force_login(org.mia)
    for after in ("²", "99999999999999999999999", "-1"):
        r = c.get("/feed/new", {"after": after})
        assert r.status_code == 200


def test_a_session_cookie_with_a_nul_character_is_no_session(org: Any) -> None:
    c = Client()
    c.cookies["sessionid"] = "abc\x00defghijklmnop"
    r = c.get("/workspaces")
    assert r.status_code == 302 and "/login" in r["Location"]


def test_a_username_cannot_end_with_a_new_line(org: Any) -> None:
    from lumoflow.core.errors import Invalid
    from lumoflow.people import actions

    with pytest.raises(Invalid):
        actions.create_person(None, username="nina\n", email="nina@example.com")
