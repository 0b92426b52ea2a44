"""A small Slack export with enough people to be measured past the privacy guard (8 people, two
channels, 12 weeks), built from Slack's published export format like the fixtures of
`test_slack`, for the tests of "Measure an export"."""

from __future__ import annotations

import datetime as dt
import json
import random
import zipfile
from pathlib import Path
from typing import Any

NAMES = ["ann", "bob", "cat", "dan", "eve", "fay", "gus", "hal"]
USERS = [
    {"id": f"U{i}", "name": n, "real_name": n.capitalize()} for i, n in enumerate(NAMES, start=1)
]
CHANNELS = [
    {"id": "C1", "name": "general", "created": "1704067200", "members": [u["id"] for u in USERS],
     "purpose": {"value": "Company-wide news and questions"}, "topic": {"value": ""}},
    {"id": "C2", "name": "random", "created": "1704067200", "members": [u["id"] for u in USERS],
     "purpose": {"value": ""}, "topic": {"value": ""}},
]  # fmt: skip


def _days(weeks: int, seed: int) -> dict[str, list[dict[str, Any]]]:
    rng = random.Random(seed)
    today = dt.datetime.now(dt.UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    start = today - dt.timedelta(days=today.weekday() + 7 * weeks)  # ends last week
    days: dict[str, list[dict[str, Any]]] = {}
    for day in range(weeks * 7):
        if day % 7 >= 5:
            continue
        for channel in ("general", "random"):
            msgs: list[dict[str, Any]] = []
            base = start + dt.timedelta(days=day)
            for k in range(rng.randint(2, 5)):
                ts = (base + dt.timedelta(minutes=37 * k)).timestamp()
                root = f"{ts:.6f}"
                author = rng.choice(USERS)["id"]
                msg: dict[str, Any] = {
                    "type": "message", "user": author, "ts": root,
                    "text": rng.choice(["Any news on the launch?", "Plan for the quarter",
                                        "Who knows the billing API?", "Lunch at noon"]),
                }  # fmt: skip
                if rng.random() < 0.6:
                    msg["thread_ts"] = root
                    msg["reactions"] = [{"name": "+1", "users": [rng.choice(USERS)["id"]]}]
                    for r in range(rng.randint(1, 3)):
                        rts = f"{ts + 60 * (r + 1):.6f}"
                        msgs.append({"type": "message", "user": rng.choice(USERS)["id"],
                                     "text": "Here is what I know", "ts": rts,
                                     "thread_ts": root})  # fmt: skip
                msgs.append(msg)
            days[f"{channel}/{base:%Y-%m-%d}.json"] = sorted(msgs, key=lambda m: m["ts"])
    return days


def write_slack_export(root: Path, *, weeks: int = 12, seed: int = 1) -> Path:
    """The export as a folder at ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "users.json").write_text(json.dumps(USERS))
    (root / "channels.json").write_text(json.dumps(CHANNELS))
    for name, messages in _days(weeks, seed).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(json.dumps(messages))
    return root


def slack_zip(path: Path, *, weeks: int = 12, seed: int = 1) -> Path:
    """The export as Slack gives it: one zip file at ``path``."""
    folder = write_slack_export(path.with_suffix(""), weeks=weeks, seed=seed)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                z.write(f, f.relative_to(folder).as_posix())
    return path
