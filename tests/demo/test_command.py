"""`lumoflow demo` from the user's side: bad input, refusal on a non-empty database, logins."""

from __future__ import annotations

import io
import sys
from typing import Any

import pytest

from lumoflow.cli import main

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--people", "10"], "--people must be between 60 and 50000, not 10"),
        (["--people", "many"], "invalid int value: 'many'"),
        (["--months", "0"], "--months must be between 1 and 36, not 0"),
        (["--months", "99"], "--months must be between 1 and 36, not 99"),
        (["--until", "2026-13-01"], "--until '2026-13-01' is not a date like 2026-06-30"),
        (["--until", "2999-01-01"], "--until 2999-01-01 is in the future"),
        (["--seed", "-1"], "--seed must be 0 or more, not -1"),
    ],
)
def test_bad_input_gives_one_clear_line_and_exit_2(
    args: list[str], message: str, capsys: Any
) -> None:
    # when the demo is asked for with a bad option
    code = main(["demo", *args])
    # then it exits 2 with one line saying what is wrong, and writes nothing
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and message in err[0] and err[0].startswith("lumoflow demo: ")
    from lumoflow.people.models import User

    assert not User.objects.exists()


def test_non_empty_database_is_refused_without_force(org: Any, capsys: Any) -> None:
    # given a database with people in it
    from lumoflow.people.models import User

    before = User.objects.count()
    # when the demo is asked for
    code = main(["demo", "--people", "60", "--months", "1"])
    # then it refuses with a clear message and changes nothing
    err = capsys.readouterr().err
    assert code == 2
    assert "the database is not empty (5 people and 3 workspaces); use --force" in err
    assert User.objects.count() == before


def test_force_without_yes_needs_a_terminal(org: Any, capsys: Any, monkeypatch: Any) -> None:
    # given a non-empty database and no terminal to confirm in
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    # when --force is given without --yes
    code = main(["demo", "--force", "--people", "60", "--months", "1"])
    # then nothing is wiped
    assert code == 2
    assert "--force needs confirmation" in capsys.readouterr().err
    from lumoflow.people.models import User

    assert User.objects.filter(username="olivia").exists()


@pytest.mark.django_db(transaction=True)  # a real wipe, as outside a test transaction
def test_force_yes_wipes_and_loads_the_demo_and_prints_logins(
    org: Any, capsys: Any, settings: Any, tmp_path: Any
) -> None:
    # given a non-empty database
    settings.DATA_DIR = tmp_path
    # when the demo is forced in
    code = main(
        ["demo", "--force", "--yes", "--people", "60", "--months", "2", "--until", "2026-05-31",
         "--password", "shown-once-pass"]
    )  # fmt: skip
    # then the old data is gone and the demo is there
    captured = capsys.readouterr()
    out = captured.out
    from lumoflow.activity.models import ActivityEvent
    from lumoflow.people.models import User

    assert code == 0, captured.err
    assert not User.objects.filter(username="olivia").exists()
    assert User.objects.count() == 60
    # and the logins and the shared password are printed, the password once
    assert out.count("shown-once-pass") == 1
    for role in ("ceo", "workspace owner", "employee", "administrator"):
        assert role in out
    ceo = User.objects.get(title="Chief Executive Officer")
    assert ceo.username in out and ceo.check_password("shown-once-pass")
    # and the summary is stored for tests and the analytics
    import json

    summary = json.loads((tmp_path / "demo.json").read_text())
    assert summary["counts"]["events"] == ActivityEvent.objects.count()
    assert summary["planted"]["silo"]["department"] == "Manufacturing"
