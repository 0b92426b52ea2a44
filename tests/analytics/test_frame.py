"""The frame's plumbing: intermediate tables released between families, DuckDB spilling to
disk within its memory limit, Arrow memory handed back to the system."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from lumoflow.analytics import report
from lumoflow.analytics.frame import Frame, sql, take_rows
from lumoflow.analytics.log import make_log
from lumoflow.analytics.report import CACHE_NEEDS, FAMILIES, RUNNERS

from .conftest import frame_of


def _events() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for week in range(14):
        for p in range(6):
            day = f"2024-01-{1 + (week * 7 + p) % 28:02d}T09:00:00Z"
            rows.append(
                dict(event_id=f"p{week}-{p}", ts=day, actor=f"u{p}", verb="post",
                     workspace=f"w{p % 2}", object_id=f"o{week}-{p}", kind="question",
                     text="billing migration to kubernetes")
            )  # fmt: skip
            rows.append(
                dict(event_id=f"r{week}-{p}", ts=day, actor=f"u{(p + 1) % 6}", verb="reply",
                     workspace=f"w{p % 2}", object_id=f"x{week}-{p}",
                     parent_id=f"o{week}-{p}", thread_id=f"o{week}-{p}", text="lunch?")
            )  # fmt: skip
    return rows


def _frame() -> Frame:
    people = [{"actor": f"u{p}", "department": "eng" if p < 3 else "ops"} for p in range(6)]
    workspaces = [{"workspace": f"w{w}", "objectives": "Migrate billing"} for w in range(2)]
    return frame_of(_events(), people=people, workspaces=workspaces)


@pytest.mark.parametrize("family", FAMILIES)
def test_each_family_reads_exactly_the_intermediate_tables_it_declares(family: str) -> None:
    # given a fresh frame
    frame = _frame()
    # when the family runs alone
    RUNNERS[family](frame)
    # then every table it kept is one it declared, and it declared none it does not use
    assert {key.split(":", 1)[0] for key in frame.cache} == CACHE_NEEDS[family]


def test_release_keeps_only_the_kinds_asked_for() -> None:
    frame = _frame()
    frame.cache.update({"members": 1, "threads": 2, "actor_codes:1": 3, "actor_codes:2": 4})
    frame.release({"actor_codes"})
    assert frame.cache == {"actor_codes:1": 3, "actor_codes:2": 4}
    frame.release()
    assert frame.cache == {}


def test_analyze_releases_what_no_later_family_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    # given the frame analyze works on, and the kinds it holds as each family starts
    frame = _frame()
    monkeypatch.setattr(report, "make_frame", lambda *args, **kwargs: frame)
    seen: dict[str, set[str]] = {}

    def note(name: str) -> None:
        seen[name] = {key.split(":", 1)[0] for key in frame.cache}

    # when every family runs
    report.analyze(make_log(_events()), progress=note)
    # then a family starts with only what it or a later family reads, and nothing is left
    for i, name in enumerate(FAMILIES):
        assert seen[name] <= set().union(*(CACHE_NEEDS[f] for f in FAMILIES[i:])), name
    assert frame.cache == {}


def test_duckdb_spills_to_disk_instead_of_failing_under_its_memory_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a connection (one per thread) allowed 32 MB, and a join far larger than that
    monkeypatch.setenv("LUMOFLOW_ANALYTICS_MEMORY", "32MB")
    n = 3_000_000
    keys = np.random.default_rng(1).integers(0, n, n)
    left = pa.table({"k": keys, "v": np.arange(n)})
    right = pa.table({"k": np.arange(n), "w": np.arange(n) * 2})
    out: dict[str, Any] = {}

    def run() -> None:
        out["limit"] = sql("SELECT current_setting('memory_limit') AS m")["m"][0].as_py()
        out["sum"] = sql(
            "SELECT sum(v + w) AS s, count(*) AS n FROM l JOIN r USING (k)", l=left, r=right
        ).to_pylist()[0]

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    # then the query completes with the exact answer
    assert out["limit"].replace(" ", "").lower().startswith(("32.0mb", "30.5mib", "32mb"))
    assert out["sum"] == {"s": int(np.arange(n).sum() + (keys * 2).sum()), "n": n}


def test_the_command_takes_arrow_memory_from_a_pool_that_returns_it(tmp_path: Path) -> None:
    code = (
        "import pyarrow as pa; from lumoflow.analytics.frame import return_freed_memory;"
        "return_freed_memory(); print(pa.default_memory_pool().backend_name)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() in {"jemalloc", "mimalloc", "system"}
    if hasattr(pa, "jemalloc_memory_pool"):
        try:
            pa.jemalloc_memory_pool()
        except NotImplementedError:
            return
        assert done.stdout.strip() == "jemalloc"


def test_rows_are_taken_chunk_by_chunk_in_order() -> None:
    column = pa.chunked_array([["a", "b", "c"], [], ["d"], ["e", "f"]])
    rows = np.array([0, 2, 3, 5])
    assert take_rows(column, rows).to_pylist() == ["a", "c", "d", "f"]
    assert take_rows(column, np.array([], dtype=np.int64)).to_pylist() == []
