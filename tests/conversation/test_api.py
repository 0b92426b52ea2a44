"""The conversation API from a client's side."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lumoflow.activity.models import ActivityEvent

pytestmark = pytest.mark.django_db


def test_post_reply_react_accept_cycle(org: Any, api: Any) -> None:
    # given
    mia, fred = api(org.mia), api(org.fred)
    # when
    r = mia.post(
        f"/workspaces/{org.launch.pk}/posts",
        {"kind": "question", "body": "Which day? @fred", "objective_id": org.objective.pk},
    )
    # then
    assert r.status_code == 201, r.json()
    q = r.json()
    assert q["kind"] == "question" and q["objective_id"] == org.objective.pk and q["id"]
    reply = fred.post(f"/posts/{q['id']}/replies", {"body": "Monday"})
    assert reply.status_code == 201 and reply.json()["thread_id"] == q["id"]
    nested = mia.post(f"/posts/{reply.json()['id']}/replies", {"body": "Sure?"})
    assert nested.json()["parent_id"] == reply.json()["id"]
    assert mia.post(f"/posts/{q['id']}/reactions", {"emoji": "👀"}).status_code == 201
    assert mia.post(f"/posts/{q['id']}/reactions", {"emoji": "👀"}).status_code == 409
    got = mia.get(f"/posts/{q['id']}").json()
    assert got["reactions"] == [{"emoji": "👀", "count": 1, "mine": True}]
    assert got["reply_count"] == 2
    assert mia.delete(f"/posts/{q['id']}/reactions", {"emoji": "👀"}).json()["reactions"] == []
    assert (
        fred.post(f"/posts/{q['id']}/accept", {"reply_id": reply.json()["id"]}).status_code == 200
    )
    acc = mia.post(f"/posts/{q['id']}/accept", {"reply_id": reply.json()["id"]})
    assert acc.json()["accepted_answer_id"] == reply.json()["id"]
    replies = mia.get(f"/posts/{q['id']}/replies").json()["items"]
    assert [x["body"] for x in replies] == ["Monday", "Sure?"]


def test_accepting_on_someone_elses_question_is_forbidden(org: Any, api: Any) -> None:
    q = api(org.mia).post(f"/workspaces/{org.launch.pk}/posts", {"kind": "question", "body": "?"})
    qid = q.json()["id"]
    rid = api(org.olivia).post(f"/posts/{qid}/replies", {"body": "!"}).json()["id"]
    joined = api(org.otto).post(f"/workspaces/{org.launch.pk}/members", {})
    assert joined.status_code == 201
    r = api(org.otto).post(f"/posts/{qid}/accept", {"reply_id": rid})
    assert r.status_code == 403 and r.headers["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "body,field",
    [
        ({"kind": "update", "body": ""}, "body"),
        ({"kind": "update", "body": "x" * 20001}, "body"),
        ({"kind": "gossip", "body": "x"}, "kind"),
        ({"kind": "update", "body": "x", "objective_id": 10**6}, "objective_id"),
    ],
)
def test_bad_posts_are_problems(org: Any, api: Any, body: dict[str, Any], field: str) -> None:
    r = api(org.mia).post(f"/workspaces/{org.launch.pk}/posts", body)
    # an objective id naming none of the workspace's names nothing: 404 on that field
    assert r.status_code == (404 if field == "objective_id" else 422)
    assert field in r.json()["errors"]


def test_edit_delete_and_idea_status(org: Any, api: Any) -> None:
    mia = api(org.mia)
    p = mia.post(f"/workspaces/{org.launch.pk}/posts", {"kind": "idea", "body": "Dark"}).json()
    edited = mia.patch(f"/posts/{p['id']}", {"body": "Dark mode", "objective_id": None}).json()
    assert edited["body"] == "Dark mode" and edited["edited_at"]
    assert api(org.fred).patch(f"/posts/{p['id']}", {"body": "x"}).status_code == 403
    assert mia.post(f"/posts/{p['id']}/idea-status", {"status": "adopted"}).status_code == 403
    r = api(org.fred).post(f"/posts/{p['id']}/idea-status", {"status": "adopted", "note": "ok"})
    assert r.json()["idea_status"] == "adopted"
    assert mia.delete(f"/posts/{p['id']}").status_code == 204
    assert mia.get(f"/posts/{p['id']}").status_code == 404
    assert ActivityEvent.objects.filter(verb="delete", object_id=str(p["id"])).exists()


def test_follows_and_feed(org: Any, api: Any) -> None:
    otto = api(org.otto)
    assert otto.post("/follows", {"workspace_id": org.launch.pk}).status_code == 201
    assert otto.post("/follows", {"username": "mia"}).status_code == 201
    assert otto.post("/follows", {"username": "mia"}).status_code == 409
    assert otto.post("/follows", {}).status_code == 422
    api(org.mia).post(f"/workspaces/{org.launch.pk}/posts", {"body": "Launch news"})
    api(org.mia).post(f"/workspaces/{org.finance.pk}/posts", {"body": "Finance secret"})
    feed = otto.get("/feed").json()
    assert [p["body"] for p in feed["items"]] == ["Launch news"]
    assert {f["name"] for f in otto.get("/follows").json()["items"]} == {"Launch", "Mia"}
    assert otto.delete("/follows", {"username": "mia"}).status_code == 204
    views = ActivityEvent.objects.filter(verb="view", actor=org.otto, object_type="post")
    assert views.count() == 1


def test_feed_pagination_with_cursor(org: Any, api: Any) -> None:
    mia = api(org.mia)
    for i in range(5):
        mia.post(f"/workspaces/{org.launch.pk}/posts", {"body": f"n{i}"})
    page1 = mia.get(f"/workspaces/{org.launch.pk}/posts", limit=2).json()
    page2 = mia.get(f"/workspaces/{org.launch.pk}/posts", limit=2, cursor=page1["next"]).json()
    assert [p["body"] for p in page1["items"] + page2["items"]] == ["n4", "n3", "n2", "n1"]
    tampered = page1["next"][:-2] + ("AA" if not page1["next"].endswith("AA") else "BB")
    assert mia.get(f"/workspaces/{org.launch.pk}/posts", cursor=tampered).status_code == 404
    kind = mia.get(f"/workspaces/{org.launch.pk}/posts", kind="idea").json()
    assert kind["items"] == []


def test_hashtags(org: Any, api: Any) -> None:
    mia = api(org.mia)
    mia.post(f"/workspaces/{org.launch.pk}/posts", {"body": "Pricing #Pricing plan"})
    mia.post(f"/workspaces/{org.finance.pk}/posts", {"body": "Pricing #pricing secret"})
    assert len(api(org.otto).get("/hashtags/pricing").json()["items"]) == 1
    assert len(mia.get("/hashtags/pricing").json()["items"]) == 2


def test_anonymous_is_401(api: Any, db: Any) -> None:
    assert api(None).get("/feed").status_code == 401


def test_after_leaving_reacting_and_replying_are_refused(org: Any, api: Any) -> None:
    # given: posts in a public and a private workspace, then Mia leaves both
    olivia, mia = api(org.olivia), api(org.mia)
    pub = olivia.post(f"/workspaces/{org.launch.pk}/posts", {"body": "Public news"}).json()
    priv = olivia.post(f"/workspaces/{org.finance.pk}/posts", {"body": "Private news"}).json()
    assert mia.delete(f"/workspaces/{org.launch.pk}/members/mia").status_code == 204
    assert mia.delete(f"/workspaces/{org.finance.pk}/members/mia").status_code == 204
    # then: the public post is readable but not writable; the private one is gone
    assert mia.post(f"/posts/{pub['id']}/reactions", {"emoji": "👍"}).status_code == 403
    assert mia.post(f"/posts/{pub['id']}/replies", {"body": "x"}).status_code == 403
    assert mia.post(f"/posts/{priv['id']}/reactions", {"emoji": "👍"}).status_code == 404
    assert mia.post(f"/posts/{priv['id']}/replies", {"body": "x"}).status_code == 404
    assert mia.post(f"/workspaces/{org.launch.pk}/posts", {"body": "x"}).status_code == 403


def test_feed_pages_have_exactly_the_schema_shape(org: Any, api: Any) -> None:
    # given: a post with a reaction and an attachment, followed by Fred
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lumoflow.api.base import api as ninja_api
    from lumoflow.api.conversation import PostPage
    from lumoflow.conversation import actions

    upload = SimpleUploadedFile("notes.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    p = actions.create_post(
        org.mia,
        org.launch.pk,
        kind="update",
        body="See *notes*",
        objective_id=org.objective.pk,
        files=[upload],
    )
    actions.add_reaction(org.fred, p.pk, emoji="🎉")
    actions.follow(org.fred, workspace_id=org.launch.pk)
    for url in ("/feed", f"/workspaces/{org.launch.pk}/posts"):
        # when
        r = api(org.fred).get(url, limit=1)
        # then: what validating against PostPage and rendering would give, key for key
        page = PostPage.model_validate(r.json()).model_dump()
        assert r.json() == json.loads(ninja_api.renderer.render(None, page, response_status=200))
        item = r.json()["items"][0]
        assert item["reactions"] == [{"emoji": "🎉", "count": 1, "mine": True}]
        assert item["attachments"][0]["name"] == "notes.pdf"
        assert item["created_at"].endswith("Z") and r.json()["next"] is None


def test_ids_no_database_holds_are_not_found(org: Any, api: Any) -> None:
    huge = 2**70
    mia = api(org.mia)
    assert mia.get(f"/workspaces/{org.launch.pk}/posts", objective_id=huge).status_code == 404
    assert mia.get(f"/posts/{huge}").status_code in (404, 422)
