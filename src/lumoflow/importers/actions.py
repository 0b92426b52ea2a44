"""Every write of "Measure an export": upload, delete and load by administrators (each
recorded as a `workspace` event outside any workspace, object type ``measurement``, in the
same transaction), and the background tasks' bookkeeping of progress and results (no event:
the state of a computation, not an act of a person).

The tasks are queued once the upload or the request to load has committed; a deleted
measurement's file is removed once the deletion has committed.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from lumoflow.activity.actions import record
from lumoflow.activity.models import Verb
from lumoflow.analytics.log import LogError
from lumoflow.core.errors import Conflict, Invalid
from lumoflow.people.models import User

from . import SOURCES, detect_source, queries, uploads
from .models import Measurement

MEASUREMENT = "measurement"


def _not_an_export(message: str) -> Invalid:
    return Invalid(message, errors={uploads.FIELD: [message]})


def check_export(received: uploads.Received, source: str | None) -> str:
    """The export's format: ``source`` when given (a key of `SOURCES`), else detected.
    Invalid, naming the upload field, for an empty file or one no importer reads."""
    if received.size == 0:
        raise _not_an_export("The file is empty: upload the export itself.")
    _check_zip(received)
    if source:
        if source not in SOURCES:
            raise Invalid(
                f"Unknown format {source!r}.", errors={"source": [f"One of {', '.join(SOURCES)}."]}
            )
        return source
    unknown = _not_an_export(
        "LumoFlow does not recognise this file as an export it reads (Slack, Mattermost, "
        "Viva Engage, mbox, maildir, an events CSV or an edge list). Choose its format, "
        "or upload the export as its tool wrote it (a zip, a .jsonl or an mbox file)."
    )
    try:
        fmt = detect_source(received.path)
    except LogError:
        raise unknown from None
    except (OSError, ValueError) as exc:
        raise _not_an_export(f"The file cannot be read: {exc}.") from None
    if fmt in GENERIC and not _looks_like_text(received.path):
        raise unknown  # any text passes as an edge list: bytes that are not text do not
    return fmt


#: Formats detection falls back on (any text passes as an edge list).
GENERIC = ("csv", "edges")


def _check_zip(received: uploads.Received) -> None:
    """A file that starts as a zip, or is named one, must be a whole zip."""
    path = received.path
    with path.open("rb") as f:
        head = f.read(4)
    if (head == b"PK\x03\x04" or path.suffix.lower() == ".zip") and not zipfile.is_zipfile(path):
        raise _not_an_export(
            "The zip file is corrupt or cut short: download the export again and upload it whole."
        )


def _looks_like_text(path: Path, sample: int = 1 << 16) -> bool:
    with path.open("rb") as f:
        data = f.read(sample)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start > len(data) - 4  # a character cut by the sample's end
    return b"\x00" not in data


@transaction.atomic
def create_measurement(
    actor: User, received: uploads.Received, *, source: str | None = None
) -> Measurement:
    """Keep an uploaded export and queue its measurement (administrators only:
    PermissionDenied). Invalid for an empty file, an unknown format or one no importer
    recognises; the caller then discards the upload."""
    queries.require_administrator(actor)
    fmt = check_export(received, source)
    m = Measurement.objects.create(
        created_by=actor,
        created_at=timezone.now(),
        name=received.name[:255],
        source=fmt,
        size=received.size,
        folder=received.folder,
        stage="Waiting for the background worker",
    )
    record(
        actor,
        Verb.WORKSPACE,
        object_type=MEASUREMENT,
        object_id=str(m.pk),
        data={"change": "export uploaded to be measured", "source": fmt, "size": m.size},
    )
    transaction.on_commit(lambda: _queue_measure(m.pk))
    return m


def _queue_measure(measurement_id: int) -> None:
    from .tasks import measure_export_task

    measure_export_task.enqueue(measurement_id)


def _queue_load(measurement_id: int) -> None:
    from .tasks import load_export_task

    load_export_task.enqueue(measurement_id)


@transaction.atomic
def delete_measurement(actor: User, measurement_id: Any) -> None:
    """Delete a measurement, its report and its file (administrators only; NotFound when it
    does not exist). A task still running on it stops when it next reports."""
    m = queries.get_measurement_for(actor, measurement_id)
    folder = m.folder
    record(
        actor,
        Verb.WORKSPACE,
        object_type=MEASUREMENT,
        object_id=str(m.pk),
        data={"change": "measurement deleted", "source": m.source},
    )
    m.delete()
    transaction.on_commit(lambda: uploads.remove(folder))


@transaction.atomic
def request_load(actor: User, measurement_id: Any, workspace_map: dict[str, str]) -> Measurement:
    """Queue the load of a measured export into the platform (`--into-platform`) with the
    confirmed mapping of its channels to workspaces (channel id -> workspace id or name; none
    for a new workspace). Administrators only; Conflict while it is not measured yet, failed,
    or already loading."""
    m = queries.get_measurement_for(actor, measurement_id)
    if m.status != Measurement.Status.DONE:
        raise Conflict("Only a measured export can be loaded: wait for its report.")
    if m.load_status in (Measurement.LoadStatus.QUEUED, Measurement.LoadStatus.RUNNING):
        raise Conflict("This export is being loaded already.")
    channels = {str(c["id"]) for c in (m.summary or {}).get("channels") or []}
    mapping = {k: v.strip() for k, v in workspace_map.items() if k in channels and v.strip()}
    Measurement.objects.filter(pk=m.pk).update(
        load_status=Measurement.LoadStatus.QUEUED,
        load_mapping={"workspaces": mapping, "actor": actor.username},
        load_result="",
    )
    record(
        actor,
        Verb.WORKSPACE,
        object_type=MEASUREMENT,
        object_id=str(m.pk),
        data={"change": "export loaded into the platform", "mapped": len(mapping)},
    )
    transaction.on_commit(lambda: _queue_load(m.pk))
    m.refresh_from_db()
    return m


# -- the background tasks' bookkeeping ------------------------------------------------------------


def start_measurement(measurement_id: int) -> Measurement | None:
    """Mark a measurement running; None when it was deleted (the task then stops)."""
    updated = Measurement.objects.filter(pk=measurement_id).update(
        status=Measurement.Status.RUNNING,
        started_at=timezone.now(),
        progress=None,
        stage="Reading the export",
        error="",
    )
    return queries.get_measurement(measurement_id) if updated else None


def set_progress(measurement_id: int, progress: int | None, stage: str) -> None:
    """Report how far the measurement got (shown by its page's progress bar)."""
    Measurement.objects.filter(pk=measurement_id).update(progress=progress, stage=stage[:200])


def finish_measurement(
    measurement_id: int, *, data: dict[str, Any], summary: dict[str, Any]
) -> None:
    """Store the guarded report and what the export holds."""
    Measurement.objects.filter(pk=measurement_id).update(
        status=Measurement.Status.DONE,
        progress=100,
        stage="",
        data=data,
        summary=summary,
        finished_at=timezone.now(),
    )


def fail_measurement(measurement_id: int, error: str) -> None:
    """Mark a measurement failed, saying why; nothing of its report is kept."""
    Measurement.objects.filter(pk=measurement_id).update(
        status=Measurement.Status.FAILED,
        stage="",
        error=error,
        data=None,
        summary=None,
        finished_at=timezone.now(),
    )


def start_load(measurement_id: int) -> Measurement | None:
    """Mark a load running; None when the measurement was deleted."""
    updated = Measurement.objects.filter(pk=measurement_id).update(
        load_status=Measurement.LoadStatus.RUNNING
    )
    return queries.get_measurement(measurement_id) if updated else None


def finish_load(measurement_id: int, *, result: str, failed: bool = False) -> None:
    """Record how a load ended: what it added, or why nothing was written."""
    Measurement.objects.filter(pk=measurement_id).update(
        load_status=Measurement.LoadStatus.FAILED if failed else Measurement.LoadStatus.DONE,
        load_result=result,
        loaded_at=None if failed else timezone.now(),
    )
