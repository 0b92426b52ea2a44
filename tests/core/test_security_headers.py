"""Every page carries a Content-Security-Policy (scripts, styles and images from the site only)
and holds nothing that policy would block: no inline script, no style attribute, no `on…`
handler. HSTS is sent over HTTPS only.

The pages are every GET route of the URL map (the site map), filled with the objects of the
shared organisation, the admin's lists and forms, the API's documentation and the error pages.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc````\x00\x00\x00\x05\x00\x01\xa5\xf6E@\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
# What a page may not hold under the policy: each would be blocked by the browser.
INLINE = {
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "event handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I),
}


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    """Every route of the URL map as a path template, `<int:post_id>` and the like kept."""
    for p in patterns:
        if isinstance(p, URLResolver):
            route = str(p.pattern)
            if route.startswith(("api/", "^api/", "admin/")):
                continue  # the API answers JSON; the admin is walked from its registry
            yield from _routes(p.url_patterns, prefix + route)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def site_map(org: Any, on_commit: Any) -> list[str]:
    """Every page of the site, its parameters filled with objects Olivia can see."""
    from lumoflow.conversation import actions as conv
    from lumoflow.notifications import actions as alerts
    from lumoflow.notifications.models import Alert, Notification
    from lumoflow.notifications.queries import unsubscribe_token
    from lumoflow.people import actions as people

    with on_commit(execute=True):  # notifications are sent once the post is saved
        post = conv.create_post(org.mia, org.launch.pk, kind="question", body="Hi @olivia #launch")
    image = SimpleUploadedFile("chart.png", PNG, content_type="image/png")
    reply = conv.create_reply(org.olivia, post.pk, body="See the chart", files=[image])
    token, _ = people.create_token(org.olivia, name="laptop")
    fading = {"fading": {"verdict": "fading", "evidence": [{"sentence": "Fell."}]}}
    alerts.raise_alerts(workspace_id=org.launch.pk, data=fading)
    from lumoflow.knowledge import actions as knowledge

    wiki = knowledge.create_wiki_page(org.mia, org.launch.pk, title="Runbook", body="[[Home]]")
    article = knowledge.create_article(org.mia, org.launch.pk, title="T", body="B", publish=True)
    values = {
        "page_id": wiki.pk,
        "article_id": article.pk,
        "alert_id": Alert.objects.get(workspace=org.launch).pk,
        "post_id": post.pk,
        "workspace_id": org.launch.pk,
        "tag": "launch",
        "attachment_id": reply.attachments.get().pk,
        "notification_id": Notification.objects.filter(recipient=org.olivia).first().pk,
        "token_id": token.pk,
        "username": "mia",
        "size": 64,  # a person's photo (404 without one: headers alike)
        "key_result_id": org.key_result.pk,
        "name": "week-0",  # a health page chart's image
        "token": unsubscribe_token(org.olivia.pk, "weekly"),  # a digest's unsubscribe link
        "measurement_id": 1,  # a measured export: administrators only (403 here, headers alike)
    }
    pages = []
    for route in _routes(get_resolver().url_patterns):
        if route.startswith("^"):
            continue
        pages.append(re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), "/" + route))
    assert len(pages) > 30, pages
    return pages


def admin_pages() -> list[str]:
    """The admin's home, and each registered model's list and add form, and one change form."""
    pages = ["/admin/"]
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        pages += [base, base + "add/"]
        first = model.objects.first()
        if first is not None:
            pages.append(f"{base}{first.pk}/change/")
    return pages


def policy(response: Any) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    out = {}
    for part in header.split(";"):
        name, *sources = part.split()
        out[name] = sources
    return out


def assert_no_inline(path: str, html: str) -> None:
    for what, pattern in INLINE.items():
        m = pattern.search(html)
        assert m is None, f"{path} holds an {what}: {html[max(0, m.start() - 80) : m.end() + 80]}"


def test_the_policy_allows_scripts_styles_and_images_from_the_site_only(org: Any) -> None:
    # when
    r = Client().get("/login")

    # then
    csp = policy(r)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]  # data: images load nothing from anywhere
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert not any("unsafe" in s for sources in csp.values() for s in sources)


def test_every_page_of_the_site_map_carries_the_policy_and_nothing_it_blocks(
    org: Any, browser_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given Olivia, who owns every workspace, and Ada, an administrator
    pages = site_map(org, django_capture_on_commit_callbacks)
    olivia, ada = browser_client(org.olivia), browser_client(org.ada)
    seen_html = 0

    # when every page is read (and every admin page by Ada)
    for path, client in [*((p, olivia) for p in pages), *((p, ada) for p in admin_pages())]:
        r = client.get(path)

        # then each answer carries the policy, and no HTML page holds what it would block
        assert r.status_code < 500, (path, r.status_code)
        csp = policy(r)
        assert "script-src" in csp or csp.get("default-src") == ["'none'"], path
        if r.get("Content-Type", "").startswith("text/html") and not r.streaming:
            seen_html += 1
            assert_no_inline(path, r.content.decode())
    assert seen_html > 30


@pytest.mark.parametrize(
    "path,expected", [("/posts/999999", 404), ("/workspaces?x=%00", 400), ("/api/v1/docs", 200)]
)
def test_error_pages_and_the_api_documentation_carry_the_policy(
    org: Any, browser_client: Any, path: str, expected: int
) -> None:
    # when
    r = browser_client(org.olivia).get(path)

    # then
    assert r.status_code == expected
    assert policy(r)["script-src"] == ["'self'"]
    assert_no_inline(path, r.content.decode())


def test_the_page_for_a_body_too_large_carries_the_policy(org: Any, browser_client: Any) -> None:
    # when a form announces more than the limit
    r = browser_client(org.olivia).post(
        f"/workspaces/{org.launch.pk}/posts",
        data="x",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(10**9),
    )

    # then
    assert r.status_code == 413
    assert policy(r)["script-src"] == ["'self'"]
    assert_no_inline("413", r.content.decode())


def test_hsts_is_sent_over_https_only(db: Any, settings: Any) -> None:
    # when the same page is asked for over HTTP and over HTTPS
    plain = Client().get("/login")
    secure = Client().get("/login", secure=True)

    # then only the HTTPS answer tells the browser to keep to HTTPS, for the configured time
    assert "Strict-Transport-Security" not in plain
    assert secure["Strict-Transport-Security"].startswith(f"max-age={settings.SECURE_HSTS_SECONDS}")
    assert settings.SECURE_HSTS_SECONDS >= 31536000


def _proxy_ssl_header(tmp_path: Any, proxies: str) -> str:
    """SECURE_PROXY_SSL_HEADER as the settings read it with LUMOFLOW_PROXIES=`proxies`."""
    code = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lumoflow.config.settings"}
    env.update(LUMOFLOW_DATA_DIR=str(tmp_path), LUMOFLOW_PROXIES=proxies)
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_behind_a_proxy_https_is_read_from_the_forwarded_scheme(tmp_path: Any) -> None:
    # when a site behind one proxy, and one served directly, read how they learn that a request
    # came over HTTPS
    behind, direct = _proxy_ssl_header(tmp_path, "1"), _proxy_ssl_header(tmp_path, "0")

    # then only the proxied site trusts X-Forwarded-Proto (a client could send it itself)
    assert behind == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert direct == "None"
