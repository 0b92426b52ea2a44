"""Health, a bare hello (the benchmarks' baseline) and the home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, else 503."""
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
    except Exception as exc:  # any driver error means unhealthy
        return JsonResponse({"status": "error", "detail": str(exc)}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


def hello(request: HttpRequest) -> JsonResponse:
    """A bare JSON answer, the same-run baseline for request benchmarks."""
    return JsonResponse({"hello": "world"})


def api_not_found(request: HttpRequest) -> JsonResponse:
    """Unknown API paths answer a problem, like the rest of the API."""
    from .errors import problem

    body = problem(404, "not-found", "Not found", f"No API endpoint at {request.path}.")
    return JsonResponse(body, status=404, content_type="application/problem+json")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The home feed: followed workspaces and people, announcements from my workspaces."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    from lumoflow.conversation import actions, cards, queries
    from lumoflow.conversation.cards import format_html, person_url, url_template
    from lumoflow.core.pagination import newest_first_page

    from . import fragments
    from .context import urls

    items, nxt = newest_first_page(  # type: ignore[type-var]  # rows with pk and created_at
        queries.feed_for(request.user).keys, limit=20, cursor=request.GET.get("cursor") or None
    )
    # The side bar's links are written here, like the cards (conversation.cards): through the
    # template engine and `reverse` they cost more than the rest of the list.
    workspace_url = url_template("workspaces:detail")
    follows = "".join(
        format_html(
            '<li><span><a href="{}">{}</a></span><span class="muted">{}</span></li>',
            person_url(f.username) if f.username else workspace_url.format(f.workspace_id),
            f.name,
            "person" if f.username else "workspace",
        )
        for f in queries.list_followed_for(request.user)
    )
    # Cards as everyone sees them, cached until their data changes; then made this viewer's.
    back = request.get_full_path()
    shared = cards.CardOptions(
        user_id=None, csrf=fragments.csrf_mark(), back=back, show_workspace=True, shared=True
    )
    made = cards.shared_cards(
        items,
        shared,
        lambda keys: queries.decorate(None, queries.posts_by_ids([k.pk for k in keys])),
    )
    mine = cards.CardOptions(
        user_id=request.user.pk, csrf=fragments.csrf_mark(), back=back, show_workspace=True
    )
    html = cards.personalise(
        "\n".join(c.html for c in made),
        [c.facts for c in made],
        mine,
        queries.my_reactions(request.user, [p.pk for p in items]),
    )
    ctx = {
        "cards_html": mark_safe(html),  # noqa: S308 (cards escape every value)
        "next_cursor": nxt,
        "newest_id": items[0].pk if items else queries.newest_post_id(),
        "follows": mark_safe(follows),  # noqa: S308 (every value escaped by format_html)
        "first_page": not request.GET.get("cursor"),
        "urls": urls(),
    }
    # Everything the content shows is in `ctx`: no context processors to run for it.
    content = render_to_string("conversation/home.html", ctx)
    response = fragments.page(request, title="Home", nav="home", content=content)
    actions.record_post_views(request.user, items)
    return response
