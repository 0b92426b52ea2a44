"""Database sessions, read with one statement written out once (it runs on every signed-in request).

Same table, same expiry rule and same behaviour as Django's `db` backend; only the read skips
building an ORM query each time.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone

from .validation import text_problem


class SessionStore(DatabaseSessionStore):
    def load(self) -> dict[str, Any]:
        key = self.session_key
        if not key or text_problem(key):  # a forged cookie no database can look up
            self._session_key = None
            return {}
        model = self.model
        alias = router.db_for_read(model)
        connection = connections[alias]
        table = connection.ops.quote_name(model._meta.db_table)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",
                [key, now],
            )
            row = cur.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return dict(self.decode(row[0]))
