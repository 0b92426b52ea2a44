from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _new_epoch(sender: Any, *, using: str = "default", plan: Any = None, **kwargs: Any) -> None:
    """A flush (no plan) or a migration that ran (a plan with steps) starts a new epoch of the
    change marks (`core.marks`); a `migrate` with nothing to do leaves it alone."""
    if plan is not None and not plan:
        return
    from .marks import new_epoch
    from .models import ChangeMark

    if ChangeMark._meta.db_table in connections[using].introspection.table_names():
        new_epoch(using)


class CoreConfig(AppConfig):
    name = "lumoflow.core"
    label = "core"

    def ready(self) -> None:
        post_migrate.connect(_new_epoch, sender=self, dispatch_uid="lumoflow.core.new_epoch")
