"""Answer 429 to a sign-in the throttle refused (the sign-in page and the admin's)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import throttle


class SignInPausedMiddleware:
    """Replace the sign-in form's answer with the 'Too many failed sign-ins' page, status 429,
    when the backend refused the attempt because its account or address is paused."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if throttle.was_paused(request):
            minutes = int(settings.LUMOFLOW_LOGIN_COOL_OFF.total_seconds() // 60)
            context = {"cool_off_minutes": minutes}
            return render(request, "registration/locked_out.html", context, status=429)
        return response
