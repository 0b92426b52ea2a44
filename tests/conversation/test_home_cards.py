"""Home feed cards are shared between viewers (cached outside transactions, so these tests
commit) and still show each viewer their own reactions and controls, and every change at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lumoflow.conversation import actions as conv
from lumoflow.core.fragments import csrf_mark
from lumoflow.people import actions as people
from tests.pages import card as _card

pytestmark = pytest.mark.django_db(transaction=True)


def _home(user: Any) -> str:
    c = Client()
    c.force_login(user)
    r = c.get("/")
    assert r.status_code == 200
    return r.content.decode()


def test_each_viewer_sees_their_own_reactions_and_controls(org: Any) -> None:
    conv.follow(org.mia, workspace_id=org.launch.pk)
    conv.follow(org.fred, workspace_id=org.launch.pk)
    mine = conv.create_post(org.mia, org.launch.pk, kind="update", body="Mia's update")
    freds = conv.create_post(org.fred, org.launch.pk, kind="idea", body="Fred's idea")
    conv.add_reaction(org.mia, freds.pk, emoji="👍")
    for _ in range(2):  # built once, then from the cache
        as_mia, as_fred = _home(org.mia), _home(org.fred)
        assert ">Edit<" in _card(as_mia, mine.pk) and ">Edit<" not in _card(as_mia, freds.pk)
        assert ">Edit<" in _card(as_fred, freds.pk) and ">Edit<" not in _card(as_fred, mine.pk)
        assert 'class="reaction mine"' in _card(as_mia, freds.pk)
        assert 'class="reaction mine"' not in as_fred
        assert csrf_mark() not in as_mia + as_fred


def test_changes_show_at_once(org: Any) -> None:
    conv.follow(org.mia, workspace_id=org.launch.pk)
    post = conv.create_post(org.fred, org.launch.pk, kind="question", body="Who owns pricing?")
    assert "Reply<" in _card(_home(org.mia), post.pk)
    conv.create_reply(org.olivia, post.pk, body="Olivia does.")
    assert "1 reply<" in _card(_home(org.mia), post.pk)
    conv.add_reaction(org.olivia, post.pk, emoji="🎉")
    assert "🎉 1" in _card(_home(org.mia), post.pk)
    people.update_profile(org.fred, "fred", display_name="Frederick the Great")
    assert "Frederick the Great" in _card(_home(org.mia), post.pk)


def test_a_shared_card_never_reaches_someone_who_may_not_read_it(org: Any) -> None:
    conv.follow(org.mia, workspace_id=org.finance.pk)
    conv.create_post(org.olivia, org.finance.pk, kind="update", body="Quarter close numbers")
    assert "Quarter close numbers" in _home(org.mia)
    conv.follow(org.otto, username="olivia")
    assert "Quarter close numbers" not in _home(org.otto)


def test_views_seen_on_the_home_page_are_committed_in_their_own_transaction(org: Any) -> None:
    # Outside a request's transaction views are written in one of their own, committed without
    # waiting for the disk (PostgreSQL's asynchronous commit, SQLite's synchronous=NORMAL).
    from django.db import connection

    from lumoflow.activity.models import ActivityEvent

    conv.follow(org.mia, workspace_id=org.launch.pk)
    post = conv.create_post(org.olivia, org.launch.pk, kind="update", body="Seen")
    _home(org.mia)
    seen = ActivityEvent.objects.filter(actor=org.mia, verb="view", object_id=str(post.pk))
    assert seen.count() == 1
    with connection.cursor() as cur:  # the setting was local to the views' transaction
        if connection.vendor == "postgresql":
            cur.execute("SHOW synchronous_commit")
            assert cur.fetchone()[0] == "on"
        else:
            cur.execute("PRAGMA synchronous")
            assert cur.fetchone()[0] != 1  # back to what it was (FULL, not NORMAL)


def test_personalising_html_without_its_marks_fails_loudly() -> None:
    from lumoflow.conversation import cards

    # given shared HTML that lacks the marks of a card, and a viewer who reacted to it
    fact = cards.CardToPersonalise(
        pk=7, author_id=1, thread_id=None, parent_id=None, reply_count=0, reactions=(("👍", 1),)
    )
    options = cards.CardOptions(user_id=1, csrf="c", back="/")
    # when it is made the viewer's, then it raises rather than show someone else's parts
    with pytest.raises(LookupError, match="r7"):
        cards.personalise("<article>no marks</article>", [fact], options, {(7, "👍")})


def test_shared_cards_refuse_an_address_from_the_request() -> None:
    from lumoflow.conversation import cards
    from lumoflow.core.marks import Marks

    options = cards.CardOptions(user_id=None, csrf="c", back="/?x=1", shared=True)
    with pytest.raises(ValueError, match="back_mark"):
        cards.shared_cards([], options, lambda keys: [], Marks(1, ()))
