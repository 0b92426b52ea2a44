"""Health, a bare hello (the benchmarks' baseline) and the API's not-found answer."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
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
