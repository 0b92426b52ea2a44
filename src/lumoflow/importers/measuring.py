"""The work of the background tasks of "Measure an export": read the kept export, measure it
with the engine exactly as `lumoflow analyze` does (the privacy guard on, individuals off), and
store the guarded report; or load it into the platform as `--into-platform` does.

Progress is written at most once a second: while the export is read, how many messages and
files so far (no total is known before the end); then the engine's families, one step each.
A failure stores its reason and nothing of the report.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings

from lumoflow.analytics.frame import Options
from lumoflow.analytics.log import InteractionLog, LogError
from lumoflow.analytics.report import FAMILIES, analyze, report_data

from . import actions, read_export, uploads
from .common import skipped_lines

logger = logging.getLogger(__name__)

FAMILY_WORDS = {
    "participation": "who takes part",
    "responsiveness": "how fast questions are answered",
    "fading": "whether it is fading",
    "network": "how the network connects",
    "relevance": "whether the talk is on topic",
    "value": "what it is worth",
}
#: The share of the bar reading the export stands for; the engine's families share the rest.
READ_SHARE = 10


class TaskProgress:
    """The parsers' progress (``message``, ``file``) and the engine's (one call per family),
    written to the measurement at most once a second."""

    def __init__(self, measurement_id: int, *, every: float = 1.0) -> None:
        self.id = measurement_id
        self.every = every
        self.messages = 0
        self.files = 0
        self.steps = 0
        self.last = 0.0

    def message(self, n: int = 1) -> None:
        self.messages += n
        self._reading()

    def file(self, n: int = 1) -> None:
        self.files += n
        self._reading()

    def _reading(self) -> None:
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            stage = f"Reading the export: {self.messages:,} messages from {self.files:,} files"
            actions.set_progress(self.id, None, stage)

    def family(self, name: str) -> None:
        self.steps += 1
        done = READ_SHARE + (100 - READ_SHARE) * (self.steps - 1) // len(FAMILIES)
        actions.set_progress(self.id, done, f"Measuring {FAMILY_WORDS.get(name, name)}")


def summarise(log: InteractionLog) -> dict[str, Any]:
    """What the export holds: counts, the skipped records, and each channel or group with its
    posts and replies (the mapping to workspaces is confirmed on them)."""
    ev = log.events
    talk = ev.filter(
        pc.and_(pc.is_in(ev["verb"], pa.array(["post", "reply"])), pc.invert(ev["is_bot"]))
    )
    counts = {
        str(r["values"]): int(r["counts"]) for r in pc.value_counts(talk["workspace"]).to_pylist()
    }
    private = set(log.meta.get("private_workspaces") or [])
    names = {str(r["workspace"]): r for r in log.workspaces.to_pylist()}
    used = sorted(set(counts) | set(names))
    channels = [
        {
            "id": w or "imported",
            "name": str((names.get(w) or {}).get("name") or w or "imported"),
            "private": w in private,
            "posts": counts.get(w, 0),
        }
        for w in used
        if counts.get(w, 0)
    ]
    return {
        "events": ev.num_rows,
        "people": log.people.num_rows,
        "workspaces": log.workspaces.num_rows,
        "skipped": skipped_lines(dict(log.meta)),
        "channels": channels,
    }


def _reason(exc: BaseException, path: Path | None, name: str) -> str:
    """The error for people: the file as they named it, not where it is kept."""
    text = str(exc)
    if path is not None:
        text = text.replace(str(path.parent) + os.sep, "").replace(str(path), name)
    return text


def run_measurement(measurement_id: int) -> None:
    """Measure a kept export and store its report (or why it failed)."""
    m = actions.start_measurement(measurement_id)
    if m is None:
        return
    path: Path | None = None
    progress = TaskProgress(measurement_id)
    try:
        path = uploads.export_path(m.folder)
        log = read_export(m.source, path, progress=progress)
        if not log.events.num_rows:
            raise LogError("the export holds no messages to measure")
        summary = summarise(log)
        options = Options(
            min_group_size=settings.LUMOFLOW_MIN_GROUP_SIZE,
            individuals=False,
            pseudonym_key=os.urandom(16).hex(),
        )
        report = analyze(log, options=options, fmt=m.source, progress=progress.family)
        data = report_data(report)
    except FileNotFoundError:
        actions.fail_measurement(measurement_id, "The uploaded file is gone: upload it again.")
        return
    except (LogError, OSError, ValueError) as exc:
        actions.fail_measurement(measurement_id, _reason(exc, path, m.name))
        return
    except Exception as exc:  # the engine met something it cannot measure: say so, keep nothing
        logger.exception("Measuring export %s failed", measurement_id)
        reason = _reason(exc, path, m.name)
        actions.fail_measurement(measurement_id, f"The analysis failed: {reason}")
        return
    actions.finish_measurement(measurement_id, data=data, summary=summary)


def run_load(measurement_id: int) -> None:
    """Load a measured export into the platform (one transaction: all or nothing)."""
    from .load import load_into_platform

    m = actions.start_load(measurement_id)
    if m is None:
        return
    mapping = m.load_mapping or {}
    path: Path | None = None
    try:
        path = uploads.export_path(m.folder)
        log = read_export(m.source, path)
        result = load_into_platform(
            log, workspace_map=mapping.get("workspaces") or {}, actor=mapping.get("actor")
        )
    except FileNotFoundError:
        actions.finish_load(measurement_id, result="The uploaded file is gone.", failed=True)
        return
    except (LogError, OSError, ValueError) as exc:
        actions.finish_load(measurement_id, result=_reason(exc, path, m.name), failed=True)
        return
    except Exception as exc:
        logger.exception("Loading export %s failed", measurement_id)
        reason = f"Nothing was loaded: {_reason(exc, path, m.name)}"
        actions.finish_load(measurement_id, result=reason, failed=True)
        return
    actions.finish_load(measurement_id, result=result.summary())
