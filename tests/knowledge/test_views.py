"""The wiki and article pages, as a signed-in person uses them; save as knowledge; the events
the canonical log exports."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from lumoflow.conversation import actions as conv
from lumoflow.knowledge import actions

from .conftest import events

pytestmark = pytest.mark.django_db


def test_member_writes_a_page_through_the_form(org, browser_client):
    c = browser_client(org.mia)
    r = c.post(
        f"/workspaces/{org.launch.pk}/wiki/new",
        {"title": "Onboarding", "body": "Read [[Runbook]] first.", "summary": ""},
    )
    assert r.status_code == 302
    page = c.get(r["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Onboarding</h1>" in html
    assert "wiki-missing" in html and "title=Runbook" in html
    # the index lists it and the workspace page links the wiki
    assert "Onboarding" in c.get(f"/workspaces/{org.launch.pk}/wiki").content.decode()
    assert (
        f"/workspaces/{org.launch.pk}/wiki"
        in c.get(f"/workspaces/{org.launch.pk}").content.decode()
    )


def test_duplicate_slug_shows_on_the_form(org, browser_client, page_in):
    page_in(org.mia, org.launch, title="Onboarding")
    r = browser_client(org.fred).post(
        f"/workspaces/{org.launch.pk}/wiki/new", {"title": "onboarding", "body": "x"}
    )
    assert r.status_code == 200
    assert "already has the slug" in r.content.decode()


def test_an_edit_shows_at_once_on_the_cached_page(org, browser_client, page_in):
    page = page_in(org.mia, org.launch, body="First text")
    c = browser_client(org.fred)
    assert "First text" in c.get(f"/wiki/{page.pk}").content.decode()
    actions.edit_wiki_page(org.mia, page.pk, base_revision=page.current_id, body="Second text")
    html = c.get(f"/wiki/{page.pk}").content.decode()
    assert "Second text" in html and "First text" not in html


def test_a_stale_form_shows_the_conflict_and_keeps_the_text(org, browser_client, page_in):
    page = page_in(org.mia, org.launch, body="alpha")
    base = page.current_id
    actions.edit_wiki_page(org.fred, page.pk, base_revision=base, body="alpha by Fred")
    r = browser_client(org.mia).post(
        f"/wiki/{page.pk}/edit",
        {"title": "Runbook", "body": "alpha by Mia", "base_revision": base, "slug": "runbook"},
    )
    html = r.content.decode()
    assert r.status_code == 200
    assert "Someone saved this page while you were editing" in html
    assert "alpha by Mia" in html and "<ins>alpha by Fred</ins>" in html
    # nothing was overwritten
    page.refresh_from_db()
    assert page.current.body == "alpha by Fred"


def test_history_diff_and_restore_pages(org, browser_client, page_in):
    page = page_in(org.mia, org.launch, body="one\ntwo")
    first = page.current_id
    second = actions.edit_wiki_page(
        org.mia, page.pk, base_revision=first, body="one\nthree"
    ).current_id
    c = browser_client(org.mia)
    assert "Revision 2" in c.get(f"/wiki/{page.pk}/history").content.decode()
    side = c.get(f"/wiki/{page.pk}/diff", {"from": first, "to": second}).content.decode()
    assert "<del>two</del>" in side and "<ins>three</ins>" in side
    inline = c.get(
        f"/wiki/{page.pk}/diff", {"from": first, "to": second, "mode": "inline"}
    ).content.decode()
    assert 'class="diff inline"' in inline
    old = c.get(f"/wiki/{page.pk}", {"revision": first}).content.decode()
    assert "not the current revision" in old
    r = c.post(f"/wiki/{page.pk}/restore", {"revision": first})
    assert r.status_code == 302
    page.refresh_from_db()
    assert (page.current.number, page.current.body, page.current.restored_from) == (
        3,
        "one\ntwo",
        1,
    )


@pytest.mark.parametrize("ws_name", ["finance", "merger"])
def test_non_member_gets_404_on_every_page(org, browser_client, page_in, ws_name):
    ws = getattr(org, ws_name)
    page = page_in(org.olivia, ws)
    article = actions.create_article(org.olivia, ws.pk, title="T", body="B", publish=True)
    c = browser_client(org.otto)
    rid = page.current_id
    for url in (
        f"/wiki/{page.pk}",
        f"/wiki/{page.pk}/history",
        f"/wiki/{page.pk}/edit",
        f"/wiki/{page.pk}/diff?from={rid}&to={rid}",
        f"/workspaces/{ws.pk}/wiki",
        f"/workspaces/{ws.pk}/wiki/new",
        f"/workspaces/{ws.pk}/articles",
        f"/articles/{article.pk}",
    ):
        assert c.get(url).status_code == 404, url
    assert c.post(f"/wiki/{page.pk}/restore", {"revision": rid}).status_code == 404


def test_save_as_knowledge_in_one_click(org, browser_client):
    q = conv.create_post(org.mia, org.launch.pk, kind="question", body="How do we roll back?")
    a = conv.create_reply(org.fred, q.pk, body="Run `deploy --undo`.")
    conv.accept_answer(org.mia, q.pk, reply_id=a.pk)
    c = browser_client(org.mia)
    assert "Save as knowledge" in c.get(f"/posts/{q.pk}").content.decode()
    r = c.post(f"/posts/{q.pk}/save-as-knowledge")
    assert r.status_code == 302
    html = c.get(r["Location"]).content.decode()
    assert "How do we roll back?" in html and "deploy --undo" in html
    assert f'href="/posts/{q.pk}#post-{a.pk}"' in html
    saved = events("knowledge_saved")
    assert [(e.parent_id, e.thread_id, e.target_actor_id) for e in saved] == [
        (str(a.pk), str(q.pk), org.fred.pk)
    ]
    # a second click says it is saved already
    again = c.post(f"/posts/{q.pk}/save-as-knowledge", follow=True)
    assert "saved already" in again.content.decode()
    assert len(events("knowledge_saved")) == 1


def test_question_without_accepted_answer_cannot_be_saved(org, browser_client):
    q = conv.create_post(org.mia, org.launch.pk, kind="question", body="Open?")
    r = browser_client(org.mia).post(f"/posts/{q.pk}/save-as-knowledge", follow=True)
    assert "no accepted answer" in r.content.decode()


def test_article_pages_draft_publish_comment(org, browser_client):
    c = browser_client(org.mia)
    r = c.post(
        f"/workspaces/{org.launch.pk}/articles/new",
        {"title": "Our cadence", "summary": "Why Tuesdays", "body": "Because."},
    )
    assert r.status_code == 302
    url = r["Location"]
    assert "Draft" in c.get(url).content.decode()
    fred = browser_client(org.fred)
    assert fred.get(url).status_code == 404
    c.post(
        url + "/edit",
        {"title": "Our cadence", "summary": "Why Tuesdays", "body": "Because.", "publish": "on"},
    )
    assert fred.get(url).status_code == 200
    fred.post(url + "/comment", {"body": "Makes sense"})
    html = fred.get(url).content.decode()
    assert "Makes sense" in html and "1 comment" in html
    listing = fred.get(f"/workspaces/{org.launch.pk}/articles").content.decode()
    assert "Our cadence" in listing and "Why Tuesdays" in listing


def test_export_log_carries_wiki_article_and_knowledge_events(org, tmp_path: Path, page_in):
    from lumoflow.analytics.log import read_log

    # given a page edited and read, an article published and read, an answer saved
    page = page_in(org.mia, org.launch, body="v1")
    actions.edit_wiki_page(org.fred, page.pk, base_revision=page.current_id, body="v2")
    actions.record_knowledge_views(org.otto, [(org.launch.pk, "wikipage", page.pk)])
    art = actions.create_article(org.mia, org.launch.pk, title="T", body="B", publish=True)
    actions.record_knowledge_views(org.otto, [(org.launch.pk, "article", art.pk)])
    q = conv.create_post(org.mia, org.launch.pk, kind="question", body="Why?")
    a = conv.create_reply(org.fred, q.pk, body="Because.")
    conv.accept_answer(org.mia, q.pk, reply_id=a.pk)
    saved = actions.save_as_knowledge(org.mia, q.pk)
    # when the log is exported
    call_command("export_log", str(tmp_path / "log"))
    rows = read_log(tmp_path / "log").events.to_pylist()
    # then the canonical verbs are there, on the prefixed object ids
    got = {(r["verb"], r["object_id"], r["actor"]) for r in rows}
    assert ("wiki_edit", f"wiki:{page.pk}", "mia") in got
    assert ("wiki_edit", f"wiki:{page.pk}", "fred") in got
    assert ("view", f"wiki:{page.pk}", "otto") in got
    assert ("article", f"article:{art.pk}", "mia") in got
    assert ("view", f"article:{art.pk}", "otto") in got
    ks = [r for r in rows if r["verb"] == "knowledge_saved"]
    assert [(k["object_id"], k["parent_id"], k["thread_id"], k["target_actor"]) for k in ks] == [
        (f"wiki:{saved.pk}", str(a.pk), str(q.pk), "fred")
    ]
