"""A straightforward pandas + networkx implementation of three metric families (bench only).

Participation, responsiveness and the network summary without diameter and betweenness, written
the way an analyst would in a notebook: the baseline `bench/analytics_engine.py` compares with.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

ENGAGED = ["post", "reply", "reaction", "message"]
CONTRIB = ENGAGED + ["article", "wiki_edit", "decision", "check_in"]


def participation(ev: pd.DataFrame, people: pd.DataFrame) -> dict[str, Any]:
    members = set(people["actor"]) | set(ev["actor"])
    members |= set(ev.loc[ev["verb"].isin(["message", "mention"]), "target_actor"]) - {""}
    ev = ev.assign(week=ev["ts"].dt.tz_localize(None).dt.to_period("W-SUN").dt.start_time)
    weekly = ev.groupby("week").agg(active=("actor", "nunique"))
    weekly["engaged"] = ev[ev["verb"].isin(ENGAGED)].groupby("week")["actor"].nunique()
    weekly["share"] = weekly["active"] / len(members)
    m28 = {}
    for week in weekly.index:
        window = ev[(ev["week"] > week - pd.Timedelta(days=28)) & (ev["week"] <= week)]
        m28[week] = window["actor"].nunique()
    weekly["stickiness"] = weekly["active"] / pd.Series(m28)
    person_weeks = ev[["actor", "week"]].drop_duplicates().sort_values(["actor", "week"])
    person_weeks["prev"] = person_weeks.groupby("actor")["week"].shift()
    weekly["new"] = person_weeks[person_weeks["prev"].isna()].groupby("week").size()
    gap = person_weeks["week"] - person_weeks["prev"]
    weekly["retained"] = person_weeks[gap == pd.Timedelta(days=7)].groupby("week").size()
    counts = ev[ev["verb"].isin(CONTRIB)].groupby("actor").size()
    counts = counts.reindex(sorted(members), fill_value=0).sort_values()
    x = counts.to_numpy(dtype=float)
    n = x.size
    gini = float(np.sum((2 * np.arange(1, n + 1) - n - 1) * x) / (n * x.sum()))
    desc = x[::-1]
    top10 = desc[: math.ceil(0.1 * n)].sum() / desc.sum()
    caf = int(np.searchsorted(np.cumsum(desc), desc.sum() / 2) + 1)
    first = ev.groupby("actor")["ts"].min()
    return {
        "weekly": weekly,
        "gini": gini,
        "top10": top10,
        "caf": caf,
        "lurkers": float((x == 0).mean()),
        "newcomers": int(first.size),
    }


def responsiveness(ev: pd.DataFrame) -> dict[str, Any]:
    posts = ev[ev["verb"] == "post"][["object_id", "actor", "ts", "kind"]]
    replies = ev[ev["verb"] == "reply"].copy()
    replies["root"] = replies["thread_id"].where(replies["thread_id"] != "", replies["parent_id"])
    merged = posts.merge(
        replies[["root", "actor", "ts"]], left_on="object_id", right_on="root", suffixes=("", "_r")
    )
    merged = merged[(merged["actor_r"] != merged["actor"]) & (merged["ts_r"] >= merged["ts"])]
    first = merged.groupby("object_id").agg(post_ts=("ts", "first"), reply_ts=("ts_r", "min"))
    hours = (first["reply_ts"] - first["post_ts"]).dt.total_seconds() / 3600
    questions = posts[posts["kind"] == "question"].set_index("object_id")
    answered = hours.reindex(questions.index)
    unanswered = float((answered.isna() | (answered > 48)).mean())
    spread = merged.groupby("object_id")["actor_r"].nunique() + 1
    return {
        "median_h": float(hours.median()),
        "p90_h": float(hours.quantile(0.9)),
        "unanswered_48h": unanswered,
        "participants": float(spread.median()),
    }


def network(ev: pd.DataFrame, people: pd.DataFrame) -> dict[str, Any]:
    ties = ev[ev["verb"].isin(["reply", "mention", "reaction", "message"])].copy()
    authors = ev[ev["verb"].isin(["post", "reply"])].drop_duplicates("object_id")
    authors = authors.set_index("object_id")["actor"]
    ties["dst"] = ties["target_actor"].where(
        ties["target_actor"] != "", ties["parent_id"].map(authors)
    )
    ties = ties.dropna(subset=["dst"])
    edges = ties.groupby(["actor", "dst"]).size().reset_index(name="weight")
    g = nx.DiGraph()
    g.add_nodes_from(people["actor"])
    g.add_weighted_edges_from(edges.itertuples(index=False, name=None))
    u = nx.Graph(g.to_undirected())
    u.remove_edges_from(nx.selfloop_edges(u))
    no_loops = nx.DiGraph(g)
    no_loops.remove_edges_from(nx.selfloop_edges(no_loops))
    wcc = max(nx.weakly_connected_components(g), key=len)
    scc = max(nx.strongly_connected_components(g), key=len)
    dept = people.set_index("actor")["department"].to_dict()
    internal = sum(1 for a, b in u.edges() if dept.get(a) == dept.get(b))
    groups: dict[str, set[str]] = {}
    for node in u.nodes():
        groups.setdefault(dept.get(node, node), set()).add(node)
    return {
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "self_loops": nx.number_of_selfloops(g),
        "reciprocity": nx.overall_reciprocity(g),
        "density": nx.density(no_loops),
        "components_weak": nx.number_weakly_connected_components(g),
        "components_strong": nx.number_strongly_connected_components(g),
        "largest_wcc": (len(wcc), g.subgraph(wcc).number_of_edges()),
        "largest_scc": (len(scc), g.subgraph(scc).number_of_edges()),
        "avg_clustering": nx.average_clustering(u),
        "triangles": sum(nx.triangles(u).values()) // 3,
        "ei": (u.number_of_edges() - 2 * internal) / u.number_of_edges(),
        "modularity": nx.community.modularity(u, list(groups.values())),
        "peripheral": sum(1 for c in nx.core_number(u).values() if c <= 1),
    }


def run_reference(path: str | Path) -> dict[str, Any]:
    """Read the canonical log with pandas and compute the three families."""
    p = Path(path)
    cols = [
        "ts",
        "actor",
        "verb",
        "workspace",
        "object_id",
        "parent_id",
        "thread_id",
        "target_actor",
        "kind",
        "is_bot",
    ]
    ev = pd.read_parquet(p / "events.parquet", columns=cols)
    people = pd.read_parquet(p / "people.parquet")
    ev = ev[~ev["is_bot"]]
    return {
        "participation": participation(ev, people),
        "responsiveness": responsiveness(ev),
        "network": network(ev, people),
    }
