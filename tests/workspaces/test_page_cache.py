"""The workspace page shares its body between viewers in the same role (cached outside
transactions, so these tests commit) and still shows each viewer their own state and every change
at once."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from lumoflow.conversation import actions as conv
from lumoflow.core.fragments import csrf_mark
from lumoflow.people import actions as people
from tests.pages import card as _card

pytestmark = pytest.mark.django_db(transaction=True)


def _client(user: Any) -> Client:
    c = Client(enforce_csrf_checks=True)
    c.force_login(user)
    return c


def _page(c: Client, ws: Any, query: str = "") -> str:
    r = c.get(f"/workspaces/{ws.pk}{query}")
    assert r.status_code == 200
    return r.content.decode()


def _statements(fn: Any) -> int:
    n = [0]

    def count(execute: Any, *args: Any) -> Any:
        n[0] += 1
        return execute(*args)

    with connection.execute_wrapper(count):
        fn()
    return n[0]


def test_each_viewer_sees_their_own_controls_and_reactions(org: Any) -> None:
    mine = conv.create_post(org.mia, org.launch.pk, kind="update", body="Mia's update")
    freds = conv.create_post(org.fred, org.launch.pk, kind="idea", body="Fred's idea")
    conv.add_reaction(org.mia, freds.pk, emoji="👍")
    mia, fred = _client(org.mia), _client(org.fred)

    for _ in range(2):  # built once, then from the cache: the same answers
        as_mia, as_fred = _page(mia, org.launch), _page(fred, org.launch)
        assert ">Edit<" in _card(as_mia, mine.pk) and ">Edit<" not in _card(as_mia, freds.pk)
        assert ">Edit<" in _card(as_fred, freds.pk) and ">Edit<" not in _card(as_fred, mine.pk)
        # Fred facilitates: he may hide Mia's post, not his own; Mia (member) hides nothing.
        assert "Hide post" in _card(as_fred, mine.pk)
        assert "Hide post" not in _card(as_fred, freds.pk) and "Hide post" not in as_mia
        assert 'class="reaction mine"' in _card(as_mia, freds.pk)
        assert 'class="reaction mine"' not in as_fred
        assert csrf_mark() not in as_mia + as_fred


def test_forms_carry_the_viewers_own_csrf_token(org: Any) -> None:
    post = conv.create_post(org.olivia, org.launch.pk, kind="update", body="Hello team")
    fred, mia = _client(org.fred), _client(org.mia)
    _page(fred, org.launch)  # fills the cache
    page = _page(mia, org.launch)
    token = re.search(
        rf'action="/posts/{post.pk}/react".*?name="csrfmiddlewaretoken" value="([^"]+)"', page, re.S
    )
    assert token
    r = mia.post(f"/posts/{post.pk}/react", {"emoji": "🎉", "csrfmiddlewaretoken": token.group(1)})
    assert r.status_code == 302
    assert 'class="reaction mine"' in _card(_page(mia, org.launch), post.pk)


def test_changes_show_at_once(org: Any) -> None:
    mia = _client(org.mia)
    _page(mia, org.launch)
    post = conv.create_post(org.fred, org.launch.pk, kind="question", body="Who owns pricing?")
    page = _page(mia, org.launch)
    assert "Who owns pricing?" in _card(page, post.pk)
    people.update_profile(org.fred, "fred", display_name="Frederick the Great")
    assert "Frederick the Great" in _page(mia, org.launch)


def test_a_cached_body_is_not_shown_to_people_who_may_not_read_it(org: Any) -> None:
    conv.create_post(org.mia, org.finance.pk, kind="update", body="Quarter close numbers")
    assert "Quarter close numbers" in _page(_client(org.mia), org.finance)
    outsider = _page(_client(org.otto), org.finance)
    assert "Quarter close numbers" not in outsider
    assert "for members" in outsider


def test_the_second_reader_does_not_rebuild_the_body(org: Any) -> None:
    for i in range(5):
        conv.create_post(org.olivia, org.launch.pk, kind="update", body=f"Update {i}")
    mia, fred = _client(org.mia), _client(org.fred)
    first = _statements(lambda: _page(mia, org.launch))
    again = _statements(lambda: _page(mia, org.launch))
    assert again < first / 2
    # Fred is a facilitator: his body differs from Mia's and is built for him once.
    assert _statements(lambda: _page(fred, org.launch)) > again


def _redis_url() -> str:
    import os
    import socket

    url = os.environ.get("LUMOFLOW_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("Redis is not reachable on 127.0.0.1:6379 (mandatory with CI=true)")
    return url


def test_the_body_is_shared_through_redis_too(org: Any, settings: Any) -> None:
    import uuid

    redis = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _redis_url(),
        "KEY_PREFIX": uuid.uuid4().hex,  # apart from any other run on the same server
    }
    settings.CACHES = {"default": redis, "fragments": redis}
    post = conv.create_post(org.mia, org.launch.pk, kind="update", body="Through Redis")
    mia, olivia = _client(org.mia), _client(org.olivia)
    first = _statements(lambda: _page(mia, org.launch))
    again = _statements(lambda: _page(mia, org.launch))
    assert again < first / 2
    assert ">Edit<" in _card(_page(mia, org.launch), post.pk)
    assert ">Edit<" not in _card(_page(olivia, org.launch), post.pk)


def test_a_body_is_rebuilt_when_a_relative_time_would_read_otherwise(
    org: Any, monkeypatch: Any
) -> None:
    import time

    from lumoflow.workspaces import page

    conv.create_post(org.olivia, org.launch.pk, kind="update", body="Just posted")
    mia = _client(org.mia)
    assert "just now" in _page(mia, org.launch)
    cached = _statements(lambda: _page(mia, org.launch))
    later = time.time() + 61  # "just now" has become "1 min ago"
    monkeypatch.setattr(page.time, "time", lambda: later)
    assert _statements(lambda: _page(mia, org.launch)) > cached


@pytest.mark.parametrize(
    ("age", "unchanged_for"),
    # within a week the age reads as the weekday and time ("Wed 12:00") until it turns a date
    [(30, 30), (90, 30), (3601, 3599), (86410, 7 * 86400 - 86410), (40 * 86400, 86400)],
)
def test_how_long_an_age_reads_the_same(age: int, unchanged_for: float) -> None:
    import datetime as dt

    from lumoflow.conversation.cards import age_unchanged_for

    now = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
    assert age_unchanged_for(now - dt.timedelta(seconds=age), now) == pytest.approx(unchanged_for)


def test_a_strange_objective_filter_shows_the_whole_feed(org: Any) -> None:
    mia = _client(org.mia)
    for value in ("²", "99999999999999999999999", "-3", "x"):
        assert "Conversation" in _page(mia, org.launch, f"?objective={value}")
