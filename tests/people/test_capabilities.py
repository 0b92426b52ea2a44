"""Capabilities: administrators grant and revoke `executive` and `people-analytics` (CLI and
admin site), each change recorded; administrators hold both; the one check answers for all."""

from __future__ import annotations

import pytest

from lumoflow.activity.models import ActivityEvent
from lumoflow.cli import main
from lumoflow.core.errors import Invalid, NotFound, PermissionDenied
from lumoflow.people import actions, queries
from lumoflow.people.models import Grant


def _changes(person):
    return list(
        ActivityEvent.objects.filter(verb="person", target_actor=person, data__has_key="capability")
        .order_by("pk")
        .values_list("data__change", "data__capability")
    )


def test_cli_grants_and_revokes_a_capability(org, capsys):
    # when
    assert main(["people", "grant", "mia", "executive"]) == 0
    # then
    assert "granted: mia holds executive" in capsys.readouterr().out
    assert queries.has_capability(org.mia, "executive")
    assert not queries.has_capability(org.mia, "people-analytics")
    # when
    assert main(["people", "revoke", "mia", "executive"]) == 0
    # then
    assert "revoked: mia no longer holds executive" in capsys.readouterr().out
    assert not queries.has_capability(org.mia, "executive")
    assert _changes(org.mia) == [
        ("capability_granted", "executive"),
        ("capability_revoked", "executive"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["grant", "mia", "boss"], "'boss' is not a capability: use executive or people-analytics"),
        (["grant", "nobody", "executive"], "No person 'nobody'"),
        (["revoke", "nobody", "people-analytics"], "No person 'nobody'"),
    ],
)
def test_cli_refuses_bad_capability_changes_in_one_line(org, capsys, args, message):
    code = main(["people", *args])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and err.count("\n") == 1
    assert not Grant.objects.exists()


def test_granting_twice_records_once_and_revoking_what_is_not_held_records_nothing(org, capsys):
    actions.grant_capability(org.ada, "mia", "people-analytics")
    actions.grant_capability(org.ada, "mia", "people-analytics")
    assert not actions.revoke_capability(org.ada, "otto", "people-analytics")
    assert _changes(org.mia) == [("capability_granted", "people-analytics")]
    assert _changes(org.otto) == []


def test_only_administrators_grant(org):
    with pytest.raises(PermissionDenied):
        actions.grant_capability(org.olivia, "mia", "executive")
    with pytest.raises(PermissionDenied):
        actions.revoke_capability(org.mia, "mia", "executive")
    with pytest.raises(Invalid):
        actions.grant_capability(org.ada, "mia", "Executive")
    with pytest.raises(NotFound):
        actions.grant_capability(org.ada, "ghost", "executive")


def test_administrators_hold_both_and_anonymous_holds_none(org):
    from django.contrib.auth.models import AnonymousUser

    assert queries.has_capability(org.ada, "executive")
    assert queries.has_capability(org.ada, "people-analytics")
    assert not queries.has_capability(org.olivia, "executive")
    assert not queries.has_capability(AnonymousUser(), "executive")
    with pytest.raises(PermissionDenied, match="executive capability"):
        queries.require_capability(org.olivia, "executive")


def test_administrators_grant_and_revoke_in_the_admin_site(org, browser_client):
    c = browser_client(org.ada)
    # when
    r = c.post("/admin/people/grant/add/", {"user": org.mia.pk, "capability": "people-analytics"})
    # then
    assert r.status_code == 302
    grant = Grant.objects.get(user=org.mia)
    assert grant.granted_by == org.ada
    assert queries.has_capability(org.mia, "people-analytics")
    r = c.get("/admin/people/grant/")
    assert b"mia" in r.content
    # when
    r = c.post(f"/admin/people/grant/{grant.pk}/delete/", {"post": "yes"})
    # then
    assert r.status_code == 302
    assert not queries.has_capability(org.mia, "people-analytics")
    assert _changes(org.mia) == [
        ("capability_granted", "people-analytics"),
        ("capability_revoked", "people-analytics"),
    ]


def test_non_administrators_do_not_reach_the_grants(org, browser_client):
    org.olivia.is_staff = False
    r = browser_client(org.olivia).get("/admin/people/grant/")
    assert r.status_code == 302  # the admin site sends them to sign in as an administrator
