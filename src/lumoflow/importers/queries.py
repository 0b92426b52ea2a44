"""Reads of "Measure an export": administrators only (PermissionDenied, 403, for anyone else,
as the organisation's metrics; NotFound for a measurement that does not exist)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from lumoflow.core.errors import NotFound, PermissionDenied
from lumoflow.core.queries import known_origins
from lumoflow.people.models import Viewer
from lumoflow.people.queries import is_administrator
from lumoflow.workspaces.models import Workspace

from .models import Measurement


def require_administrator(viewer: Viewer) -> None:
    """PermissionDenied unless the viewer is an active administrator."""
    if not is_administrator(viewer):
        raise PermissionDenied("Only administrators can measure an export.")


def list_measurements_for(viewer: Viewer) -> QuerySet[Measurement]:
    """Every kept measurement, newest first (administrators only)."""
    require_administrator(viewer)
    return Measurement.objects.select_related("created_by").order_by("-created_at", "-id")


def get_measurement_for(viewer: Viewer, measurement_id: Any) -> Measurement:
    """One measurement (administrators only); NotFound when there is none by that id."""
    require_administrator(viewer)
    try:
        return Measurement.objects.select_related("created_by").get(pk=int(measurement_id))
    except (Measurement.DoesNotExist, TypeError, ValueError):
        raise NotFound("No such measurement.") from None


def get_measurement(measurement_id: int) -> Measurement | None:
    """The background tasks' read: the measurement, or None when it was deleted meanwhile."""
    return Measurement.objects.filter(pk=measurement_id).first()


@dataclass(frozen=True)
class MappingRow:
    """One channel or group of an export and the workspace its history would go to."""

    channel: str  # its id in the export
    name: str
    private: bool
    posts: int
    target: str  # what the administrator typed: a workspace's id or name, or "" (a new one)
    existing: str  # the name of the existing workspace it goes to, or ""
    already: bool  # imported before: its new history joins that workspace

    @property
    def outcome(self) -> str:
        if self.already:
            return f"already imported: new messages join “{self.existing}”"
        if self.existing:
            return f"into the existing workspace “{self.existing}”"
        kind = "private" if self.private else "public"
        return f"a new {kind} workspace “{self.target or self.name}”"


def mapping_for(viewer: Viewer, m: Measurement, chosen: dict[str, str]) -> list[MappingRow]:
    """Where each channel or group of the export would be loaded, given the targets
    ``chosen`` (channel id -> workspace id or name; missing or "" for a new workspace named
    after the channel). Administrators only."""
    require_administrator(viewer)
    channels = (m.summary or {}).get("channels") or []
    known = known_origins(m.source, "workspace", [str(c["id"]) for c in channels])
    names = dict(
        Workspace.objects.filter(pk__in=list(known.values()) + _ids(chosen)).values_list(
            "pk", "name"
        )
    )
    by_name = dict(
        Workspace.objects.filter(name__in=[t for t in chosen.values() if t]).values_list(
            "name", "pk"
        )
    )
    rows = []
    for c in channels:
        cid = str(c["id"])
        target = (chosen.get(cid) or "").strip()
        existing = ""
        if cid in known:
            existing = names.get(known[cid], "")
        elif target.isdigit() and int(target) in names:
            existing = names[int(target)]
        elif target in by_name:
            existing = target
        rows.append(
            MappingRow(
                channel=cid,
                name=str(c.get("name") or cid),
                private=bool(c.get("private")),
                posts=int(c.get("posts") or 0),
                target=target,
                existing=existing,
                already=cid in known,
            )
        )
    return rows


def _ids(chosen: dict[str, str]) -> list[int]:
    return [int(t) for t in chosen.values() if t and t.strip().isdigit()]
