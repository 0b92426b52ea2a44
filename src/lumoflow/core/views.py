"""Health, a bare hello (the benchmarks' baseline) and the home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
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
    from lumoflow.api.base import paginate
    from lumoflow.conversation import actions, queries

    items, nxt = paginate(
        queries.list_feed_for(request.user),
        limit=20,
        cursor=request.GET.get("cursor") or None,
        newest_first=True,
        key="created_at",
    )
    ctx = {
        "cards": queries.decorate(request.user, items),
        "next_cursor": nxt,
        "newest_id": items[0].pk if items else 0,
        "follows": list(queries.list_follows_for(request.user)[:50]),
        "nav": "home",
    }
    response = render(request, "conversation/home.html", ctx)
    actions.record_post_views(request.user, items)
    return response
