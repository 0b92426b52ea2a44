"""`lumoflow export-log`: the canonical interaction log, read back with the analytics reader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lumoflow.analytics.log import read_log
from lumoflow.conversation import actions
from lumoflow.conversation.actions import PostRow

pytestmark = pytest.mark.django_db


def _rows(table: Any, **where: Any) -> list[dict[str, Any]]:
    return [r for r in table.to_pylist() if all(r[k] == v for k, v in where.items())]


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_export_round_trip(org: Any, tmp_path: Path, fmt: str) -> None:
    # given
    t0 = dt.datetime(2025, 2, 3, 9, tzinfo=dt.UTC)
    q = actions.create_post(org.mia, org.launch.pk, kind="question", body="When? @fred", at=t0)
    r = actions.create_reply(org.fred, q.pk, body="Monday", at=t0 + dt.timedelta(hours=2))
    actions.add_reaction(org.olivia, r.pk, emoji="👍", at=t0 + dt.timedelta(hours=3))
    actions.accept_answer(org.mia, q.pk, reply_id=r.pk, at=t0 + dt.timedelta(hours=4))
    actions.create_post(org.olivia, org.merger.pk, kind="decision", body="Go", at=t0)
    # when
    call_command("export_log", str(tmp_path / "log"), "--format", fmt)
    log = read_log(tmp_path / "log")
    # then
    ev = log.events
    assert set(pc.unique(ev["verb"]).to_pylist()) >= {
        "post", "reply", "reaction", "mention", "accept_answer", "join", "objective",
    }  # fmt: skip
    (post,) = _rows(ev, verb="post", object_id=str(q.pk))
    assert (post["actor"], post["kind"], post["text"], post["workspace"]) == (
        "mia", "question", "When? @fred", str(org.launch.pk),
    )  # fmt: skip
    assert post["ts"] == t0
    (reply,) = _rows(ev, verb="reply")
    assert (reply["parent_id"], reply["thread_id"], reply["target_actor"]) == (
        str(q.pk), str(q.pk), "mia",
    )  # fmt: skip
    (mention,) = _rows(ev, verb="mention")
    assert mention["target_actor"] == "fred"
    (accept,) = _rows(ev, verb="accept_answer")
    assert (accept["object_id"], accept["thread_id"]) == (str(r.pk), str(q.pk))
    # every person is listed, with department and manager; every workspace, the secret one too
    people = {p["actor"]: p for p in log.people.to_pylist()}
    assert set(people) == {"olivia", "fred", "mia", "otto", "ada"}
    assert (people["fred"]["department"], people["fred"]["manager"]) == (
        "Product/Platform", "olivia",
    )  # fmt: skip
    ws = {w["workspace"]: w for w in log.workspaces.to_pylist()}
    assert set(ws) == {str(org.launch.pk), str(org.finance.pk), str(org.merger.pk)}
    assert "Signed pilots" in ws[str(org.launch.pk)]["objectives"]
    assert _rows(ev, verb="post", kind="decision")
    assert log.meta["source"] == "lumoflow"


def test_export_period_and_bulk_events(org: Any, tmp_path: Path) -> None:
    days = [dt.datetime(2025, 1, d, 12, tzinfo=dt.UTC) for d in (1, 2, 3)]
    actions.bulk_create_posts([PostRow(org.mia.pk, org.launch.pk, f"day {d}", d) for d in days])
    call_command("export_log", str(tmp_path / "log"), "--from", "2025-01-02", "--to", "2025-01-02")
    ev = read_log(tmp_path / "log").events
    assert ev.num_rows == 1 and ev["text"][0].as_py() == "day 2025-01-02 12:00:00+00:00"


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--from", "yesterday"], "not a date"),
        (["--from", "2025-02-01", "--to", "2025-01-01"], "before"),
    ],
)
def test_export_bad_input(db: Any, tmp_path: Path, argv: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("export_log", str(tmp_path / "log"), *argv)
    assert not (tmp_path / "log").exists()


def test_export_refuses_non_empty_folder(db: Any, tmp_path: Path) -> None:
    (tmp_path / "log").mkdir()
    (tmp_path / "log" / "keep.txt").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("export_log", str(tmp_path / "log"))


def test_cli_exit_codes(db: Any, tmp_path: Path, capsys: Any) -> None:
    from lumoflow.cli import main

    assert main(["export-log", str(tmp_path / "bad"), "--to", "soon"]) == 2
    assert "--to: not a date" in capsys.readouterr().err
    assert main(["export-log", str(tmp_path / "good")]) == 0
    assert (tmp_path / "good" / "events.parquet").exists()


def _plain_events(qs: Any) -> Any:
    """The events read through the ORM's `values_list`, row by row: the plain version the
    column-wise reader (`export._batches`) replaced, kept as its oracle."""
    import pyarrow as pa

    from lumoflow.analytics.log import EVENTS_SCHEMA, KINDS
    from lumoflow.conversation.export import _EVENT_FIELDS

    rows = list(qs.values_list(*_EVENT_FIELDS))
    if not rows:
        return EVENTS_SCHEMA.empty_table()
    c = list(zip(*rows, strict=True))

    def text(i: int) -> list[str]:
        return ["" if v is None else str(v) for v in c[i]]

    return pa.table(
        {
            "event_id": [str(v) for v in c[0]],
            "ts": pa.array(c[1], EVENTS_SCHEMA.field("ts").type),
            "actor": list(c[2]),
            "verb": list(c[3]),
            "workspace": text(4),
            "object_id": text(5),
            "parent_id": text(6),
            "thread_id": text(7),
            "target_actor": text(8),
            "kind": [k if k in KINDS else "" for k in text(9)],
            "text": text(10),
            "is_bot": list(c[11]),
        },
        schema=EVENTS_SCHEMA,
    )


def test_column_wise_read_equals_the_orm_read(org: Any) -> None:
    # given: events with and without a workspace, a bot, fractional seconds, every verb
    import pyarrow as pa

    from lumoflow.conversation import export
    from lumoflow.people.models import User
    from tests.conftest import make_person

    bot = make_person("buildbot", is_bot=True)
    from lumoflow.workspaces import actions as ws

    ws.add_member(org.olivia, org.launch.pk, username="buildbot", role="member")
    t0 = dt.datetime(2025, 2, 3, 9, 0, 0, 123456, tzinfo=dt.UTC)
    q = actions.create_post(org.mia, org.launch.pk, kind="question", body="When? @fred", at=t0)
    r = actions.create_reply(org.fred, q.pk, body="Monday", at=t0 + dt.timedelta(hours=2))
    actions.add_reaction(org.olivia, r.pk, emoji="👍", at=t0 + dt.timedelta(seconds=1))
    actions.accept_answer(org.mia, q.pk, reply_id=r.pk, at=t0 + dt.timedelta(hours=4))
    actions.create_post(bot, org.launch.pk, kind="update", body="Build 12 passed", at=t0)
    actions.create_post(org.olivia, org.merger.pk, kind="decision", body="Go", at=t0)
    since = dt.datetime(2025, 2, 3, 10, tzinfo=dt.UTC)
    cases = [
        export._events_qs(None, None, None),
        export._events_qs(since, None, None),
        export._events_qs(None, since, None, [org.launch.pk]),
        export._events_qs(None, None, User.objects.get(username="mia")),
        export._events_qs(since, since, None),  # nothing
    ]
    for qs in cases:
        # when
        got = pa.Table.from_batches(list(export._batches(qs)), schema=export.EVENTS_SCHEMA)
        # then
        assert got.equals(_plain_events(qs)), str(qs.query)
    assert got.num_rows == 0
    whole = pa.Table.from_batches(list(export._batches(cases[0])))
    assert True in whole["is_bot"].to_pylist()
    assert t0 in whole["ts"].to_pylist()


def test_people_read_column_wise_equals_the_orm_read(org: Any) -> None:
    # given people with and without a display name, department, manager; a bot
    import pyarrow as pa

    from lumoflow.analytics.log import PEOPLE_SCHEMA
    from lumoflow.conversation import export
    from lumoflow.people.models import User
    from tests.conftest import make_person

    make_person("buildbot", is_bot=True)
    # when
    got = export._people()
    # then it equals the plain read through the ORM (the version it replaced)
    rows = User.objects.order_by("id").values_list(
        "username", "display_name", "first_name", "last_name", "department__path",
        "manager__username", "location", "date_joined", "is_bot", "time_zone",
    )  # fmt: skip
    plain = [
        (u, d or f"{f} {la}".strip() or u, dept or "", m or "", loc, joined, bot, tz)
        for u, d, f, la, dept, m, loc, joined, bot, tz in rows
    ]
    cols = list(zip(*plain, strict=True))
    expected = pa.table(
        [pa.array(c, f.type) for c, f in zip(cols, PEOPLE_SCHEMA, strict=True)],
        schema=PEOPLE_SCHEMA,
    )
    assert got.equals(expected)
    assert got.num_rows == 6 and True in got["is_bot"].to_pylist()
