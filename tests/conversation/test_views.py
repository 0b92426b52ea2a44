"""Pages from the user's side: composer, feeds, permalink, reactions, answers, hashtags."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lumoflow.activity.models import ActivityEvent
from lumoflow.conversation import actions
from lumoflow.conversation.models import Post

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc````\x00\x00\x00\x05\x00\x01\xa5\xf6E@\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_compose_in_workspace_page_and_see_it_in_the_feed(org: Any, browser_client: Any) -> None:
    # given
    c = browser_client(org.mia)
    # when
    r = c.post(
        f"/workspaces/{org.launch.pk}/posts",
        {
            "kind": "question",
            "body": "When is **launch**? #launch",
            "objective_id": org.objective.pk,
        },
    )
    # then
    assert r.status_code == 302
    page = c.get(f"/workspaces/{org.launch.pk}").content.decode()
    assert "<strong>launch</strong>" in page and 'href="/hashtags/launch"' in page
    assert "Unanswered questions" in page and "When is **launch**?" in page
    post = Post.objects.get()
    assert post.objective_id == org.objective.pk
    assert (
        ActivityEvent.objects.filter(
            verb="view", object_type="post", object_id=str(post.pk)
        ).count()
        == 1
    )


def test_workspace_feed_filters_by_kind_and_objective(org: Any, browser_client: Any) -> None:
    actions.create_post(org.mia, org.launch.pk, kind="idea", body="Idea one")
    actions.create_post(
        org.mia, org.launch.pk, kind="update", body="Update two", objective_id=org.objective.pk
    )
    c = browser_client(org.mia)
    ideas = c.get(f"/workspaces/{org.launch.pk}", {"kind": "idea"}).content.decode()
    assert "Idea one" in ideas and "Update two" not in ideas
    linked = c.get(f"/workspaces/{org.launch.pk}", {"objective": org.objective.pk}).content.decode()
    assert "Update two" in linked and "Idea one" not in linked


def test_empty_post_from_the_composer_shows_an_error(org: Any, browser_client: Any) -> None:
    c = browser_client(org.mia)
    r = c.post(f"/workspaces/{org.launch.pk}/posts", {"kind": "update", "body": "  "}, follow=True)
    assert "Not posted" in r.content.decode() or "required" in r.content.decode()
    assert not Post.objects.exists()


def test_script_injection_is_neutralised(org: Any, browser_client: Any) -> None:
    body = (
        "<script>alert(1)</script> [x](javascript:alert(1)) <style>*{}</style>"
        " <img src=x onerror=alert(1)>"
    )
    post = actions.create_post(org.mia, org.launch.pk, kind="update", body=body)
    page = browser_client(org.fred).get(f"/posts/{post.pk}").content.decode()
    assert "<script>alert" not in page and 'href="javascript' not in page
    assert "<img src=x onerror" not in page and "&lt;script&gt;" in page
    assert "<style>" not in post.body_html
    link = actions.create_post(org.mia, org.launch.pk, kind="update", body="[site](https://e.com)")
    assert 'rel="nofollow noopener"' in link.body_html


def test_thread_reply_accept_and_permalink(org: Any, browser_client: Any) -> None:
    # given
    q = actions.create_post(org.mia, org.launch.pk, kind="question", body="How do we ship?")
    fred = browser_client(org.fred)
    fred.post(f"/posts/{q.pk}/reply", {"body": "With care"})
    r1 = Post.objects.get(parent=q)
    browser_client(org.olivia).post(f"/posts/{r1.pk}/reply", {"body": "And tests"})
    # when
    mia = browser_client(org.mia)
    mia.post(f"/posts/{q.pk}/accept", {"reply_id": r1.pk})
    page = mia.get(f"/posts/{q.pk}").content.decode()
    # then
    assert "Accepted answer" in page and "Answered" in page
    assert "in reply to Fred" in page
    assert mia.get(f"/posts/{r1.pk}").status_code == 302


def test_reaction_toggles_from_the_page(org: Any, browser_client: Any) -> None:
    post = actions.create_post(org.mia, org.launch.pk, kind="update", body="Yay")
    c = browser_client(org.fred)
    c.post(f"/posts/{post.pk}/react", {"emoji": "🎉"})
    assert "🎉 1" in c.get(f"/posts/{post.pk}").content.decode()
    c.post(f"/posts/{post.pk}/react", {"emoji": "🎉"})
    assert "🎉 1" not in c.get(f"/posts/{post.pk}").content.decode()


def test_edit_shows_edited_and_history(org: Any, browser_client: Any) -> None:
    post = actions.create_post(org.mia, org.launch.pk, kind="update", body="Frist")
    c = browser_client(org.mia)
    c.post(f"/posts/{post.pk}/edit", {"body": "First"})
    page = c.get(f"/posts/{post.pk}").content.decode()
    assert "edited" in page and "Frist" in page and "Edit history" in page


def test_hide_with_reason_by_facilitator(org: Any, browser_client: Any) -> None:
    post = actions.create_post(org.mia, org.launch.pk, kind="update", body="Spam spam")
    browser_client(org.fred).post(f"/posts/{post.pk}/hide", {"reason": "Spam"})
    assert browser_client(org.olivia).get(f"/posts/{post.pk}").status_code == 404


def test_idea_status_by_facilitator_page(org: Any, browser_client: Any) -> None:
    idea = actions.create_post(org.mia, org.launch.pk, kind="idea", body="Dark mode")
    browser_client(org.fred).post(
        f"/posts/{idea.pk}/idea-status", {"status": "adopted", "note": "Q3"}
    )
    page = browser_client(org.mia).get(f"/posts/{idea.pk}").content.decode()
    assert "Adopted" in page and "Q3" in page


def test_home_feed_follows_and_announcements(org: Any, browser_client: Any) -> None:
    # given: mia follows fred; olivia announces in Finance (mia is a member)
    actions.follow(org.mia, username="fred")
    actions.create_post(org.fred, org.launch.pk, kind="update", body="From Fred")
    actions.create_post(org.olivia, org.finance.pk, kind="announcement", body="Books close Friday")
    actions.create_post(org.olivia, org.launch.pk, kind="update", body="Unfollowed Olivia")
    # when
    page = browser_client(org.mia).get("/").content.decode()
    # then
    assert "From Fred" in page and "Books close Friday" in page
    assert "Unfollowed Olivia" not in page


def test_feed_is_paginated_and_cursor_tampering_is_refused(
    org: Any, browser_client: Any, api: Any
) -> None:
    for i in range(25):
        actions.create_post(org.mia, org.launch.pk, kind="update", body=f"Post number {i}")
    c = browser_client(org.mia)
    page1 = c.get(f"/workspaces/{org.launch.pk}").content.decode()
    assert "Post number 24" in page1 and "Post number 4<" not in page1 and "Older posts" in page1
    r = api(org.mia).get(f"/workspaces/{org.launch.pk}/posts", cursor="forged")
    assert r.status_code == 404 and r.json()["errors"]["cursor"]  # it names no page


def test_feed_query_count_is_constant(org: Any, browser_client: Any, settings: Any) -> None:
    # given
    settings.LUMOFLOW_RECORD_VIEWS = True
    actions.follow(org.fred, workspace_id=org.launch.pk)
    c = browser_client(org.fred)

    def count(url: str) -> int:
        # the second load: its views are already recorded, as for most loads of a feed
        c.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx.captured_queries)

    def add(n: int) -> None:
        for i in range(n):
            p = actions.create_post(org.mia, org.launch.pk, kind="question", body=f"Q{i} @fred")
            actions.create_reply(org.olivia, p.pk, body="r")
            actions.add_reaction(org.olivia, p.pk, emoji="👍")

    add(2)
    few = (count("/"), count(f"/workspaces/{org.launch.pk}"))
    add(10)
    many = (count("/"), count(f"/workspaces/{org.launch.pk}"))
    # then: the same number of queries, however many posts on the page
    assert few == many


def test_hashtag_page_shows_only_readable_posts(org: Any, browser_client: Any) -> None:
    actions.create_post(org.mia, org.launch.pk, kind="update", body="Public #plans")
    actions.create_post(org.mia, org.finance.pk, kind="update", body="Private #plans")
    page = browser_client(org.otto).get("/hashtags/plans").content.decode()
    assert "Public" in page and "Private" not in page


def test_attachment_upload_sniffed_and_served_to_readers_only(
    org: Any, browser_client: Any
) -> None:
    c = browser_client(org.mia)
    c.post(
        f"/workspaces/{org.finance.pk}/posts",
        {"kind": "update", "body": "Chart", "files": [SimpleUploadedFile("chart.png", PNG)]},
    )
    att = Post.objects.get().attachments.get()
    assert att.content_type == "image/png"
    r = c.get(f"/attachments/{att.pk}")
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    assert browser_client(org.otto).get(f"/attachments/{att.pk}").status_code == 404


def test_attachment_with_lying_extension_or_over_limit_is_refused(
    org: Any, browser_client: Any, settings: Any
) -> None:
    c = browser_client(org.mia)
    r = c.post(
        f"/workspaces/{org.launch.pk}/posts",
        {"kind": "update", "body": "Doc", "files": [SimpleUploadedFile("photo.png", PDF)]},
        follow=True,
    )
    assert "content is application/pdf" in r.content.decode()
    settings.LUMOFLOW_MAX_ATTACHMENT_BYTES = 10
    r = c.post(
        f"/workspaces/{org.launch.pk}/posts",
        {"kind": "update", "body": "Big", "files": [SimpleUploadedFile("a.png", PNG)]},
        follow=True,
    )
    assert "the limit is 10 bytes" in r.content.decode()
    assert not Post.objects.exists()


def test_decision_log_lists_decisions(org: Any, browser_client: Any) -> None:
    actions.create_post(org.olivia, org.launch.pk, kind="decision", body="We ship Monday")
    actions.create_post(org.olivia, org.launch.pk, kind="update", body="Not a decision")
    page = browser_client(org.mia).get(f"/workspaces/{org.launch.pk}/decisions").content.decode()
    assert "We ship Monday" in page and "Not a decision" not in page


def test_new_posts_poll(org: Any, browser_client: Any) -> None:
    first = actions.create_post(org.mia, org.launch.pk, kind="update", body="one")
    actions.create_post(org.mia, org.launch.pk, kind="update", body="two")
    c = browser_client(org.mia)
    r = c.get("/feed/new", {"workspace": org.launch.pk, "after": first.pk})
    assert "1 new post" in r.content.decode()


@pytest.mark.parametrize("where", ["home", "workspace"])
def test_an_empty_feed_hears_of_new_posts_too(org: Any, browser_client: Any, where: str) -> None:
    # given: Mia's feed is empty (she follows nothing, no announcements yet); others have posted
    actions.create_post(org.olivia, org.finance.pk, kind="update", body="Elsewhere")
    c = browser_client(org.mia)
    page_url = "/" if where == "home" else f"/workspaces/{org.launch.pk}"
    page = c.get(page_url).content.decode()
    poll = re.search(r'hx-get="([^"]*feed/new[^"]*)"', page)
    assert poll, "the page polls for new posts"
    url = html.unescape(poll.group(1))
    assert "new post" not in c.get(url).content.decode()
    # when: an announcement arrives in her workspace
    actions.create_post(org.olivia, org.launch.pk, kind="announcement", body="Launch is on")
    # then: the poll of the page she has open counts it
    assert "1 new post" in c.get(url).content.decode()


def test_mention_suggestions(org: Any, browser_client: Any) -> None:
    r = browser_client(org.mia).get("/mentions/suggest", {"q": "fr"})
    assert [p["username"] for p in r.json()["items"]] == ["fred"]


def test_permalink_records_one_view_per_person_post_and_day(org: Any, browser_client: Any) -> None:
    # given
    q = actions.create_post(org.mia, org.launch.pk, kind="question", body="Seen?")
    r = actions.create_reply(org.fred, q.pk, body="Yes")
    c = browser_client(org.otto)
    # when: read twice the same day
    c.get(f"/posts/{q.pk}")
    c.get(f"/posts/{q.pk}")
    # then
    views = ActivityEvent.objects.filter(verb="view", actor=org.otto, object_type="post")
    assert sorted(views.values_list("object_id", flat=True)) == sorted([str(q.pk), str(r.pk)])


def test_hashtag_page_query_count_is_constant(org: Any, browser_client: Any) -> None:
    c = browser_client(org.mia)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/hashtags/plan").status_code == 200
        return len(ctx.captured_queries)

    root = actions.create_post(org.mia, org.launch.pk, kind="update", body="The #plan")
    first = actions.create_reply(org.fred, root.pk, body="Agree #plan")
    few = count()
    for i in range(5):
        actions.create_reply(org.olivia, first.pk, body=f"Nested {i} #plan")
    assert count() == few
    assert "in reply to Fred" in c.get("/hashtags/plan").content.decode()


def test_home_lists_what_i_follow_but_not_a_secret_workspace_i_left(
    org: Any, browser_client: Any
) -> None:
    # given: Mia follows Olivia, Launch, and the secret Merger while she was a member
    from lumoflow.workspaces import actions as ws_actions

    ws_actions.add_member(org.olivia, org.merger.pk, username="mia")
    for target in ({"username": "olivia"}, {"workspace_id": org.launch.pk}):
        actions.follow(org.mia, **target)
    actions.follow(org.mia, workspace_id=org.merger.pk)
    ws_actions.remove_member(org.olivia, org.merger.pk, username="mia")
    # when
    page = browser_client(org.mia).get("/").content.decode()
    # then
    aside = page[page.index("You follow") :]
    assert f'<a href="/people/olivia">{org.olivia.name}</a>' in aside
    assert f'<a href="/workspaces/{org.launch.pk}">Launch</a>' in aside
    assert "Merger" not in aside


@pytest.mark.parametrize("username", ["ola.nordmann", "ana+ops", "jörg", "a@b-c_d"])
def test_home_links_people_as_the_url_resolver_does(
    org: Any, browser_client: Any, username: str
) -> None:
    from django.urls import reverse
    from django.utils.html import escape

    from tests.conftest import make_person

    person = make_person(username, email="someone@example.com")
    actions.follow(org.fred, username=username)
    page = browser_client(org.fred).get("/").content.decode()
    assert f'<a href="{escape(reverse("people:person", args=[username]))}">' in page
    assert escape(person.name) in page


@pytest.mark.parametrize("stem", ["a" * 300, "😀" * 200, "é" * 120])
def test_an_over_long_attachment_name_is_shortened_keeping_its_extension(
    org: Any, browser_client: Any, stem: str
) -> None:
    from lumoflow.core import limits

    c = browser_client(org.mia)
    r = c.post(
        f"/workspaces/{org.finance.pk}/posts",
        {"kind": "update", "body": "Chart", "files": [SimpleUploadedFile(f"{stem}.png", PNG)]},
    )
    assert r.status_code in (200, 302), r.content[:500]
    att = Post.objects.get().attachments.get()
    assert att.name.endswith(".png") and att.name.startswith(stem[:10])
    assert len(att.name) <= limits.ATTACHMENT_NAME
    assert len(att.name.encode()) <= limits.ATTACHMENT_NAME_BYTES
    assert att.file.name.endswith(".png")
    served = c.get(f"/attachments/{att.pk}")
    # an image is kept as written anew from its pixels (no metadata): still the same PNG image
    content = b"".join(served.streaming_content)
    assert served.status_code == 200 and content.startswith(b"\x89PNG") and b"IEND" in content
