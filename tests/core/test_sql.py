"""Precompiled hot-path reads give what the ORM gives, and signed-in requests stay correct."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from lumoflow.core.sql import Frozen
from lumoflow.workspaces.models import Membership

pytestmark = pytest.mark.django_db


def test_frozen_query_runs_the_orm_query_with_new_ids(org: Any) -> None:
    frozen = Frozen(lambda uid: Membership.objects.filter(user_id=uid, status="active"))
    for person in (org.olivia, org.mia, org.otto):
        expected = Membership.objects.filter(user_id=person.pk, status="active")
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
