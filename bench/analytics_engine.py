"""Measurement engine on a synthetic log: `lumoflow.analytics` against pandas + networkx.

The log (10,000,000 events, 10,000 people, 200 workspaces, two years, about 2,000,000 posts and
replies with ~40 words of text; all sizes times LUMOFLOW_BENCH_SCALE) is generated once, with
numpy, into var/bench/analytics-log-<scale>/ as a canonical log (parquet), in a child process
so that this process stays small (a child's peak starts from its parent's). Each measurement runs
in a fresh child process so that its wall time and peak memory (the child's own ru_maxrss, from
wait4) are its own:

* the whole ``lumoflow analyze LOG --format json`` command as a user runs it (every family,
  relevance included): target <= 60 s and <= 4 GB;
* its parts: every family except relevance (read + participation, responsiveness, fading,
  network summary, value) and relevance alone (read + score every post);
* reading the log alone, the same-run baseline the figures above are ratios of;
* the pandas + networkx reference (bench/reference_analytics.py) of participation,
  responsiveness and the network summary without diameter and betweenness: the ratio of its time
  to the engine's time for the same three families, target >= 10x.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
START = np.datetime64("2023-01-02T00:00:00", "us")
SPAN_US = 730 * 86400 * 1_000_000
WORDS_PER_POST = 40
REFERENCE_CAP_S = 900.0


def scale() -> float:
    raw = os.environ.get("LUMOFLOW_BENCH_SCALE", "1.0")
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise SystemExit(f"LUMOFLOW_BENCH_SCALE={raw!r} must be a number above 0 (e.g. 0.05).")
    return value


def sizes() -> dict[str, int]:
    s = scale()
    return {
        "events": max(2000, round(10_000_000 * s)),
        "people": max(60, round(10_000 * s)),
        "workspaces": max(3, round(200 * s)),
    }


def log_dir() -> Path:
    base = Path(os.environ.get("LUMOFLOW_DATA_DIR", ROOT / "var")) / "bench"
    return base / f"analytics-log-{scale():g}"


# ------------------------------------------------------------------------------ generation
_VERBS = np.array(
    [
        "post",
        "reply",
        "reaction",
        "view",
        "message",
        "mention",
        "join",
        "accept_answer",
        "knowledge_saved",
        "wiki_edit",
        "decision",
        "check_in",
    ]
)
_SHARE = np.array([0.08, 0.12, 0.20, 0.42, 0.08, 0.04, 0.01, 0.01, 0.01, 0.015, 0.0025, 0.0025])


def _vocabulary(rng: np.random.Generator, n: int) -> np.ndarray:
    syll = np.array(
        [
            "ka",
            "lo",
            "mi",
            "ter",
            "san",
            "dro",
            "vel",
            "pu",
            "ne",
            "rix",
            "to",
            "ba",
            "shi",
            "gon",
            "fa",
            "lu",
            "zer",
            "mo",
            "qui",
            "den",
        ]
    )
    parts = rng.integers(0, syll.size, size=(n * 2, 3))
    words = np.unique(
        np.char.add(np.char.add(syll[parts[:, 0]], syll[parts[:, 1]]), syll[parts[:, 2]])
    )
    return rng.permutation(words)[:n]


def _join_words(words: np.ndarray, ids: np.ndarray) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    n, k = ids.shape
    flat = pa.array(words).take(pa.array(ids.ravel()))
    lists = pa.ListArray.from_arrays(pa.array(np.arange(0, n * k + 1, k, dtype=np.int32)), flat)
    return pc.binary_join(lists, " ")


def _strings(prefix: str, values: np.ndarray) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.binary_join_element_wise(prefix, pc.cast(pa.array(values), pa.string()), "")


def generate(path: Path, *, seed: int = 7) -> dict[str, Any]:
    """Write the synthetic canonical log to ``path`` (vectorised; no loop per event)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from lumoflow.analytics.log import InteractionLog, write_log

    sz = sizes()
    n, n_people, n_ws = sz["events"], sz["people"], sz["workspaces"]
    rng = np.random.default_rng(seed)
    home = rng.integers(0, n_ws, size=n_people)
    # people act with heavy-tailed intensity; 80% of events happen in the home workspace
    weight = rng.pareto(1.5, size=n_people) + 0.2
    actor = rng.choice(n_people, size=n, p=weight / weight.sum())
    ws = np.where(rng.random(n) < 0.8, home[actor], rng.integers(0, n_ws, size=n))
    verb = rng.choice(_VERBS.size, size=n, p=_SHARE / _SHARE.sum())
    # some workspaces fade, some grow: time drawn as u ** k per workspace
    k = rng.uniform(0.6, 1.6, size=n_ws)
    ts = (rng.random(n) ** k[ws] * SPAN_US).astype(np.int64)
    idx = np.arange(n)
    is_post = _VERBS[verb] == "post"
    post_idx = idx[is_post]
    # replies and reactions point to a post (or reply) in the same workspace
    order = np.lexsort((ts[post_idx], ws[post_idx]))
    post_sorted = post_idx[order]
    bounds = np.searchsorted(ws[post_sorted], np.arange(n_ws + 1))
    responding = np.isin(
        _VERBS[verb], ["reply", "reaction", "accept_answer", "knowledge_saved", "view"]
    )
    resp_idx = idx[responding]
    lo, hi = bounds[ws[resp_idx]], bounds[ws[resp_idx] + 1]
    ok = hi > lo
    pick = lo + (rng.random(resp_idx.size) * np.maximum(hi - lo, 1)).astype(np.int64)
    parent = np.full(n, -1, dtype=np.int64)
    parent[resp_idx[ok]] = post_sorted[np.minimum(pick[ok], post_sorted.size - 1)]
    # a view is of a post: its object is the post, it has no parent and addresses no one
    is_view = _VERBS[verb] == "view"
    viewed = np.where(is_view & (parent >= 0), parent, idx)
    parent[is_view] = -1
    has_parent = parent >= 0
    # a response comes after its post: exponential delay with a 6-hour mean
    delay = (rng.exponential(6 * 3600, size=n) * 1_000_000).astype(np.int64)
    ts = np.where(has_parent, np.minimum(ts[np.maximum(parent, 0)] + delay, SPAN_US - 1), ts)
    target = np.full(n, -1, dtype=np.int64)
    target[has_parent] = actor[parent[has_parent]]
    direct = np.isin(_VERBS[verb], ["message", "mention"])
    same_ws_people = rng.integers(0, n_people, size=n)
    target[direct] = same_ws_people[direct]
    # 2,000,000 posts and replies carry text: topical words mixed with general ones
    vocab = _vocabulary(rng, 4000)
    topical = vocab[: n_ws * 20].reshape(n_ws, 20) if vocab.size >= n_ws * 20 + 500 else None
    general = vocab[n_ws * 20 :] if topical is not None else vocab
    texted = idx[np.isin(_VERBS[verb], ["post", "reply"])]
    on_share = np.clip(0.45 - 0.25 * (ts[texted] / SPAN_US) * (k[ws[texted]] > 1.2), 0.05, 0.9)
    ids = rng.integers(0, general.size, size=(texted.size, WORDS_PER_POST))
    text_words = general
    if topical is not None:
        topic_ids = rng.integers(0, 20, size=(texted.size, WORDS_PER_POST))
        on = rng.random((texted.size, WORDS_PER_POST)) < on_share[:, None]
        text_words = np.concatenate([general, topical.ravel()])
        ids = np.where(on, general.size + ws[texted][:, None] * 20 + topic_ids, ids)
    # rows without text are empty strings: build the column from the joined texts' buffers
    joined = _join_words(text_words, ids)
    lengths = np.zeros(n, dtype=np.int64)
    lengths[texted] = pc.binary_length(joined).to_numpy()
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    data = joined.buffers()[2]
    text = pa.StringArray.from_buffers(n, pa.py_buffer(offsets), data)
    kinds = np.array(["", "question", "update", "idea", "announcement"])
    kind = np.where(is_post, rng.choice(kinds.size, size=n, p=[0, 0.3, 0.5, 0.15, 0.05]), 0)
    ev_ids = _strings("e", idx)
    obj = _strings("e", viewed)
    par = pc.if_else(pa.array(has_parent), _strings("e", np.maximum(parent, 0)), "")
    tgt = pc.if_else(pa.array(target >= 0), _strings("u", np.maximum(target, 0)), "")
    events = pa.table(
        {
            "event_id": ev_ids,
            "ts": pa.array(START.astype(np.int64) + ts, pa.int64()).cast(pa.timestamp("us", "UTC")),
            "actor": _strings("u", actor),
            "verb": pa.array(_VERBS[verb]),
            "workspace": _strings("w", ws),
            "object_id": obj,
            "parent_id": par,
            "thread_id": par,
            "target_actor": tgt,
            "kind": pa.array(kinds[kind]),
            "text": text,
            "is_bot": pa.array(np.zeros(n, dtype=bool)),
        }
    )
    events = events.take(pa.array(np.argsort(ts, kind="stable")))
    depts = np.array(["eng", "sales", "ops", "finance", "hr", "legal", "support", "product"])
    people = pa.table(
        {
            "actor": _strings("u", np.arange(n_people)),
            "department": pa.array(depts[home % depts.size]),
            "is_bot": pa.array(np.zeros(n_people, dtype=bool)),
        }
    )
    objectives = (
        pc.binary_join(pa.array([list(r) for r in topical]), " ")
        if topical is not None
        else pa.array(["general"] * n_ws)
    )
    workspaces = pa.table({"workspace": _strings("w", np.arange(n_ws)), "objectives": objectives})
    from lumoflow.analytics.log import normalise_table

    log = InteractionLog(
        normalise_table(events, "events"),
        normalise_table(people, "people"),
        normalise_table(workspaces, "workspaces"),
        {"format": 1, "source": "bench-synthetic", "notes": [json.dumps(sz)]},
    )
    write_log(log, path)
    return {"events": n, "texted": int(texted.size), **sz}


def ensure_log() -> Path:
    """The benchmark's log, generated first when absent, in a child process of its own.

    Not in this process: a child's peak memory (``ru_maxrss``) starts from the high-water mark
    of the process it was forked from, so generating here (gigabytes at full size) would show
    as every later child's peak.
    """
    path = log_dir()
    if not (path / "log.json").exists():
        started = time.perf_counter()
        code = f"from bench.analytics_engine import generate; print(generate({str(path)!r}))"
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
        )
        info = done.stdout.strip().splitlines()[-1]
        print(f"   generated {info} in {time.perf_counter() - started:.0f} s", flush=True)
    return path


# ------------------------------------------------------------------------------ measuring
def _child(kind: str, path: str) -> None:
    """Run one part in this (child) process, as the command does (same memory set-up)."""
    if kind.startswith("reference"):
        from bench.reference_analytics import run_reference

        run_reference(path)
        return
    from lumoflow.analytics.frame import Options, return_freed_memory
    from lumoflow.analytics.log import read_log
    from lumoflow.analytics.report import analyze

    return_freed_memory()
    families = {
        "read": (),
        "engine": ("participation", "responsiveness", "fading", "network", "value"),
        "engine3": ("participation", "responsiveness", "network"),
        "relevance": ("relevance",),
    }[kind]
    log = read_log(path)
    if families:
        analyze(log, options=Options(), families=families)


def _command(kind: str, path: Path) -> list[str]:
    if kind == "whole":  # the whole command as a user runs it: every family, relevance included
        exe = Path(sys.executable).parent / "lumoflow"
        return [str(exe), "analyze", str(path), "--format", "json", "--out", os.devnull]
    code = f"from bench.analytics_engine import _child; _child({kind!r}, {str(path)!r})"
    return [sys.executable, "-c", code]


def measure(kind: str, path: Path, *, timeout: float) -> dict[str, float] | None:
    """Wall seconds and peak memory (MB) of one part, run in a child process of its own.

    The peak is the child's own ``ru_maxrss`` (from ``wait4`` on that child alone), not the
    parent's nor that of earlier children.
    """
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a chatty child never blocks
        started = time.perf_counter()
        child = subprocess.Popen(
            _command(kind, path),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env={**os.environ, "OMP_NUM_THREADS": "2"},
        )
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > started + timeout:
                child.kill()
                os.wait4(child.pid, 0)
                child.returncode = -9
                return None
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        err = errors.read().decode(errors="replace")
    if child.returncode != 0:
        raise RuntimeError(f"{kind} failed: {err.strip().splitlines()[-1:]}")
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024}


def _figure(
    name: str,
    value: float,
    unit: str,
    *,
    baseline: float | None = None,
    ratio: float | None = None,
    target: float | None = None,
    met: bool | None = None,
) -> dict[str, Any]:
    return {
        "name": name,
        "value": round(value, 3),
        "unit": unit,
        "baseline": None if baseline is None else round(baseline, 3),
        "ratio": None if ratio is None else round(ratio, 2),
        "target": target,
        "met": met,
    }


def _part(name: str, got: dict[str, float], read: dict[str, float], target_s: float | None,
          target_mb: float | None) -> list[dict[str, Any]]:  # fmt: skip
    """Seconds and peak MB of a part, each as a ratio of reading the log alone (same run)."""
    return [
        _figure(name, got["seconds"], "s", baseline=read["seconds"],
                ratio=read["seconds"] / got["seconds"], target=target_s,
                met=None if target_s is None else got["seconds"] <= target_s),
        _figure(f"{name}_peak_memory", got["peak_mb"], "MB", baseline=read["peak_mb"],
                ratio=read["peak_mb"] / got["peak_mb"], target=target_mb,
                met=None if target_mb is None else got["peak_mb"] <= target_mb),
    ]  # fmt: skip


def run() -> list[dict[str, Any]]:
    path = ensure_log()
    read = measure("read", path, timeout=1800)
    whole = measure("whole", path, timeout=1800)
    engine = measure("engine", path, timeout=1800)
    relevance = measure("relevance", path, timeout=1800)
    engine3 = measure("engine3", path, timeout=1800)
    reference = measure("reference", path, timeout=REFERENCE_CAP_S)
    assert read and whole and engine and relevance and engine3
    out = [
        _figure("analytics.read_log", read["seconds"], "s"),
        _figure("analytics.read_log_peak_memory", read["peak_mb"], "MB"),
        *_part("analytics.analyze_command", whole, read, 60.0, 4096.0),
        *_part("analytics.analyze_without_relevance", engine, read, 60.0, 4096.0),
        *_part("analytics.relevance", relevance, read, 120.0, None),
    ]
    if reference is None:
        ratio = REFERENCE_CAP_S / engine3["seconds"]
        out.append(
            _figure(
                "analytics.participation_responsiveness_network_vs_pandas_networkx",
                engine3["seconds"],
                "s",
                baseline=REFERENCE_CAP_S,
                ratio=ratio,
                target=10.0,
                met=ratio >= 10.0,
            )
        )
        out[-1]["note"] = f"reference stopped at the {REFERENCE_CAP_S:.0f} s cap: ratio is a floor"
    else:
        ratio = reference["seconds"] / engine3["seconds"]
        out.append(
            _figure(
                "analytics.participation_responsiveness_network_vs_pandas_networkx",
                engine3["seconds"],
                "s",
                baseline=reference["seconds"],
                ratio=ratio,
                target=10.0,
                met=ratio >= 10.0,
            )
        )
        out.append(_figure("analytics.reference_peak_memory", reference["peak_mb"], "MB"))
    return out
