"""Template context shared by every page."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.functional import lazy

import lumoflow

_NAV = {
    "home": "home",
    "workspaces": "workspaces:directory",
    "people": "people:directory",
    "notifications": "conversation:notifications:list",
    "profile": "people:profile",
    "insights": "insights",
    "search": "search:search",
    "admin": "admin:index",
    "logout": "people:logout",
    "follow": "conversation:follow",
    "new_posts": "conversation:new_posts",
}


_ASSETS = {
    "css": "lumoflow/app.css",
    "js": "lumoflow/app.js",
    "htmx": "vendor/htmx/htmx.min.js",
    "charts": "lumoflow/charts.js",
    "vega": "vendor/vega/vega.min.js",
    "vega_lite": "vendor/vega-lite/vega-lite.min.js",
    "vega_embed": "vendor/vega-embed/vega-embed.min.js",
    "icon": "lumoflow/icon.svg",
    "icon_png": "lumoflow/icon-32.png",
    "touch_icon": "lumoflow/icon-180.png",
    "manifest": "lumoflow/manifest.webmanifest",
}


@cache
def _nav_urls(prefix: str) -> dict[str, str]:
    """Every page's links and assets, resolved once per process (and script prefix)."""
    return {
        **{key: reverse(name) for key, name in _NAV.items()},
        **{key: static(path) for key, path in _ASSETS.items()},
    }


def urls() -> dict[str, str]:
    return _nav_urls(get_script_prefix())


def csrf_token(request: HttpRequest) -> str:
    """The request's CSRF token, masked once per request (every form on a page shares it)."""
    token: str | None = getattr(request, "_lumoflow_csrf_token", None)
    if token is None:
        token = get_token(request)
        request._lumoflow_csrf_token = token  # type: ignore[attr-defined]
    return token


def site(request: HttpRequest) -> dict[str, Any]:
    """Give templates the product version, the navigation's URLs and the CSRF token."""
    return {
        "lumoflow_version": lumoflow.__version__,
        "urls": urls(),
        "csrf_token": lazy(csrf_token, str)(request),
    }
