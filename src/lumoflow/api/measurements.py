""" "Measure an export" in the API (administrators only): upload an export as the request's body,
follow its measurement, read its report, load it into the platform, delete it.

The upload is the raw body (`Content-Type: application/octet-stream`, `application/zip`, ...),
streamed to disk in chunks like the page's; its name comes in `?name=`, its format in
`?source=` (detected when absent). A body past `LUMOFLOW_MEASURE_UPLOAD_MAX` is 413; an empty
file, a corrupt zip or a file no importer recognises is 422 with the reason under `export`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from lumoflow.core.middleware import too_large
from lumoflow.core.pagination import paginate
from lumoflow.importers import SOURCES, actions, queries, uploads
from lumoflow.importers.models import Measurement
from lumoflow.people.auth import SignedInRequest

from .base import BodyIn, Id, Limit, Text

router = Router(tags=["organisation"])

SourceName = Literal["slack", "mattermost", "yammer", "mbox", "maildir", "csv", "edges"]
assert set(SourceName.__args__) == set(SOURCES)  # type: ignore[attr-defined]


class MeasurementOut(Schema):
    id: int
    name: str = Field(description="The uploaded file's name.")
    source: str = Field(description="The export's format (chosen, or detected at upload).")
    size: int = Field(description="Bytes.")
    status: str = Field(description="queued, running, done or failed.")
    progress: int | None = Field(description="0..100 while measured; null while it is read.")
    stage: str = Field(description="What the worker is doing now, in words.")
    error: str = Field(description="Why the measurement failed ('' otherwise).")
    created_at: dt.datetime
    created_by: str | None = Field(description="Username of the administrator who uploaded it.")
    finished_at: dt.datetime | None
    load_status: str = Field(description="'' (not loaded), queued, running, done or failed.")
    load_result: str = Field(description="What the load added, or why nothing was written.")
    loaded_at: dt.datetime | None


class MeasurementDetailOut(MeasurementOut):
    summary: dict[str, Any] | None = Field(
        description="What the export holds: events, people, workspaces, skipped records, "
        "channels (id, name, private, posts)."
    )
    report: dict[str, Any] | None = Field(
        description="The engine's guarded report, the JSON of `lumoflow analyze --format json`."
    )


class MeasurementsOut(Schema):
    items: list[MeasurementOut]
    next: str | None


class LoadIn(BodyIn):
    workspaces: dict[str, Text] = Field(
        default_factory=dict,
        description="Channel or group id in the export -> the workspace (id or name) it goes "
        "to; a channel left out becomes a new workspace named after it.",
    )


def _out(m: Measurement) -> dict[str, Any]:
    return {
        "id": m.pk,
        "name": m.name,
        "source": m.source,
        "size": m.size,
        "status": m.status,
        "progress": m.progress,
        "stage": m.stage,
        "error": m.error,
        "created_at": m.created_at,
        "created_by": m.created_by.username if m.created_by else None,
        "finished_at": m.finished_at,
        "load_status": m.load_status,
        "load_result": m.load_result,
        "loaded_at": m.loaded_at,
    }


def _detail(m: Measurement) -> dict[str, Any]:
    return _out(m) | {"summary": m.summary, "report": m.data}


@router.post(
    "/org/measurements",
    response={201: MeasurementDetailOut},
    summary="Upload an export (the request's body) to be measured (administrators)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string"}}},
        }
    },
)
def create_measurement(
    request: SignedInRequest,
    name: Text = "export",
    source: SourceName | None = None,
) -> Any:
    queries.require_administrator(request.user)  # before a byte of the body is read
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    try:
        received = uploads.receive_stream(request, name, length)
    except uploads.TooLarge as exc:
        return too_large(request, str(exc))
    try:
        m = actions.create_measurement(request.user, received, source=source)
    except BaseException:
        received.discard()
        raise
    return Status(201, _detail(m))


@router.get(
    "/org/measurements",
    response=MeasurementsOut,
    summary="Measured exports, newest first (administrators)",
)
def list_measurements(
    request: HttpRequest, limit: Limit | None = None, cursor: Text | None = None
) -> dict[str, Any]:
    qs = queries.list_measurements_for(request.user)
    items, nxt = paginate(qs, limit=limit, cursor=cursor, newest_first=True, key="created_at")
    return {"items": [_out(m) for m in items], "next": nxt}


@router.get(
    "/org/measurements/{measurement_id}",
    response=MeasurementDetailOut,
    summary="A measurement: its progress, why it failed, or its report (administrators)",
)
def get_measurement(request: HttpRequest, measurement_id: Id) -> dict[str, Any]:
    return _detail(queries.get_measurement_for(request.user, measurement_id))


@router.delete(
    "/org/measurements/{measurement_id}",
    response={204: None},
    summary="Delete a measurement, its report and its file (administrators)",
)
def delete_measurement(request: SignedInRequest, measurement_id: Id) -> Status[None]:
    actions.delete_measurement(request.user, measurement_id)
    return Status(204, None)


@router.post(
    "/org/measurements/{measurement_id}/load",
    response={202: MeasurementOut},
    summary="Load a measured export into the platform in the background (administrators)",
)
def load_measurement(
    request: SignedInRequest, measurement_id: Id, payload: LoadIn
) -> Status[dict[str, Any]]:
    m = actions.request_load(request.user, measurement_id, dict(payload.workspaces))
    return Status(202, _out(m))
