"""Conversation fixtures: small helpers on top of the shared `org`."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def post_in(org: Any) -> Any:
    """`post_in(actor, ws, body, kind="update")` creates a post through the action."""
    from lumoflow.conversation import actions

    def make(actor: Any, ws: Any, body: str = "Hello team", kind: str = "update", **kw: Any) -> Any:
        return actions.create_post(actor, ws.pk, kind=kind, body=body, **kw)

    return make


def events(verb: str, **filters: Any) -> list[Any]:
    from lumoflow.activity.models import ActivityEvent

    return list(ActivityEvent.objects.filter(verb=verb, **filters).order_by("id"))
