"""No content of a private or secret workspace reaches a non-member, by any path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from lumoflow.analytics.log import read_log
from lumoflow.conversation import actions
from lumoflow.notifications.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "Zebracorn acquisition"


@pytest.fixture
def hidden(org: Any) -> dict[str, Any]:
    """Posts in Finance (private) and Merger (secret), mentioning and tagging Otto's way."""
    out = {}
    for ws in (org.finance, org.merger):
        p = actions.create_post(
            org.olivia, ws.pk, kind="announcement", body=f"{SECRET} @otto #deal"
        )
        r = actions.create_reply(org.olivia, p.pk, body=f"{SECRET} reply @otto #deal")
        out[ws.name] = (p, r)
    # Otto follows Olivia and (tries) both workspaces; Finance is listed so he may follow it.
    actions.follow(org.otto, username="olivia")
    actions.follow(org.otto, workspace_id=org.finance.pk)
    return out


def test_no_leak_through_pages(org: Any, hidden: Any, browser_client: Any) -> None:
    c = browser_client(org.otto)
    pages = ["/", "/hashtags/deal", "/notifications", f"/workspaces/{org.finance.pk}"]
    for url in pages:
        r = c.get(url)
        assert r.status_code == 200, url
        assert SECRET not in r.content.decode(), url
    for p, r in hidden.values():
        for post in (p, r):
            assert c.get(f"/posts/{post.pk}").status_code == 404
            assert SECRET not in c.get(f"/posts/{post.pk}").content.decode()
        assert c.get(f"/posts/{p.pk}/edit").status_code == 404
    assert c.get(f"/workspaces/{org.merger.pk}").status_code == 404
    assert c.get(f"/workspaces/{org.merger.pk}/decisions").status_code == 404
    assert c.get(f"/workspaces/{org.finance.pk}/decisions").status_code == 403
    assert "new post" not in c.get("/feed/new", {"after": 0}).content.decode()


def test_no_leak_through_api(org: Any, hidden: Any, api: Any) -> None:
    otto = api(org.otto)
    lists = ["/feed", "/hashtags/deal", "/notifications", "/search?q=Zebracorn", "/follows"]
    for url in lists:
        r = otto.get(url)
        assert r.status_code == 200, url
        assert SECRET not in r.content.decode(), url
    assert otto.get(f"/workspaces/{org.finance.pk}/posts").status_code == 403
    assert otto.get(f"/workspaces/{org.merger.pk}/posts").status_code == 404
    for p, r in hidden.values():
        for post in (p, r):
            for url in (f"/posts/{post.pk}", f"/posts/{post.pk}/replies"):
                got = otto.get(url)
                assert got.status_code == 404 and SECRET not in got.content.decode()
            assert otto.post(f"/posts/{post.pk}/replies", {"body": "x"}).status_code == 404
            assert otto.post(f"/posts/{post.pk}/reactions", {"emoji": "👍"}).status_code == 404
    assert not Notification.objects.filter(recipient=org.otto).exists()


def test_no_leak_through_exported_log(org: Any, hidden: Any, tmp_path: Path) -> None:
    call_command("export_log", str(tmp_path / "otto"), "--as", "otto", "--format", "jsonl")
    text = "".join(f.read_text() for f in (tmp_path / "otto").iterdir())
    assert SECRET not in text
    names = [w["name"] for w in read_log(tmp_path / "otto").workspaces.to_pylist()]
    assert names == ["Launch"]
    # the administrator's export holds everything
    call_command("export_log", str(tmp_path / "all"))
    log = read_log(tmp_path / "all")
    assert SECRET in " ".join(log.events["text"].to_pylist())
