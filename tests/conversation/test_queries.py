"""Feed pages read in SQL give exactly the posts of the ORM feeds, for every viewer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lumoflow.conversation import actions, queries
from lumoflow.conversation.models import Post
from lumoflow.conversation.queries import feed_sql
from lumoflow.core.errors import LumoFlowError
from lumoflow.workspaces import actions as ws_actions

pytestmark = pytest.mark.django_db

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def talk(org: Any) -> Any:
    """Posts of every kind in the public, private and secret workspaces, some at the same
    instant, a reply, a deleted and a hidden post; follows of people and workspaces."""
    ws = {"launch": org.launch, "finance": org.finance, "merger": org.merger}
    # Mia, a member, announces in Launch: its owner opens announcements to every member
    ws_actions.update_workspace(org.olivia, org.launch.pk, announcements_by_members=True)
    plan = [
        ("olivia", "launch", "update", 0),
        ("mia", "launch", "announcement", 1),
        ("fred", "launch", "question", 1),
        ("olivia", "finance", "announcement", 2),
        ("mia", "finance", "update", 3),
        ("olivia", "merger", "announcement", 3),
        ("olivia", "merger", "idea", 4),
        ("fred", "launch", "decision", 5),
        ("olivia", "launch", "announcement", 5),
    ]
    posts = []
    for who, where, kind, minute in plan:
        at = T0 + timedelta(minutes=minute)
        objective = org.objective.pk if where == "launch" and kind == "update" else None
        body = f"{kind} by {who} in {where}"
        posts.append(
            actions.create_post(
                getattr(org, who), ws[where].pk, kind=kind, body=body, at=at, objective_id=objective
            )
        )
    actions.create_reply(org.fred, posts[0].pk, body="A reply", at=T0 + timedelta(minutes=6))
    actions.delete_post(
        org.mia, actions.create_post(org.mia, org.launch.pk, kind="update", body="x").pk
    )
    hidden = actions.create_post(org.mia, org.launch.pk, kind="update", body="Hidden")
    actions.hide_post(org.olivia, hidden.pk, reason="Off topic")
    actions.follow(org.otto, username="olivia")
    actions.follow(org.otto, workspace_id=org.finance.pk)
    actions.follow(org.fred, workspace_id=org.launch.pk)
    actions.follow(org.mia, username="olivia")
    actions.follow(org.olivia, username="mia")
    actions.follow(org.ada, username="fred")
    return org


VIEWERS = ("olivia", "fred", "mia", "otto", "ada")


def _orm(qs: Any) -> list[Post]:
    return list(qs.order_by("-created_at", "-id"))


def _same_cards(sql: list[Post], orm: list[Post]) -> None:
    assert [p.pk for p in sql] == [p.pk for p in orm]
    for a, b in zip(sql, orm, strict=True):
        for f in Post._meta.concrete_fields:
            assert getattr(a, f.attname) == getattr(b, f.attname), f.name
        assert (a.author.username, a.author.name) == (b.author.username, b.author.name)
        assert (a.workspace.pk, a.workspace.name) == (b.workspace.pk, b.workspace.name)
        assert (a.objective and a.objective.title) == (b.objective and b.objective.title)


def _pages(feed: queries.Feed, n: int) -> list[Post]:
    """Every post of the feed, read `n` at a time with keyset bounds."""
    out: list[Post] = []
    while True:
        before = (out[-1].created_at, out[-1].pk) if out else None
        page = feed.page(n, before)
        out += page
        if len(page) < n:
            return out


@pytest.fixture(params=["window", "sources", "both"])
def home_window(request: Any, monkeypatch: Any) -> int:
    """The home feed read through its window of newest posts, source by source, or both (a
    window of three posts: the rest of a page from the sources)."""
    size = {"window": queries.HOME_WINDOW, "sources": 1, "both": 3}[request.param]
    monkeypatch.setattr(feed_sql, "HOME_WINDOW", size)
    monkeypatch.setattr(feed_sql, "_FIRST_PAGE_CUT", {})
    monkeypatch.setattr(feed_sql, "_QUIET", {})
    return size


@pytest.mark.parametrize("who", VIEWERS)
def test_home_feed_in_sql_is_the_orm_feed(talk: Any, who: str, home_window: int) -> None:
    # given
    viewer = getattr(talk, who)
    # when
    sql = queries.feed_for(viewer).page(100)
    # then: the same posts, fields and card relations, newest first; paging loses none
    orm = _orm(queries.list_feed_for(viewer))
    _same_cards(sql, orm)
    assert [p.pk for p in _pages(queries.feed_for(viewer), 1)] == [p.pk for p in orm]
    assert [k.pk for k in queries.feed_for(viewer).keys(100)] == [p.pk for p in orm]
    keys, before = [], None
    while page := queries.feed_for(viewer).keys(2, before):
        keys += page
        before = (page[-1].created_at, page[-1].pk)
    assert [k.pk for k in keys] == [p.pk for p in orm]


def test_sources_read_in_batches_give_the_same_feed(talk: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(feed_sql, "HOME_WINDOW", 1)
    monkeypatch.setattr(feed_sql, "_FIRST_PAGE_CUT", {})
    monkeypatch.setattr(feed_sql, "_QUIET", {})
    monkeypatch.setattr(feed_sql, "_SOURCES_PER_QUERY", 1)
    for who in VIEWERS:
        viewer = getattr(talk, who)
        orm = _orm(queries.list_feed_for(viewer))
        assert [p.pk for p in queries.feed_for(viewer).page(100)] == [p.pk for p in orm]


def test_a_quiet_viewers_home_feed_reads_only_their_sources(talk: Any, monkeypatch: Any) -> None:
    # Ada follows only Fred, whose posts are older than a window of two root posts: the page
    # comes from Fred's posts, in a constant number of queries, without walking the others.
    monkeypatch.setattr(feed_sql, "HOME_WINDOW", 2)
    monkeypatch.setattr(feed_sql, "_FIRST_PAGE_CUT", {})
    monkeypatch.setattr(feed_sql, "_QUIET", {})
    fred = ["decision by fred in launch", "question by fred in launch"]
    with CaptureQueriesContext(connection) as ctx:
        posts = queries.feed_for(talk.ada).page(20)
    assert [p.body for p in posts] == fred
    assert len(ctx.captured_queries) == 5  # window bound, window, sources, their posts, cards
    # Ada's window was short: her next pages are read from her sources at once.
    with CaptureQueriesContext(connection) as ctx:
        assert [p.body for p in queries.feed_for(talk.ada).page(20)] == fred
    assert len(ctx.captured_queries) == 3


def test_home_feed_never_shows_what_the_viewer_may_not_read(talk: Any) -> None:
    # Otto follows Olivia and the private Finance without being a member of either workspace
    bodies = [p.body for p in queries.feed_for(talk.otto).page(100)]
    assert bodies and all("in launch" in b for b in bodies)


@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("where", ["launch", "finance", "merger"])
@pytest.mark.parametrize("kind", ["", "announcement", "update"])
def test_workspace_feed_in_sql_is_the_orm_feed(talk: Any, who: str, where: str, kind: str) -> None:
    viewer, ws = getattr(talk, who), getattr(talk, where)
    for objective in (None, talk.objective.pk):
        try:
            orm = _orm(
                queries.list_workspace_posts_for(viewer, ws.pk, kind=kind, objective_id=objective)
            )
        except LumoFlowError as exc:
            with pytest.raises(type(exc)):
                queries.workspace_feed_for(viewer, ws.pk, kind=kind, objective_id=objective)
            continue
        feed = queries.workspace_feed_for(viewer, ws.pk, kind=kind, objective_id=objective)
        _same_cards(feed.page(100), orm)
        assert [p.pk for p in _pages(feed, 2)] == [p.pk for p in orm]


def test_a_page_costs_one_query(talk: Any) -> None:
    feed = queries.workspace_feed_for(talk.olivia, talk.launch.pk)
    with CaptureQueriesContext(connection) as ctx:
        posts = feed.page(20)
        [(p.author.name, p.workspace.name, p.objective and p.objective.title) for p in posts]
    assert posts and len(ctx.captured_queries) == 1


def test_a_home_page_costs_two_queries_then_one(talk: Any, monkeypatch: Any) -> None:
    # The window's bound, then the page; the first page's bound is kept a while.
    monkeypatch.setattr(feed_sql, "_FIRST_PAGE_CUT", {})
    monkeypatch.setattr(feed_sql, "_QUIET", {})
    for expected in (2, 1):
        with CaptureQueriesContext(connection) as ctx:
            posts = queries.feed_for(talk.olivia).page(20)
            [(p.author.name, p.workspace.name, p.objective and p.objective.title) for p in posts]
        assert posts and len(ctx.captured_queries) == expected
