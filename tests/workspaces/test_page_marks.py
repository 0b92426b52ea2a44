"""Two writers commit out of order while a reader caches the workspace page: no stale body.

PostgreSQL hands out ids before commit, so a write that took an id first can commit last; a page
cached between the two commits under "the newest event id" then stayed stale. Change marks
(`core.marks`) are bumped under a row lock, so the second writer waits for the first to commit,
and a body cached in between is keyed on marks that both commits move on from. Real threads,
real commits, on PostgreSQL: SQLite's writers queue for the database anyway (BEGIN IMMEDIATE),
and its in-memory test database answers "table is locked" to a second thread instead of waiting.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client

from lumoflow.conversation import actions as conv

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="writers commit out of order on PostgreSQL"
    ),
]


def _page(client: Client, ws: Any) -> str:
    r = client.get(f"/workspaces/{ws.pk}")
    assert r.status_code == 200
    return r.content.decode()


def test_writers_committing_out_of_order_leave_no_stale_body(org: Any) -> None:
    reader = Client()
    reader.force_login(org.olivia)
    _page(reader, org.launch)  # cached before either write
    first_wrote, release_first, second_done = (
        threading.Event(),
        threading.Event(),
        threading.Event(),
    )
    errors: list[BaseException] = []

    def first() -> None:  # takes its ids first, commits last
        try:
            with transaction.atomic():
                conv.create_post(org.fred, org.launch.pk, kind="update", body="Took an id first")
                first_wrote.set()
                release_first.wait(10)
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)
        finally:
            first_wrote.set()
            connection.close()

    def second() -> None:  # would commit first without the mark's row lock
        try:
            conv.create_post(org.mia, org.launch.pk, kind="update", body="Committed in between")
        except BaseException as exc:
            errors.append(exc)
        finally:
            second_done.set()
            connection.close()

    # given a first writer holding its transaction open, and a second writer started after it
    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    assert first_wrote.wait(10)
    threads[1].start()
    second_done.wait(1.0)
    # when the page is read (and cached) while the first has not committed
    between = _page(reader, org.launch)
    release_first.set()
    for t in threads:
        t.join(20)
    assert not errors, errors
    # then once both committed, the page shows both: nothing cached in between is served
    after = _page(reader, org.launch)
    assert "Took an id first" not in between
    assert "Took an id first" in after and "Committed in between" in after
