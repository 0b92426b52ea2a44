"""Request-wide middleware: the content security policy, the viewer's time zone, addresses no
page can use, our error pages."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class ContentSecurityPolicyMiddleware:
    """Send `settings.LUMOFLOW_CONTENT_SECURITY_POLICY` with every answer that sets none itself
    (an attachment sends a stricter one). The policy is one fixed string: no page holds an inline
    script or style, so no nonce is needed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.conf import settings

        self.get_response = get_response
        policy: dict[str, str] = settings.LUMOFLOW_CONTENT_SECURITY_POLICY
        self.header = "; ".join(f"{name} {sources}" for name, sources in policy.items())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.header
        return response


class TimezoneMiddleware:
    """Activate the signed-in person's time zone for the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        tz_name = getattr(user, "time_zone", "") if user is not None else ""
        if tz_name:
            try:
                timezone.activate(zoneinfo.ZoneInfo(tz_name))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class ErrorPagesMiddleware:
    """Render our errors raised in page views as the 404/403/409 pages a person understands."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        from django.shortcuts import render

        from .errors import LumoFlowError

        if request.path.startswith("/api/") or not isinstance(exc, LumoFlowError):
            return None
        template = "404.html" if exc.status == 404 else "403.html"
        return render(request, template, {"exception": exc.detail}, status=exc.status)


class BodyLimitMiddleware:
    """Answer 413 to a request whose Content-Length is past its limit, before reading its body:
    the API with a problem document, pages with a page saying so. A body without files is held
    to `limits.request_bytes()`; a form with files may add `limits.post_files_bytes()`, an export
    uploaded to be measured `limits.export_upload_bytes()`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from . import limits

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = limits.request_bytes()
        if request.path in limits.EXPORT_UPLOAD_PATHS and request.method == "POST":
            limit += limits.export_upload_bytes()
        elif request.content_type == "multipart/form-data":
            limit += limits.post_files_bytes()
        if length > limit:
            return too_large(request, limits.too_large(length, limit))
        return self.get_response(request)


def too_large(request: HttpRequest, detail: str) -> HttpResponse:
    """The 413 answer: a problem document under /api/, a page elsewhere."""
    from django.http import JsonResponse
    from django.shortcuts import render

    from .errors import PROBLEM, problem

    if request.path.startswith("/api/"):
        body = problem(413, "too-large", "Request too large", detail)
        return JsonResponse(body, status=413, content_type=PROBLEM)
    return render(request, "413.html", {"exception": detail}, status=413)


class UnusableAddressMiddleware:
    """Answer 400 to a page address (path or query) holding text no database can store (a NUL
    character, say): every query and lookup behind the page would fail on it. The API checks
    its own inputs field by field (422 problems)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.shortcuts import render

        from .validation import text_problem

        if not request.path.startswith("/api/"):
            parts = [request.path, *request.GET.keys()]
            parts += [v for values in request.GET.lists() for v in values[1]]
            problem = next((p for v in parts if (p := text_problem(v))), None)
            if problem:
                return render(request, "400.html", {"exception": problem}, status=400)
        return self.get_response(request)
