"""The sign-in audit in the admin site: administrators read, filter and export it as CSV;
nobody else reads it and nobody changes it."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from lumoflow.people.models import SignIn
from tests.conftest import PASSWORD


def _sign_in(login: str, password: str, address: str) -> None:
    Client(REMOTE_ADDR=address).post("/login", {"username": login, "password": password})


@pytest.fixture
def audited(org):
    _sign_in("mia", "nope", address="10.0.0.3")
    _sign_in('=HYPERLINK("http://evil")', "nope", address="10.0.0.5")
    _sign_in("mia", PASSWORD, address="10.0.0.3")
    return org


def test_administrators_read_the_audit_in_the_admin(audited, browser_client):
    r = browser_client(audited.ada).get("/admin/people/signin/")
    assert r.status_code == 200
    assert b"10.0.0.3" in r.content and b"10.0.0.5" in r.content
    assert b'href="/admin/people/signin/export.csv"' in r.content
    r = browser_client(audited.ada).get("/admin/people/signin/?outcome__exact=failed")
    assert b"10.0.0.5" in r.content
    assert b'href="/admin/people/signin/export.csv?outcome__exact=failed"' in r.content


def test_administrators_export_the_audit_as_csv(audited, browser_client):
    r = browser_client(audited.ada).get("/admin/people/signin/export.csv")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/csv")
    assert "attachment" in r["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    assert rows[0] == ["at", "login", "person", "address", "outcome", "user_agent"]
    body = sorted((row[1], row[2], row[3], row[4]) for row in rows[1:])
    assert body == sorted(
        [
            ("mia", "mia", "10.0.0.3", "failed"),
            ("mia", "mia", "10.0.0.3", "succeeded"),
            ('\'=HYPERLINK("http://evil")', "", "10.0.0.5", "failed"),
        ]
    )


def test_the_export_follows_the_admin_filters(audited, browser_client):
    r = browser_client(audited.ada).get("/admin/people/signin/export.csv?outcome__exact=succeeded")
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    assert [row[4] for row in rows[1:]] == ["succeeded"]


def test_nobody_else_reads_or_exports_the_audit(audited, browser_client):
    for path in ("/admin/people/signin/", "/admin/people/signin/export.csv"):
        # members are sent to the admin's sign-in page
        assert browser_client(audited.mia).get(path).status_code == 302, path
        assert b"10.0.0.3" not in browser_client(audited.mia).get(path, follow=True).content
        assert Client().get(path).status_code == 302, path


def test_an_unknown_filter_in_the_export_is_refused(audited, browser_client):
    r = browser_client(audited.ada).get("/admin/people/signin/export.csv?colour=red")
    assert r.status_code == 400
    assert b"Unknown filter" in r.content


def test_the_audit_cannot_be_changed_in_the_admin(audited, browser_client):
    c = browser_client(audited.ada)
    one = SignIn.objects.first()
    assert one is not None
    assert c.get("/admin/people/signin/add/").status_code == 403
    assert c.post(f"/admin/people/signin/{one.pk}/delete/", {"post": "yes"}).status_code == 403
    assert SignIn.objects.filter(pk=one.pk).exists()
