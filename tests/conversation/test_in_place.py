"""Actions in place: each action's form names the fragment htmx swaps (`hx-select`), the action
answered as htmx sends it (`HX-Request`) leads to a page holding that fragment with the change,
and a refused form answers with its messages alone, for the page's message area."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lumoflow.conversation import actions
from lumoflow.conversation.models import Post

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc````\x00\x00\x00\x05\x00\x01\xa5\xf6E@\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr", "col", "area", "base"}


class _Fragment(HTMLParser):
    """The outer HTML of the element with one id, as the browser would find it."""

    def __init__(self, id_: str) -> None:
        super().__init__(convert_charrefs=True)
        self.id, self.depth, self.out, self.done = id_, 0, [], False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        if self.depth or dict(attrs).get("id") == self.id:
            self.out.append(self.get_starttag_text() or "")
            if tag not in VOID:
                self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and not self.done and tag not in VOID:
            self.out.append(f"</{tag}>")
            self.depth -= 1
            self.done = self.depth == 0

    def handle_data(self, data: str) -> None:
        if self.depth and not self.done:
            self.out.append(data)


def fragment(page: str, id_: str) -> str:
    p = _Fragment(id_)
    p.feed(page)
    assert p.out, f"no element #{id_} in the page"
    return "".join(p.out)


def in_place(client: Any, url: str, data: dict[str, Any]) -> str:
    """POST as htmx does; htmx follows the redirect: the page it swaps from."""
    r = client.post(url, data, follow=True, **HX)
    assert r.status_code == 200 and r.redirect_chain, r.content[:300]
    return str(r.content.decode())


def form_attrs(page: str, action: str) -> str:
    m = re.search(rf'<form method="post" action="{re.escape(action)}"[^>]*>', page)
    assert m, f"no form posting to {action}"
    return m.group(0)


def test_react_swaps_the_card(org: Any, browser_client: Any) -> None:
    # given
    post = actions.create_post(org.mia, org.launch.pk, kind="update", body="Shipped")
    c = browser_client(org.fred)
    page = c.get(f"/workspaces/{org.launch.pk}").content.decode()
    card = fragment(page, f"post-{post.pk}")
    assert f'hx-select="#post-{post.pk}"' in card and 'hx-target="this"' in card
    assert f'hx-post="/posts/{post.pk}/react"' in card
    # when
    back = f"/workspaces/{org.launch.pk}"
    after = in_place(c, f"/posts/{post.pk}/react", {"emoji": "🎉", "next": back})
    # then: the card shows the reaction, pressed, in the page swapped from
    swapped = fragment(after, f"post-{post.pk}")
    assert "🎉 1" in swapped and 'aria-pressed="true"' in swapped


def test_post_appears_at_the_top_of_the_feed(org: Any, browser_client: Any) -> None:
    actions.create_post(org.fred, org.launch.pk, kind="update", body="Older news")
    c = browser_client(org.mia)
    page = c.get(f"/workspaces/{org.launch.pk}").content.decode()
    attrs = form_attrs(page, f"/workspaces/{org.launch.pk}/posts")
    assert 'hx-select="#feed"' in attrs and "data-reset" in attrs
    assert 'hx-select-oob="#messages,#unanswered"' in attrs  # a question joins that list
    after = in_place(c, f"/workspaces/{org.launch.pk}/posts", {"kind": "idea", "body": "Fresh"})
    feed = fragment(after, "feed")
    assert feed.index("Fresh") < feed.index("Older news")
    assert "Posted." in fragment(after, "messages")


def test_refused_post_keeps_the_form_and_names_the_refused_file(
    org: Any, browser_client: Any
) -> None:
    # given: one good image and one file whose name lies
    c = browser_client(org.mia)
    files = [
        SimpleUploadedFile("chart.png", PNG, content_type="image/png"),
        SimpleUploadedFile("notes.pdf", PNG, content_type="application/pdf"),
    ]
    # when
    r = c.post(
        f"/workspaces/{org.launch.pk}/posts",
        {"kind": "question", "body": "See attached", "files": files},
        **HX,
    )
    # then: only the messages come back, for the message area; nothing is saved
    assert r.status_code == 200 and r["HX-Retarget"] == "#messages"
    assert r["HX-Reswap"] == "outerHTML"
    body = r.content.decode()
    assert body.startswith('<div id="messages"') and "Not posted: &#x27;notes.pdf&#x27;" in body
    assert json.loads(r["HX-Trigger"]) == {"lumoflow:refused-files": {"names": ["notes.pdf"]}}
    assert not Post.objects.exists()


def test_refused_post_says_what_to_do_not_which_field(org: Any, browser_client: Any) -> None:
    c = browser_client(org.mia)
    r = c.post(f"/workspaces/{org.launch.pk}/posts", {"kind": "update", "body": ""}, **HX)
    body = r.content.decode()
    assert "Not posted: Write something before posting." in body and "body:" not in body


def test_without_javascript_a_refused_post_still_redirects(org: Any, browser_client: Any) -> None:
    c = browser_client(org.mia)
    r = c.post(f"/workspaces/{org.launch.pk}/posts", {"kind": "update", "body": ""})
    assert r.status_code == 302 and "HX-Retarget" not in r
    page = c.get(r["Location"]).content.decode()
    assert "Not posted: Write something before posting." in fragment(page, "messages")


def test_reply_swaps_the_thread_and_a_refused_reply_keeps_the_form(
    org: Any, browser_client: Any
) -> None:
    q = actions.create_post(org.mia, org.launch.pk, kind="question", body="How do we ship?")
    c = browser_client(org.fred)
    page = c.get(f"/posts/{q.pk}").content.decode()
    assert 'hx-select="#thread"' in fragment(page, "thread")
    assert f'hx-post="/posts/{q.pk}/reply"' in form_attrs(page, f"/posts/{q.pk}/reply")
    after = in_place(c, f"/posts/{q.pk}/reply", {"body": "With care"})
    thread = fragment(after, "thread")
    assert "With care" in thread and "1 reply" in thread
    r = c.post(f"/posts/{q.pk}/reply", {"body": " "}, **HX)
    assert r["HX-Retarget"] == "#messages"
    assert "Reply not sent: Write something before replying." in r.content.decode()


def test_accept_answer_swaps_the_thread(org: Any, browser_client: Any) -> None:
    q = actions.create_post(org.mia, org.launch.pk, kind="question", body="How do we ship?")
    r1 = actions.create_reply(org.fred, q.pk, body="With care")
    c = browser_client(org.mia)
    page = c.get(f"/posts/{q.pk}").content.decode()
    accept = form_attrs(page, f"/posts/{q.pk}/accept")
    assert 'hx-target="#thread" hx-select="#thread"' in accept
    thread = fragment(in_place(c, f"/posts/{q.pk}/accept", {"reply_id": r1.pk}), "thread")
    assert "Accepted answer" in thread and "Answered" in thread


def test_idea_status_swaps_the_thread(org: Any, browser_client: Any) -> None:
    idea = actions.create_post(org.mia, org.launch.pk, kind="idea", body="Dark mode")
    c = browser_client(org.fred)
    page = c.get(f"/posts/{idea.pk}").content.decode()
    assert "hx-post" in form_attrs(page, f"/posts/{idea.pk}/idea-status")
    after = in_place(c, f"/posts/{idea.pk}/idea-status", {"status": "adopted", "note": "Q3"})
    thread = fragment(after, "thread")
    assert "Adopted" in thread and "Q3" in thread
    r = c.post(f"/posts/{idea.pk}/idea-status", {"status": "nonsense"}, **HX)
    assert r["HX-Retarget"] == "#messages" and "Idea status not saved" in r.content.decode()
    assert "status:" not in r.content.decode()


def test_follow_swaps_the_follow_form(org: Any, browser_client: Any) -> None:
    c = browser_client(org.mia)
    page = c.get(f"/workspaces/{org.launch.pk}").content.decode()
    form = fragment(page, "follow-workspace")
    assert 'hx-select="#follow-workspace"' in form and ">Follow<" in form
    path = f"/workspaces/{org.launch.pk}"
    after = in_place(c, "/follow", {"workspace_id": org.launch.pk, "next": path})
    assert ">Unfollow<" in fragment(after, "follow-workspace")
    # and a person, from a thread's page
    post = actions.create_post(org.fred, org.launch.pk, kind="update", body="Hi")
    after = in_place(c, "/follow", {"username": "fred", "next": f"/posts/{post.pk}"})
    assert ">Unfollow<" in fragment(after, "thread")


def test_mark_read_swaps_the_list_and_the_count(
    org: Any, browser_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # notifications come on commit
        actions.create_post(org.mia, org.launch.pk, kind="update", body="ping @fred")
    c = browser_client(org.fred)
    page = c.get("/notifications").content.decode()
    assert 'aria-label="1 unread"' in fragment(page, "nav-notifications")
    attrs = form_attrs(page, "/notifications/read")
    assert 'hx-select="#notification-list"' in attrs and "#nav-notifications" in attrs
    after = in_place(c, "/notifications/read", {})
    assert "unread" not in fragment(after, "notification-list")
    assert "unread" not in fragment(after, "nav-notifications")


def test_check_in_swaps_the_key_result(org: Any, browser_client: Any) -> None:
    kr = org.key_result.pk
    c = browser_client(org.fred)
    page = c.get(f"/workspaces/{org.launch.pk}").content.decode()
    assert f'hx-select="#kr-{kr}"' in form_attrs(page, f"/key-results/{kr}/check-in")
    after = in_place(
        c, f"/key-results/{kr}/check-in", {f"kr{kr}-value": "5", f"kr{kr}-confidence": "7"}
    )
    assert 'aria-valuenow="50"' in fragment(after, f"kr-{kr}")
    r = c.post(
        f"/key-results/{kr}/check-in", {f"kr{kr}-value": "", f"kr{kr}-confidence": "7"}, **HX
    )
    assert r["HX-Retarget"] == "#messages"
    assert "Check-in not saved. Enter the value you measured." in r.content.decode()


def test_without_javascript_a_refused_post_keeps_what_was_typed(
    org: Any, browser_client: Any
) -> None:
    # given: a question with a file whose name lies
    c = browser_client(org.mia)
    bad = SimpleUploadedFile("notes.pdf", PNG, content_type="application/pdf")
    data = {"kind": "question", "body": "Which chart is right?", "files": [bad]}
    data["objective_id"] = org.objective.pk
    # when
    r = c.post(f"/workspaces/{org.launch.pk}/posts", data, follow=True)
    # then: the composer holds the text, the kind and the objective (once)
    page = r.content.decode()
    assert "Not posted: &#x27;notes.pdf&#x27;" in page
    assert (
        ">\nWhich chart is right?</textarea>" in page or ">Which chart is right?</textarea>" in page
    )
    assert re.search(r'value="question"\s+checked', page)
    assert f'<option value="{org.objective.pk}" selected>' in page
    again = c.get(f"/workspaces/{org.launch.pk}").content.decode()
    assert "Which chart is right?</textarea>" not in again and not Post.objects.exists()
    # and a reply
    q = actions.create_post(org.fred, org.launch.pk, kind="question", body="Who?")
    bad = SimpleUploadedFile("x.png", b"not a png", content_type="image/png")
    r = c.post(f"/posts/{q.pk}/reply", {"body": "Me, see file", "files": [bad]}, follow=True)
    assert "Me, see file</textarea>" in r.content.decode()
