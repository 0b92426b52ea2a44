"""Knowledge fixtures: a page made through the action, on top of the shared `org`."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def page_in(org: Any) -> Any:
    """`page_in(actor, ws, title, body="...")` creates a wiki page through the action."""
    from lumoflow.knowledge import actions

    def make(actor: Any, ws: Any, title: str = "Runbook", body: str = "Step one", **kw: Any) -> Any:
        return actions.create_wiki_page(actor, ws.pk, title=title, body=body, **kw)

    return make


def events(verb: str, **filters: Any) -> list[Any]:
    from lumoflow.activity.models import ActivityEvent

    return list(ActivityEvent.objects.filter(verb=verb, **filters).order_by("id"))
