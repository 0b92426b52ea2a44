"""Pages of "Measure an export" (`/org/measure`): administrators upload an export, follow its
measurement by the background worker, read its report in the product's look, load its history
into the platform after confirming where each channel goes, and delete it. Everyone else gets
403 (as the organisation's metrics); an unknown measurement is 404.

The upload is streamed to disk by `uploads.ExportUploadHandler`, installed before the body is
read: the view is exempt from the CSRF middleware (which would read the body first) and checks
the token itself with `csrf_protect` once the handler is in place.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from lumoflow.analytics.html import render_html
from lumoflow.core import limits
from lumoflow.core.forms import run_action
from lumoflow.core.middleware import too_large
from lumoflow.people.auth import SignedInRequest

from . import SOURCES, actions, queries, report, uploads
from .forms import MeasureForm
from .models import Measurement


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def _list(request: HttpRequest, form: MeasureForm, status: int = 200) -> HttpResponse:
    items = list(queries.list_measurements_for(request.user))
    return render(
        request,
        "importers/measure.html",
        {
            "form": form,
            "items": items,
            "refresh": any(m.active for m in items),
            "max_size": _size(limits.export_upload_bytes()),
            "sources": SOURCES.values(),
        },
        status=status,
    )


@csrf_exempt
@login_required
def measure(request: SignedInRequest) -> HttpResponse:
    """The list of measurements and the upload form; POST uploads an export."""
    queries.require_administrator(request.user)
    if request.method != "POST":
        return _list(request, MeasureForm())
    handler = uploads.ExportUploadHandler(request)
    request.upload_handlers = [handler]
    kept: list[Measurement] = []
    try:
        return _upload(request, handler, kept)
    finally:
        if not kept and handler.received is not None:
            handler.received.discard()  # refused: nothing of it is kept


@csrf_protect
def _upload(
    request: SignedInRequest, handler: uploads.ExportUploadHandler, kept: list[Measurement]
) -> HttpResponse:
    form = MeasureForm(request.POST, request.FILES)
    if handler.too_large is not None:
        return too_large(request, str(handler.too_large))
    if form.is_valid():
        received = uploads.kept(form.cleaned_data[uploads.FIELD])
        if received is None:
            form.add_error(uploads.FIELD, "Send the export as a file.")
        else:
            source = form.cleaned_data["source"] or None
            m = run_action(
                form, lambda: actions.create_measurement(request.user, received, source=source)
            )
            if m is not None:
                kept.append(m)
                return redirect("org_measurement", measurement_id=m.pk)
    return _list(request, form, status=400)


@login_required
def measurement(request: HttpRequest, measurement_id: int) -> HttpResponse:
    """One measurement: its progress while the worker measures it (the page reloads itself),
    why it failed, or its report."""
    m = queries.get_measurement_for(request.user, measurement_id)
    ctx: dict[str, Any] = {"m": m, "size": _size(m.size), "source": SOURCES[m.source].help}
    if m.status == Measurement.Status.DONE and m.data is not None:
        ctx["r"] = report.build(m.data)
        summary = m.summary or {}
        ctx["summary"] = summary
        ctx["counts"] = [
            (label, f"{int(summary.get(key) or 0):,}")
            for label, key in (
                ("Events", "events"),
                ("People", "people"),
                ("Channels and groups", "workspaces"),
            )
        ]
    return render(request, "importers/measurement.html", ctx)


@login_required
def full_report(request: HttpRequest, measurement_id: int) -> HttpResponse:
    """The report of `lumoflow analyze --format html` on the same data, as a file."""
    m = queries.get_measurement_for(request.user, measurement_id)
    if m.data is None:
        return redirect("org_measurement", measurement_id=m.pk)
    response = HttpResponse(render_html(m.data, source=m.name), content_type="text/html")
    name = uploads.safe_name(m.name).rsplit(".", 1)[0] or "export"
    response["Content-Disposition"] = f'attachment; filename="{name}-report.html"'
    return response


@require_POST
@login_required
def delete(request: SignedInRequest, measurement_id: int) -> HttpResponse:
    """Delete a measurement, its report and its file."""
    actions.delete_measurement(request.user, measurement_id)
    messages.success(request, "Deleted: the export and its report are gone.")
    return redirect("org_measure")


@login_required
def load(request: SignedInRequest, measurement_id: int) -> HttpResponse:
    """Where each channel or group would go, for confirmation; POST (with `confirm`) queues
    the load with the targets typed, POST without it shows the mapping again with them."""
    m = queries.get_measurement_for(request.user, measurement_id)
    if m.status != Measurement.Status.DONE:
        return redirect("org_measurement", measurement_id=m.pk)
    chosen: dict[str, str] = {
        k.removeprefix("to-"): str(v) for k, v in request.POST.items() if k.startswith("to-")
    }
    if request.method == "POST" and "confirm" in request.POST:
        done: HttpResponse | None = _queue_load(request, m, chosen)
        if done is not None:
            return done
    rows = queries.mapping_for(request.user, m, chosen)
    return render(request, "importers/load.html", {"m": m, "rows": rows})


def _queue_load(
    request: SignedInRequest, m: Measurement, chosen: dict[str, str]
) -> HttpResponse | None:
    from lumoflow.core.errors import Conflict

    try:
        actions.request_load(request.user, m.pk, chosen)
    except Conflict as exc:
        messages.error(request, exc.detail)
        return None
    messages.success(request, "Loading: the history goes into the platform in the background.")
    return redirect("org_measurement", measurement_id=m.pk)
