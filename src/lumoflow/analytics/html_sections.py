"""The sections of the HTML report, one function per question, each from the JSON-ready data.

A section opens with one plain sentence; a section with no data says so in one line instead of
printing zeros. Figures go through :mod:`lumoflow.charts.numbers`; terms through ``page.term``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from lumoflow.analytics.html_page import VERDICTS, Page, esc, figures, section, table
from lumoflow.charts import group_bars, numbers, trend_line, weekly_chart

#: Most workspaces listed in the verdict table (the JSON holds them all).
MAX_WORKSPACES = 30
VERDICT_ORDER = {"fading": 0, "inconclusive": 1, "growing": 2, "stable": 3, "too_little_data": 4}


def _part(page: Page, key: str) -> Mapping[str, Any] | None:
    value = page.data.get(key)
    return value if isinstance(value, Mapping) else None


def _open(page: Page, key: str, question: str) -> Mapping[str, Any] | str:
    """A family's data, or its whole section when it shows nothing (hidden or not measured)."""
    part = _part(page, key)
    blocked = _blocked(part)
    if blocked or part is None:
        return section(key, question, esc(blocked))
    return part


def _blocked(part: Mapping[str, Any] | None) -> str | None:
    """Why a family shows nothing: the whole selection hidden, or the family not run."""
    if part is None:
        return "Not measured in this report."
    if part.get("suppressed") is True:
        reason = part.get("reason") or part.get("note")
        return str(reason) if reason else "Hidden: the selection holds too few people."
    return None


def _has_time(page: Page) -> bool:
    return bool((page.data.get("input") or {}).get("first_ts"))


def _count(page: Page, part: Mapping[str, Any], key: str) -> str:
    """A whole-selection count of people, or "fewer than N people" when it is under the
    threshold, or "withheld" when a difference with another count would be."""
    if key in (part.get("withheld_counts") or ()):
        return page.withheld()
    value = part.get(key)
    if key in (part.get("suppressed_counts") or ()) or (
        isinstance(value, Mapping) and value.get("suppressed")
    ):
        return page.hidden()
    return page.value(value.get("count") if isinstance(value, Mapping) else value, "count")


def _n(part: Mapping[str, Any], key: str) -> float:
    value = part.get(key)
    return float(value) if numbers.is_number(value) else 0.0


# -- the verdict --------------------------------------------------------------------------------

_TERM_PATTERNS = (
    (re.compile(r"Orbit gravity"), "gravity"),
    (re.compile(r"\bp (?:=|&lt;) ?(?:0\.\d+|1)\b"), "p_value"),
    (re.compile(r"Mann[–-]Kendall"), "mann_kendall"),
    (re.compile(r"changepoint", re.I), "changepoint"),
    (re.compile(r"Sen&#x27;s slope"), "trend"),
)


def link_terms(page: Page, escaped: str) -> str:
    """Explain the terms found in an already escaped sentence (first occurrence of each)."""
    for pattern, key in _TERM_PATTERNS:
        match = pattern.search(escaped)
        if match:
            abbr = page.term(key, "\0")
            abbr = abbr.replace("\0", match.group(0))  # the matched text is escaped already
            escaped = escaped[: match.start()] + abbr + escaped[match.end() :]
    return escaped


def _evidence_text(item: object) -> str:
    if isinstance(item, Mapping):
        return str(item.get("sentence") or item.get("text") or "")
    return str(item)


def _weak(item: object) -> str:
    """Evidence from a test that was not significant is shown, greyed, never as a reason."""
    weak = isinstance(item, Mapping) and item.get("significant") is False
    return ' class="weak"' if weak else ""


def _verdict_box(page: Page, verdict: str, evidence: Sequence[object]) -> str:
    label, meaning = VERDICTS.get(verdict, (verdict.replace("_", " ").capitalize(), ""))
    kind = verdict if verdict in VERDICTS else "other"
    items = "".join(
        f"<li{_weak(e)}>{link_terms(page, esc(_evidence_text(e)))}</li>"
        for e in evidence
        if _evidence_text(e)
    )
    return (
        f'<div class="verdict v-{kind}"><p class="label">{page.term("verdict", label)}</p>'
        f"<p>{esc(meaning)}</p>{f'<ul>{items}</ul>' if items else ''}</div>"
    )


def _activity_points(page: Page) -> list[dict[str, Any]]:
    fading = _part(page, "fading") or {}
    own = fading.get("weekly")
    if isinstance(own, Sequence) and own and isinstance(own[0], Mapping):
        return [
            {
                "week": w["week"],
                "value": w.get("active_contributors"),
                "suppressed": w.get("suppressed"),
            }
            for w in own
        ]
    part = _part(page, "participation") or {}
    return [  # a week of nobody is zero: a count that is None in a shown week is withheld
        {
            "week": w["week"],
            "value": w.get("engaged"),
            "suppressed": bool(w.get("suppressed")) or w.get("engaged") is None,
        }
        for w in part.get("weekly") or []
    ]


def verdict(page: Page) -> str:
    fading = _part(page, "fading")
    blocked = _blocked(fading)
    if blocked or fading is None:
        return section("verdict", "Is it fading?", esc(blocked))
    out = _verdict_box(page, str(fading.get("verdict")), fading.get("evidence") or [])
    points = _activity_points(page)
    if points and any(p.get("value") is not None or p.get("suppressed") for p in points):
        trend = (fading.get("trends") or {}).get("active_contributors") or {}
        silent_run = (fading.get("rule") or {}).get("min_silent_weeks") or 4
        # the changepoint is marked only when the step test found it significant; otherwise
        # it stays in the evidence, as not significant
        step_found = any(
            str(e.get("test", "")).startswith("PELT") and e.get("significant") is True
            for e in fading.get("evidence") or []
        )
        cp = trend.get("changepoint") if step_found else None
        line = trend_line(trend, points, silent_run=int(silent_run))
        out += page.chart(
            weekly_chart(
                points,
                title="People contributing each week",
                y_title="people",
                min_group_size=page.min_group_size,
                origin=page.origin,
                trend=line,
                changepoint=str(cp)[:10] if cp else None,
            )
        )
        key = [f"the dashed line is the {page.term('trend', 'trend')}"] if line else []
        if cp:
            key.append(f"the dotted line marks the {page.term('changepoint', 'changepoint')}")
        if any(p.get("suppressed") for p in points):
            key.append(f"grey bands are {page.term('hidden', 'hidden')} weeks")
        if key:
            listed = " and ".join([", ".join(key[:-1]), key[-1]] if len(key) > 1 else key)
            out += f"<p>In the chart, {listed}.</p>"
    out += _workspace_verdicts(page, fading.get("by_workspace") or {})
    return f'<section id="verdict"><h2>Is it fading?</h2>{out}</section>'


def _workspace_verdicts(page: Page, by_ws: Mapping[str, Any]) -> str:
    if not by_ws:
        return ""
    ranked = sorted(
        by_ws.items(), key=lambda kv: (VERDICT_ORDER.get(str(kv[1].get("verdict")), 5), kv[0])
    )
    rows = []
    for ws, v in ranked[:MAX_WORKSPACES]:
        name = VERDICTS.get(str(v.get("verdict")), (str(v.get("verdict")), ""))[0]
        first = next((_evidence_text(e) for e in v.get("evidence") or [] if _evidence_text(e)), "")
        rows.append(
            f"<tr><td>{esc(page.workspace(ws))}</td><td><span class='pill "
            f"v-{esc(v.get('verdict'))}'>{esc(name)}</span></td>"
            f"<td>{link_terms(page, esc(first))}</td></tr>"
        )
    more = len(ranked) - MAX_WORKSPACES
    tail = f"<p>{more} more workspaces are in the JSON output.</p>" if more > 0 else ""
    return (
        f"<h3>Workspace by workspace</h3><div class='scroll'><table><tr><th>Workspace</th>"
        f"<th>Verdict</th><th>Main evidence</th></tr>{''.join(rows)}</table></div>{tail}"
    )


# -- Who takes part? ------------------------------------------------------------------------------


def participation(page: Page) -> str:
    q = "Who takes part?"
    p = _open(page, "participation", q)
    if isinstance(p, str):
        return p
    members, active = _n(p, "members"), _n(p, "active")
    few = p.get("active") is None
    if not members or not (active or few):
        return section("participation", q, "No one was active in this period.")
    share = "" if few else f" ({numbers.share(active / members)})"
    sentence = (
        f"Of {numbers.count(members)} members, {_count(page, p, 'active')}{share} "
        f"were {page.term('active', 'active')} in the period"
    )
    if numbers.is_number(p.get("weekly_active_share")):
        sentence += (
            f"; in an average week {page.value(p['weekly_active_share'], 'share')} took part"
        )
    if numbers.is_number(p.get("top10_share")):
        sentence += (
            f", and the most active tenth made {page.value(p['top10_share'], 'share')} "
            f"of all contributions"
        )
    cards = [
        (page.term("weekly_active_share"), page.value(p.get("weekly_active_share"), "share")),
        (  # the lurkers' share is withheld with the engaged people it would give back
            page.term("lurkers"),
            page.value(p.get("lurker_share"), "share")
            if p.get("engaged") is not None
            else page.withheld(),
        ),
        (page.term("gini"), page.value(p.get("gini"))),
        (page.term("absence_factor"), _count(page, p, "contributor_absence_factor")),
    ]
    body = figures(cards)
    weekly = p.get("weekly") or []
    actives = [w.get("active") for w in weekly]
    if weekly and actives != [w.get("value") for w in _activity_points(page)]:
        body += page.chart(
            weekly_chart(
                [
                    {"week": w["week"], "value": w.get("active"), "suppressed": w.get("suppressed")}
                    for w in weekly
                ],
                title="People active each week (reading included)",
                y_title="people",
                min_group_size=page.min_group_size,
                origin=page.origin,
            )
        )
    body += _group_bars(
        page, p.get("by_department") or {}, "Share of contributions by department", "share"
    )
    rows = [
        ("Members", page.value(members, "count")),
        ("Active in the period", _count(page, p, "active")),
        ("Engaged (posted, replied, reacted, wrote)", _count(page, p, "engaged")),
        ("Contributions", page.value(p.get("contributions"), "count")),
        (page.term("stickiness"), page.value(p.get("stickiness"), "share")),
        (page.term("top10"), page.value(p.get("top10_share"), "share")),
    ]
    if _has_time(page):
        rows += [
            (page.term("newcomers"), _count(page, p, "newcomers")),
            (
                "Contributors gone quiet for 60 days",
                _count(page, p, "inactive_contributors"),
            ),
        ]
    if _n(p, "newcomers"):
        rows.append(
            ("Newcomers back within 30 days", page.guarded(p.get("newcomer_return_30d"), "share"))
        )
    return section("participation", q, sentence + ".", body + table(rows))


def _group_bars(
    page: Page, groups: Mapping[str, Any], title: str, kind: str, group: str = "department"
) -> str:
    rows = [
        {"group": g, "value": v.get("value"), "suppressed": v.get("suppressed")}
        for g, v in groups.items()
        if isinstance(v, Mapping)
    ]
    if not any(not r["suppressed"] and numbers.is_number(r["value"]) for r in rows):
        return ""
    return page.chart(
        group_bars(
            rows,
            title=title,
            x_title=title.split(" by ")[0],
            group_title=group,
            kind=kind,
            min_group_size=page.min_group_size,
            domain=(-1.0, 1.0) if kind == "decimal" else None,
        )
    )


# -- How fast are questions answered? -----------------------------------------------------------


def responsiveness(page: Page) -> str:
    q = "How fast are questions answered?"
    r = _open(page, "responsiveness", q)
    if isinstance(r, str):
        return r
    posts, replied = _n(r, "posts"), _n(r, "replied_posts")
    if not _has_time(page):
        return section("responsiveness", q, "The input has no times, so replies cannot be timed.")
    if not posts:
        verbs = (page.data.get("input") or {}).get("events_by_verb") or {}
        what = "messages but no posts or replies" if verbs.get("message") else "no posts"
        return section(
            "responsiveness", q, f"The period holds {what}, so there are no replies to time."
        )
    if not replied or not numbers.is_number(r.get("first_reply_median_h")):
        return section(
            "responsiveness",
            q,
            f"None of the {numbers.count(posts)} posts got a reply from someone else.",
        )
    sentence = (
        f"Half of the posts that got a reply got the {page.term('first_reply', 'first one')} "
        f"within {page.value(r['first_reply_median_h'], 'hours')}"
    )
    if numbers.is_number(r.get("first_reply_p90_h")):
        p90 = page.value(r["first_reply_p90_h"], "hours")
        sentence += f"; {page.term('p90', 'nine in ten')} within {p90}"
    cards = [
        ("Posts that got a reply", page.value(replied / posts, "share")),
        (
            page.term("first_reply", "Median first reply"),
            page.value(r.get("first_reply_median_h"), "hours"),
        ),
        ("Questions asked", page.value(r.get("questions"), "count")),
        (page.term("unanswered"), page.value(r.get("unanswered_48h_share"), "share")),
    ]
    body = figures(cards)
    body += _weekly_figure(page, r.get("weekly") or [], *REPLY_WEEKS)
    rows = [
        ("Posts", page.value(posts, "count")),
        ("Posts with a reply from someone else", page.value(replied, "count")),
        (
            page.term("p90", "First reply, 90th percentile"),
            page.value(r.get("first_reply_p90_h"), "hours"),
        ),
        ("Questions with an accepted answer", page.value(r.get("accepted_rate"), "share")),
        ("Median time to an accepted answer", page.value(r.get("accepted_median_h"), "hours")),
        ("People per conversation (median)", page.value(r.get("participants_per_thread_median"))),
    ]
    return section("responsiveness", q, sentence + ".", body + table(rows))


#: Weekly charts of a family's rows: (key, title, y-axis title, kind of number).
REPLY_WEEKS = (
    "median_first_reply_h",
    "Median time to the first reply, by week of the post",
    "hours",
    "hours",
)
ON_TOPIC_WEEKS = ("on_topic_share", "Share of posts on topic, by week", "on topic", "share")


def _weekly_figure(
    page: Page, weekly: Sequence[Mapping[str, Any]], key: str, title: str, y_title: str, kind: str
) -> str:
    """A weekly chart of ``key`` over every week of the period, when there are two weeks."""
    if len(weekly) < 2:
        return ""
    spec = weekly_chart(
        fill_weeks(page, weekly, key),
        title=title,
        y_title=y_title,
        kind=kind,
        min_group_size=page.min_group_size,
        origin=page.origin,
    )
    return page.chart(spec)


def fill_weeks(page: Page, weekly: Sequence[Mapping[str, Any]], key: str) -> list[dict[str, Any]]:
    """Weekly rows over every week of the period; weeks without rows have no data."""
    have = {str(w["week"])[:10]: w for w in weekly}
    part = _part(page, "participation") or {}
    weeks = [str(w["week"])[:10] for w in part.get("weekly") or []] or sorted(have)
    return [
        {
            "week": week,
            "value": (have.get(week) or {}).get(key),
            "suppressed": bool((have.get(week) or {}).get("suppressed")),
        }
        for week in weeks
    ]


# -- Is the talk on topic? ----------------------------------------------------------------------


def relevance(page: Page) -> str:
    q = "Is the talk on topic?"
    r = _open(page, "relevance", q)
    if isinstance(r, str):
        return r
    scored = _n(r, "posts_scored")
    if not scored or not numbers.is_number(r.get("on_topic_share")):
        return section(
            "relevance",
            q,
            "No posts with text in a workspace that states objectives, so there is nothing to "
            "compare with the objectives.",
        )
    sentence = (
        f"{page.value(r['on_topic_share'], 'share')} of {numbers.count(scored)} posts were "
        f"{page.term('on_topic', 'on topic')} for their workspace's objectives"
    )
    body = _weekly_figure(page, r.get("weekly") or [], *ON_TOPIC_WEEKS)
    by_ws = {page.workspace(w): v for w, v in (r.get("by_workspace") or {}).items()}
    body += _group_bars(page, by_ws, "Share of posts on topic by workspace", "share", "workspace")
    drift = r.get("drift") or {}
    if drift:
        body += "<h3>Words that grew where the talk drifted</h3>" + table(
            [(esc(page.workspace(w)), esc(", ".join(t))) for w, t in sorted(drift.items())]
        )
    body += (
        f"<p>Threshold {page.value(r.get('threshold'))}, calibrated on hand-labelled posts "
        f"({page.term('auc')} {page.value(r.get('calibration_auc'))}).</p>"
    )
    return section("relevance", q, sentence + ".", body)


# -- How does the network connect? --------------------------------------------------------------


def network(page: Page) -> str:
    q = "How does the network connect?"
    n = _open(page, "network", q)
    if isinstance(n, str):
        return n
    nodes, edges = _n(n, "nodes"), _n(n, "edges") - _n(n, "self_loops")
    if not nodes or edges <= 0:
        return section("network", q, "No ties between people in this period.")
    ei = (n.get("ei_index") or {}).get("overall")
    sentence = f"{numbers.count(nodes)} people are joined by {numbers.count(edges)} ties"
    if numbers.is_number(ei):
        where = "cross departments" if ei > 0 else "stay inside departments"
        sentence += f"; most ties {where} ({page.term('ei_index')} {page.value(ei)})"
    leiden = n.get("leiden") or {}
    if numbers.is_number(leiden.get("count")) and leiden.get("count"):
        sentence += (
            f", and they form {numbers.count(leiden['count'])} {page.term('leiden', 'communities')}"
        )
    cards = [
        (page.term("reciprocity"), page.value(n.get("reciprocity"), "share")),
        (page.term("clustering"), page.value(n.get("avg_clustering"))),
        (page.term("peripheral"), _count(page, n, "peripheral")),
        (page.term("load"), page.value(n.get("load_concentration"), "share")),
    ]
    isolated = n.get("isolated")
    if isinstance(isolated, Mapping) and (
        isolated.get("suppressed") or numbers.is_number(isolated.get("count"))
    ):
        cards.append((page.term("isolated"), _count(page, n, "isolated")))
    body = figures(cards)
    body += _group_bars(
        page,
        (n.get("ei_index") or {}).get("by_department") or {},
        "E-I index by department",
        "decimal",
    )
    eff = n.get("effective_diameter") or {}
    if not isinstance(eff, Mapping):
        eff = {"value": eff}
    rows = [
        ("People", page.value(nodes, "count")),
        ("Ties (A to B and B to A count as two)", page.value(edges, "count")),
        (page.term("density"), page.value(n.get("density"))),
        (page.term("components"), page.value(n.get("components_weak"), "count")),
        ("People in the largest component", _count(page, n, "largest_wcc_nodes")),
        (
            page.term("diameter"),
            page.value(n.get("diameter"), "count") + (" (estimated)" if n.get("estimated") else ""),
        ),
        (
            page.term("modularity", "Modularity of departments"),
            page.value(n.get("modularity_departments")),
        ),
        (
            page.term("modularity", "Modularity of communities"),
            page.value(leiden.get("modularity")),
        ),
        (page.term("nmi"), page.value(leiden.get("nmi_departments"))),
    ]
    if numbers.is_number(eff.get("value")):
        sampled = (
            f" (estimated from {numbers.count(eff['sources'])} people)"
            if eff.get("estimated") and numbers.is_number(eff.get("sources"))
            else ""
        )
        rows.insert(6, (page.term("effective_diameter"), page.value(eff["value"]) + sampled))
    directed = (n.get("ei_index_directed") or {}).get("overall")
    rows.insert(3, (page.term("ei_index", "E-I index over directed ties"), page.value(directed)))
    rows.insert(3, (page.term("ei_index"), page.value(ei)))
    return section("network", q, sentence + ".", body + table(rows) + _brokers(page, n))


def _brokers(page: Page, n: Mapping[str, Any]) -> str:
    """The people who bridge groups, only when individuals were asked for."""
    top = (n.get("brokers") or {}).get("top") or []
    if not top:
        return ""
    rows = [
        (
            esc(b.get("person")),
            f"{page.value(b.get('betweenness'))} / {page.value(b.get('constraint'))}",
        )
        for b in top
        if isinstance(b, Mapping)
    ]
    return f"<h3>{page.term('brokers')}: betweenness / constraint</h3>{table(rows)}"


# -- What is it worth? --------------------------------------------------------------------------


def value(page: Page) -> str:
    q = "What is it worth?"
    v = _open(page, "value", q)
    if isinstance(v, str):
        return v
    counted = (
        "questions_answered",
        "decisions",
        "ideas_adopted",
        "key_result_check_ins",
        "knowledge_reuse_views",
    )
    if not any(_n(v, k) for k in counted):
        return section(
            "value",
            q,
            "No answered questions, decisions, adopted ideas, key-result check-ins or reuse of "
            "knowledge in this period, so there is no value to estimate.",
        )
    hours = v.get("hours_saved") or {}
    low, base, high = (page.value(hours.get(k), "count") for k in ("low", "base", "high"))
    sentence = (
        f"About {base} {page.term('hours_saved', 'hours saved')} (between {low} and {high}), "
        f"from {numbers.count(_n(v, 'questions_answered'))} answered questions and "
        f"{numbers.count(_n(v, 'knowledge_reuse_views'))} "
        f"{page.term('knowledge_reuse', 'reads of shared knowledge')}"
    )
    cost = v.get("cost_saved") or {}
    currency = str((v.get("assumptions") or {}).get("currency") or "")
    cards = [
        ("Questions answered", page.value(v.get("questions_answered"), "count")),
        ("Decisions recorded", page.value(v.get("decisions"), "count")),
        ("Ideas adopted", page.value(v.get("ideas_adopted"), "count")),
        (page.term("knowledge_reuse"), page.value(v.get("knowledge_reuse_views"), "count")),
    ]
    rows = [
        ("Answers saved as knowledge", page.value(v.get("answers_saved_as_knowledge"), "count")),
        ("Key-result check-ins", page.value(v.get("key_result_check_ins"), "count")),
        ("Key results moved", page.value(v.get("key_results_moved"), "count")),
    ]
    if numbers.is_number(cost.get("base")):
        rows.append(
            (
                "Cost of the time saved (low / base / high)",
                " / ".join(page.value(cost.get(k), "count") for k in ("low", "base", "high"))
                + (f" {esc(currency)}" if currency else ""),
            )
        )
    note = _assumptions(v.get("assumptions") or {})
    return section("value", q, sentence + ".", figures(cards) + table(rows) + note)


def _assumptions(a: Mapping[str, Any]) -> str:
    """The estimate's assumptions in one sentence."""
    answer, reuse = a.get("minutes_per_answered_question"), a.get("minutes_per_reuse")
    if not (isinstance(answer, Sequence) and isinstance(reuse, Sequence)):
        return ""
    text = (
        f"An estimate, not a measurement: each answered question is assumed to save "
        f"{', '.join(numbers.count(m) for m in answer)} minutes (low, base, high) and each read "
        f"of shared knowledge {', '.join(numbers.count(m) for m in reuse)} minutes"
    )
    if numbers.is_number(a.get("hourly_cost")):
        text += f"; an hour costs {numbers.count(a['hourly_cost'])} {a.get('currency') or ''}"
    return f"<p>{esc(text.strip())}.</p>"
