"""Background work of "Measure an export" (django-tasks, database backend): run by the worker
that `lumoflow serve` starts (or `lumoflow worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def measure_export_task(measurement_id: int) -> None:
    """Measure an uploaded export (queued by `actions.create_measurement`)."""
    from .measuring import run_measurement

    run_measurement(measurement_id)


@task()
def load_export_task(measurement_id: int) -> None:
    """Load a measured export into the platform (queued by `actions.request_load`)."""
    from .measuring import run_load

    run_load(measurement_id)
