"""The knowledge API: wiki pages, revisions, diffs, restore, stale edits, articles, privacy."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import events

pytestmark = pytest.mark.django_db


def _new_page(api: Any, user: Any, ws: Any, **body: Any) -> Any:
    body.setdefault("title", "Release checklist")
    body.setdefault("body", "1. Tag\n2. Build\n3. Ship")
    return api(user).post(f"/workspaces/{ws.pk}/wiki", body)


def test_member_creates_a_page_and_reads_it_with_its_revision(org, api):
    # when Mia adds a page
    r = _new_page(api, org.mia, org.launch)
    # then it is created with its first revision, and Fred reads it
    assert r.status_code == 201, r.content
    page = r.json()
    assert page["slug"] == "release-checklist"
    assert page["revision_number"] == 1
    got = api(org.fred).get(f"/wiki/{page['id']}")
    assert got.status_code == 200
    assert got.json()["revision"] == page["revision"]
    assert "<ol>" in got.json()["body_html"]
    # and the write is a wiki_edit, the read a view, both named wiki:<id>
    oid = f"wiki:{page['id']}"
    assert [e.actor_id for e in events("wiki_edit", object_id=oid)] == [org.mia.pk]
    assert [e.actor_id for e in events("view", object_id=oid)] == [org.fred.pk]


def test_views_roll_up_per_person_page_and_day(org, api, page_in):
    page = page_in(org.mia, org.launch)
    client = api(org.fred)
    for _ in range(3):
        assert client.get(f"/wiki/{page.pk}").status_code == 200
    assert len(events("view", object_id=f"wiki:{page.pk}")) == 1


def test_duplicate_slug_is_refused_with_a_clear_message(org, api, page_in):
    page_in(org.mia, org.launch, title="Release checklist")
    r = _new_page(api, org.fred, org.launch, title="Release  Checklist!")
    assert r.status_code == 409
    problem = r.json()
    assert "already has the slug 'release-checklist'" in problem["errors"]["slug"][0]
    # the same title in another workspace is fine
    assert _new_page(api, org.olivia, org.finance, title="Release checklist").status_code == 201


def test_put_saves_a_revision_and_a_stale_base_gets_409_with_the_diff(org, api, page_in):
    page = page_in(org.mia, org.launch, body="alpha\nbeta")
    first = page.current_id
    # given Fred saves over revision 1
    fred = api(org.fred)
    ok = fred._call("put", f"/wiki/{page.pk}", {"base_revision": first, "body": "alpha\nBETA"})
    assert ok.status_code == 200, ok.content
    assert ok.json()["revision_number"] == 2
    # when Mia saves from revision 1 too
    stale = api(org.mia)._call(
        "put", f"/wiki/{page.pk}", {"base_revision": first, "body": "alpha\nbeta\ngamma"}
    )
    # then nothing is saved: 409 with the diff from her base to the current revision
    assert stale.status_code == 409
    problem = stale.json()
    assert problem["type"].endswith("/conflict")
    assert problem["current_revision"] == ok.json()["revision"]
    assert {"op": "insert", "text": "BETA", "old": None, "new": 2} in problem["diff"]["inline"]
    assert api(org.fred).get(f"/wiki/{page.pk}").json()["body"] == "alpha\nBETA"


def test_revisions_diff_and_restore(org, api, page_in):
    page = page_in(org.mia, org.launch, body="one\ntwo")
    mia = api(org.mia)
    r1 = page.current_id
    r2 = mia._call(
        "put", f"/wiki/{page.pk}", {"base_revision": r1, "body": "one\n2", "summary": "digits"}
    ).json()["revision"]
    revs = mia.get(f"/wiki/{page.pk}/revisions").json()
    assert [x["number"] for x in revs["items"]] == [2, 1]
    assert revs["items"][0]["summary"] == "digits"
    d = mia.get(f"/wiki/{page.pk}/diff", **{"from": r1, "to": r2}).json()
    assert (d["added"], d["removed"]) == (1, 1)
    assert d["side_by_side"][1] == {
        "op": "replace",
        "left": "two",
        "right": "2",
        "old": 2,
        "new": 2,
    }
    # restoring revision 1 makes a third revision with its text
    back = mia.post(f"/wiki/{page.pk}/restore", {"revision": r1})
    assert back.status_code == 200, back.content
    assert (back.json()["revision_number"], back.json()["body"]) == (3, "one\ntwo")
    assert mia.get(f"/wiki/{page.pk}/revisions").json()["items"][0]["restored_from"] == 1
    assert len(events("wiki_edit", object_id=f"wiki:{page.pk}")) == 3


def test_diff_of_another_pages_revision_is_not_found(org, api, page_in):
    a = page_in(org.mia, org.launch, title="A")
    b = page_in(org.mia, org.launch, title="B")
    r = api(org.mia).get(f"/wiki/{a.pk}/diff", **{"from": a.current_id, "to": b.current_id})
    assert r.status_code == 404


def test_a_parent_that_would_make_a_cycle_is_refused(org, api, page_in):
    top = page_in(org.mia, org.launch, title="Top")
    child = page_in(org.mia, org.launch, title="Child", parent_id=top.pk)
    r = api(org.mia)._call(
        "put", f"/wiki/{top.pk}", {"base_revision": top.current_id, "parent_id": child.pk}
    )
    assert r.status_code == 409
    assert "circle" in r.json()["errors"]["parent_id"][0]
    own = api(org.mia)._call(
        "put", f"/wiki/{top.pk}", {"base_revision": top.current_id, "parent_id": top.pk}
    )
    assert own.status_code == 409


@pytest.mark.parametrize("ws_name", ["finance", "merger"])
def test_non_member_sees_nothing_of_a_private_or_secret_wiki(org, api, page_in, ws_name):
    ws = getattr(org, ws_name)
    page = page_in(org.olivia, ws)
    otto = api(org.otto)
    assert otto.get(f"/wiki/{page.pk}").status_code == 404
    assert otto.get(f"/workspaces/{ws.pk}/wiki").status_code == 404
    assert otto.get(f"/wiki/{page.pk}/revisions").status_code == 404
    rid = page.current_id
    assert otto.get(f"/wiki/{page.pk}/diff", **{"from": rid, "to": rid}).status_code == 404
    assert otto.post(f"/wiki/{page.pk}/restore", {"revision": rid}).status_code == 404
    put = otto._call("put", f"/wiki/{page.pk}", {"base_revision": rid, "body": "x"})
    assert put.status_code == 404
    assert _new_page(api, org.otto, ws).status_code == 404
    assert otto.get(f"/workspaces/{ws.pk}/articles").status_code == 404


def test_someone_removed_loses_the_wiki_at_once_and_cannot_restore(org, api, page_in):
    from lumoflow.workspaces import actions as ws_actions

    page = page_in(org.mia, org.finance, body="v1")
    mia = api(org.mia)
    first = page.current_id
    mia._call("put", f"/wiki/{page.pk}", {"base_revision": first, "body": "v2"})
    ws_actions.remove_member(org.olivia, org.finance.pk, username="mia")
    assert mia.get(f"/wiki/{page.pk}").status_code == 404
    assert mia.post(f"/wiki/{page.pk}/restore", {"revision": first}).status_code == 404


def test_reader_of_a_public_workspace_who_left_cannot_restore(org, api, page_in):
    from lumoflow.workspaces import actions as ws_actions

    page = page_in(org.mia, org.launch, body="v1")
    first = page.current_id
    api(org.mia)._call("put", f"/wiki/{page.pk}", {"base_revision": first, "body": "v2"})
    ws_actions.remove_member(org.mia, org.launch.pk, username="mia")
    mia = api(org.mia)
    assert mia.get(f"/wiki/{page.pk}").status_code == 200  # public: still readable
    r = mia.post(f"/wiki/{page.pk}/restore", {"revision": first})
    assert r.status_code == 403
    assert mia.get(f"/wiki/{page.pk}").json()["body"] == "v2"


def test_archived_workspace_wiki_is_read_only(org, api, page_in):
    from lumoflow.workspaces import actions as ws_actions

    page = page_in(org.mia, org.launch)
    ws_actions.archive_workspace(org.olivia, org.launch.pk)
    mia = api(org.mia)
    assert mia.get(f"/wiki/{page.pk}").status_code == 200
    r = mia._call("put", f"/wiki/{page.pk}", {"base_revision": page.current_id, "body": "new"})
    assert r.status_code == 409
    assert "archived" in r.json()["detail"]
    assert _new_page(api, org.mia, org.launch).status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {"title": "", "body": "x"},
        {"title": "T", "body": "\u200b"},
        {"title": "T" * 201, "body": "x"},
        {"title": "T", "body": "x", "parent_id": "1"},
        {"title": "!!!", "body": "x"},
    ],
)
def test_bad_page_input_is_refused(org, api, body):
    r = api(org.mia).post(f"/workspaces/{org.launch.pk}/wiki", body)
    assert r.status_code == 422, r.content
    assert r.headers["Content-Type"] == "application/problem+json"


def test_wiki_links_go_to_the_page_or_to_create_it(org, api, page_in):
    target = page_in(org.mia, org.launch, title="Deploy guide")
    page = page_in(
        org.mia, org.launch, title="Home", body="See [[deploy guide]] and [[Missing page]]."
    )
    html = api(org.mia).get(f"/wiki/{page.pk}").json()["body_html"]
    assert f'href="/wiki/{target.pk}"' in html
    assert (
        f'class="wiki-missing" href="/workspaces/{org.launch.pk}/wiki/new?title=Missing+page"'
        in html
    )


# ------------------------------------------------------------------------- articles
def test_article_draft_is_its_authors_until_published_into_followers_feeds(org, api):
    from lumoflow.conversation import actions as conv

    conv.follow(org.fred, username="mia")
    mia = api(org.mia)
    r = mia.post(
        f"/workspaces/{org.launch.pk}/articles",
        {"title": "Why we ship on Tuesdays", "body": "Long *text*.", "summary": "Cadence."},
    )
    assert r.status_code == 201, r.content
    art = r.json()
    assert art["status"] == "draft" and art["post_id"] is None
    # a draft is the author's alone
    assert api(org.fred).get(f"/articles/{art['id']}").status_code == 404
    assert api(org.fred).get(f"/workspaces/{org.launch.pk}/articles").json()["items"] == []
    # when she publishes it
    pub = mia.patch(f"/articles/{art['id']}", {"status": "published"})
    assert pub.status_code == 200, pub.content
    assert pub.json()["published_at"] is not None
    # then Fred reads it, sees it listed and in his feed
    assert api(org.fred).get(f"/articles/{art['id']}").status_code == 200
    listed = api(org.fred).get(f"/workspaces/{org.launch.pk}/articles").json()["items"]
    assert [a["id"] for a in listed] == [art["id"]]
    feed = api(org.fred).get("/feed").json()["items"]
    assert any(f"/articles/{art['id']}" in p["body"] for p in feed)
    assert len(events("article", object_id=f"article:{art['id']}")) == 1
    # and it stays published
    back = mia.patch(f"/articles/{art['id']}", {"status": "draft"})
    assert back.status_code == 409


def test_article_comments_and_reactions_are_the_posts(org, api):
    mia = api(org.mia)
    art = mia.post(
        f"/workspaces/{org.launch.pk}/articles",
        {"title": "Notes", "body": "Body", "status": "published"},
    ).json()
    fred = api(org.fred)
    assert fred.post(f"/posts/{art['post_id']}/replies", {"body": "Great read"}).status_code == 201
    assert fred.post(f"/posts/{art['post_id']}/reactions", {"emoji": "🎉"}).status_code == 201
    assert fred.get(f"/articles/{art['id']}").json()["comment_count"] == 1


def test_only_the_author_edits_an_article(org, api):
    art = (
        api(org.mia)
        .post(
            f"/workspaces/{org.launch.pk}/articles",
            {"title": "Mine", "body": "B", "status": "published"},
        )
        .json()
    )
    assert api(org.fred).patch(f"/articles/{art['id']}", {"title": "His"}).status_code == 403
    ok = api(org.mia).patch(f"/articles/{art['id']}", {"title": "Mine, revised"})
    assert ok.json()["title"] == "Mine, revised"


@pytest.mark.parametrize("ws_name", ["finance", "merger"])
def test_non_member_sees_no_article_of_a_private_or_secret_workspace(org, api, ws_name):
    ws = getattr(org, ws_name)
    art = (
        api(org.olivia)
        .post(
            f"/workspaces/{ws.pk}/articles", {"title": "Inside", "body": "B", "status": "published"}
        )
        .json()
    )
    otto = api(org.otto)
    assert otto.get(f"/articles/{art['id']}").status_code == 404
    assert otto.patch(f"/articles/{art['id']}", {"title": "x"}).status_code == 404
    assert (
        otto.post(f"/workspaces/{ws.pk}/articles", {"title": "T", "body": "B"}).status_code == 404
    )
