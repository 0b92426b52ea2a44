"""`lumoflow setup` (run by `make run`): administrator handling."""

from __future__ import annotations

from django.core.management import call_command

from lumoflow.people.models import User


def test_setup_creates_an_admin_once_and_prints_the_password(db, capsys, monkeypatch):
    monkeypatch.delenv("LUMOFLOW_ADMIN_USERNAME", raising=False)
    monkeypatch.delenv("LUMOFLOW_ADMIN_PASSWORD", raising=False)
    call_command("setup", "--no-demo")
    out = capsys.readouterr().out
    assert "username 'admin', password '" in out
    password = out.split("password '")[1].split("'")[0]
    assert User.objects.get(username="admin").check_password(password)
    call_command("setup", "--no-demo")
    assert "password" not in capsys.readouterr().out  # shown once


def test_setup_ensures_the_admin_from_the_environment(db, capsys, monkeypatch):
    # given an existing admin and a database with other people
    call_command("setup", "--no-demo")
    monkeypatch.setenv("LUMOFLOW_ADMIN_USERNAME", "ops")
    monkeypatch.setenv("LUMOFLOW_ADMIN_PASSWORD", "first-password-1")
    # when
    call_command("setup", "--no-demo")
    monkeypatch.setenv("LUMOFLOW_ADMIN_PASSWORD", "second-password-2")
    call_command("setup", "--no-demo")
    # then
    ops = User.objects.get(username="ops")
    assert ops.is_superuser and ops.check_password("second-password-2")


def test_later_starts_remind_the_demo_logins(db, capsys, settings, tmp_path):
    # given a data folder where the demo was created earlier
    import json

    settings.DATA_DIR = tmp_path
    (tmp_path / "demo.json").write_text(
        json.dumps({"logins": {"ceo": {"username": "erling.pettersen"}}})
    )
    # when setup runs again on a database that has people
    from tests.conftest import make_person

    make_person("someone")
    call_command("setup")
    # then the sign-in names are shown again
    assert "erling.pettersen" in capsys.readouterr().out
