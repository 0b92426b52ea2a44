"""The machine-readable summary of a generated demo: logins, planted shapes, counts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Count

from lumoflow.activity.models import ActivityEvent

from .activity import Activity
from .clock import Clock
from .company import SILO_DEPARTMENT, SILO_INDEX, People
from .vocab import COMPANY
from .workspaces import FADE_WEEKS, WorkspacePlan


def _ws(ws: WorkspacePlan, ids: Any) -> dict[str, Any]:
    return {
        "id": ids.workspaces[ws.index],
        "name": ws.name,
        "shape": ws.shape,
        "visibility": ws.visibility,
        "members": len(ws.members),
        "created": Clock.dt(ws.created).isoformat(),
    }


def _first(wss: list[WorkspacePlan], shape: str, ids: Any) -> dict[str, Any]:
    return next(_ws(ws, ids) for ws in wss if ws.shape == shape)


def summarise(
    options: Any,
    clock: Clock,
    people: People,
    wss: list[WorkspacePlan],
    act: Activity,
    ids: Any,
    logins: dict[str, int],
) -> dict[str, Any]:
    """Everything a reader (or a test, or the analytics) needs to find the planted shapes."""
    by_verb = dict(
        ActivityEvent.objects.values_list("verb").annotate(n=Count("id")).order_by("verb")
    )
    parent = np.array(act.parent)
    kinds = np.array(act.kind)
    roots = parent < 0
    replied = np.zeros(len(parent), bool)
    replied[parent[~roots]] = True
    off_topic = np.flatnonzero(roots & ~np.array(act.on_topic, dtype=bool))
    off_track = next(ws for ws in wss if ws.shape == "fading")
    return {
        "company": COMPANY,
        "seed": options.seed,
        "people": options.people,
        "months": options.months,
        "start": clock.start.isoformat(),
        "end": Clock.dt(clock.end_ts).isoformat(),
        "logins": {
            role: {
                "username": people.usernames[i],
                "name": people.names[i],
                "title": people.titles[i],
            }
            for role, i in logins.items()
        },
        "workspaces": [_ws(ws, ids) for ws in wss],
        "planted": {
            "fading_workspace": _first(wss, "fading", ids) | {"fade_weeks": FADE_WEEKS},
            "growing_workspace": _first(wss, "growing", ids),
            "steady_workspace": _first(wss, "steady", ids),
            "silo": {
                "department": SILO_DEPARTMENT,
                "people": int(np.count_nonzero(people.dept == SILO_INDEX)),
                "workspaces": [ids.workspaces[w.index] for w in wss if w.shape == "silo"],
            },
            "brokers": [people.usernames[i] for i in np.flatnonzero(people.broker)],
            "off_track_objective": {
                "id": ids.objectives[(off_track.index, 0)],
                "title": off_track.objectives[0].spec.title,
                "workspace": ids.workspaces[off_track.index],
            },
            "readers_only": int(np.count_nonzero(people.weight == 0)),
            "questions": int(np.count_nonzero(roots & (kinds == "question"))),
            "unanswered_questions": int(np.count_nonzero(roots & (kinds == "question") & ~replied)),
            "accepted_answers": len(act.accepts),
            "ideas_adopted": sum(1 for i in act.ideas if i[1] == "adopted"),
            "decisions": int(np.count_nonzero(roots & (kinds == "decision"))),
            "off_topic_post_ids": [int(ids.posts[i]) for i in off_topic],
            "answerer_questions": [
                {
                    "workspace": ids.workspaces[q.workspace],
                    "topic": q.topic,
                    "question_id": int(ids.posts[q.open]),
                    "answered_question_ids": [int(ids.posts[i]) for i in q.answered],
                    "experts": [people.usernames[e] for e in q.experts],
                }
                for q in act.planted_questions
            ],
        },
        "counts": {
            "events": sum(by_verb.values()),
            "by_verb": by_verb,
            "posts": int(np.count_nonzero(roots)),
            "replies": int(np.count_nonzero(~roots)),
        },
    }


def summary_path() -> Path:
    return Path(settings.DATA_DIR) / "demo.json"


def write_summary(summary: dict[str, Any]) -> Path:
    """Write the summary next to the database, atomically."""
    path = summary_path()
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(summary, indent=1, ensure_ascii=False))
    tmp.replace(path)
    return path
