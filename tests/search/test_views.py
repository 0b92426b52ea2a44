"""The /search page and the search box in every page's header."""

from __future__ import annotations

from typing import Any

import pytest

from lumoflow.conversation import actions as talk
from lumoflow.workspaces import actions as ws


def _post(user: Any, workspace: Any, body: str) -> Any:
    return talk.create_post(user, workspace.pk, kind="update", body=body)


@pytest.fixture
def posts(org: Any) -> dict[str, Any]:
    return {
        "launch": _post(org.mia, org.launch, "Zeppelin & <script>alert(1)</script> budget"),
        "finance": _post(org.mia, org.finance, "Zeppelin invoices are late"),
        "merger": _post(org.olivia, org.merger, "Zeppelin merger terms"),
    }


def test_every_page_has_the_search_box(org: Any, browser_client: Any):
    page = browser_client(org.mia).get("/workspaces").content.decode()
    assert 'role="search"' in page and 'action="/search"' in page and 'name="q"' in page


def test_the_page_shows_ranked_highlighted_results_with_links(org, browser_client, posts):
    r = browser_client(org.mia).get("/search", {"q": "zeppelin budget"})
    html = r.content.decode()
    assert r.status_code == 200
    assert f'href="/posts/{posts["launch"].pk}"' in html
    assert "<mark>Zeppelin</mark>" in html and "<mark>budget</mark>" in html
    assert "<script>alert" not in html and "&amp;" in html
    assert 'value="zeppelin budget"' in html  # the header box keeps the words


def test_a_non_member_sees_nothing_of_private_and_secret_workspaces(org, browser_client, posts):
    c = browser_client(org.otto)
    html = c.get("/search", {"q": "zeppelin"}).content.decode()
    assert f"/posts/{posts['launch'].pk}" in html
    assert "invoices" not in html and "merger terms" not in html
    assert f"/posts/{posts['finance'].pk}" not in html
    # the counts shown count only what Otto may read
    assert 'All <span class="muted">1</span>' in html
    for q in ("invoices", "merger", "Plan the merger"):
        html = c.get("/search", {"q": q}).content.decode()
        assert "Nothing you may read matches" in html, q
        assert 'All <span class="muted">0</span>' in html, q


def test_removal_from_a_workspace_takes_effect_at_once(org, browser_client, posts):
    c = browser_client(org.mia)
    assert f"/posts/{posts['finance'].pk}" in c.get("/search", {"q": "invoices"}).content.decode()
    ws.remove_member(org.olivia, org.finance.pk, username="mia")
    html = c.get("/search", {"q": "invoices"}).content.decode()
    assert f"/posts/{posts['finance'].pk}" not in html and "Nothing you may read" in html


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "Type a word to search for."),
        ('"(*)"', "letters or digits"),
        ("x" * 201, "200 characters"),
    ],
)
def test_bad_queries_show_a_clear_message(org, browser_client, q, message):
    r = browser_client(org.mia).get("/search", {"q": q})
    assert r.status_code == 400
    assert message in r.content.decode()


def test_syntax_characters_are_searched_as_plain_words(org, browser_client, posts):
    r = browser_client(org.mia).get("/search", {"q": 'zeppelin" AND (budget OR NEAR('})
    assert r.status_code == 200
    assert "Nothing you may read matches" in r.content.decode()  # "and", "or", "near" are words


def test_filters_type_links_and_next_page(org, browser_client):
    for i in range(25):
        _post(org.mia, org.launch, f"Lantern note {i}")
    reply = talk.create_reply(org.fred, _post(org.mia, org.launch, "x").pk, body="Lantern reply")
    c = browser_client(org.mia)
    html = c.get("/search", {"q": "lantern"}).content.decode()
    assert 'All <span class="muted">26</span>' in html
    assert 'Reply <span class="muted">1</span>' in html
    assert 'rel="next"' in html
    nxt = html.split('rel="next" href="?')[1].split('"')[0].replace("&amp;", "&")
    second = c.get("/search?" + nxt).content.decode()
    assert second.count('class="card search-hit"') == 6
    only = c.get("/search", {"q": "lantern", "type": "reply"}).content.decode()
    assert only.count('class="card search-hit"') == 1 and f"/posts/{reply.pk}" in only
    bad = c.get("/search", {"q": "lantern", "author": "nobody", "workspace": org.merger.pk})
    assert bad.status_code == 400 and "No person" in bad.content.decode()
    assert "No workspace" in bad.content.decode()


def test_anonymous_is_sent_to_sign_in(client: Any, db: Any):
    r = client.get("/search", {"q": "x"})
    assert r.status_code == 302 and "/login" in r["Location"]
