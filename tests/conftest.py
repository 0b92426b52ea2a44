"""Shared fixtures: a small named organisation built through actions, and API clients.

The organisation: Olivia owns every workspace, Fred facilitates, Mia is a member, Otto is an
outsider, Ada is an administrator. Workspaces: "Launch" (public), "Finance" (private, Olivia and
Mia), "Merger" (secret, Olivia only).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

PASSWORD = "correct-horse-battery-staple"
# `sites`: fresh installations for tests that run the command and the server as processes.
pytest_plugins = ["tests.sites"]


@dataclass
class Org:
    olivia: Any
    fred: Any
    mia: Any
    otto: Any
    ada: Any
    launch: Any
    finance: Any
    merger: Any
    objective: Any
    key_result: Any


def make_person(username: str, **kw: Any) -> Any:
    from lumoflow.people import actions

    kw.setdefault("email", f"{username}@example.com")
    kw.setdefault("name", username.capitalize())
    kw.setdefault("password", PASSWORD)
    return actions.create_person(None, username=username, **kw)


@pytest.fixture
def org(db: Any) -> Org:
    from lumoflow.workspaces import actions as ws

    olivia = make_person("olivia", department="Product/Platform", time_zone="Europe/Oslo")
    fred = make_person("fred", department="Product/Platform", manager="olivia")
    mia = make_person("mia", department="Sales/Nordics")
    otto = make_person("otto", department="Finance")
    ada = make_person("ada", is_staff=True, department="IT")
    launch = ws.create_workspace(olivia, name="Launch", purpose="Ship the new product on time.")
    ws.add_member(olivia, launch.pk, username="fred", role="facilitator")
    ws.add_member(olivia, launch.pk, username="mia", role="member")
    finance = ws.create_workspace(
        olivia, name="Finance", purpose="Close the books fast.", visibility="private"
    )
    ws.add_member(olivia, finance.pk, username="mia")
    merger = ws.create_workspace(
        olivia, name="Merger", purpose="Plan the merger.", visibility="secret"
    )
    today = date.today()
    objective = ws.create_objective(
        olivia,
        launch.pk,
        title="Launch v2",
        start=today - timedelta(days=30),
        end=today + timedelta(days=60),
        key_results=[
            {
                "metric_name": "Signed pilots",
                "baseline": 0,
                "target": 10,
                "due": today + timedelta(days=60),
            }
        ],
    )
    return Org(
        olivia,
        fred,
        mia,
        otto,
        ada,
        launch,
        finance,
        merger,
        objective,
        objective.key_results.get(),
    )


class ApiClient:
    """A JSON client for /api/v1 that authenticates with a personal access token."""

    def __init__(self, user: Any | None) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if user is not None:
            from lumoflow.people import actions

            _, raw = actions.create_token(user, name="test")
            self.headers["Authorization"] = f"Bearer {raw}"

    def _call(self, method: str, path: str, body: Any = None, raw: str | None = None) -> Any:
        fn = getattr(self.client, method)
        kwargs: dict[str, Any] = {"headers": self.headers}
        if raw is not None:
            kwargs.update(data=raw, content_type="application/json")
        elif body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return fn("/api/v1" + path, **kwargs)

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get("/api/v1" + path, params, headers=self.headers)

    def post(self, path: str, body: Any = None, raw: str | None = None) -> Any:
        return self._call("post", path, body if body is not None else {}, raw)

    def patch(self, path: str, body: Any = None) -> Any:
        return self._call("patch", path, body or {})

    def put(self, path: str, body: Any = None) -> Any:
        return self._call("put", path, body or {})

    def delete(self, path: str, body: Any = None) -> Any:
        return self._call("delete", path, body)


@pytest.fixture
def api() -> Any:
    """`api(user)` returns a token-authenticated JSON client (`api(None)`: anonymous)."""
    return ApiClient


@pytest.fixture
def browser_client() -> Any:
    """`browser_client(user)` returns a Django test client signed in as `user`."""

    def make(user: Any) -> Client:
        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Any, settings: Any) -> None:
    from django.core.cache import caches

    # Page fragments are not cleared: their keys hold change marks and the database's epoch, so
    # a test's data never meets another's (core.marks). Other caches hold counters (throttling).
    for cache in caches.all():
        if cache is not caches["fragments"]:
            cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    # Argon2 is the product's hasher; tests use a fast one so fixtures stay cheap.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests render pages without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
