"""Hot-path reads: an ORM query compiled to SQL once per process, then run with new ids.

Building a Django query (resolving lookups, compiling the SQL) costs far more than running a
small indexed query on every signed-in request. `Frozen` keeps the query written with the ORM,
so it follows the models and the permission rules stated in `queries`, and compiles it once per
database: the variable parameters are ids, passed as marker values at compile time and swapped
in at run time; every other parameter (statuses, constants) stays as compiled.

    unread = Frozen(lambda viewer: list_notifications_for(viewer, unread=True).values("id"))
    unread.count(viewer=request.user.pk)

A parameter named `viewer` receives a `FrozenViewer` (an id and nothing else, so that a rule
which reads any other attribute of the viewer fails instead of being compiled once for a
default value); every other parameter receives an int. At run time all of them are ids.

What may not be precompiled fails at the first compile, with `FrozenMisuse`, never silently:
- a parameter that finds no place in the SQL, or appears there in another form (on a text
  column, `id__gt=uid + 1`): the query is compiled twice with different markers, and every
  parameter that differs between the two must be a marker itself;
- a value computed when the query is built (`timezone.now()`): it differs between the two
  compiles without being a marker;
- SQL that depends on the ids' values (a branch on an id): the two SQL texts differ;
- a rule that reads the viewer beyond its id (`viewer.is_staff`).
These checks run at the first compile, once per process and database.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, NoReturn

from django.db import connections
from django.db.models import Model, QuerySet

# Marker ids, one base per compile: never a real id (far above any table's), far apart, one
# even and one odd.
_MARKS = (7_340_032_000_000, 8_650_752_000_001)


class FrozenMisuse(TypeError):
    """A query given to `Frozen` that cannot be precompiled as written."""


class FrozenViewer:
    """The viewer a precompiled query is built for: a signed-in person known by id alone.

    Reading any other attribute raises `FrozenMisuse`: a permission rule that branches on the
    viewer's role, staff flag or department would otherwise be compiled once, for whatever
    value a stand-in had, and applied to everyone.
    """

    is_authenticated = True
    is_anonymous = False

    def __init__(self, pk: int) -> None:
        self.pk = pk
        self.id = pk

    def __getattr__(self, name: str) -> NoReturn:
        raise FrozenMisuse(
            f"a precompiled query read viewer.{name}: only the viewer's id may vary; "
            "write the query without precompiling it, or pass that value as an id"
        )


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: list[Any]
    slots: list[int | None]  # for each parameter, the id it takes (None: a constant)
    model: type[Model]
    extra: tuple[str, ...]  # annotations, after the model's columns


class Frozen:
    """A query built by `build(**ids)` (a QuerySet), compiled to SQL once per database alias."""

    made: ClassVar[list[Frozen]] = []
    """Every one made, so that a test can compile them all (and so check them) at once."""

    def __init__(self, build: Callable[..., QuerySet[Any]], *, using: str = "default") -> None:
        Frozen.made.append(self)
        self._build = build
        self._names = list(inspect.signature(build).parameters)
        self._using = using
        self._compiled: dict[str, _Compiled] = {}
        code = getattr(build, "__code__", None)
        self._where = f"{code.co_filename}:{code.co_firstlineno}" if code else repr(build)

    def _misuse(self, why: str) -> FrozenMisuse:
        return FrozenMisuse(f"Frozen query at {self._where}: {why}")

    def _sql_with(self, base: int, alias: str) -> tuple[str, list[Any], QuerySet[Any]]:
        marks: dict[str, Any] = {
            name: FrozenViewer(base + i) if name == "viewer" else base + i
            for i, name in enumerate(self._names)
        }
        qs = self._build(**marks)
        query = qs.query
        if getattr(qs, "_fields", None) is None and (
            query.select_related or query.deferred_loading[0] != frozenset() or query.extra_select
        ):
            raise self._misuse(
                "Frozen.models() needs the model's own columns (and annotations), as `Loader` "
                "reads them: no select_related, only(), defer() or extra()"
            )
        sql, params = query.get_compiler(using=alias).as_sql()
        return sql, list(params), qs

    def _compile(self) -> _Compiled:
        alias = self._using
        found = self._compiled.get(alias)
        if found is None:
            sql, params, qs = self._sql_with(_MARKS[0], alias)
            sql_b, params_b, _ = self._sql_with(_MARKS[1], alias)
            if sql_b != sql or len(params_b) != len(params):
                raise self._misuse("its SQL depends on the ids' values (it changed with them)")
            pairs = enumerate(zip(params, params_b, strict=True))
            slots = [self._slot(i, a, b) for i, (a, b) in pairs]
            for i, name in enumerate(self._names):
                if i not in slots:
                    raise self._misuse(
                        f"parameter {name!r} finds no place in the SQL as an id "
                        "(used on a text column, in arithmetic, or not at all)"
                    )
            extra = tuple(qs.query.annotation_select)
            found = _Compiled(sql, params, slots, qs.model, extra)
            self._compiled[alias] = found
        return found

    def _slot(self, at: int, first: Any, second: Any) -> int | None:
        """Which id SQL parameter `at` takes (None: a constant), from its value in two compiles."""
        if _is_int(first) and _is_int(second):
            i = first - _MARKS[0]
            if 0 <= i < len(self._names) and second == _MARKS[1] + i:
                return int(i)
        if first == second and type(first) is type(second):
            return None
        if any(str(base)[:7] in str(first) for base in _MARKS):
            raise self._misuse(
                f"SQL parameter {at + 1} ({first!r}) is an id in another form (arithmetic on "
                "it, or a lookup on a text column): pass the value the SQL needs as the id"
            )
        raise self._misuse(
            f"SQL parameter {at + 1} changed from one compile to the next ({first!r}, then "
            f"{second!r}): a value computed when the query is built (such as timezone.now()) "
            "would be frozen at the first compile; pass it in SQL or build the query per call"
        )

    def _params(self, ids: dict[str, int], compiled: _Compiled) -> list[Any]:
        values = [int(ids[name]) for name in self._names]
        return [
            p if s is None else values[s]
            for p, s in zip(compiled.params, compiled.slots, strict=True)
        ]

    def check(self) -> None:
        """Compile now (and so run the checks) for the default database."""
        self._compile()

    def sql(self, **ids: int) -> tuple[str, list[Any]]:
        """The compiled SQL and the parameters for these ids."""
        compiled = self._compile()
        return compiled.sql, self._params(ids, compiled)

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
        """Run the query (the model's own columns, then any annotations, which become
        attributes); return model instances."""
        c = self._compile()
        return Loader.of(c.model).load(self._using, c.sql, self._params(ids, c), c.extra)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


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
