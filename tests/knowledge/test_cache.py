"""The wiki page's shared body: cached under the workspace's change marks, so an edit shows at
once; keyed on parsed values only, so query strings add nothing; the right to edit is part of
the key, so a reader never gets a member's buttons (committed data, so these tests commit)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client

from lumoflow.knowledge import actions

pytestmark = pytest.mark.django_db(transaction=True)


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_an_edit_shows_at_once_and_query_strings_add_nothing(org: Any) -> None:
    # given a page read once by Mia
    page = actions.create_wiki_page(org.mia, org.launch.pk, title="Runbook", body="First text")
    mia = _client(org.mia)
    assert "First text" in mia.get(f"/wiki/{page.pk}").content.decode()
    cache = caches["fragments"]
    size = cache.size  # type: ignore[attr-defined]
    # when it is read again under 50 query strings it does not read
    for i in range(50):
        assert mia.get(f"/wiki/{page.pk}?x={i}").status_code == 200
    # then the cache holds nothing more
    assert cache.size == size  # type: ignore[attr-defined]
    # and an edit shows at once, to her and to Fred
    actions.edit_wiki_page(org.fred, page.pk, base_revision=page.current_id, body="Second text")
    for user in (org.mia, org.fred):
        html = _client(user).get(f"/wiki/{page.pk}").content.decode()
        assert "Second text" in html and "First text" not in html


def test_a_reader_never_gets_the_members_edit_button(org: Any) -> None:
    page = actions.create_wiki_page(org.mia, org.launch.pk, title="Runbook", body="Text")
    edit = f'href="/wiki/{page.pk}/edit"'
    assert edit in _client(org.mia).get(f"/wiki/{page.pk}").content.decode()
    # Otto reads the public workspace without being a member
    assert edit not in _client(org.otto).get(f"/wiki/{page.pk}").content.decode()


def test_someone_removed_loses_the_cached_page_at_once(org: Any) -> None:
    from lumoflow.workspaces import actions as ws_actions

    page = actions.create_wiki_page(org.mia, org.finance.pk, title="Books", body="Closing")
    mia = _client(org.mia)
    assert mia.get(f"/wiki/{page.pk}").status_code == 200
    ws_actions.remove_member(org.olivia, org.finance.pk, username="mia")
    assert mia.get(f"/wiki/{page.pk}").status_code == 404


def test_a_new_page_turns_a_missing_link_into_a_link_at_once(org: Any) -> None:
    page = actions.create_wiki_page(org.mia, org.launch.pk, title="Home", body="See [[Guide]].")
    mia = _client(org.mia)
    assert "wiki-missing" in mia.get(f"/wiki/{page.pk}").content.decode()
    guide = actions.create_wiki_page(org.mia, org.launch.pk, title="Guide", body="G")
    html = mia.get(f"/wiki/{page.pk}").content.decode()
    assert "wiki-missing" not in html and f'href="/wiki/{guide.pk}"' in html


def test_an_articles_own_part_is_shared_and_an_edit_shows_at_once(org: Any) -> None:
    # given a published article read once by its author, Mia
    article = actions.create_article(
        org.mia, org.launch.pk, title="Launch notes", body="First text", publish=True
    )
    mia = _client(org.mia)
    cache = caches["fragments"]
    before = cache.size  # type: ignore[attr-defined]
    assert "First text" in mia.get(f"/articles/{article.pk}").content.decode()
    size = cache.size  # type: ignore[attr-defined]
    assert size > before  # its shared part was kept
    # when she reads it again under 50 query strings, the cache holds nothing more
    for i in range(50):
        assert mia.get(f"/articles/{article.pk}?x={i}").status_code == 200
    assert cache.size == size  # type: ignore[attr-defined]
    # and her edit shows at once, to her and to Fred
    actions.edit_article(org.mia, article.pk, body="Second text")
    for user in (org.mia, org.fred):
        html = _client(user).get(f"/articles/{article.pk}").content.decode()
        assert "Second text" in html and "First text" not in html


def test_only_the_author_gets_the_articles_edit_button_from_the_cache(org: Any) -> None:
    article = actions.create_article(org.mia, org.launch.pk, title="T", body="B", publish=True)
    edit = f'href="/articles/{article.pk}/edit"'
    assert edit in _client(org.mia).get(f"/articles/{article.pk}").content.decode()
    # Fred, a member, and Otto, a reader of the public workspace, read the same shared part
    for user in (org.fred, org.otto):
        assert edit not in _client(user).get(f"/articles/{article.pk}").content.decode()


def test_someone_removed_loses_the_cached_article_at_once(org: Any) -> None:
    from lumoflow.workspaces import actions as ws_actions

    article = actions.create_article(
        org.olivia, org.finance.pk, title="T", body="Books", publish=True
    )
    mia = _client(org.mia)
    assert "Books" in mia.get(f"/articles/{article.pk}").content.decode()
    ws_actions.remove_member(org.olivia, org.finance.pk, username="mia")
    assert mia.get(f"/articles/{article.pk}").status_code == 404
