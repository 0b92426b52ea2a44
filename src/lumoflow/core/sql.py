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
from collections.abc import Callable, Sequence
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
            plain = not qs.query.select_related and not qs.query.annotation_select
            if getattr(qs, "_fields", None) is None and not (
                plain and qs.query.deferred_loading[0] == frozenset()
            ):
                raise ValueError("Frozen.models() needs a plain query of the model's own columns")
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
        """Run the query (a plain one: the model's own columns); return model instances."""
        sql, params, slots, model = self._compile()
        return Loader.of(model).load(self._using, sql, self._params(ids, params, slots))


def _marked(param: Any, marks: dict[str, int]) -> str | None:
    if isinstance(param, int) and not isinstance(param, bool):
        for name, mark in marks.items():
            if param == mark:
                return name
    return None


class Loader:
    """Model instances from rows whose first columns are the model's concrete fields, in order,
    with the ORM's own value conversions (what `Model.objects.raw` does, without its per-query
    set-up). Further columns become attributes named in `extra`."""

    _made: dict[type[Model], Loader] = {}

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self._converters: dict[str, list[tuple[int, list[Any], Any]]] = {}

    @classmethod
    def of(cls, model: type[Model]) -> Loader:
        made = cls._made.get(model)
        if made is None:
            made = cls._made[model] = cls(model)
        return made

    def columns(self, alias: str) -> str:
        """The select list of the model's columns from table alias `alias`."""
        q = connections["default"].ops.quote_name
        return ", ".join(f"{alias}.{q(str(f.column))}" for f in self.fields)

    def _for(self, using: str) -> list[tuple[int, list[Any], Any]]:
        found = self._converters.get(using)
        if found is None:
            connection = connections[using]
            found = []
            for i, f in enumerate(self.fields):
                col = f.get_col(str(self.model._meta.db_table))
                fns = [*connection.ops.get_db_converters(col), *col.get_db_converters(connection)]
                if fns:
                    found.append((i, fns, col))
            self._converters[using] = found
        return found

    def load(self, using: str, sql: str, params: list[Any], extra: Sequence[str] = ()) -> list[Any]:
        connection = connections[using]
        with connection.cursor() as cur:
            cur.execute(sql, params)
            rows = cur.fetchall()
        converters, n, out = self._for(using), len(self.fields), []
        for row in rows:
            values = list(row[:n])
            for i, fns, col in converters:
                for fn in fns:
                    values[i] = fn(values[i], col, connection)
            obj = self.model.from_db(using, self.attnames, values)
            for name, value in zip(extra, row[n:], strict=True):
                setattr(obj, name, value)
            out.append(obj)
        return out


def refresh_statistics(using: str = "default") -> None:
    """After a bulk load: PostgreSQL plans from table statistics, which autovacuum refreshes
    only a while later; until then it may read a million rows where an index walk would do.
    Refresh them at once. (SQLite's planner keeps no statistics unless asked, and this project's
    indexes are laid out for it as it is: nothing to do there.)"""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
