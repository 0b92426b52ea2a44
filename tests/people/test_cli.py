"""`lumoflow people import` and `lumoflow token create`, run as an administrator would."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from lumoflow.activity.models import ActivityEvent
from lumoflow.cli import main
from lumoflow.people.models import Department, User

HEADER = "username,email,name,title,department,manager,location,time_zone\n"


def write(tmp_path: Path, body: str, header: str = HEADER) -> str:
    path = tmp_path / "people.csv"
    path.write_text(header + body, encoding="utf-8")
    return str(path)


def test_import_creates_people_departments_and_managers(db, tmp_path, capsys):
    # given
    csv = write(
        tmp_path,
        "ceo,ceo@acme.test,Cleo Eng,CEO,Acme,,Oslo,Europe/Oslo\n"
        "sam,sam@acme.test,Sam Lee,Seller,Acme/Sales/Nordics,ceo,Bergen,\n",
    )
    # when
    code = main(["people", "import", csv])
    # then
    assert code == 0
    assert "2 created, 0 updated" in capsys.readouterr().out
    sam = User.objects.get(username="sam")
    assert sam.manager.username == "ceo" and sam.department.path == "Acme/Sales/Nordics"
    assert list(Department.objects.values_list("path", flat=True)) == [
        "Acme",
        "Acme/Sales",
        "Acme/Sales/Nordics",
    ]
    assert ActivityEvent.objects.filter(verb="person", target_actor=sam).exists()


def test_import_is_rerunnable_and_updates_in_place(db, tmp_path, capsys):
    csv = write(tmp_path, "sam,sam@acme.test,Sam Lee,Seller,Sales,,Bergen,\n")
    assert main(["people", "import", csv]) == 0
    csv = write(tmp_path, "sam,sam@acme.test,Sam Lee,Head of Sales,Sales,,Bergen,\n")
    assert main(["people", "import", csv]) == 0
    assert "0 created, 1 updated" in capsys.readouterr().out
    assert User.objects.get(username="sam").title == "Head of Sales"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            "a,a@x.test,A,,Sales//Nordics,,,\n",
            "line 3: department path 'Sales//Nordics' has an empty part",
        ),
        ("a,a@x.test,A,,,,,Mars/Base\n", "line 3: 'Mars/Base' is not a known time zone"),
        ("a,a@x.test,A,,,b,,\nb,b@x.test,B,,,a,,\n", "loops back"),
        (
            "a,a@x.test,A,,,,,\na,a2@x.test,A,,,,,\n",
            "line 4: duplicate username 'a' (also on line 3)",
        ),
        ("a,not-an-email,A,,,,,\n", "line 3: 'not-an-email' is not an e-mail address"),
        ("a,a@x.test,A,,,ghost,,\n", "manager 'ghost' is neither in the file nor in LumoFlow"),
        ("a,a@x.test,A\n", "line 3: expected 8 columns, found 3"),
        ("a,a@x.test," + "N" * 151 + ",,,,,\n", "at most 150 characters"),
    ],
)
def test_bad_rows_are_reported_with_line_numbers_and_nothing_is_imported(
    db, tmp_path, capsys, rows, message
):
    # given a file with one good row and bad ones
    csv = write(tmp_path, "good,good@x.test,Good,,Sales,,,\n" + rows)
    # when
    code = main(["people", "import", csv])
    # then
    assert code == 2
    assert message in capsys.readouterr().err
    assert not User.objects.filter(username="good").exists()
    assert not Department.objects.exists()


def test_wrong_header_is_refused(db, tmp_path, capsys):
    csv = write(tmp_path, "a,a@x.test\n", header="user,mail\n")
    assert main(["people", "import", csv]) == 2
    assert "header must be exactly" in capsys.readouterr().err


def test_missing_file_is_one_clear_line(db, tmp_path, capsys):
    assert main(["people", "import", str(tmp_path / "nope.csv")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no such file" in err[0]


def test_token_create_prints_token_as_last_line(db, capsys):
    from tests.conftest import make_person

    make_person("tina")
    assert main(["token", "create", "tina"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", last)


def test_token_create_for_unknown_user_exits_2(db, capsys):
    assert main(["token", "create", "nobody"]) == 2
    assert "no active person with username 'nobody'" in capsys.readouterr().err


def test_unknown_command_exits_2(db, capsys):
    assert main(["frobnicate"]) == 2
    assert "Unknown command" in capsys.readouterr().err


def test_cli_creates_and_migrates_a_fresh_database(tmp_path):
    # given an empty data folder; when a command runs in a fresh process
    env = {"LUMOFLOW_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    lumoflow = Path(sys.executable).with_name("lumoflow")
    r = subprocess.run(
        [str(lumoflow), "token", "create", "nobody"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then the database exists, migrated, and the bad input is one clear line with exit 2
    assert r.returncode == 2, r.stderr
    assert (tmp_path / "data" / "lumoflow.sqlite3").exists()
    assert r.stderr.strip().splitlines() == [
        "lumoflow token: no active person with username 'nobody'"
    ]
