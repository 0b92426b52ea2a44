"""Sign-in throttling per account and per address, and the sign-in audit, from the sign-in page
and the admin site."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from lumoflow.people import actions
from lumoflow.people.models import SignIn
from tests.conftest import PASSWORD, make_person


def _sign_in(login: str, password: str, address: str = "10.0.0.1") -> int:
    return Client(REMOTE_ADDR=address).post("/login", {"username": login, "password": password})


def _fail(login: str, times: int, address: str = "10.0.0.1") -> None:
    for _ in range(times):
        assert _sign_in(login, "nope", address).status_code == 200


def test_a_locked_account_stays_locked_in_any_case_or_as_its_email(org, settings):
    # given five failures on "mia"
    _fail("mia", settings.LUMOFLOW_LOGIN_FAILURE_LIMIT)
    # when she (or whoever) tries the right password under another spelling
    # then every spelling that reaches the account is paused
    for login in ("mia", "MIA", "Mia", "mia@example.com", "MIA@EXAMPLE.COM"):
        r = _sign_in(login, PASSWORD)
        assert r.status_code == 429, login
        assert b"Too many failed sign-ins" in r.content


def test_failures_under_several_spellings_add_up_to_one_account(org, settings):
    # given failures spread over the spellings of one account
    spellings = ["mia", "MIA", "mia@example.com", "Mia@Example.com", "mIa"]
    for login in spellings[: settings.LUMOFLOW_LOGIN_FAILURE_LIMIT]:
        _fail(login, 1)
    # then the account is paused
    assert _sign_in("mia", PASSWORD).status_code == 429


def test_a_locked_account_is_locked_from_every_address(org, settings):
    _fail("mia", settings.LUMOFLOW_LOGIN_FAILURE_LIMIT, address="10.0.0.1")
    assert _sign_in("mia", PASSWORD, address="10.9.9.9").status_code == 429


def test_another_spelling_cannot_unlock_the_account(org, settings):
    # given a paused account
    _fail("mia", settings.LUMOFLOW_LOGIN_FAILURE_LIMIT)
    # when the right password comes as her e-mail address
    assert _sign_in("mia@example.com", PASSWORD).status_code == 429
    # then the original spelling is still paused: nothing was reset
    assert _sign_in("mia", PASSWORD).status_code == 429


def test_the_pause_ends_after_the_cool_off(org, settings):
    _fail("mia", settings.LUMOFLOW_LOGIN_FAILURE_LIMIT)
    later = timezone.now() + settings.LUMOFLOW_LOGIN_COOL_OFF + timedelta(seconds=1)
    with time_machine.travel(later):
        assert _sign_in("MIA", PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_the_accounts_failures(org, settings):
    # given a few mistypes, then the right password under another spelling
    _fail("mia", settings.LUMOFLOW_LOGIN_FAILURE_LIMIT - 1)
    assert _sign_in("mia@example.com", PASSWORD).status_code == 302
    # when she mistypes again
    _fail("MIA", settings.LUMOFLOW_LOGIN_FAILURE_LIMIT - 1)
    # then the count started again: she is not paused
    assert _sign_in("mia", PASSWORD).status_code == 302


def test_unknown_logins_are_throttled_like_accounts(org, settings):
    _fail("nobody", settings.LUMOFLOW_LOGIN_FAILURE_LIMIT)
    assert _sign_in("NOBODY", "nope").status_code == 429


def test_password_spraying_from_one_address_is_paused(org, settings):
    # given one failure on each of many accounts from one address
    limit = settings.LUMOFLOW_LOGIN_ADDRESS_FAILURE_LIMIT
    for i in range(limit):
        make_person(f"person{i}")
        _fail(f"person{i}", 1, address="10.6.6.6")
    # then that address is paused, even with a right password
    r = _sign_in("mia", PASSWORD, address="10.6.6.6")
    assert r.status_code == 429
    assert b"Too many failed sign-ins" in r.content
    # and people elsewhere still sign in (each account had a single failure)
    assert _sign_in("person0", PASSWORD, address="10.0.0.2").status_code == 302


def test_an_own_successful_sign_in_does_not_reset_the_address(org, settings):
    # given a sprayer who also holds an account (mia) and signs in between rounds
    limit = settings.LUMOFLOW_LOGIN_ADDRESS_FAILURE_LIMIT
    for i in range(limit):
        make_person(f"person{i}")
        _fail(f"person{i}", 1, address="10.6.6.6")
        if i < limit - 1:
            assert _sign_in("mia", PASSWORD, address="10.6.6.6").status_code == 302
    # then the address is paused all the same
    assert _sign_in("person0", PASSWORD, address="10.6.6.6").status_code == 429


def test_the_address_is_read_through_the_configured_proxies(org, settings):
    # given one proxy in front of the site: the client is the last forwarded address
    settings.LUMOFLOW_PROXIES = 1

    def through_proxy(login: str, password: str, client: str) -> int:
        return (
            Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.4, {client}")
            .post("/login", {"username": login, "password": password})
            .status_code
        )

    for i in range(settings.LUMOFLOW_LOGIN_ADDRESS_FAILURE_LIMIT):
        make_person(f"person{i}")
        assert through_proxy(f"person{i}", "nope", "10.6.6.6") == 200
    assert through_proxy("mia", PASSWORD, "10.6.6.6") == 429
    assert through_proxy("mia", PASSWORD, "10.0.0.7") == 302
    assert SignIn.objects.filter(address="10.6.6.6").count() == 21


def test_the_admin_sign_in_is_throttled_too(org, settings):
    root = actions.ensure_admin("root", "a-long-admin-password")[0]
    _fail("root", settings.LUMOFLOW_LOGIN_FAILURE_LIMIT)
    r = Client(REMOTE_ADDR="10.0.0.1").post(
        "/admin/login/",
        {"username": "ROOT", "password": "a-long-admin-password", "next": "/admin/"},
    )
    assert r.status_code == 429
    assert root.pk  # the administrator exists and was refused all the same


def test_every_sign_in_is_audited(org, settings):
    # when mia fails once, signs in by e-mail, and a stranger tries a name that does not exist
    _sign_in("MIA", "nope", address="10.0.0.3")
    Client(REMOTE_ADDR="10.0.0.3", HTTP_USER_AGENT="Firefox").post(
        "/login", {"username": "mia@example.com", "password": PASSWORD}
    )
    _sign_in("ghost", "nope", address="10.0.0.4")
    # then each is recorded: who, when, from where, and the outcome
    rows = list(SignIn.objects.order_by("pk"))
    assert [(s.login, s.user, s.address, s.outcome) for s in rows] == [
        ("MIA", org.mia, "10.0.0.3", "failed"),
        ("mia@example.com", org.mia, "10.0.0.3", "succeeded"),
        ("ghost", None, "10.0.0.4", "failed"),
    ]
    assert rows[1].user_agent == "Firefox"
    assert all(abs(timezone.now() - s.at) < timedelta(minutes=1) for s in rows)


def test_refused_sign_ins_are_audited_as_paused(org, settings):
    _fail("mia", settings.LUMOFLOW_LOGIN_FAILURE_LIMIT)
    _sign_in("mia", PASSWORD)
    assert SignIn.objects.order_by("-pk")[0].outcome == "paused"


def test_the_cli_check_of_a_password_is_not_slowed_without_a_request(org):
    from django.contrib.auth import authenticate

    for _ in range(10):
        assert authenticate(None, username="mia", password="nope") is None
    assert authenticate(None, username="mia", password=PASSWORD) == org.mia
