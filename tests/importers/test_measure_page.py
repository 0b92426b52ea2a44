""" "Measure an export" (`/org/measure`): an administrator uploads an export, streamed to disk
under the data folder; the background task measures it and the page shows the report in the
product's look; bad input says why and keeps nothing; others are refused; the history loads
into the platform after the mapping is confirmed."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult

from lumoflow.importers import read_export
from lumoflow.importers.models import Measurement
from lumoflow.importers.tasks import load_export_task, measure_export_task
from lumoflow.workspaces.models import Workspace

from .conftest import kept_files as _files

pytestmark = pytest.mark.django_db


def _upload(client: Any, data: bytes, name: str = "acme-slack.zip", **fields: str) -> Any:
    return client.post("/org/measure", {"export": SimpleUploadedFile(name, data), **fields})


def test_an_administrator_uploads_an_export_and_reads_its_report(
    org: Any,
    browser_client: Any,
    kept: Path,
    export_zip: bytes,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given
    ada = browser_client(org.ada)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        r = _upload(ada, export_zip)
    # then: kept on disk under its name, queued for the worker
    m = Measurement.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/org/measure/{m.pk}"
    assert (m.source, m.status, m.size, m.name) == (
        "slack",
        "queued",
        len(export_zip),
        "acme-slack.zip",
    )
    assert [p.name for p in _files(kept)] == ["acme-slack.zip"]
    assert DBTaskResult.objects.filter(task_path__endswith="measure_export_task").count() == 1
    page = ada.get(f"/org/measure/{m.pk}").content.decode()
    assert "Waiting to be measured" in page and 'http-equiv="refresh"' in page
    # when the worker runs it
    measure_export_task.call(m.pk)
    # then
    m.refresh_from_db()
    assert m.status == "done" and m.progress == 100 and m.error == ""
    assert m.data["input"]["events"] == m.summary["events"] > 0
    assert {c["name"] for c in m.summary["channels"]} == {"general", "random"}
    page = ada.get(f"/org/measure/{m.pk}").content.decode()
    assert "Is it fading?" in page and "People contributing each week" in page
    assert "Participation funnel" in page and "Channel by channel" in page
    assert page.count('class="lf-chart') >= 3 or page.count("<svg") >= 3
    assert 'http-equiv="refresh"' not in page
    listed = ada.get("/org/measure").content.decode()
    assert "acme-slack.zip" in listed and "Measured" in listed
    # the download is the report of `lumoflow analyze --format html`
    full = ada.get(f"/org/measure/{m.pk}/report.html")
    assert full.status_code == 200 and "attachment" in full["Content-Disposition"]
    assert b"Is it fading?" in full.content


def test_others_are_refused_and_nothing_is_kept(
    org: Any, browser_client: Any, kept: Path, export_zip: bytes
) -> None:
    # given
    _upload(browser_client(org.ada), export_zip)
    m = Measurement.objects.get()
    mia = browser_client(org.mia)
    # when / then
    assert mia.get("/org/measure").status_code == 403
    assert mia.get(f"/org/measure/{m.pk}").status_code == 403
    assert mia.get(f"/org/measure/{m.pk}/report.html").status_code == 403
    assert mia.post(f"/org/measure/{m.pk}/delete").status_code == 403
    assert mia.post(f"/org/measure/{m.pk}/load", {"confirm": "1"}).status_code == 403
    assert _upload(mia, export_zip).status_code == 403
    assert Measurement.objects.count() == 1 and len(_files(kept)) == 1
    assert browser_client(org.ada).get("/org/measure/999999").status_code == 404
    assert ada_anonymous_redirects(m.pk)


def ada_anonymous_redirects(pk: int) -> bool:
    from django.test import Client

    r = Client().get(f"/org/measure/{pk}")
    return r.status_code == 302 and "/login" in r["Location"]


def test_too_large_is_413_and_nothing_is_kept(
    org: Any, browser_client: Any, kept: Path, settings: Any
) -> None:
    # given: a limit of 1,000 bytes
    settings.LUMOFLOW_MEASURE_UPLOAD_MAX = 1000
    ada = browser_client(org.ada)
    # when: 5,000 bytes, within the body limit the middleware checks (the stream is cut)
    r = _upload(ada, b"x" * 5000, "big.mbox")
    # then
    assert r.status_code == 413
    assert "Too large" in r.content.decode() and "lumoflow analyze" in r.content.decode()
    assert Measurement.objects.count() == 0 and _files(kept) == []
    # and a Content-Length past the limit is refused before the body is read
    settings.LUMOFLOW_MAX_REQUEST_BYTES = 100
    r = _upload(ada, b"x" * 5000, "big.mbox")
    assert r.status_code == 413 and _files(kept) == []


@pytest.mark.parametrize(
    ("name", "data", "source", "says"),
    [
        ("empty.zip", b"", "", "The file is empty"),
        ("broken.zip", b"PK\x03\x04" + b"\x00\xff" * 300, "", "The zip file is corrupt"),
        ("cut.zip", b"PK\x03\x04" + b"\x00\xff" * 300, "slack", "The zip file is corrupt"),
        ("photo.bin", bytes(range(256)) * 8, "", "does not recognise this file"),
    ],
)
def test_bad_input_says_why_and_keeps_nothing(
    org: Any, browser_client: Any, kept: Path, name: str, data: bytes, source: str, says: str
) -> None:
    # when
    r = _upload(browser_client(org.ada), data, name, source=source)
    # then
    assert r.status_code == 400
    assert says in r.content.decode()
    assert Measurement.objects.count() == 0 and _files(kept) == []


def test_a_measurement_that_fails_says_why_and_keeps_no_report(
    org: Any, browser_client: Any, kept: Path, export_zip: bytes
) -> None:
    # given: a Slack export declared as a Viva Engage one
    ada = browser_client(org.ada)
    _upload(ada, export_zip, "broken.zip", source="yammer")
    m = Measurement.objects.get()
    # when
    measure_export_task.call(m.pk)
    # then
    m.refresh_from_db()
    assert m.status == "failed" and m.data is None and m.summary is None
    assert "broken.zip" in m.error and str(kept) not in m.error
    page = ada.get(f"/org/measure/{m.pk}").content.decode()
    assert "could not be measured" in page and "broken.zip" in page


def test_a_zip_holding_no_export_fails_clearly(org: Any, browser_client: Any, kept: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("notes.txt", "nothing to see")
    r = _upload(browser_client(org.ada), buf.getvalue(), "notes.zip", source="slack")
    m = Measurement.objects.get()
    assert r.status_code == 302
    measure_export_task.call(m.pk)
    m.refresh_from_db()
    assert m.status == "failed" and "users.json" in m.error


def test_delete_removes_the_report_and_the_file(
    org: Any,
    browser_client: Any,
    kept: Path,
    export_zip: bytes,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ada = browser_client(org.ada)
    _upload(ada, export_zip)
    m = Measurement.objects.get()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        r = ada.post(f"/org/measure/{m.pk}/delete")
    # then
    assert r.status_code == 302 and r["Location"] == "/org/measure"
    assert Measurement.objects.count() == 0 and _files(kept) == []
    # a task queued before the deletion stops quietly
    measure_export_task.call(m.pk)
    assert Measurement.objects.count() == 0


def test_the_history_loads_after_the_mapping_is_confirmed(
    org: Any, browser_client: Any, kept: Path, export_zip: bytes
) -> None:
    # given a measured export
    ada = browser_client(org.ada)
    _upload(ada, export_zip)
    m = Measurement.objects.get()
    measure_export_task.call(m.pk)
    # when: the mapping is shown, "random" sent to the existing workspace Launch
    page = ada.get(f"/org/measure/{m.pk}/load").content.decode()
    assert "a new public workspace “general”" in page
    page = ada.post(f"/org/measure/{m.pk}/load", {"to-C2": "Launch", "check": "1"})
    assert "into the existing workspace “Launch”" in page.content.decode()
    assert Workspace.objects.filter(name="general").count() == 0  # nothing loaded yet
    r = ada.post(f"/org/measure/{m.pk}/load", {"to-C2": "Launch", "confirm": "1"})
    # then: queued, and loaded by the worker
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.load_status == "queued"
    load_export_task.call(m.pk)
    m.refresh_from_db()
    assert m.load_status == "done", m.load_result
    general = Workspace.objects.get(name="general")
    assert general.purpose == "Company-wide news and questions" and not general.purpose_pending
    assert org.launch.posts.count() > 0 if hasattr(org.launch, "posts") else True
    assert "workspaces" in m.load_result
    page = ada.get(f"/org/measure/{m.pk}").content.decode()
    assert "Loaded into LumoFlow" in page
    # loading again adds nothing new; the mapping page says so
    page = ada.get(f"/org/measure/{m.pk}/load").content.decode()
    assert "already imported" in page


def _zip_folder(folder: Path, out: Path) -> bytes:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(folder.rglob("*.json")):
            z.write(f, f.relative_to(folder).as_posix())
    return out.read_bytes()


def test_the_real_slack_sample_export_is_measured_with_the_privacy_guard(
    org: Any, browser_client: Any, kept: Path, tmp_path: Path, settings: Any
) -> None:
    """Reads ../shared/datasets/slack-export-sample (skipped when absent, mandatory with CI=true):
    4 people, 2 channels (its SOURCE.md), so the default guard of 5 withholds every figure."""
    from .conftest import dataset

    # given the sample export as Slack gives it, a zip
    data = _zip_folder(dataset("slack-export-sample"), tmp_path / "sample.zip")
    ada = browser_client(org.ada)
    # when it is uploaded and measured
    _upload(ada, data, "sample.zip")
    m = Measurement.objects.get()
    measure_export_task.call(m.pk)
    # then: its counts as SOURCE.md gives them, and nothing shown about 4 people
    m.refresh_from_db()
    assert m.status == "done" and m.source == "slack", m.error
    log = read_export("slack", dataset("slack-export-sample"))
    humans = [p for p in log.people.to_pylist() if not p["is_bot"]]
    assert len(humans) == 4 and m.summary["people"] == log.people.num_rows  # bots listed too
    assert m.summary["workspaces"] == 2
    assert {c["name"] for c in m.summary["channels"]} == {"enrique", "traveling-sailor"}
    assert m.data["privacy"]["selection"]["suppressed"] is True
    page = ada.get(f"/org/measure/{m.pk}").content.decode()
    assert "Not measured" in page and "People contributing each week" not in page
    # and with a threshold of 3 the same export is measured in full
    settings.LUMOFLOW_MIN_GROUP_SIZE = 3
    measure_export_task.call(m.pk)
    m.refresh_from_db()
    assert m.data["privacy"]["min_group_size"] == 3 and m.data["fading"]["verdict"]
    assert m.data["input"]["events_by_verb"]["post"] > 0
    page = ada.get(f"/org/measure/{m.pk}").content.decode()
    assert "Is it fading?" in page and "enrique" in page
