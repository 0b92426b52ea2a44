"""Precompiled hot-path reads give what the ORM gives, and signed-in requests stay correct."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db.models import Q
from django.test import Client
from django.utils import timezone

from lumoflow.core.sql import Frozen, FrozenMisuse
from lumoflow.notifications.models import Notification
from lumoflow.workspaces.models import Membership, MembershipStatus

pytestmark = pytest.mark.django_db


def test_frozen_query_runs_the_orm_query_with_new_ids(org: Any) -> None:
    active = MembershipStatus.ACTIVE
    frozen = Frozen(lambda uid: Membership.objects.filter(user_id=uid, status=active))
    for person in (org.olivia, org.mia, org.otto):
        expected = Membership.objects.filter(user_id=person.pk, status=active)
        assert frozen.count(uid=person.pk) == expected.count()
        assert {m.pk for m in frozen.models(uid=person.pk)} == {m.pk for m in expected}
        assert sorted(r[0] for r in frozen.rows(uid=person.pk)) == sorted(m.pk for m in expected)


def test_one_id_used_twice_is_swapped_in_both_places(org: Any) -> None:
    frozen = Frozen(
        lambda uid: Membership.objects.filter(
            user_id=uid,
            workspace_id__in=Membership.objects.filter(user_id=uid).values("workspace_id"),
        )
    )
    _, params = frozen.sql(uid=org.mia.pk)
    assert params.count(org.mia.pk) == 2
    assert frozen.count(uid=org.mia.pk) == Membership.objects.filter(user_id=org.mia.pk).count()
    assert frozen.count(uid=org.otto.pk) == Membership.objects.filter(user_id=org.otto.pk).count()


def _misuse(frozen: Frozen) -> str:
    with pytest.raises(FrozenMisuse) as caught:
        frozen.count(**dict.fromkeys(frozen._names, 1))
    return str(caught.value)


def test_an_id_used_on_a_text_column_fails_at_compile_time() -> None:
    # given a marker id compared with a text column: it would be kept as a constant string
    frozen = Frozen(lambda uid: get_user_model().objects.filter(username=uid))
    # then the first compile refuses it, naming the form it took
    assert "another form" in _misuse(frozen)


def test_arithmetic_on_an_id_fails_at_compile_time() -> None:
    # given `id__gt=uid + 1`: the SQL would keep the first marker plus one
    frozen = Frozen(lambda uid: Membership.objects.filter(id__gt=uid + 1))
    assert "another form" in _misuse(frozen)


def test_a_value_computed_at_build_time_fails_at_compile_time() -> None:
    # given `timezone.now()` in the query: it would be fixed at the first compile
    frozen = Frozen(
        lambda uid: Notification.objects.filter(recipient_id=uid, created_at__lt=timezone.now())
    )
    assert "timezone.now()" in _misuse(frozen)


def test_an_id_that_finds_no_place_fails_at_compile_time() -> None:
    # given a parameter the query does not use
    frozen = Frozen(lambda uid, wid: Membership.objects.filter(user_id=uid))
    assert "'wid' finds no place" in _misuse(frozen)


def test_sql_that_depends_on_an_id_value_fails_at_compile_time() -> None:
    # given a query whose shape branches on the id's value
    frozen = Frozen(
        lambda uid: (
            Membership.objects.filter(user_id=uid)
            if uid % 2
            else Membership.objects.filter(Q(user_id=uid) | Q(workspace_id=uid))
        )
    )
    assert "depends on the ids' values" in _misuse(frozen)


def test_a_rule_reading_the_viewer_beyond_its_id_fails_at_compile_time() -> None:
    # given a permission rule that branches on an attribute of the viewer
    def build(viewer: Any) -> Any:
        qs = Membership.objects.filter(user_id=viewer.pk)
        return qs if viewer.is_staff else qs.filter(status=MembershipStatus.ACTIVE)

    # then it is not compiled once for some default value of that attribute
    assert "viewer.is_staff" in _misuse(Frozen(build))


def test_a_viewer_query_runs_for_each_viewer(org: Any) -> None:
    # given a precompiled query of the viewer's own rows
    frozen = Frozen(lambda viewer: Membership.objects.filter(user_id=viewer.pk).values("id"))
    # then it runs with each viewer's id
    for person in (org.olivia, org.mia):
        assert frozen.count(viewer=person.pk) == Membership.objects.filter(user=person).count()


def test_every_precompiled_query_of_the_platform_compiles() -> None:
    # given every `Frozen` the platform defines (the checks run at each one's first compile)
    import importlib
    import pkgutil

    import lumoflow
    from lumoflow.conversation.models import Kind
    from lumoflow.conversation.queries import _workspace_feed_query

    for module in pkgutil.walk_packages(lumoflow.__path__, "lumoflow."):
        if ".migrations" not in module.name and not module.name.startswith("lumoflow.config."):
            importlib.import_module(module.name)
    for kind in ("", *Kind.values):
        for by_objective in (False, True):
            _workspace_feed_query(kind, by_objective)
    ours = [f for f in Frozen.made if f._build.__module__.startswith("lumoflow.")]
    # then each passes them
    assert len(ours) >= 10
    for frozen in ours:
        frozen.check()


def test_signed_in_pages_read_the_session_and_person(org: Any) -> None:
    client = Client()
    client.force_login(org.mia)
    page = client.get("/workspaces")
    assert page.status_code == 200
    assert org.mia.name.encode() in page.content


def test_expired_or_unknown_session_signs_out(org: Any) -> None:
    client = Client()
    client.force_login(org.mia)
    Session.objects.update(expire_date=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
    assert client.get("/workspaces").status_code == 302
    client.cookies["sessionid"] = "not-a-session-key-at-all-0123456789"
    assert client.get("/workspaces").status_code == 302


def test_deactivated_person_is_signed_out(org: Any) -> None:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(org.mia)
    get_user_model().objects.filter(pk=org.mia.pk).update(is_active=False)
    assert client.get("/workspaces").status_code == 302


@pytest.mark.django_db
def test_statistics_are_refreshed_after_a_bulk_load_on_postgresql() -> None:
    from django.db import connection

    from lumoflow.core.sql import refresh_statistics

    refresh_statistics()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":  # -1: never analysed
            cur.execute("SELECT reltuples FROM pg_class WHERE relname = 'conversation_post'")
            assert cur.fetchone()[0] >= 0
        else:  # SQLite plans without statistics, as this project's indexes expect
            cur.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            assert cur.fetchone()[0] == 0
