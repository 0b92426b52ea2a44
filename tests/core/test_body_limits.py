"""Bodies past their limit are refused with 413 before they are read; nothing is written.

A JSON body over 2.5 MB used to answer 500, and a 300 MB file was received whole before it
was refused. The limits are settings: LUMOFLOW_MAX_REQUEST_BYTES (a body without files),
LUMOFLOW_MAX_ATTACHMENT_BYTES (one file), LUMOFLOW_MAX_POST_ATTACHMENTS_BYTES (the files of one
post) and LUMOFLOW_MAX_DAILY_UPLOAD_BYTES (what one person uploads in a day).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lumoflow.activity.models import ActivityEvent
from lumoflow.conversation.models import Attachment, Post

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc````\x00\x00\x00\x05\x00\x01\xa5\xf6E@\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
UNSAFE = ("post", "put", "patch", "delete")


def png(name: str, size: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG + b"\x00" * (size - len(PNG)), content_type="image/png")


def assert_too_large(r: Any) -> None:
    assert r.status_code == 413, r.content[:300]
    assert r["Content-Type"] == "application/problem+json"
    problem = r.json()
    assert problem["status"] == 413 and problem["type"].endswith("/too-large")
    assert "bytes" in problem["detail"]


def test_json_body_over_the_default_limit_is_413_not_500(org: Any, api: Any) -> None:
    client = api(org.mia)
    before = ActivityEvent.objects.count()
    body = json.dumps({"kind": "update", "body": "x" * (3 << 20)})
    r = client.post(f"/workspaces/{org.launch.pk}/posts", raw=body)
    assert_too_large(r)
    assert "2621440 bytes" in r.json()["detail"]
    assert ActivityEvent.objects.count() == before and not Post.objects.exists()


def test_every_api_route_answers_413_past_the_setting(org: Any, api: Any, settings: Any) -> None:
    """Walk the OpenAPI document: every unsafe operation, with a token and with a session."""
    settings.LUMOFLOW_MAX_REQUEST_BYTES = 1000
    settings.LUMOFLOW_MEASURE_UPLOAD_MAX = 0  # an export's upload adds its own limit
    doc = api(org.mia).get("/openapi.json").json()
    session = Client()
    session.force_login(org.mia)
    token = api(org.mia)
    body = json.dumps({"body": "x" * 2000})
    walked = 0
    for path, operations in doc["paths"].items():
        url = path.replace("/api/v1", "", 1)
        url = re.sub(r"\{[^}]+\}", "1", url)
        for method in operations:
            if method not in UNSAFE:
                continue
            assert_too_large(token._call(method, url, raw=body))
            r = getattr(session, method)(
                "/api/v1" + url, data=body, content_type="application/json"
            )
            assert_too_large(r)
            assert "413" in operations[method]["responses"], (method, path)
            walked += 1
    assert walked >= 10
    assert not Post.objects.exists()


def test_a_body_within_the_setting_still_works(org: Any, api: Any, settings: Any) -> None:
    settings.LUMOFLOW_MAX_REQUEST_BYTES = 1000
    r = api(org.mia).post(f"/workspaces/{org.launch.pk}/posts", {"kind": "update", "body": "hi"})
    assert r.status_code == 201, r.content


def test_an_upload_past_the_post_limit_is_refused_from_its_content_length(
    org: Any, browser_client: Any
) -> None:
    """A 300 MB upload announced in Content-Length is refused before a byte of it is read."""
    c = browser_client(org.mia)
    r = c.post(
        f"/workspaces/{org.launch.pk}/posts",
        {"kind": "update", "body": "Huge", "files": [png("a.png", 200)]},
        CONTENT_LENGTH=str(300 << 20),
    )
    assert r.status_code == 413
    page = r.content.decode()
    assert "too large" in page.lower() and "bytes" in page
    assert not Post.objects.exists() and not Attachment.objects.exists()


def test_files_of_one_post_are_limited_together(
    org: Any, browser_client: Any, settings: Any
) -> None:
    settings.LUMOFLOW_MAX_ATTACHMENT_BYTES = 1000
    settings.LUMOFLOW_MAX_POST_ATTACHMENTS_BYTES = 1500
    c = browser_client(org.mia)
    r = c.post(
        f"/workspaces/{org.launch.pk}/posts",
        {"kind": "update", "body": "Two", "files": [png("a.png", 900), png("b.png", 900)]},
        follow=True,
    )
    assert "1800 bytes" in r.content.decode() and "1500 bytes" in r.content.decode()
    assert not Post.objects.exists() and not Attachment.objects.exists()


@pytest.mark.parametrize("reply", [False, True])
def test_what_one_person_uploads_in_a_day_is_limited(
    org: Any, browser_client: Any, settings: Any, reply: bool
) -> None:
    settings.LUMOFLOW_MAX_DAILY_UPLOAD_BYTES = 2000
    c = browser_client(org.mia)
    url = f"/workspaces/{org.launch.pk}/posts"
    c.post(url, {"kind": "update", "body": "One", "files": [png("a.png", 1500)]})
    assert Attachment.objects.count() == 1
    post = Post.objects.get()
    if reply:
        url, data = f"/posts/{post.pk}/reply", {"body": "Two", "files": [png("b.png", 600)]}
    else:
        data = {"kind": "update", "body": "Two", "files": [png("b.png", 600)]}
    page = c.post(url, data, follow=True).content.decode()
    assert "2000 bytes a day" in page, page[-2000:]
    assert Attachment.objects.count() == 1 and Post.objects.count() == 1
    # Someone else still uploads.
    browser_client(org.olivia).post(
        f"/workspaces/{org.launch.pk}/posts",
        {"kind": "update", "body": "Mine", "files": [png("c.png", 600)]},
    )
    assert Attachment.objects.count() == 2
