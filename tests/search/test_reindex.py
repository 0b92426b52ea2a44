"""`lumoflow reindex` rebuilds the index from scratch: the same documents the actions wrote."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction

from lumoflow.conversation import actions as talk
from lumoflow.search.models import Document


def _documents() -> set[tuple[Any, ...]]:
    return set(
        Document.objects.values_list(
            "kind", "object_id", "workspace_id", "author_id", "title", "body", "created_at"
        )
    )


def test_reindex_writes_what_the_actions_wrote_and_repairs_a_broken_index(
    org: Any, api: Any, capsys: Any
) -> None:
    from lumoflow.cli import main

    # given posts, a reply, a deleted post and a hidden one, as the actions indexed them
    p = talk.create_post(org.mia, org.launch.pk, kind="idea", body="Reindex the tangerine plan")
    talk.create_reply(org.fred, p.pk, body="Tangerine reply")
    gone = talk.create_post(org.mia, org.launch.pk, kind="update", body="Tangerine deleted")
    talk.delete_post(org.mia, gone.pk)
    from lumoflow.knowledge import actions as knowledge

    knowledge.create_wiki_page(org.mia, org.launch.pk, title="Tangerine runbook", body="Steps")
    knowledge.create_article(
        org.mia, org.launch.pk, title="Tangerine story", body="Long form", publish=True
    )
    knowledge.create_article(org.mia, org.launch.pk, title="Tangerine draft", body="Not yet")
    hidden = talk.create_post(org.mia, org.launch.pk, kind="update", body="Tangerine hidden")
    talk.hide_post(org.olivia, hidden.pk, reason="No")
    before = _documents()
    # and an index that went out of step outside LumoFlow
    with transaction.atomic():
        Document.objects.filter(kind="reply").delete()
        if connection.vendor == "sqlite":
            with connection.cursor() as cur:
                cur.execute("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")
    missing = api(org.mia).get("/search", q="tangerine").json()["items"]
    assert "reply" not in {h["type"] for h in missing}
    # when the index is rebuilt
    assert main(["reindex"]) == 0
    # then it holds exactly what the actions wrote, and search finds it again
    assert _documents() == before
    out = capsys.readouterr().out
    assert "Indexed" in out and "posts" in out
    found = api(org.mia).get("/search", q="tangerine").json()["items"]
    # (publishing an article also posts its announcement in the workspace)
    assert {h["type"] for h in found} == {"article", "post", "reply", "wiki"}
    assert "draft" not in str(found).lower()


@pytest.mark.django_db
def test_reindex_of_an_empty_site(capsys: Any) -> None:
    from lumoflow.cli import main

    assert main(["reindex"]) == 0
    assert "Indexed 0 documents" in capsys.readouterr().out
