"""The demo company writes knowledge: wikis in a tree with revisions and links, answers saved as
knowledge, published articles with comments and reactions, and people reading them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from .conftest import UNTIL

pytestmark = pytest.mark.django_db

START = datetime.combine(UNTIL, datetime.min.time(), UTC) - timedelta(days=31 * 6 + 7)
END = datetime.combine(UNTIL + timedelta(days=1), datetime.min.time(), UTC)


def test_every_workspace_has_a_wiki_in_a_tree_with_revisions_and_links(small_demo: dict) -> None:
    from lumoflow.knowledge.models import WikiPage, WikiRevision

    # then every workspace started early enough has a handbook with pages under it
    knowledge = small_demo["knowledge"]
    assert knowledge["pages"] == WikiPage.objects.count() > 0
    assert knowledge["revisions"] == WikiRevision.objects.count() > knowledge["pages"]
    with_wiki = set(WikiPage.objects.values_list("workspace_id", flat=True))
    assert len(with_wiki) >= len(small_demo["workspaces"]) - 1
    for ws_id in with_wiki:
        pages = WikiPage.objects.filter(workspace_id=ws_id)
        roots = pages.filter(parent__isnull=True)
        assert [p.title for p in roots] == [p.title for p in roots if p.title.endswith("handbook")]
        assert pages.filter(parent__parent__isnull=False).exists()  # at least two levels deep
    # and pages link to each other, one page was edited several times, some restored
    assert WikiRevision.objects.filter(body__contains="[[How we work]]").exists()
    assert WikiRevision.objects.filter(number__gte=3).exists()
    assert knowledge["restores"] == WikiRevision.objects.filter(restored_from__isnull=False).count()
    # every revision lies in the period
    times = list(WikiRevision.objects.values_list("created_at", flat=True))
    assert min(times) >= START and max(times) < END


def test_saved_answers_link_back_and_are_recorded(small_demo: dict) -> None:
    from lumoflow.activity.models import ActivityEvent
    from lumoflow.knowledge.models import WikiPage

    saved = WikiPage.objects.filter(source_post__isnull=False)
    assert saved.count() == small_demo["knowledge"]["saved_answers"] > 0
    for page in saved:
        # filed under the FAQ, which links to it
        assert page.parent is not None and page.parent.title == "Frequently asked questions"
        assert f"[[{page.title}]]" in page.parent.current.body
        assert "/posts/" in page.current.body
    events = ActivityEvent.objects.filter(verb="knowledge_saved")
    assert events.count() == saved.count()


def test_articles_are_published_with_comments_reactions_and_readers(small_demo: dict) -> None:
    from lumoflow.activity.models import ActivityEvent
    from lumoflow.conversation.models import Post, Reaction
    from lumoflow.knowledge.models import Article

    articles = Article.objects.all()
    assert articles.count() == small_demo["knowledge"]["articles"] > 0
    assert set(articles.values_list("status", flat=True)) == {"published"}
    posts = [a.post_id for a in articles]
    assert Post.objects.filter(parent_id__in=posts).count() == small_demo["knowledge"]["comments"]
    assert Reaction.objects.filter(post_id__in=posts).exists()
    assert ActivityEvent.objects.filter(verb="article").count() == articles.count()
    # people read pages and articles, once per person, object and day
    views = ActivityEvent.objects.filter(verb="view", object_type__in=("wikipage", "article"))
    assert views.filter(object_type="wikipage").exists()
    assert views.filter(object_type="article").exists()
    assert views.count() == small_demo["knowledge"]["views"]


def test_knowledge_reuse_is_measurable(small_demo: dict, tmp_path: Path) -> None:
    from django.core.management import call_command

    from lumoflow.analytics import read_log
    from lumoflow.analytics.frame import make_frame
    from lumoflow.analytics.value import value_outcomes

    # given the demo's interaction log
    call_command("export_log", str(tmp_path / "log"))
    log = read_log(tmp_path / "log")
    # when the value metrics count it
    value = value_outcomes(make_frame(log))
    # then saved answers and reads of knowledge by others are counted
    assert value.answers_saved_as_knowledge == small_demo["knowledge"]["saved_answers"]
    assert value.knowledge_reuse_views > small_demo["knowledge"]["pages"]


def test_the_knowledge_pages_open_for_a_member(small_demo: dict, client: Any) -> None:
    from lumoflow.knowledge.models import Article, WikiPage
    from lumoflow.people.models import User

    # given the owner of the fading workspace, signed in
    owner = small_demo["logins"]["workspace_owner"]["username"]
    client.force_login(User.objects.get(username=owner))
    ws = small_demo["planted"]["fading_workspace"]["id"]
    page = WikiPage.objects.filter(workspace_id=ws, parent__isnull=True).get()
    article = Article.objects.filter(workspace_id=ws).order_by("pk").first()
    # then the wiki, a page, its history and diff and the articles open
    for url in (
        f"/workspaces/{ws}/wiki",
        f"/wiki/{page.pk}",
        f"/wiki/{page.pk}/history",
        f"/wiki/{page.pk}/diff",
        f"/workspaces/{ws}/articles",
        f"/articles/{article.pk}",
    ):
        assert client.get(url).status_code == 200, url
