"""Shared helpers for the analytics tests: tiny hand-built logs and the real data sets.

The real data sets live in the ``shared`` folder beside the repository
(``<repo>/../shared/datasets``); tests that need them skip when it is absent, unless CI=true.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lumoflow.analytics.frame import Frame, Options, Period, make_frame
from lumoflow.analytics.log import InteractionLog, make_log

REPO = Path(__file__).resolve().parents[2]
DATASETS = (REPO / ".." / "shared" / "datasets").resolve()
DATA = Path(__file__).resolve().parent / "data"


def dataset(*parts: str) -> Path:
    """Path inside ../shared/datasets; skip (or fail with CI=true) when it is missing."""
    path = DATASETS.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"data set missing: {path} (mandatory with CI=true)")
        pytest.skip(f"data set not available: {path}")
    return path


def rows(*specs: tuple[Any, ...], **common: Any) -> list[dict[str, Any]]:
    """Event rows from ``(ts, actor, verb, extra-dict?)`` tuples; ids are their positions."""
    out = []
    for i, spec in enumerate(specs):
        ts, actor, verb, *rest = spec
        row = {"event_id": f"e{i}", "ts": ts, "actor": actor, "verb": verb, **common}
        if rest:
            row.update(rest[0])
        out.append(row)
    return out


def frame_of(
    events: list[dict[str, Any]],
    *,
    people: list[dict[str, Any]] | None = None,
    workspaces: list[dict[str, Any]] | None = None,
    period: Period | None = None,
    workspace: str | None = None,
    **options: Any,
) -> Frame:
    """A frame over a tiny log; the privacy threshold is 1 unless given."""
    options.setdefault("min_group_size", 1)
    log = make_log(events, people, workspaces)
    return make_frame(log, period, workspace=workspace, options=Options(**options))


def log_of(events: list[dict[str, Any]], **tables: Any) -> InteractionLog:
    return make_log(events, tables.get("people"), tables.get("workspaces"))


@pytest.fixture
def no_temp_left(tmp_path: Path) -> Iterator[Path]:
    """A folder that must hold nothing but what the test itself put there."""
    yield tmp_path
