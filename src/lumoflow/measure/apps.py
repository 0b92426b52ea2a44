from __future__ import annotations

import logging
from collections.abc import Collection

from django.apps import AppConfig

log = logging.getLogger(__name__)


def refresh_after_activity(*, workspace_ids: Collection[int]) -> None:
    """Queue the background refresh of the workspaces whose events just committed (debounced:
    `measure.actions.request_refresh`).

    Runs after the write committed, in its request: a failure here (the database busy) is
    logged, not raised, so the person's write still succeeds; the next activity, or the next
    read of yesterday's result, queues the refresh again.
    """
    from . import actions

    try:
        actions.request_refresh(workspace_ids)
    except Exception:
        log.exception("Could not queue the metrics refresh of workspaces %s", sorted(workspace_ids))


class MeasureConfig(AppConfig):
    name = "lumoflow.measure"
    label = "measure"

    def ready(self) -> None:
        from lumoflow.activity.actions import RECORDED
        from lumoflow.core.oncommit import subscribe

        subscribe(RECORDED, refresh_after_activity)

        from lumoflow.core import panels

        from .views import health

        panels.register(panels.WORKSPACE_ENGAGEMENT, health.engagement_card)
