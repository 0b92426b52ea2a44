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
from lumoflow.analytics.privacy import (
    secondary_suppression,
    selection_people,
    selection_sentence,
    too_small,
)
from lumoflow.analytics.relevance import Relevance, on_topic_share
from lumoflow.analytics.responsiveness import Responsiveness, responsiveness
from lumoflow.analytics.value import Value, value_outcomes

FAMILIES = ("participation", "responsiveness", "fading", "network", "relevance", "value")
#: The function of each family.
RUNNERS: dict[str, Callable[[Frame], Any]] = {
    "participation": participation,
    "responsiveness": responsiveness,
    "fading": fading_signal,
    "network": network_summary,
    "relevance": on_topic_share,
    "value": value_outcomes,
}
#: The frame's intermediate tables (``Frame.cache`` kinds) each family reads; once no family
#: still to run needs one, it is released, so each family's leftovers do not add to the next's.
CACHE_NEEDS: dict[str, frozenset[str]] = {
    "participation": frozenset({"members", "actor_codes"}),
    "responsiveness": frozenset({"threads"}),
    "fading": frozenset({"members", "threads", "actor_codes"}),
    "network": frozenset({"members", "authors"}),
    "relevance": frozenset(),
    "value": frozenset({"authors"}),
}


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

    A selection that involves fewer people than ``min_group_size`` is not measured at all: every
    family is ``None``, the input summary keeps no count, and ``privacy["selection"]`` says why.
    Raises ``LogError`` for a bad selection (unknown workspace, empty period).
    """
    options = options or Options()
    mgs = options.min_group_size
    frame = make_frame(log, period, workspace=workspace, options=options)
    small = selection_people(frame.events) < mgs
    wanted = set() if small else set(families)
    results: dict[str, Any] = {}
    for i, name in enumerate(FAMILIES):
        if progress:
            progress(name)
        results[name] = RUNNERS[name](frame) if name in wanted else None
        later = [f for f in FAMILIES[i + 1 :] if f in wanted]
        frame.release(set().union(*(CACHE_NEEDS[f] for f in later)))
    privacy: dict[str, Any] = {
        "min_group_size": mgs,
        "individuals": options.individuals,
        "names": options.names and options.individuals,
        "note": f"groups of 1 to {mgs - 1} people are suppressed (value and people null), and "
        "in each table one more group when needed so that none can be derived from the rest",
        "selection": {"suppressed": small, "reason": None},
    }
    summary = input_summary(log, frame, fmt)
    if small:
        privacy["selection"]["reason"] = selection_sentence(_selection_name(period, workspace), mgs)
        summary = _withheld_input(summary, period)
    return Report(**results, privacy=privacy, input=summary)


def _selection_name(period: Period | None, workspace: str | None) -> str:
    """How a selection is named in the sentence that withholds it."""
    parts = [f"workspace {workspace}"] if workspace else []
    if period is not None and (period.start or period.end):
        first = period.start.date().isoformat() if period.start else "the start"
        last = (period.end - dt.timedelta(days=1)).date().isoformat() if period.end else "the end"
        parts.append(f"{first} to {last}")
    return f"the selection ({', '.join(parts)})" if parts else "the log"


def _withheld_input(summary: dict[str, Any], period: Period | None) -> dict[str, Any]:
    """The input summary of a withheld selection: what was asked for and what was left out of
    it (skipped rows), no count and no date of the selection itself."""
    asked = period or Period()
    return {
        **{k: None for k in summary},
        "format": summary["format"],
        "source": summary["source"],
        "period": {"from": asked.start, "to": asked.end},
        "workspace": summary["workspace"],
        "skipped": summary["skipped"],
    }


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


#: Tables of groups in the report data, as (family, path to the table): each gets secondary
#: suppression. A table is a dict of groups or a list of weekly rows.
GROUP_TABLES = (
    ("participation", ("by_department",)),
    ("participation", ("weekly",)),
    ("responsiveness", ("by_workspace",)),
    ("responsiveness", ("weekly",)),
    ("relevance", ("by_workspace",)),
    ("relevance", ("weekly",)),
    ("network", ("ei_index", "by_department")),
    ("network", ("ei_index_directed", "sent_by_department")),
    ("network", ("ei_index_directed", "received_by_department")),
)
#: Fields a suppressed row keeps: what names the row, not what it measures.
ROW_KEYS = ("week", "suppressed")
#: Tables of departments, each with the shown count of the people its rows are drawn from (as
#: (family, key)): that count minus the departments' people is the people without a department,
#: a group left out of the table but derivable from it.
DEPARTMENT_TOTALS = {
    ("participation", ("by_department",)): ("participation", "members"),
    ("network", ("ei_index", "by_department")): ("network", "nodes"),
    ("network", ("ei_index_directed", "sent_by_department")): ("network", "nodes"),
    ("network", ("ei_index_directed", "received_by_department")): ("network", "nodes"),
}


def report_data(report: Report) -> dict[str, Any]:
    """The JSON object, guarded: top-level keys participation, responsiveness, fading, network,
    relevance, value, privacy, input.

    This is the only form in which a report leaves the analytics: the text and HTML renderers
    read this data and nothing else, so every format shows the same guarded figures.
    """
    data: dict[str, Any] = to_data(report)
    net = data.get("network")
    if net:
        net["estimated"] = bool(net.pop("diameter_estimated"))
    mgs = int(data["privacy"]["min_group_size"])
    for family, path in GROUP_TABLES:
        table = data.get(family)
        for key in path:
            table = table.get(key) if isinstance(table, dict) else None
        if table:
            total = DEPARTMENT_TOTALS.get((family, path))
            guard_table(table, mgs, total=None if total is None else data[total[0]][total[1]])
    if data.get("fading"):
        guard_fading(data["fading"], mgs)
    guard_counts(data, mgs)
    rel = data.get("relevance")
    if rel:  # a workspace's drift words come from its posts: shown only with its figures
        shown = rel["by_workspace"]
        rel["drift"] = {w: t for w, t in rel["drift"].items() if not _hidden(shown.get(w))}
    data["privacy"]["suppressed_groups"] = count_suppressed(data)
    return data


def _hidden(group: dict[str, Any] | None) -> bool:
    return group is None or group.get("suppressed") is True


def guard_table(
    table: dict[str, Any] | list[Any], min_group_size: int, *, total: int | None = None
) -> None:
    """Apply secondary suppression to a table of groups in place (see
    :func:`~lumoflow.analytics.privacy.secondary_suppression`) and blank every hidden row.

    ``total``: the shown count of the people the rows are drawn from, when some of them belong
    to no row (people without a department). Those people are a group the table leaves out;
    when every row is shown they are ``total`` minus the rows' people, so 1 to
    ``min_group_size − 1`` of them count as a suppressed row (one more row is hidden with
    them). With a row already hidden, the hidden rows hold a group of at least the threshold,
    and the people left out can only be read together with them.

    >>> table = {"eng": {"value": 0.6, "people": 7, "suppressed": False},
    ...          "ops": {"value": 0.4, "people": 9, "suppressed": False}}
    >>> guard_table(table, 5, total=19)  # 3 people without a department
    >>> [row["suppressed"] for row in table.values()]
    [True, False]
    """
    rows = list(table.values()) if isinstance(table, dict) else list(table)
    people = [r.get("people") for r in rows]
    suppressed = [r.get("suppressed") is True for r in rows]
    if total is not None and not any(suppressed):
        left = total - sum(int(p or 0) for p in people)
        if too_small(left, min_group_size):
            people, suppressed = [*people, left], [*suppressed, True]
    hide = secondary_suppression(people, suppressed, min_group_size)[: len(rows)]
    for row, hidden in zip(rows, hide, strict=True):
        if hidden:
            row.update({k: None for k in row if k not in ROW_KEYS}, suppressed=True)


def _small_count(value: Any, min_group_size: int) -> bool:
    return isinstance(value, int | float) and 0 < value < min_group_size


def guard_fading(fading: dict[str, Any], min_group_size: int) -> None:
    """Withhold fading figures that count fewer than the threshold of people, in place.

    The active-contributor series' levels under the threshold (first and last quarter means,
    weekly means before and after the changepoint; the evidence says "fewer than N") become
    ``None``, and so does the change between the quarters (it would give one from the other);
    Sen's line (slope and intercept) too when it reads as fewer than N people anywhere; a
    workspace's member count and Orbit level counts under the threshold too, with secondary
    suppression among the levels as in any table of groups.
    """
    verdicts = [fading, *fading.get("by_workspace", {}).values()]
    for v in verdicts:
        series = v.get("trends", {}).get("active_contributors")
        if series:
            small = [
                k
                for k in ("first", "last", "before", "after")
                if _small_count(series.get(k), min_group_size)
            ]
            series.update({k: None for k in small})
            if small:
                series["change"] = None
            if _line_reads_small(series, min_group_size):
                series.update(sen_slope=None, intercept=None)
        if v is not fading and _small_count(v.get("members"), min_group_size):
            v["members"] = None
        levels = v.get("levels") or {}
        levels.update({k: None for k, n in levels.items() if _small_count(n, min_group_size)})
        names = list(levels)  # a table of groups: members minus the rest gives no level back
        hide = secondary_suppression(
            [levels[k] for k in names], [levels[k] is None for k in names], min_group_size
        )
        levels.update({k: None for k, h in zip(names, hide, strict=True) if h})


#: Counts of people over the whole selection, by family, with the shares that would give them
#: back (a share times the members): hidden together when the count is under the threshold.
PEOPLE_COUNTS: dict[str, dict[str, tuple[str, ...]]] = {
    "participation": {
        "active": (),
        "engaged": ("lurker_share",),
        "newcomers": (),
        "inactive_contributors": (),
        "contributor_absence_factor": (),
    },
    "network": {
        "largest_wcc_nodes": ("largest_wcc_edges",),
        "largest_scc_nodes": ("largest_scc_edges",),
    },
}
#: Groups of people in the network result, each ``{"count", "share"}``.
NETWORK_GROUPS = ("isolated", "peripheral")
#: Counts of people nested in others, by family, as (whole, part): the whole minus the part is
#: a group of people too (members not active, active people not engaged, people outside the
#: largest component), so when it holds 1 to the threshold less one the part is withheld.
NESTED_COUNTS: dict[str, tuple[tuple[str, str], ...]] = {
    "participation": (
        ("members", "active"),
        ("members", "engaged"),
        ("active", "engaged"),
        ("active", "newcomers"),
    ),
    "network": (
        ("nodes", "largest_wcc_nodes"),
        ("nodes", "largest_scc_nodes"),
        ("largest_wcc_nodes", "largest_scc_nodes"),
        ("nodes", "isolated"),
        ("nodes", "peripheral"),
        ("peripheral", "isolated"),
    ),
}


def guard_counts(data: dict[str, Any], min_group_size: int) -> None:
    """Withhold whole-selection counts of 1 to ``min_group_size − 1`` people, in place.

    A count of people under the threshold is a figure about fewer than the threshold: it
    becomes ``None`` and its name is listed in the family's ``suppressed_counts`` (read as
    "fewer than N"), with the shares that would give it back. Zero stays zero. A count nested
    in another (:data:`NESTED_COUNTS`) whose difference with it is 1 to ``min_group_size − 1``
    people is withheld the same way and listed in ``withheld_counts`` (read as "withheld": the
    count itself may be large). Network groups (isolated, peripheral people) get ``count`` and
    ``share`` ``None`` and ``suppressed`` true.
    """
    for family, counts in PEOPLE_COUNTS.items():
        fam = data.get(family)
        if not fam:
            continue
        hidden = [k for k in counts if _small_count(fam.get(k), min_group_size)]
        if family == "network":
            hidden += [k for k in NETWORK_GROUPS if _small_group(fam, k, min_group_size)]
        more = _nested_hidden(fam, NESTED_COUNTS[family], hidden, min_group_size)
        for key in hidden + more:
            if key in counts:
                fam.update({k: None for k in (key, *counts[key])})
            elif isinstance(fam.get(key), dict):  # a network group
                fam[key].update(count=None, share=None)
        fam["suppressed_counts"] = [k for k in hidden if k in counts]
        fam["withheld_counts"] = more
    net = data.get("network") or {}
    for key in NETWORK_GROUPS:
        group = net.get(key)
        if isinstance(group, dict):
            group["suppressed"] = group.get("count") is None
    if (data.get("participation") or {}).get("funnel"):
        guard_funnel(data["participation"], min_group_size)


def guard_funnel(part: dict[str, Any], min_group_size: int) -> None:
    """The funnel's steps count people nested in each other (members, readers = the active
    people, reactors, repliers, posters): a step is withheld with the active count, and when a
    larger count shown minus it is 1 to ``min_group_size − 1`` people, in place."""
    steps = list(part["funnel"].values())
    if part.get("active") is None and steps:
        steps[0].update(value=None, people=None, suppressed=True)
    chain = [{"people": part.get("members")}, *steps]
    changed = True
    while changed:
        changed = False
        for i, whole in enumerate(chain):
            for step in chain[i + 1 :]:
                a, b = whole.get("people"), step.get("people")
                if isinstance(a, int) and isinstance(b, int) and 0 < a - b < min_group_size:
                    step.update(value=None, people=None, suppressed=True)
                    changed = True


def _small_group(network: dict[str, Any], key: str, min_group_size: int) -> bool:
    group = network.get(key)
    return isinstance(group, dict) and _small_count(group.get("count"), min_group_size)


def _nested_hidden(
    family: dict[str, Any], pairs: tuple[tuple[str, str], ...], hidden: list[str], mgs: int
) -> list[str]:
    """Parts of :data:`NESTED_COUNTS` to withhold because the whole minus the part (both
    shown) counts 1 to ``mgs − 1`` people.

    Repeated until nothing changes: a part withheld no longer gives a difference away.
    """

    def count(key: str) -> Any:
        value = family.get(key)
        return value.get("count") if isinstance(value, dict) else value

    gone = set(hidden)
    more: list[str] = []
    changed = True
    while changed:
        changed = False
        for whole, part in pairs:
            a, b = count(whole), count(part)
            if whole in gone or part in gone or not (isinstance(a, int) and isinstance(b, int)):
                continue
            if 0 < a - b < mgs:
                gone.add(part)
                more.append(part)
                changed = True
    return more


def count_shown(family: dict[str, Any], key: str, min_group_size: int) -> str:
    """A whole-selection count as text: "fewer than N" when it is under the threshold,
    "withheld" when a difference with another count would be."""
    if key in family.get("suppressed_counts", ()):
        return f"fewer than {min_group_size}"
    if key in family.get("withheld_counts", ()):
        return WITHHELD
    value = family.get(key)
    if isinstance(value, dict):  # a network group
        return f"fewer than {min_group_size}" if value.get("suppressed") else _fmt(value["count"])
    return _fmt(value)


#: A count withheld because it would give a smaller group away (see :func:`guard_counts`).
WITHHELD = "withheld"


def _line_reads_small(series: dict[str, Any], min_group_size: int) -> bool:
    """Whether Sen's line (``intercept`` at ``start`` plus ``sen_slope`` a week, drawn at zero
    or above) takes a value of 1 to ``min_group_size − 1`` people anywhere from ``start`` to
    ``end``: a straight line does between its two ends, or when it crosses from the threshold
    or above down to zero."""
    slope, intercept = series.get("sen_slope"), series.get("intercept")
    start, end = series.get("start"), series.get("end")
    if not (isinstance(slope, int | float) and isinstance(intercept, int | float) and start):
        return False
    first = dt.date.fromisoformat(str(start)[:10])
    last = dt.date.fromisoformat(str(end)[:10]) if end else first
    ends = (intercept, intercept + slope * (last - first).days / 7)
    return min(ends) < min_group_size and max(ends) > 0


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


def _effective(n: dict[str, Any]) -> str:
    e = n["effective_diameter"]
    note = f" (estimated from {e['sources']} people)" if e["estimated"] else ""
    return _fmt(e["value"], ".1f") + note


def render_text(data: dict[str, Any]) -> str:
    """A readable report of the guarded data (:func:`report_data`): fading verdicts first."""
    out: list[str] = []
    reason = data["privacy"]["selection"]["reason"]
    if reason:
        out += [reason, ""]
    f = data.get("fading")
    if f:
        out += [
            f"Fading verdict: {f['verdict'].upper()}",
            *[f"  - {e['sentence']}" for e in f["evidence"]],
        ]
        ranked = sorted(
            f["by_workspace"].items(), key=lambda kv: (VERDICTS.index(kv[1]["verdict"]), kv[0])
        )
        for ws, wv in ranked[:30]:
            first = f" - {wv['evidence'][0]['sentence']}" if wv["evidence"] else ""
            out.append(f"  workspace {ws}: {wv['verdict']}{first}")
        if len(ranked) > 30:
            out.append(f"  ... and {len(ranked) - 30} more workspaces (see --format json)")
        out.append("")
    mgs = int(data["privacy"]["min_group_size"])
    p = data.get("participation")
    if p:
        out += [
            "Participation",
            f"  members {p['members']}, active {count_shown(p, 'active', mgs)}, engaged "
            f"{count_shown(p, 'engaged', mgs)}, "
            f"contributions {p['contributions']}",
            f"  weekly active share {_pct(p['weekly_active_share'])}, stickiness "
            f"{_pct(p['stickiness'])}, lurkers {_pct(p['lurker_share'])}",
            f"  Gini {_fmt(p['gini'])}, top 10% share {_pct(p['top10_share'])}, contributor "
            f"absence factor {count_shown(p, 'contributor_absence_factor', mgs)} (departments "
            f"{_fmt(p['department_absence_factor'])})",
            f"  newcomers {count_shown(p, 'newcomers', mgs)}, 30-day return "
            f"{_pct(p['newcomer_return_30d']['value'])}, "
            f"inactive contributors {count_shown(p, 'inactive_contributors', mgs)}",
            "",
        ]
    r = data.get("responsiveness")
    if r:
        out += [
            "Responsiveness",
            f"  posts {r['posts']}, replied {r['replied_posts']}, first reply median "
            f"{_fmt(r['first_reply_median_h'])} h, P90 {_fmt(r['first_reply_p90_h'])} h",
            f"  questions {r['questions']}, unanswered after 48 h "
            f"{_pct(r['unanswered_48h_share'])}, accepted {_pct(r['accepted_rate'])}",
            "",
        ]
    n = data.get("network")
    if n:
        out += _network_lines(n, mgs)
    rel = data.get("relevance")
    if rel:
        out += [
            "Relevance",
            f"  posts scored {rel['posts_scored']}, on topic {_pct(rel['on_topic_share'])} "
            f"(threshold {rel['threshold']}, calibration AUC {rel['calibration_auc']})",
            "",
        ]
    v = data.get("value")
    if v:
        hs = v["hours_saved"]
        out += [
            "Value (estimate)",
            f"  questions answered {v['questions_answered']}/{v['questions']}, decisions "
            f"{v['decisions']}, ideas adopted {v['ideas_adopted']}, knowledge reuse views "
            f"{v['knowledge_reuse_views']}",
            f"  hours saved low {hs['low']:.1f} / base {hs['base']:.1f} / high {hs['high']:.1f}",
            "",
        ]
    out.append(_input_line(data))
    return "\n".join(out) + "\n"


def _network_lines(n: dict[str, Any], mgs: int) -> list[str]:
    isolated = count_shown(n, "isolated", mgs)
    if not n["isolated"].get("suppressed"):
        isolated += f" ({_pct(n['isolated']['share'])})"
    peripheral = count_shown(n, "peripheral", mgs)
    out = [
        "Network",
        f"  nodes {n['nodes']}, edges {n['edges']} ({n['self_loops']} self-loops), "
        f"reciprocity {_fmt(n['reciprocity'], '.4f')}, density {_fmt(n['density'], '.4f')}",
        f"  weak components {n['components_weak']} ({_largest(n, 'wcc', mgs)}), "
        f"strong {n['components_strong']} ({_largest(n, 'scc', mgs)})",
        f"  average clustering {_fmt(n['avg_clustering'], '.4f')}, triangles "
        f"{n['triangles']}, diameter {_fmt(n['diameter'])}"
        f"{' (estimated)' if n['estimated'] else ''}, 90% effective diameter {_effective(n)}",
        f"  E-I index {_fmt(n['ei_index']['overall'], '.4f')} (directed ties "
        f"{_fmt(n['ei_index_directed']['overall'], '.4f')}), department modularity "
        f"{_fmt(n['modularity_departments'], '.4f')}",
        f"  Leiden: {n['leiden']['count']} communities, modularity "
        f"{_fmt(n['leiden']['modularity'], '.4f')}, NMI with departments "
        f"{_fmt(n['leiden']['nmi_departments'], '.3f')}",
        f"  isolated people {isolated}, "
        f"peripheral people {peripheral}, top-5% load share "
        f"{_pct(n['load_concentration'])}",
        "",
    ]
    if n["brokers"]:
        out.append("  brokers (betweenness, constraint):")
        out += [
            f"    {b['person']}: {b['betweenness']:.1f}, {_fmt(b['constraint'], '.3f')}"
            for b in n["brokers"]["top"]
        ]
        out.append("")
    return out


def _largest(n: dict[str, Any], kind: str, mgs: int) -> str:
    """The largest weak (``wcc``) or strong (``scc``) component, or "fewer than N" nodes."""
    nodes = f"largest_{kind}_nodes"
    if n[nodes] is None:
        shown = count_shown(n, nodes, mgs)
        return "largest withheld" if shown == WITHHELD else f"largest {shown} nodes"
    return f"largest {n[nodes]} nodes, {n[f'largest_{kind}_edges']} edges"


def _input_line(data: dict[str, Any]) -> str:
    i, privacy = data["input"], data["privacy"]
    counts = (
        f", {i['events']} events, {i['people']} people, {i['workspaces']} workspaces"
        if i["events"] is not None
        else ""
    )
    return (
        f"Input: {i['format']}{counts}; privacy: groups under {privacy['min_group_size']} "
        f"people suppressed ({privacy['suppressed_groups']} suppressed)"
    )
