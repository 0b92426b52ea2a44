"""The planted shapes, measured from what the generator wrote (ActivityEvents, posts)."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from statistics import median
from typing import Any

import numpy as np
import pytest

from .conftest import SMALL, UNTIL

pytestmark = pytest.mark.django_db


def _events(verbs: tuple[str, ...], **filters: Any) -> list[dict[str, Any]]:
    from lumoflow.activity.models import ActivityEvent

    return list(
        ActivityEvent.objects.filter(verb__in=verbs, **filters)
        .order_by("id")
        .values("id", "ts", "actor_id", "verb", "workspace_id", "object_id", "parent_id",
                "thread_id", "target_actor_id", "kind")
    )  # fmt: skip


def _departments() -> dict[int, str]:
    from lumoflow.people.models import User

    return {
        pk: (path or "").split("/")[0]
        for pk, path in User.objects.values_list("pk", "department__path")
    }


def _weekly_writers(ws_id: int) -> dict[int, set[int]]:
    weeks: dict[int, set[int]] = defaultdict(set)
    for e in _events(("post", "reply"), workspace_id=ws_id):
        weeks[(e["ts"].date() - datetime(2000, 1, 3).date()).days // 7].add(e["actor_id"])
    return weeks


def test_company_has_departments_teams_managers_and_time_zones(small_demo: dict) -> None:
    # given the generated company
    from lumoflow.people.models import Department, User

    people = User.objects.filter(is_superuser=False)
    # then there are about 8 departments with teams, managers and several time zones
    top = Department.objects.filter(parent__isnull=True).count()
    assert 8 <= top <= 10
    assert Department.objects.filter(parent__isnull=False).count() >= 15
    assert people.count() == SMALL["people"]
    assert people.filter(manager__isnull=False).count() == SMALL["people"] - 1
    assert people.values("time_zone").distinct().count() >= 4
    assert people.filter(is_staff=True).count() == 1


def test_every_event_falls_in_the_period(small_demo: dict) -> None:
    # given the period asked for
    from lumoflow.activity.models import ActivityEvent

    start = datetime.fromisoformat(small_demo["start"]).replace(tzinfo=UTC)
    end = datetime.fromisoformat(small_demo["end"])
    # then every event (but the follows of the printed logins, made now) is inside it
    timed = ActivityEvent.objects.exclude(verb="follow")
    assert not timed.filter(ts__lt=start).exists()
    assert not timed.filter(ts__gte=end).exists()
    assert end.date() == UNTIL + timedelta(days=1)
    assert small_demo["counts"]["events"] == ActivityEvent.objects.count()


def test_posts_follow_working_hours_and_weekdays_of_their_authors(small_demo: dict) -> None:
    # given every post and reply with its author's time zone
    from lumoflow.people.models import User

    zones = dict(User.objects.values_list("pk", "time_zone"))
    local = [
        e["ts"].astimezone(zoneinfo.ZoneInfo(zones[e["actor_id"]]))
        for e in _events(("post", "reply"))
    ]
    # then nearly all fall on weekdays between 07:00 and 20:00 local time
    weekday = np.mean([t.weekday() < 5 for t in local])
    office = np.mean([7 <= t.hour < 20 for t in local])
    assert weekday > 0.97 and office > 0.97


def test_announcements_come_from_owners_and_facilitators(small_demo: dict) -> None:
    """Announcements reach every member's home feed: the demo posts them as the rules allow."""
    from lumoflow.conversation.models import Post
    from lumoflow.workspaces.models import Membership

    announcers = set(
        Membership.objects.filter(role__in=("owner", "facilitator")).values_list(
            "user_id", "workspace_id"
        )
    )
    posted = set(Post.objects.filter(kind="announcement").values_list("author_id", "workspace_id"))
    assert posted and posted <= announcers


def test_participation_is_heavy_tailed(small_demo: dict) -> None:
    # given how many posts and replies each person wrote
    from lumoflow.people.models import User

    people = list(User.objects.filter(is_superuser=False).values_list("pk", flat=True))
    counts = defaultdict(int)
    for e in _events(("post", "reply")):
        counts[e["actor_id"]] += 1
    per = np.sort(np.array([counts[p] for p in people]))[::-1]
    # then the top 10% write most of it, and a large share never writes (90-9-1 shape)
    assert per[: len(per) // 10].sum() / per.sum() > 0.5
    assert np.mean(per == 0) > 0.3
    assert small_demo["planted"]["readers_only"] > 0.3 * len(people)


def test_fading_workspace_loses_posters_answers_and_focus(small_demo: dict) -> None:
    # given the workspace planted as fading
    fading = small_demo["planted"]["fading_workspace"]
    weeks = _weekly_writers(fading["id"])
    first, last = min(weeks), max(weeks)
    # when weekly posters of its first two months are compared with its last two
    early = [len(weeks.get(w, ())) for w in range(first, first + 8)]
    late = [len(weeks.get(w, ())) for w in range(last - 7, last + 1)]
    # then they fell under half
    assert np.mean(late) < 0.5 * np.mean(early)
    # and its posts drift off-topic, its questions wait longer
    off = set(small_demo["planted"]["off_topic_post_ids"])
    posts = _events(("post",), workspace_id=fading["id"])
    half = len(posts) // 2
    share = [
        np.mean([int(p["object_id"]) in off for p in part]) for part in (posts[:half], posts[half:])
    ]
    assert share[1] > share[0] + 0.1
    delays = _first_reply_hours(fading["id"])
    third = len(delays) // 3
    assert median(delays[-third:]) > 2 * median(delays[:third])


def _first_reply_hours(ws_id: int) -> list[float]:
    roots = {e["object_id"]: e for e in _events(("post",), workspace_id=ws_id)}
    first: dict[str, float] = {}
    for e in _events(("reply",), workspace_id=ws_id):
        root = roots.get(e["thread_id"])
        if root and e["actor_id"] != root["actor_id"] and e["thread_id"] not in first:
            first[e["thread_id"]] = (e["ts"] - root["ts"]).total_seconds() / 3600
    return [first[k] for k in sorted(first, key=lambda k: roots[k]["ts"])]


def test_growing_workspace_grows_and_steady_one_holds(small_demo: dict) -> None:
    # given the growing and the steady workspaces
    planted = small_demo["planted"]
    for key, low, high in (("growing_workspace", 1.5, 99.0), ("steady_workspace", 0.67, 1.5)):
        posts = _events(("post", "reply"), workspace_id=planted[key]["id"])
        ts = np.array([p["ts"].timestamp() for p in posts])
        middle = (ts.min() + ts.max()) / 2
        # then the second half of the period holds much more activity than the first (growing),
        # or about as much (steady)
        ratio = np.sum(ts >= middle) / np.sum(ts < middle)
        assert low < ratio < high, (key, ratio)


def test_silo_department_replies_within_itself(small_demo: dict) -> None:
    # given every reply with the departments of its author and of the author replied to
    dept = _departments()
    silo = small_demo["planted"]["silo"]["department"]
    pairs = [
        (dept[e["actor_id"]], dept[e["target_actor_id"]])
        for e in _events(("reply",))
        if e["target_actor_id"] and e["target_actor_id"] != e["actor_id"]
    ]
    cross = np.array([a != b for a, b in pairs])
    in_silo = np.array([silo in (a, b) for a, b in pairs])
    # then the silo's cross-department share is under a tenth of the company's
    assert in_silo.sum() > 50
    assert cross[in_silo].mean() < 0.1 * cross.mean()
    assert small_demo["planted"]["silo"]["people"] >= 20


def test_brokers_reply_across_departments(small_demo: dict) -> None:
    # given the brokers
    from lumoflow.people.models import User

    dept = _departments()
    brokers = set(
        User.objects.filter(username__in=small_demo["planted"]["brokers"]).values_list(
            "pk", flat=True
        )
    )
    assert len(brokers) >= 3
    # then each talks to people of several departments
    reached = defaultdict(set)
    for e in _events(("reply", "reaction")):
        if e["actor_id"] in brokers and e["target_actor_id"]:
            reached[e["actor_id"]].add(dept[e["target_actor_id"]])
    assert all(len(reached[b]) >= 3 for b in brokers)


def test_questions_ideas_and_decisions(small_demo: dict) -> None:
    # given the conversation
    from lumoflow.conversation.models import Post

    questions = Post.objects.filter(parent__isnull=True, kind="question")
    unanswered = questions.filter(reply_count=0)
    # then some questions are never answered, many are, some with an accepted answer
    assert 0 < unanswered.count() < 0.4 * questions.count()
    assert questions.filter(accepted_answer__isnull=False).count() > 0.2 * questions.count()
    # and ideas get adopted, decisions get recorded
    assert Post.objects.filter(kind="idea", idea_status="adopted").exists()
    assert len(_events(("idea_status",))) == small_demo["planted"]["ideas_adopted"] + sum(
        1 for _ in Post.objects.filter(idea_status__in=["under_review", "declined"])
    )
    assert Post.objects.filter(parent__isnull=True, kind="decision").count() >= 10
    # and time to first answer is spread out (log-normal), not constant
    delays = []
    for ws in small_demo["workspaces"]:
        delays += _first_reply_hours(ws["id"])
    q10, q90 = np.quantile(delays, [0.1, 0.9])
    assert q90 > 10 * q10


def test_objectives_have_check_ins_and_one_is_off_track(small_demo: dict) -> None:
    # given the objectives and their latest check-ins on the last day
    from lumoflow.workspaces.models import KeyResult
    from lumoflow.workspaces.queries import key_result_status

    labels = defaultdict(list)
    for kr in KeyResult.objects.select_related("objective").prefetch_related("check_ins"):
        if kr.check_ins.exists():
            labels[kr.objective_id].append(key_result_status(kr, today=UNTIL).status.label)
    off = small_demo["planted"]["off_track_objective"]["id"]
    # then the planted objective is off track and most others are on track
    assert set(labels[off]) == {"off_track"}
    on = [k for k, v in labels.items() if k != off and all(x == "on_track" for x in v)]
    assert len(on) >= len(labels) // 2


def test_relevance_has_on_and_off_topic_posts(small_demo: dict) -> None:
    # given the posts and the off-topic labels
    from lumoflow.conversation.models import Post
    from lumoflow.workspaces.models import Objective

    off = set(small_demo["planted"]["off_topic_post_ids"])
    roots = list(Post.objects.filter(parent__isnull=True).values_list("pk", "workspace_id", "body"))
    terms = defaultdict(set)
    for ws, title, desc in Objective.objects.values_list("workspace_id", "title", "description"):
        terms[ws] |= {w.lower().strip(".,") for w in f"{title} {desc}".split() if len(w) > 4}

    # then on-topic posts share words with their objectives far more often than off-topic ones
    def overlaps(pk: int, ws: int, body: str) -> bool:
        return bool(terms[ws] & {w.lower().strip(".,!?:") for w in body.split()})

    on_rate = np.mean([overlaps(*r) for r in roots if r[0] not in off])
    off_rate = np.mean([overlaps(*r) for r in roots if r[0] in off])
    assert 0.05 < len(off) / len(roots) < 0.5
    assert on_rate > off_rate + 0.2


def test_the_ceo_and_the_administrator_hold_the_executive_capability(small_demo: dict) -> None:
    # given the demo's logins
    from lumoflow.people.models import Grant, User
    from lumoflow.people.queries import has_capability

    logins = small_demo["logins"]
    # then the CEO and the administrator were granted it (recorded), nobody else
    granted = set(Grant.objects.values_list("user__username", "capability"))
    assert granted == {
        (logins["ceo"]["username"], "executive"),
        (logins["administrator"]["username"], "executive"),
    }
    assert has_capability(User.objects.get(username=logins["ceo"]["username"]), "executive")
    owner = User.objects.get(username=logins["workspace_owner"]["username"])
    assert not has_capability(owner, "executive")
