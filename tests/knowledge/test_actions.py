"""Knowledge actions and the search index they keep in their transaction."""

from __future__ import annotations

import pytest

from lumoflow.knowledge import actions
from lumoflow.search.models import Document

pytestmark = pytest.mark.django_db


def _doc(kind: str, pk: int) -> Document | None:
    return Document.objects.filter(kind=kind, object_id=pk).first()


def test_every_save_of_a_page_is_indexed(org, page_in):
    page = page_in(org.mia, org.launch, title="Runbook", body="first words")
    assert _doc("wiki", page.pk).body == "first words"
    actions.edit_wiki_page(
        org.fred, page.pk, base_revision=page.current_id, title="Run book", body="second"
    )
    doc = _doc("wiki", page.pk)
    assert (doc.title, doc.body, doc.workspace_id) == ("Run book", "second", org.launch.pk)


def test_a_draft_is_never_indexed_a_published_article_is(org):
    art = actions.create_article(org.mia, org.launch.pk, title="Draft", body="secret plans")
    assert _doc("article", art.pk) is None
    actions.edit_article(org.mia, art.pk, status="published")
    assert "secret plans" in _doc("article", art.pk).body
    actions.edit_article(org.mia, art.pk, title="Plans")
    assert _doc("article", art.pk).title == "Plans"


def test_a_refused_save_indexes_nothing(org, page_in):
    page = page_in(org.mia, org.launch, body="kept")
    stale = page.current_id
    actions.edit_wiki_page(org.mia, page.pk, base_revision=stale, body="newer")
    with pytest.raises(actions.StaleRevision):
        actions.edit_wiki_page(org.fred, page.pk, base_revision=stale, body="lost")
    assert _doc("wiki", page.pk).body == "newer"
