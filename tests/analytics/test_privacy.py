"""Privacy guard and invariants, checked with hypothesis on generated logs."""

from __future__ import annotations

import datetime as dt
import html
import math
import random
import re
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lumoflow.analytics.frame import Options
from lumoflow.analytics.glossary import TERMS
from lumoflow.analytics.html import render_html
from lumoflow.analytics.log import make_log
from lumoflow.analytics.privacy import Guarded, guard, pseudonym
from lumoflow.analytics.report import (
    GROUP_TABLES,
    NESTED_COUNTS,
    NETWORK_GROUPS,
    PEOPLE_COUNTS,
    analyze,
    render_text,
    report_data,
)

FAMILIES = ("participation", "responsiveness", "fading", "network", "relevance", "value")

VERBS = ["post", "reply", "reaction", "message", "view", "mention", "post"]
WORDS = ["billing", "kubernetes", "lunch", "parking", "migration", "cost", "party", "cluster"]
WORKSPACES = [
    {"workspace": "w1", "objectives": "Migrate billing to kubernetes, cut cost"},
    {"workspace": "w2", "objectives": "Plan the summer party"},
]

event_spec = st.tuples(
    st.integers(0, 140),  # day
    st.integers(0, 11),  # actor
    st.sampled_from(VERBS),
    st.sampled_from(["w1", "w2"]),
    st.integers(0, 11),  # target
    st.integers(0, 10_000),  # parent pick / text seed
)
SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _events(specs: list[tuple[int, int, str, str, int, int]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, (day, actor, verb, ws, target, pick) in enumerate(specs):
        row: dict[str, Any] = {
            "event_id": f"e{i}",
            "ts": "2024-01-01T00:00:00Z",
            "actor": f"u{actor}",
            "verb": verb,
            "workspace": ws,
            "object_id": f"o{i}",
        }
        row["ts"] = f"2024-{1 + day // 28:02d}-{1 + day % 28:02d}T{pick % 24:02d}:00:00Z"
        if verb in ("reply", "reaction") and i:
            row["parent_id"] = f"o{pick % i}"
            row["thread_id"] = f"o{pick % i}"
        if verb in ("message", "mention"):
            row["target_actor"] = f"u{target}"
        if verb in ("post", "reply"):
            rng = random.Random(pick)
            row["text"] = " ".join(rng.choice(WORDS) for _ in range(6))
            row["kind"] = "question" if pick % 3 == 0 and verb == "post" else ""
        out.append(row)
    return out


PEOPLE = [
    {"actor": f"u{i}", "department": ["eng", "sales", "ops"][i % 3] + f"/t{i % 2}"}
    for i in range(12)
]


def _report(events: list[dict[str, Any]], people: list[dict[str, Any]], mgs: int) -> Any:
    log = make_log(events, people, WORKSPACES)
    return report_data(analyze(log, options=Options(min_group_size=mgs, pseudonym_key="k")))


def _groups(data: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(data, dict):
        if "suppressed" in data:
            found.append(data)
        for v in data.values():
            found += _groups(v)
    elif isinstance(data, list):
        for v in data:
            found += _groups(v)
    return found


def _rounded(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _rounded(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_rounded(v) for v in data]
    if isinstance(data, float):
        return float(f"{data:.9g}") if math.isfinite(data) else data
    return data


def _rows(table: dict[str, Any] | list[Any]) -> dict[str, dict[str, Any]]:
    """A table's rows by key (a group's name, or a week)."""
    if isinstance(table, dict):
        return table
    return {row["week"]: row for row in table}


def _at(data: dict[str, Any], family: str, path: tuple[str, ...]) -> Any:
    table: Any = data[family]
    for key in path:
        table = table[key]
    return table


def _numbers_in(data: Any) -> set[str]:
    """Every way the renderers may print a number held in ``data`` (and numbers in its text)."""
    out: set[str] = set()
    if isinstance(data, dict):
        for k, v in data.items():
            out |= _numbers_in(k) | _numbers_in(v)
    elif isinstance(data, list):
        for v in data:
            out |= _numbers_in(v)
    elif isinstance(data, bool) or data is None:
        pass
    elif isinstance(data, int | float):
        v = abs(float(data))
        out |= {
            str(v),
            str(int(v)) if v.is_integer() else "",
            f"{v:.3g}",
            f"{v:.4f}",
            f"{v:.3f}",
            f"{v:.2f}",
            f"{v:.2g}",
            f"{v:.1f}",
            f"{v * 100:.0f}",
            f"{v:.0f}",
        }
    elif isinstance(data, str):
        out |= set(NUMBER.findall(data))
    return out


NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e[+-]\d+)?")
#: Words of the text and HTML templates that hold digits of their own.
TEMPLATE = re.compile(r"top 10%|top-5%|30-day|P90|48 h|h1|h2")


def _shown_numbers(page: str) -> set[str]:
    """Numbers a reader sees in a page: text outside tags, styles and charts' drawing."""
    page = re.sub(r"<style>.*?</style>|<svg.*?</svg>", " ", page, flags=re.S)
    page = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return set(NUMBER.findall(TEMPLATE.sub(" ", page)))


people_spec = st.lists(st.sampled_from(["eng", "sales", "ops", "legal", ""]), min_size=12,
                       max_size=12)  # fmt: skip


def _check_tables(data: dict[str, Any], raw: dict[str, Any], mgs: int) -> None:
    """Primary and secondary suppression in every table of groups."""
    for family, path in GROUP_TABLES:
        shown_rows, true_rows = _rows(_at(data, family, path)), _rows(_at(raw, family, path))
        assert shown_rows.keys() == true_rows.keys()
        hidden = [k for k, row in shown_rows.items() if row["suppressed"]]
        for key, row in shown_rows.items():
            size = true_rows[key]["people"]
            if 0 < size < mgs:
                assert row["suppressed"], (family, path, key)
            if row["suppressed"]:  # nothing but the row's name: no value, no people count
                assert {k for k, v in row.items() if v is not None} <= {"week", "suppressed"}
            else:  # as at threshold 1, but for figures withheld by their own group's rule
                partial = WITHHELD_IN_SHOWN_ROWS.get((family, path), ())
                shown = {k: v for k, v in row.items() if not (k in partial and v is None)}
                assert _rounded(shown) == _rounded({k: true_rows[key][k] for k in shown})
        if hidden:
            # what the shown rows and any total give away is about the hidden rows together:
            # they include a group of at least the threshold, or there is nothing left to show
            sizes = [true_rows[k]["people"] for k in hidden]
            left = [k for k, r in true_rows.items() if r["people"] >= mgs and k not in hidden]
            assert max(sizes) >= mgs or not left, (family, path, hidden)
            assert len(hidden) >= 2 or max(sizes) >= mgs or not left


#: Figures of a shown row that their own rule may withhold (checked by :func:`_check_weeks`).
WITHHELD_IN_SHOWN_ROWS = {
    ("participation", ("weekly",)): (
        "posts",
        "replies",
        "reactions",
        "engaged",
        "new",
        "retained",
        "returning",
        "churned",
        "stickiness",
    )
}
BREAKDOWN = ("engaged", "new", "retained", "returning", "churned")


def _monday(ts: str) -> str:
    day = dt.date.fromisoformat(ts[:10])
    return (day - dt.timedelta(days=day.weekday())).isoformat()


def _check_weeks(
    data: dict[str, Any], raw: dict[str, Any], events: list[dict[str, Any]], mgs: int
) -> None:
    """Participation's weekly rows: a week's posts follow the one rule for a week's posts, its
    breakdown hides no group of 1 to threshold - 1 people, and no hidden count of people can be
    worked out from what is shown."""
    weeks, true = data["participation"]["weekly"], _rows(raw["participation"]["weekly"])
    members = data["participation"]["members"]
    # a week's posts: about the people who posted that week; responsiveness hides the week's
    # row by the same rule, so a week's posts are shown in both families or in neither
    posters: dict[str, set[str]] = {}
    for e in events:
        if e["verb"] == "post":
            posters.setdefault(_monday(e["ts"]), set()).add(e["actor"])
    resp = _rows(data["responsiveness"]["weekly"])
    for w in weeks:
        if w["suppressed"]:
            continue
        people = len(posters.get(w["week"], ()))
        assert not 0 < people < mgs or w["posts"] is None, w
        hidden_there = w["week"] in resp and resp[w["week"]]["suppressed"]
        assert (w["posts"] is None) is hidden_there, (w, resp.get(w["week"]))
    for w in weeks:
        t = true[w["week"]]
        # members minus the week's active people is a group too
        if 0 < members - t["active"] < mgs or 0 < t["active"] < mgs:
            assert w["suppressed"], w
        groups = [t[k] for k in BREAKDOWN] + [t["active"] - t["engaged"]]
        if any(0 < n < mgs for n in groups):
            assert all(w[k] is None for k in BREAKDOWN), w
    _check_nothing_derived(weeks, list(true.values()), data["participation"], mgs)


def _check_nothing_derived(
    weeks: list[dict[str, Any]], true: list[dict[str, Any]], totals: dict[str, Any], mgs: int
) -> None:
    """No hidden weekly count of 1 to threshold - 1 people follows from the shown ones by the
    sums that tie them: active = new + retained + returning and active - engaged >= 0 in each
    week, last week's active = retained + churned, and the period's newcomers = the weeks' new
    (where that holds)."""
    cols = ("active", "engaged", "new", "retained", "returning", "churned")
    cells = [(i, c) for i in range(len(weeks)) for c in cols if weeks[i][c] is None]
    index = {cell: j for j, cell in enumerate(cells)}
    equations: list[tuple[dict[tuple[int, str], int], int]] = []
    for i in range(len(true)):
        equations.append(({(i, "active"): 1, (i, "new"): -1, (i, "retained"): -1,
                           (i, "returning"): -1}, 0))  # fmt: skip
        if i:
            equations.append(({(i - 1, "active"): 1, (i, "retained"): -1, (i, "churned"): -1}, 0))
    if totals.get("newcomers") is not None and sum(t["new"] for t in true) == totals["newcomers"]:
        equations.append(({(i, "new"): 1 for i in range(len(true))}, totals["newcomers"]))
    rows = []
    for terms, _ in equations:
        row = np.zeros(len(cells))
        for cell, k in terms.items():
            if cell in index:
                row[index[cell]] += k
        if row.any():
            rows.append(row)
    if not rows:
        return
    a = np.array(rows)
    rank = np.linalg.matrix_rank(a)
    for (i, c), j in index.items():
        value = true[i][c]
        if 0 < value < mgs:
            unit = np.zeros(len(cells))
            unit[j] = 1
            assert np.linalg.matrix_rank(np.vstack([a, unit])) > rank, (weeks[i]["week"], c)


#: Tables of departments and the shown count of the people they are drawn from: that count
#: minus the departments' people is the people without a department (a group too).
DEPARTMENT_TABLES = (
    (("participation", ("by_department",)), ("participation", "members")),
    (("network", ("ei_index", "by_department")), ("network", "nodes")),
    (("network", ("ei_index_directed", "sent_by_department")), ("network", "nodes")),
    (("network", ("ei_index_directed", "received_by_department")), ("network", "nodes")),
)


def _check_departments(data: dict[str, Any], mgs: int) -> None:
    """The people a department table leaves out (shown total minus the shown departments) are
    nobody or at least the threshold: hidden departments with the people without one."""
    for (family, path), (total_family, total_key) in DEPARTMENT_TABLES:
        total = data[total_family][total_key]
        rows = _at(data, family, path).values()
        if total is None or not rows:
            continue
        left = total - sum(r["people"] for r in rows if not r["suppressed"])
        assert not 0 < left < mgs, (family, path, total, left)


def _check_fading(fading: dict[str, Any], mgs: int) -> None:
    """No count of fewer people than the threshold in the fading result."""
    for verdict in [fading, *fading["by_workspace"].values()]:
        active = verdict["trends"].get("active_contributors", {})
        for key in ("first", "last", "before", "after"):
            assert active.get(key) is None or not 0 < active[key] < mgs
        if active and (active.get("first") is None or active.get("last") is None):
            assert active["change"] is None
        if active.get("sen_slope") is not None:  # Sen's line never reads as a small count
            start = dt.date.fromisoformat(active["start"])
            weeks = (dt.date.fromisoformat(active["end"]) - start).days / 7
            ends = [active["intercept"], active["intercept"] + active["sen_slope"] * weeks]
            assert min(ends) >= mgs or max(ends) <= 0, ends
        for n in [verdict["members"], *verdict["levels"].values()]:
            assert n is None or not 0 < n < mgs


def _check_counts(data: dict[str, Any], raw: dict[str, Any], mgs: int) -> None:
    """Whole-selection counts of people: 0, at least the threshold, or withheld."""
    p = data["participation"]
    for key in PEOPLE_COUNTS["participation"]:
        true = raw["participation"][key]
        if 0 < true < mgs:
            assert p[key] is None and key in p["suppressed_counts"], key
        elif key in p["withheld_counts"]:
            assert p[key] is None, key
        else:
            assert p[key] == true and key not in p["suppressed_counts"], key
    for key in NETWORK_GROUPS:
        group, true = data["network"][key], raw["network"][key]["count"]
        withheld = key in data["network"]["withheld_counts"]
        assert group["suppressed"] is (0 < true < mgs or withheld), key
        assert group["count"] == (None if group["suppressed"] else true), key
    # a count nested in another, both shown, differs from it by nobody or by enough people
    for family, pairs in NESTED_COUNTS.items():
        fam = data[family]
        for whole, part in pairs:
            a, b = fam[whole], fam[part]
            a, b = (x.get("count") if isinstance(x, dict) else x for x in (a, b))
            if a is not None and b is not None:
                assert not 0 < a - b < mgs, (family, whole, part, a, b)
    # the funnel's steps are nested too: members, readers (the active), reactors, repliers,
    # posters; readers are hidden with the active count
    steps = [p["members"], *(g["people"] for g in p["funnel"].values())]
    if p["active"] is None:
        assert steps[1] is None
    shown = [n for n in steps if n is not None]
    assert all(not 0 < a - b < mgs for i, a in enumerate(shown) for b in shown[i + 1 :]), steps


@SETTINGS
@given(st.lists(event_spec, min_size=1, max_size=60), people_spec, st.integers(2, 7))
def test_no_figure_about_fewer_than_the_threshold_can_be_read_or_derived(
    specs: list[Any], departments: list[str], mgs: int
) -> None:
    # given: a random log, random departments, a random threshold; the unguarded result
    # (threshold 1) tells each group's true size
    events = _events(specs)
    people = [{"actor": f"u{i}", "department": d} for i, d in enumerate(departments)]
    log = make_log(events, people, WORKSPACES)
    # when
    report = analyze(log, options=Options(min_group_size=mgs, pseudonym_key="k"))
    data = report_data(report)
    raw = report_data(analyze(log, options=Options(min_group_size=1, pseudonym_key="k")))
    text, page = render_text(data), render_html(data)
    # then, the selection rule: fewer people than the threshold -> nothing at all
    involved = {e["actor"] for e in events} | {e.get("target_actor", "") for e in events}
    if len(involved - {""}) < mgs:
        assert all(data[f] is None for f in FAMILIES)
        reason = data["privacy"]["selection"]["reason"]
        assert text.startswith(reason) and html.escape(reason) in page
        assert not _shown_numbers(text) - _numbers_in(data)
        return
    assert data["privacy"]["selection"]["suppressed"] is False
    _check_tables(data, raw, mgs)
    _check_departments(data, mgs)
    _check_fading(data["fading"], mgs)
    _check_counts(data, raw, mgs)
    _check_weeks(data, raw, events, mgs)
    for ws in data["relevance"]["drift"]:
        assert not data["relevance"]["by_workspace"][ws]["suppressed"]
    # formats agree: text and HTML show no number the guarded data does not hold
    # formats agree: text and HTML render the guarded data alone (render_text and render_html
    # take nothing else), and the text shows no number that data does not hold
    held = _numbers_in(data) | _numbers_in(list(TERMS.values()))  # the glossary's own numbers
    assert not _shown_numbers(text) - held, _shown_numbers(text) - held


@SETTINGS
@given(
    st.integers(2, 7),
    st.lists(st.sampled_from(["eng", "sales", "ops"]), min_size=7, max_size=14),
    st.integers(1, 6),
    st.lists(st.sampled_from(VERBS), min_size=14, max_size=14),
)
def test_departments_that_add_up_to_a_withheld_active_count_give_it_away_no_more(
    mgs: int, departments: list[str], inactive: int, verbs: list[str]
) -> None:
    # given: every active person has a department and the few inactive ones have none, so the
    # departments' people add up to the active count, which is withheld (members minus active
    # people is 1 to threshold - 1 people)
    inactive = min(inactive, mgs - 1)
    people = [{"actor": f"u{i}", "department": d} for i, d in enumerate(departments)]
    people += [{"actor": f"idle{i}", "department": ""} for i in range(inactive)]
    events = [
        {"event_id": f"e{i}", "ts": f"2024-01-{1 + i % 28:02d}T09:00:00Z", "actor": f"u{i}",
         "verb": verb, "workspace": "w1", "object_id": f"o{i}", "text": "billing cost"}
        for i, verb in enumerate(verbs[: len(departments)])
    ]  # fmt: skip
    # when
    data = report_data(analyze(make_log(events, people, WORKSPACES),
                               options=Options(min_group_size=mgs, pseudonym_key="k")))  # fmt: skip
    # then: the active count is withheld, and the departments shown do not add up to it
    assert data["participation"]["active"] is None
    shown = data["participation"]["by_department"].values()
    assert sum(g["people"] or 0 for g in shown) != len(departments) or not shown
    _check_departments(data, mgs)


@SETTINGS
@given(st.lists(event_spec, min_size=1, max_size=60), st.randoms(use_true_random=False))
def test_metrics_do_not_depend_on_row_order(specs: list[Any], rnd: random.Random) -> None:
    events = _events(specs)
    shuffled = events[:]
    rnd.shuffle(shuffled)
    people = PEOPLE[:]
    rnd.shuffle(people)
    assert _rounded(_report(events, PEOPLE, 3)) == _rounded(_report(shuffled, people, 3))


@SETTINGS
@given(st.lists(event_spec, min_size=1, max_size=50), st.lists(event_spec, min_size=1, max_size=30))
def test_adding_a_bots_events_changes_nothing_when_bots_are_excluded(
    specs: list[Any], bot_specs: list[Any]
) -> None:
    events = _events(specs)
    # the bot acts inside the same time span as the people
    first, last = min(e["ts"] for e in events), max(e["ts"] for e in events)
    bot = _events(bot_specs)
    for i, e in enumerate(bot):
        e.update(
            event_id=f"b{i}",
            actor="bot",
            object_id=f"bo{i}",
            is_bot=i % 2 == 0,
            ts=first if i % 2 else last,
        )
        e.pop("parent_id", None)
        e.pop("thread_id", None)
    people = PEOPLE + [{"actor": "bot", "is_bot": True}]
    without = _report(events, PEOPLE, 3)
    with_bot = _report(events + bot, people, 3)
    for key in ("participation", "responsiveness", "fading", "network", "relevance", "value"):
        assert _rounded(with_bot[key]) == _rounded(without[key]), key
    assert with_bot["input"]["skipped"]["bot events"] == len(bot)


def test_guard_hides_small_groups_and_their_count() -> None:
    assert guard(0.25, 4, 5) == Guarded(None, None, True)
    assert guard(None, 0, 5) == Guarded(None, 0, False)  # a group of nobody hides no one
    assert guard(0.25, 5, 5).value == 0.25
    assert guard(float("nan"), 9, 5).value is None


def test_pseudonyms_depend_on_the_key() -> None:
    assert pseudonym("ann", "k1") != pseudonym("ann", "k2")
    assert pseudonym("ann", "k1") == pseudonym("ann", "k1")
