from __future__ import annotations

from collections.abc import Collection

from django.apps import AppConfig


def refresh_after_activity(*, workspace_ids: Collection[int]) -> None:
    """Queue the background refresh of the workspaces whose events just committed (debounced:
    `measure.actions.request_refresh`)."""
    from . import actions

    actions.request_refresh(workspace_ids)


class MeasureConfig(AppConfig):
    name = "lumoflow.measure"
    label = "measure"

    def ready(self) -> None:
        from lumoflow.activity.actions import RECORDED
        from lumoflow.core.oncommit import subscribe

        subscribe(RECORDED, refresh_after_activity)
