"""`Idempotency-Key` on the API's POST routes: a retry returns the first answer."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from lumoflow.conversation.models import Post
from lumoflow.core.validation import INVISIBLE_MESSAGE

pytestmark = pytest.mark.django_db


def _post(client: Any, path: str, body: dict[str, Any], key: str | None) -> Any:
    headers = dict(client.headers)
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.client.post(
        "/api/v1" + path, data=json.dumps(body), content_type="application/json", headers=headers
    )


def _posts(org: Any) -> int:
    return Post.objects.filter(workspace=org.launch).count()


def test_a_retry_with_the_same_key_returns_the_first_answer(org, api):
    # given
    mia, path = api(org.mia), f"/workspaces/{org.launch.pk}/posts"
    body = {"kind": "update", "body": "Shipped"}
    first = _post(mia, path, body, "k-1")
    # when the client retries
    again = _post(mia, path, body, "k-1")
    # then the same answer, marked as replayed, and one post
    assert first.status_code == 201
    assert (again.status_code, again.content) == (201, first.content)
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert again["Content-Type"] == first["Content-Type"]
    assert _posts(org) == 1


def test_the_same_key_with_another_body_is_refused(org, api):
    mia, path = api(org.mia), f"/workspaces/{org.launch.pk}/posts"
    assert _post(mia, path, {"kind": "update", "body": "One"}, "k-1").status_code == 201
    # when
    r = _post(mia, path, {"kind": "update", "body": "Two"}, "k-1")
    # then
    assert r.status_code == 422 and r["Content-Type"] == "application/problem+json"
    assert r.json()["detail"] == "The Idempotency-Key 'k-1' was used for another request."
    assert r.json()["errors"] == {"Idempotency-Key": [r.json()["detail"]]}
    assert _posts(org) == 1


def test_the_same_key_on_another_route_is_refused(org, api):
    mia = api(org.mia)
    first = _post(mia, f"/workspaces/{org.launch.pk}/posts", {"kind": "update", "body": "A"}, "k")
    assert first.status_code == 201
    r = _post(mia, f"/posts/{first.json()['id']}/replies", {"body": "A"}, "k")
    assert r.status_code == 422
    assert Post.objects.count() == 1


def test_keys_belong_to_one_person(org, api):
    path, body = f"/workspaces/{org.launch.pk}/posts", {"kind": "update", "body": "Same"}
    assert _post(api(org.mia), path, body, "shared").status_code == 201
    r = _post(api(org.fred), path, body, "shared")
    assert r.status_code == 201 and "Idempotent-Replayed" not in r
    assert _posts(org) == 2


def test_keys_expire(org, api, settings):
    # given a key used a day and an hour ago
    settings.LUMOFLOW_IDEMPOTENCY_KEY_HOURS = 24
    mia, path = api(org.mia), f"/workspaces/{org.launch.pk}/posts"
    body = {"kind": "update", "body": "Daily"}
    with time_machine.travel(timezone.now() - timedelta(hours=25)):
        assert _post(mia, path, body, "daily").status_code == 201
    # when it is used again
    r = _post(mia, path, body, "daily")
    # then it is a new request
    assert r.status_code == 201 and "Idempotent-Replayed" not in r
    assert _posts(org) == 2
    # and within the lifetime it replays
    assert _post(mia, path, body, "daily")["Idempotent-Replayed"] == "true"


def test_a_refused_request_is_not_kept_and_its_retry_is_judged_again(org, api):
    mia, path = api(org.mia), f"/workspaces/{org.launch.pk}/posts"
    bad = _post(mia, path, {"kind": "nonsense", "body": "x"}, "k")
    assert bad.status_code == 422
    good = _post(mia, path, {"kind": "update", "body": "x"}, "k")
    assert good.status_code == 201 and _posts(org) == 1


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("x" * 256, "It is 256 characters long; at most 255."),
        ("   ", "It is empty."),
        ("\u200b\u2060", INVISIBLE_MESSAGE),
    ],
)
def test_a_bad_key_is_refused_and_nothing_written(org, api, key, message):
    mia, path = api(org.mia), f"/workspaces/{org.launch.pk}/posts"
    r = _post(mia, path, {"kind": "update", "body": "x"}, key)
    assert r.status_code == 422
    assert r.json()["errors"] == {"Idempotency-Key": [message]}
    assert _posts(org) == 0


def test_without_sign_in_the_key_changes_nothing(org, api):
    r = _post(api(None), f"/workspaces/{org.launch.pk}/posts", {"kind": "update"}, "k")
    assert r.status_code == 401


def test_a_session_retry_replays_too(org, browser_client):
    # given a signed-in browser (CSRF token sent as the page's script would)
    c = browser_client(org.mia)
    c.get("/")
    token = c.cookies["csrftoken"].value
    headers = {"X-CSRFToken": token, "Idempotency-Key": "s-1"}
    path = f"/api/v1/workspaces/{org.launch.pk}/posts"
    body = json.dumps({"kind": "update", "body": "From the page"})
    # when
    first = c.post(path, body, content_type="application/json", headers=headers)
    again = c.post(path, body, content_type="application/json", headers=headers)
    # then
    assert first.status_code == 201 and again.content == first.content
    assert _posts(org) == 1


def test_the_key_is_stored_with_the_write_or_neither(org, api, monkeypatch):
    # given storing the key fails after the post was written
    from lumoflow.core import actions as core_actions

    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(core_actions, "remember_answer", fail)
    mia = api(org.mia)
    # when
    with pytest.raises(RuntimeError):
        _post(mia, f"/workspaces/{org.launch.pk}/posts", {"kind": "update", "body": "x"}, "k")
    # then the post is not there either
    assert _posts(org) == 0


def test_every_post_documents_the_header(client):
    doc = client.get("/api/v1/openapi.json").json()
    posts = [op for ops in doc["paths"].values() for m, op in ops.items() if m == "post"]
    assert posts
    for op in posts:
        assert {"in": "header", "name": "Idempotency-Key"}.items() <= next(
            p for p in op["parameters"] if p["name"] == "Idempotency-Key"
        ).items()
