"""`lumoflow analyze` over exports too: the analytics CLI with a loader that converts an export
(Slack, Mattermost, Yammer, ...) to the canonical log first.

The analytics may not import the importers (pure layer below), so the command is routed here
(``PURE["analyze"]`` in :mod:`lumoflow.cli`); no Django is imported on this path.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from lumoflow.analytics import cli as analytics_cli
from lumoflow.analytics.log import InteractionLog, LogError
from lumoflow.analytics.readers import (
    DEFAULT_EPOCH,
    INPUT_FORMATS,
    detect_format,
    load_input,
    read_people,
)

from . import SOURCES, detect_source, read_export
from .common import with_people

#: Sources the analytics' own reader handles (so their report names the format as before).
_NATIVE = {"edges": "edges", "csv": "events-csv"}


def _is_log(path: Path) -> bool:
    from .common import zip_names

    if path.is_dir():
        return (path / "log.json").is_file()
    return detect_format(path) == "log" and any(
        n.rsplit("/", 1)[-1] == "log.json" for n in zip_names(path)
    )


def load_any(
    path: str | os.PathLike[str],
    *,
    input_format: str | None = None,
    people: str | os.PathLike[str] | None = None,
    epoch: dt.datetime = DEFAULT_EPOCH,
    now: dt.datetime | None = None,
) -> tuple[InteractionLog, str]:
    """Read a canonical log, an edge list, an events CSV or any export of :data:`SOURCES`."""
    p = Path(path)
    if not p.exists():
        raise LogError("no such file or folder", file=str(p))
    fmt = input_format
    if fmt is None:
        fmt = "log" if _is_log(p) else detect_source(p)
    fmt = _NATIVE.get(fmt, fmt)
    if fmt in INPUT_FORMATS:
        return load_input(p, input_format=fmt, people=people, epoch=epoch, now=now)
    log = read_export(fmt, p)
    if people is not None:
        log = with_people(log, read_people(people))
    return log, fmt


def main(argv: list[str]) -> int:
    """``lumoflow analyze ARGS``: the analytics CLI, with exports accepted as input."""
    formats = list(INPUT_FORMATS) + [s for s in SOURCES if s not in _NATIVE]
    return analytics_cli.main(argv, input_formats=formats, loader=load_any)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
