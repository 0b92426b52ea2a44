"""Run every metric family on a log and render the result as JSON-ready data or text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow.compute as pc

from lumoflow.analytics.fading import VERDICTS, Fading, fading_signal
from lumoflow.analytics.frame import Frame, Options, Period, make_frame
from lumoflow.analytics.log import InteractionLog
from lumoflow.analytics.network import NetworkSummary, network_summary
from lumoflow.analytics.participation import Participation, participation
from lumoflow.analytics.relevance import Relevance, on_topic_share
from lumoflow.analytics.responsiveness import Responsiveness, responsiveness
from lumoflow.analytics.value import Value, value_outcomes

FAMILIES = ("participation", "responsiveness", "fading", "network", "relevance", "value")


@dataclass(frozen=True)
class Report:
    """Everything `lumoflow analyze` reports; a family not asked for is ``None``."""

    participation: Participation | None
    responsiveness: Responsiveness | None
    fading: Fading | None
    network: NetworkSummary | None
    relevance: Relevance | None
    value: Value | None
    privacy: dict[str, Any]
    input: dict[str, Any]


def input_summary(log: InteractionLog, frame: Frame, fmt: str) -> dict[str, Any]:
    """What was read: counts, verbs, time span, and rows skipped with reasons."""
    ev = log.events
    verbs = pc.value_counts(ev["verb"]).to_pylist()
    has_ts = ev["ts"].null_count < len(ev)
    return {
        "format": fmt,
        "source": str(log.meta.get("source", "")),
        "events": ev.num_rows,
        "events_by_verb": {
            v["values"]: v["counts"] for v in sorted(verbs, key=lambda v: v["values"])
        },
        "people": log.people.num_rows,
        "workspaces": log.workspaces.num_rows,
        # when times are offsets placed at an origin (--epoch), not dates: that origin
        "epoch": log.meta.get("epoch") or None,
        "workspace_names": {
            w: n
            for w, n in zip(
                log.workspaces["workspace"].to_pylist(),
                log.workspaces["name"].to_pylist(),
                strict=True,
            )
            if n and n != w
        },
        "first_ts": pc.min(ev["ts"]).as_py() if has_ts else None,
        "last_ts": pc.max(ev["ts"]).as_py() if has_ts else None,
        "selected_events": frame.events.num_rows,
        "period": {"from": frame.start, "to": frame.end},
        "workspace": frame.workspace,
        "skipped": dict(frame.skipped),
    }


def analyze(
    log: InteractionLog,
    *,
    period: Period | None = None,
    workspace: str | None = None,
    options: Options | None = None,
    families: Iterable[str] = FAMILIES,
    fmt: str = "log",
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Measure ``log`` over ``period`` (optionally one workspace) with the privacy guard on.

    Raises ``LogError`` for a bad selection (unknown workspace, empty period).
    """
    options = options or Options()
    frame = make_frame(log, period, workspace=workspace, options=options)
    wanted = set(families)
    runners: dict[str, Callable[[Frame], Any]] = {
        "participation": participation,
        "responsiveness": responsiveness,
        "fading": fading_signal,
        "network": network_summary,
        "relevance": on_topic_share,
        "value": value_outcomes,
    }
    results: dict[str, Any] = {}
    for name in FAMILIES:
        if progress:
            progress(name)
        results[name] = runners[name](frame) if name in wanted else None
    privacy = {
        "min_group_size": options.min_group_size,
        "individuals": options.individuals,
        "names": options.names and options.individuals,
        "note": "groups under min_group_size people are suppressed (value null)",
    }
    report = Report(**results, privacy=privacy, input=input_summary(log, frame, fmt))
    privacy["suppressed_groups"] = count_suppressed(to_data(report))
    return report


def to_data(obj: Any) -> Any:
    """Turn results into JSON-ready data (dates as ISO text, NaN as null)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_data(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): to_data(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_data(v) for v in obj]
    if isinstance(obj, dt.datetime):
        return obj.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(obj, dt.date):
        return obj.isoformat()
    if isinstance(obj, decimal.Decimal):
        return int(obj) if obj == obj.to_integral_value() else float(obj)
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and (math.isnan(obj) or math.isinf(obj)):
        return None
    return obj


def report_data(report: Report) -> dict[str, Any]:
    """The JSON object: top-level keys participation, responsiveness, fading, network,
    relevance, value, privacy, input."""
    data: dict[str, Any] = to_data(report)
    net = data.get("network")
    if net:
        net["estimated"] = bool(net.pop("diameter_estimated"))
    return data


def count_suppressed(data: Any) -> int:
    """Number of suppressed group entries anywhere in ``data``."""
    if isinstance(data, dict):
        own = 1 if data.get("suppressed") is True else 0
        return own + sum(count_suppressed(v) for v in data.values())
    if isinstance(data, list):
        return sum(count_suppressed(v) for v in data)
    return 0


def _fmt(v: Any, spec: str = ".3g") -> str:
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return format(v, spec)
    return str(v)


def _pct(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.0%}"


def _effective(n: NetworkSummary) -> str:
    e = n.effective_diameter
    note = f" (estimated from {e.sources} people)" if e.estimated else ""
    return _fmt(e.value, ".1f") + note


def render_text(report: Report) -> str:
    """A readable report: fading verdicts and their evidence first."""
    out: list[str] = []
    f = report.fading
    if f is not None:
        out += [f"Fading verdict: {f.verdict.upper()}", *[f"  - {e.sentence}" for e in f.evidence]]
        ranked = sorted(
            f.by_workspace.items(),
            key=lambda kv: (VERDICTS.index(kv[1].verdict), kv[0]),
        )
        for ws, wv in ranked[:30]:
            first = f" - {wv.evidence[0].sentence}" if wv.evidence else ""
            out.append(f"  workspace {ws}: {wv.verdict}{first}")
        if len(ranked) > 30:
            out.append(f"  ... and {len(ranked) - 30} more workspaces (see --format json)")
        out.append("")
    p = report.participation
    if p is not None:
        out += [
            "Participation",
            f"  members {p.members}, active {p.active}, engaged {p.engaged}, "
            f"contributions {p.contributions}",
            f"  weekly active share {_pct(p.weekly_active_share)}, stickiness "
            f"{_pct(p.stickiness)}, lurkers {_pct(p.lurker_share)}",
            f"  Gini {_fmt(p.gini)}, top 10% share {_pct(p.top10_share)}, contributor "
            f"absence factor {p.contributor_absence_factor} (departments "
            f"{_fmt(p.department_absence_factor)})",
            f"  newcomers {p.newcomers}, 30-day return {_pct(p.newcomer_return_30d.value)}, "
            f"inactive contributors {p.inactive_contributors}",
            "",
        ]
    r = report.responsiveness
    if r is not None:
        out += [
            "Responsiveness",
            f"  posts {r.posts}, replied {r.replied_posts}, first reply median "
            f"{_fmt(r.first_reply_median_h)} h, P90 {_fmt(r.first_reply_p90_h)} h",
            f"  questions {r.questions}, unanswered after 48 h {_pct(r.unanswered_48h_share)}"
            f", accepted {_pct(r.accepted_rate)}",
            "",
        ]
    n = report.network
    if n is not None:
        out += [
            "Network",
            f"  nodes {n.nodes}, edges {n.edges} ({n.self_loops} self-loops), reciprocity "
            f"{_fmt(n.reciprocity, '.4f')}, density {_fmt(n.density, '.4f')}",
            f"  weak components {n.components_weak} (largest {n.largest_wcc_nodes} nodes, "
            f"{n.largest_wcc_edges} edges), strong {n.components_strong} (largest "
            f"{n.largest_scc_nodes} nodes, {n.largest_scc_edges} edges)",
            f"  average clustering {_fmt(n.avg_clustering, '.4f')}, triangles {n.triangles}, "
            f"diameter {_fmt(n.diameter)}{' (estimated)' if n.diameter_estimated else ''}, "
            f"90% effective diameter {_effective(n)}",
            f"  E-I index {_fmt(n.ei_index.overall, '.4f')} (directed ties "
            f"{_fmt(n.ei_index_directed.overall, '.4f')}), department modularity "
            f"{_fmt(n.modularity_departments, '.4f')}",
            f"  Leiden: {n.leiden['count']} communities, modularity "
            f"{_fmt(n.leiden['modularity'], '.4f')}, NMI with departments "
            f"{_fmt(n.leiden['nmi_departments'], '.3f')}",
            f"  isolated people {n.isolated['count']} ({_pct(n.isolated['share'])}), "
            f"peripheral people {n.peripheral['count']}, top-5% load share "
            f"{_pct(n.load_concentration)}",
            "",
        ]
        if n.brokers:
            out.append("  brokers (betweenness, constraint):")
            out += [
                f"    {b.person}: {b.betweenness:.1f}, {_fmt(b.constraint, '.3f')}"
                for b in n.brokers["top"]
            ]
            out.append("")
    rel = report.relevance
    if rel is not None:
        out += [
            "Relevance",
            f"  posts scored {rel.posts_scored}, on topic {_pct(rel.on_topic_share)} "
            f"(threshold {rel.threshold}, calibration AUC {rel.calibration_auc})",
            "",
        ]
    v = report.value
    if v is not None:
        hs = v.hours_saved
        out += [
            "Value (estimate)",
            f"  questions answered {v.questions_answered}/{v.questions}, decisions "
            f"{v.decisions}, ideas adopted {v.ideas_adopted}, knowledge reuse views "
            f"{v.knowledge_reuse_views}",
            f"  hours saved low {hs['low']:.1f} / base {hs['base']:.1f} / high {hs['high']:.1f}",
            "",
        ]
    i = report.input
    out.append(
        f"Input: {i['format']}, {i['events']} events, {i['people']} people, "
        f"{i['workspaces']} workspaces; privacy: groups under "
        f"{report.privacy['min_group_size']} people suppressed "
        f"({report.privacy['suppressed_groups']} suppressed)"
    )
    return "\n".join(out) + "\n"
