"""The sources ``edges`` (``src dst [ts]`` lines) and ``csv`` (an events CSV), read by the
analytics' own readers (:mod:`lumoflow.analytics.readers`), which stay as they are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lumoflow.analytics.log import InteractionLog
from lumoflow.analytics.readers import detect_format, load_input

from .common import tick


def detect_csv(path: Path) -> bool:
    return path.is_file() and detect_format(path) == "events-csv"


def detect_edges(path: Path) -> bool:
    return path.is_file() and detect_format(path) == "edges"


def _read(path: Path, fmt: str, progress: Any) -> InteractionLog:
    log, _ = load_input(path, input_format=fmt)
    tick(progress, messages=log.events.num_rows, files=1)
    return log


def read_csv(path: Path, *, progress: Any = None) -> InteractionLog:
    return _read(path, "events-csv", progress)


def read_edges(path: Path, *, progress: Any = None) -> InteractionLog:
    return _read(path, "edges", progress)
