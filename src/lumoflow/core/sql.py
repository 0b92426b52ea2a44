"""Hot-path reads: an ORM query compiled to SQL once per process, then run with new ids.

Building a Django query (resolving lookups, compiling the SQL) costs far more than running a
small indexed query on every signed-in request. `Frozen` keeps the query written with the ORM,
so it follows the models and the permission rules stated in `queries`, and compiles it once per
database: the variable parameters are integers (ids) passed as marker values at compile time and
swapped in at run time; every other parameter (statuses, constants) stays as compiled.

    unread = Frozen(lambda uid: Notification.objects.filter(recipient_id=uid, read_at=None))
    unread.count(uid=request.user.pk)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet

_MARK = 7_340_032_000_000  # marker ids: never a real id (far above any table's)


class Frozen:
    """A query built by `build(**ids)` (a QuerySet), compiled to SQL once per database alias."""

    def __init__(self, build: Callable[..., QuerySet[Any]], *, using: str = "default") -> None:
        self._build = build
        self._names = list(inspect.signature(build).parameters)
        self._using = using
        self._compiled: dict[str, tuple[str, list[Any], list[int | None], type[Model]]] = {}

    def _compile(self) -> tuple[str, list[Any], list[int | None], type[Model]]:
        alias = self._using
        found = self._compiled.get(alias)
        if found is None:
            marks = {name: _MARK + i for i, name in enumerate(self._names)}
            qs = self._build(**marks)
            sql, params = qs.query.get_compiler(using=alias).as_sql()
            slots = [
                self._names.index(name) if (name := _marked(p, marks)) else None for p in params
            ]
            found = (sql, list(params), slots, qs.model)
            self._compiled[alias] = found
        return found

    def _params(self, ids: dict[str, int], params: list[Any], slots: list[int | None]) -> list[Any]:
        values = [int(ids[name]) for name in self._names]
        return [p if s is None else values[s] for p, s in zip(params, slots, strict=True)]

    def sql(self, **ids: int) -> tuple[str, list[Any]]:
        """The compiled SQL and the parameters for these ids."""
        sql, params, slots, _ = self._compile()
        return sql, self._params(ids, params, slots)

    def rows(self, **ids: int) -> list[tuple[Any, ...]]:
        """Run the query; return its rows as tuples (no type conversion: use for ids, counts)."""
        sql, params = self.sql(**ids)
        with connections[self._using].cursor() as cur:
            cur.execute(sql, params)
            return list(cur.fetchall())

    def count(self, **ids: int) -> int:
        """The number of rows the query returns."""
        sql, params = self.sql(**ids)
        with connections[self._using].cursor() as cur:
            cur.execute(f"SELECT COUNT(*) FROM ({sql}) frozen_count", params)
            return int(cur.fetchone()[0])

    def models(self, **ids: int) -> list[Any]:
        """Run the query; return model instances (with the ORM's type conversions)."""
        sql, params, slots, model = self._compile()
        return list(model.objects.raw(sql, self._params(ids, params, slots)))


def _marked(param: Any, marks: dict[str, int]) -> str | None:
    if isinstance(param, int) and not isinstance(param, bool):
        for name, mark in marks.items():
            if param == mark:
                return name
    return None
