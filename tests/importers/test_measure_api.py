""" "Measure an export" in the API: `POST/GET /api/v1/org/measurements`,
`GET/DELETE /api/v1/org/measurements/{id}`, `POST .../{id}/load`; administrators only,
problem documents on bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lumoflow.importers.models import Measurement
from lumoflow.importers.tasks import load_export_task, measure_export_task
from lumoflow.workspaces.models import Workspace

from .conftest import kept_files as _files

pytestmark = pytest.mark.django_db


def _post(client: Any, data: bytes, query: str = "?name=acme.zip") -> Any:
    return client.client.post(
        "/api/v1/org/measurements" + query,
        data=data,
        content_type="application/zip",
        headers=client.headers,
    )


def test_upload_measure_read_list_load_and_delete(
    org: Any, api: Any, kept: Path, export_zip: bytes
) -> None:
    # given
    ada = api(org.ada)
    # when
    r = _post(ada, export_zip)
    # then
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["name"], body["source"], body["status"], body["size"]) == (
        "acme.zip",
        "slack",
        "queued",
        len(export_zip),
    )
    assert body["report"] is None and body["created_by"] == "ada"
    mid = body["id"]
    measure_export_task.call(mid)
    one = ada.get(f"/org/measurements/{mid}").json()
    assert one["status"] == "done" and one["progress"] == 100
    assert one["report"]["fading"]["verdict"] and one["report"]["privacy"]["min_group_size"] == 5
    assert {c["id"] for c in one["summary"]["channels"]} == {"C1", "C2"}
    listed = ada.get("/org/measurements").json()
    assert [m["id"] for m in listed["items"]] == [mid] and listed["next"] is None
    assert "report" not in listed["items"][0]
    # load, "random" into Launch
    r = ada.post(f"/org/measurements/{mid}/load", {"workspaces": {"C2": "Launch"}})
    assert r.status_code == 202 and r.json()["load_status"] == "queued"
    assert ada.post(f"/org/measurements/{mid}/load", {}).status_code == 409  # already queued
    load_export_task.call(mid)
    assert ada.get(f"/org/measurements/{mid}").json()["load_status"] == "done"
    assert Workspace.objects.filter(name="general").exists()
    assert not Workspace.objects.filter(name="random").exists()
    # delete
    assert ada.delete(f"/org/measurements/{mid}").status_code == 204
    assert ada.get(f"/org/measurements/{mid}").status_code == 404


def test_non_administrators_are_refused_before_the_body_is_kept(
    org: Any, api: Any, kept: Path, export_zip: bytes
) -> None:
    mia = api(org.mia)
    r = _post(mia, export_zip)
    assert r.status_code == 403 and r["Content-Type"] == "application/problem+json"
    assert _files(kept) == [] and Measurement.objects.count() == 0
    assert mia.get("/org/measurements").status_code == 403
    mid = _post(api(org.ada), export_zip).json()["id"]
    assert mia.get(f"/org/measurements/{mid}").status_code == 403
    assert mia.delete(f"/org/measurements/{mid}").status_code == 403
    assert api(None).get("/org/measurements").status_code == 401


def test_too_large_is_a_413_problem(org: Any, api: Any, kept: Path, settings: Any) -> None:
    settings.LUMOFLOW_MEASURE_UPLOAD_MAX = 1000
    r = _post(api(org.ada), b"x" * 5000, "?name=big.mbox")
    assert r.status_code == 413
    assert r.json()["type"].endswith("/too-large")
    assert _files(kept) == [] and Measurement.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "query", "field"),
    [
        (b"", "?name=empty.zip", "export"),
        (b"PK\x03\x04" + b"\x00" * 200, "?name=cut.zip", "export"),
        (bytes(range(256)) * 4, "?name=photo.bin", "export"),
        (b"a b\n", "?name=x.txt&source=nonsense", "source"),
    ],
)
def test_bad_input_is_a_422_problem_and_keeps_nothing(
    org: Any, api: Any, kept: Path, data: bytes, query: str, field: str
) -> None:
    r = _post(api(org.ada), data, query)
    assert r.status_code == 422, r.content
    assert r["Content-Type"] == "application/problem+json"
    assert field in str(r.json().get("errors"))
    assert _files(kept) == [] and Measurement.objects.count() == 0
