"""Importers: the export of another tool -> the canonical interaction log (format 1).

Each source is one module holding ``read(path, *, progress=None) -> InteractionLog`` and
``detect(path) -> bool``; :data:`SOURCES` names them. The parsers are pure (no Django), so the
pure ``lumoflow analyze`` reads exports directly; loading a log into the platform
(``--into-platform``) lives in :mod:`lumoflow.importers.load`, the only module here that touches
the database.

Bad input raises :class:`~lumoflow.importers.common.ExportError` (a ``LogError``: file, line and
what is wrong; exit 2 in the CLI). A few unusable records are skipped instead and listed in the
log's ``meta["skipped"]`` (see :class:`~lumoflow.importers.common.Problems`).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lumoflow.analytics.log import InteractionLog, LogError


@dataclass(frozen=True)
class Source:
    """One export format: the module that reads it, named lazily so that listing the sources
    imports no parser.

    ``module`` holds ``read(path, *, progress=None) -> InteractionLog`` and
    ``detect(path) -> bool`` (under the names ``read_name`` and ``detect_name``).
    """

    name: str
    module: str
    help: str
    read_name: str = "read"
    detect_name: str = "detect"

    def _get(self, attr: str) -> Callable[..., Any]:
        return getattr(importlib.import_module(self.module), attr)  # type: ignore[no-any-return]

    def read(self, path: str | os.PathLike[str], *, progress: Any = None) -> InteractionLog:
        return self._get(self.read_name)(Path(path), progress=progress)  # type: ignore[no-any-return]

    def detect(self, path: str | os.PathLike[str]) -> bool:
        return bool(self._get(self.detect_name)(Path(path)))


def _source(name: str, module: str, help: str, **kw: str) -> tuple[str, Source]:
    return name, Source(name, f"{__name__}.{module}", help, **kw)


#: Every export format. Auto-detection tries the generic ones (``csv``, ``edges``) last: any
#: text passes as an edge list.
SOURCES: dict[str, Source] = dict(
    [
        _source("slack", "slack", "Slack workspace export (zip or folder)"),
        _source("mattermost", "mattermost", "Mattermost bulk export (.jsonl, zip or folder)"),
        _source("yammer", "yammer", "Viva Engage / Yammer network data export (zip or folder)"),
        _source("mbox", "mbox", "mbox file, folder of mbox files, or pipermail archive"),
        _source("maildir", "maildir", "maildir folder (with its Maildir++ folders)"),
        _source(
            "csv",
            "tables",
            "events CSV whose header names canonical event columns",
            read_name="read_csv",
            detect_name="detect_csv",
        ),
        _source(
            "edges",
            "tables",
            "edge list: 'src dst [ts]' per line",
            read_name="read_edges",
            detect_name="detect_edges",
        ),
    ]
)


def detect_source(path: str | os.PathLike[str]) -> str:
    """The name of the first source whose ``detect`` accepts ``path``; ``LogError`` if none."""
    p = Path(path)
    if not p.exists():
        raise LogError("no such file or folder", file=str(p))
    generic = ("csv", "edges")
    for name in [s for s in SOURCES if s not in generic] + list(generic):
        if SOURCES[name].detect(p):
            return name
    raise LogError(
        f"not an export LumoFlow reads (name one with --input-format: {', '.join(SOURCES)})",
        file=str(p),
    )


def read_export(
    source: str, path: str | os.PathLike[str], *, progress: Any = None
) -> InteractionLog:
    """Read ``path`` as the export format ``source`` (a key of :data:`SOURCES`)."""
    if source not in SOURCES:
        raise LogError(f"unknown source {source!r} (one of {', '.join(SOURCES)})")
    p = Path(path)
    if not p.exists():
        raise LogError("no such file or folder", file=str(p))
    return SOURCES[source].read(p, progress=progress)


__all__ = ["SOURCES", "Source", "detect_source", "read_export"]
