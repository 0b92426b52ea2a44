"""Privacy guard and invariants, checked with hypothesis on generated logs."""

from __future__ import annotations

import math
import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lumoflow.analytics.frame import Options
from lumoflow.analytics.log import make_log
from lumoflow.analytics.privacy import guard, pseudonym
from lumoflow.analytics.report import analyze, report_data

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


@SETTINGS
@given(st.lists(event_spec, min_size=1, max_size=60), st.integers(2, 8))
def test_suppression_never_reveals_a_group_under_the_threshold(specs: list[Any], mgs: int) -> None:
    data = _report(_events(specs), PEOPLE, mgs)
    for group in _groups(data):
        if 0 < group["people"] < mgs:
            assert group["suppressed"] is True
        if group["suppressed"]:
            shown = {k: v for k, v in group.items() if k not in ("week", "people", "suppressed")}
            assert all(v is None for v in shown.values()), group
    for ws, verdict in data["fading"]["by_workspace"].items():
        if verdict["members"] < mgs:
            assert verdict["verdict"] == "too_little_data" and verdict["trends"] == {}, ws


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


def test_guard_hides_small_groups_and_keeps_the_count() -> None:
    assert guard(0.25, 4, 5).value is None and guard(0.25, 4, 5).people == 4
    assert guard(0.25, 5, 5).value == 0.25
    assert guard(float("nan"), 9, 5).value is None


def test_pseudonyms_depend_on_the_key() -> None:
    assert pseudonym("ann", "k1") != pseudonym("ann", "k2")
    assert pseudonym("ann", "k1") == pseudonym("ann", "k1")
