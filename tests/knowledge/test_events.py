"""Every read of a wiki page or article is a `view` (one per person, object and day, whichever
path reads it), every save a `wiki_edit`, publishing an `article`; and a diff asked for with bad
or missing revisions answers plainly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from lumoflow.knowledge import actions

from .conftest import events

pytestmark = pytest.mark.django_db
DAY1 = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


def test_article_reads_roll_up_per_person_article_and_day(org, api, browser_client):
    # given a published article
    with time_machine.travel(DAY1, tick=False):
        art = actions.create_article(org.mia, org.launch.pk, title="T", body="B", publish=True)
        # when Fred reads it three times on its page and twice through the API
        page, client = browser_client(org.fred), api(org.fred)
        for _ in range(3):
            assert page.get(f"/articles/{art.pk}").status_code == 200
        for _ in range(2):
            assert client.get(f"/articles/{art.pk}").status_code == 200
        # then one view is recorded for the day
        assert len(events("view", object_id=f"article:{art.pk}")) == 1
    # and another the next day
    with time_machine.travel(DAY1 + timedelta(days=1), tick=False):
        assert page.get(f"/articles/{art.pk}").status_code == 200
    views = events("view", object_id=f"article:{art.pk}")
    assert [(v.actor_id, v.object_type) for v in views] == [(org.fred.pk, "article")] * 2


def test_page_reads_on_the_page_and_an_old_revision_count_once_a_day(org, browser_client, page_in):
    with time_machine.travel(DAY1, tick=False):
        page = page_in(org.mia, org.launch)
        c = browser_client(org.fred)
        assert c.get(f"/wiki/{page.pk}").status_code == 200
        assert c.get(f"/wiki/{page.pk}?revision={page.current_id}").status_code == 200
        assert len(events("view", object_id=f"wiki:{page.pk}")) == 1
    with time_machine.travel(DAY1 + timedelta(days=1), tick=False):
        assert c.get(f"/wiki/{page.pk}").status_code == 200
    assert len(events("view", object_id=f"wiki:{page.pk}")) == 2


def test_every_save_restore_and_publish_is_recorded(org, page_in):
    page = page_in(org.mia, org.launch, body="v1")
    first = page.current_id
    actions.edit_wiki_page(org.fred, page.pk, base_revision=first, body="v2", summary="Second")
    actions.restore_wiki_revision(org.mia, page.pk, revision_id=first)
    edits = events("wiki_edit", object_id=f"wiki:{page.pk}")
    assert [(e.actor_id, e.text) for e in edits] == [
        (org.mia.pk, "v1"),
        (org.fred.pk, "v2"),
        (org.mia.pk, "v1"),
    ]
    art = actions.create_article(org.mia, org.launch.pk, title="T", body="B")
    assert events("article", object_id=f"article:{art.pk}") == []  # a draft is not published
    actions.edit_article(org.mia, art.pk, status="published")
    assert len(events("article", object_id=f"article:{art.pk}")) == 1


def test_actions_written_at_a_given_time_record_that_time(org, page_in):
    at = DAY1 - timedelta(days=30)
    page = page_in(org.mia, org.launch, at=at)
    actions.edit_wiki_page(
        org.fred, page.pk, base_revision=page.current_id, body="v2", at=at + timedelta(hours=1)
    )
    actions.restore_wiki_revision(
        org.mia, page.pk, revision_id=page.current_id, at=at + timedelta(hours=2)
    )
    art = actions.create_article(
        org.mia, org.launch.pk, title="T", body="B", publish=True, at=at + timedelta(hours=3)
    )
    stamps = [e.ts for e in events("wiki_edit")] + [e.ts for e in events("article")]
    assert stamps == [at + timedelta(hours=h) for h in range(4)]
    assert art.published_at == at + timedelta(hours=3)


@pytest.mark.parametrize(
    "query", ["from=abc&to=1", "from=1e9&to=", "from=-1", "to=999999", "from=%00&to=%22"]
)
def test_a_diff_with_bad_revisions_is_not_found_never_an_error(
    org, browser_client, api, page_in, query
):
    page = page_in(org.mia, org.launch)
    r = browser_client(org.fred).get(f"/wiki/{page.pk}/diff?{query}")
    assert r.status_code in (400, 404), r.content  # a NUL byte is refused before any view
    fred = api(org.fred)
    r = fred.client.get(f"/api/v1/wiki/{page.pk}/diff?{query}", headers=fred.headers)
    assert r.status_code in (404, 422), r.content


def test_a_diff_without_from_compares_with_the_revision_before(org, browser_client, page_in):
    page = page_in(org.mia, org.launch, body="one")
    page = actions.edit_wiki_page(org.fred, page.pk, base_revision=page.current_id, body="two")
    c = browser_client(org.fred)
    html = c.get(f"/wiki/{page.pk}/diff").content.decode()
    assert "Revision 1 → 2" in html
    # a page of one revision compares it with itself: no change, not an error
    single = page_in(org.mia, org.launch, title="Single")
    assert c.get(f"/wiki/{single.pk}/diff").status_code == 200
