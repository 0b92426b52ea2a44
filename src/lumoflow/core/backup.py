"""Backups: the whole database and the uploaded files in one archive, and their restore.

An archive is a zip file holding
- `manifest.json`: `{"format": 1, "database": "sqlite" | "postgresql", "created": ISO time,
  "migrations": {app: [migration, ...]}, "counts": {table: rows}, "files": n}`;
- the database: `database.sqlite3` (SQLite's online backup API, one read transaction, so it is
  consistent while the server writes) or `database.dump` (`pg_dump` custom format, taken in an
  exported snapshot that the counts are read in too);
- every uploaded file under `media/`, copied after the database (a file a row names was stored
  before the row committed, so it is there).

The tables are walked from the installed models, not listed: a new app's tables are included.
A restore checks everything it can before it changes anything (an archive, this format, this
kind of database, intact members, known migrations, an empty database unless forced), then
replaces the database and the files, applies the migrations the backup lacks and starts a new
epoch of the change marks, so no cache serves a page from before the restore.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from . import marks
from .errors import Conflict, Invalid

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media/"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
KIND_NAME = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Tables that migrations fill by themselves: rows there do not make a database "not empty".
_SEEDED = {"django_content_type", "auth_permission"}


@dataclass(frozen=True)
class Summary:
    """What a backup or a restore handled."""

    path: Path
    database: str
    rows: int
    tables: int
    files: int


def tables() -> list[str]:
    """Every table of the installed models (many-to-many tables included), sorted."""
    found = {
        m._meta.db_table
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    }
    return sorted(found)


def _kind() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBER:
        raise Invalid(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def _counts(cur: Any, quote: Any, names: list[str], present: set[str]) -> dict[str, int]:
    counts = {}
    for name in names:
        if name in present:
            cur.execute(f"SELECT COUNT(*) FROM {quote(name)}")  # noqa: S608
            counts[name] = int(cur.fetchone()[0])
    return counts


def _migrations(cur: Any) -> dict[str, list[str]]:
    cur.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    applied: dict[str, list[str]] = {}
    for app, name in cur.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_state(path: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """The row counts of the model tables and the migrations applied in a SQLite file."""
    con = sqlite3.connect(path)
    try:
        cur = con.cursor()
        cur.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        present = {r[0] for r in cur.fetchall()}
        return _counts(cur, _sqlite_quote, tables(), present), _migrations(cur)
    finally:
        con.close()


# ------------------------------------------------------------------ PostgreSQL clients
def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _client(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise Invalid(
            f"{name} is not installed: PostgreSQL backups need the PostgreSQL client programs "
            "(Debian: apt-get install postgresql-client, of the server's major version)"
        )
    return path


def _run(argv: list[str], what: str) -> None:
    done = subprocess.run(argv, env=_pg_env(), capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["no message"])[0]
        raise Invalid(f"{what} failed: {first}")


def _pg_dump(dest: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Dump the database with pg_dump in a snapshot this connection exports and reads the
    counts in, so the counts are those of the dump."""
    pg_dump = _client("pg_dump")
    con = connections.create_connection("default")
    try:
        con.ensure_connection()
        with con.cursor() as cur:
            cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
            present = set(con.introspection.table_names(cur))
            counts = _counts(cur, con.ops.quote_name, tables(), present)
            applied = _migrations(cur)
            argv = [pg_dump, "--format=custom", "--no-owner", "--no-privileges"]
            _run([*argv, f"--snapshot={snapshot}", f"--file={dest}"], "pg_dump")
            cur.execute("COMMIT")
    finally:
        con.close()
    return counts, applied


# ------------------------------------------------------------------ backup
@contextmanager
def atomic_file(out: Path) -> Iterator[Path]:
    """A temporary file beside `out` that replaces it when the block ends without error."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, out)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def backup(out: Path) -> Summary:
    """Write an archive of the database and the uploaded files to `out` (replaced atomically).

    Raises Invalid when the database kind is not supported or pg_dump is missing or fails."""
    kind = _kind()
    with tempfile.TemporaryDirectory(dir=settings.DATA_DIR) as work:
        db_file = Path(work) / DATABASE_MEMBER[kind]
        if kind == "sqlite":
            connection.ensure_connection()
            dst = sqlite3.connect(db_file)
            try:
                # All pages in one step: one read transaction, one state of the database.
                connection.connection.backup(dst)
            finally:
                dst.close()
            counts, applied = _sqlite_state(db_file)
        else:
            counts, applied = _pg_dump(db_file)
        root = Path(settings.MEDIA_ROOT)
        files = _media_files()
        manifest = {
            "format": FORMAT,
            "database": kind,
            "created": timezone.now().isoformat(),
            "migrations": applied,
            "counts": counts,
            "files": len(files),
        }
        try:
            with atomic_file(out) as tmp, zipfile.ZipFile(tmp, "w", allowZip64=True) as zf:
                zf.writestr(MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))
                zf.write(db_file, DATABASE_MEMBER[kind], compress_type=zipfile.ZIP_DEFLATED)
                for f in files:
                    zf.write(f, MEDIA + f.relative_to(root).as_posix())
        except OSError as exc:
            raise Invalid(f"{out}: cannot write the archive ({exc.strerror or exc})") from None
    return Summary(out, kind, sum(counts.values()), len(counts), len(files))


# ------------------------------------------------------------------ restore
def _open(path: Path) -> zipfile.ZipFile:
    if not path.is_file():
        raise Invalid(f"{path}: no such file")
    with path.open("rb") as f:
        head = f.read(4)
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        if head == b"PK\x03\x04":
            raise Invalid(f"{path}: the archive is truncated or damaged") from None
        raise Invalid(f"{path}: not a LumoFlow backup (not a zip archive)") from None


def _manifest(path: Path, zf: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(zf.read(MANIFEST))
    except KeyError:
        raise Invalid(f"{path}: not a LumoFlow backup (no {MANIFEST})") from None
    except (ValueError, zipfile.BadZipFile, OSError):
        raise Invalid(f"{path}: the manifest is damaged") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise Invalid(f"{path}: backup format {found!r}; this version restores format {FORMAT}")
    return manifest


def _check_archive(path: Path, zf: zipfile.ZipFile, kind: str) -> dict[str, Any]:
    manifest = _manifest(path, zf)
    theirs = manifest.get("database")
    if theirs != kind:
        raise Invalid(
            f"{path}: a {KIND_NAME.get(str(theirs), str(theirs))} backup cannot be restored "
            f"into {KIND_NAME[kind]} (DATABASE_URL chooses the database)"
        )
    names = set(zf.namelist())
    if DATABASE_MEMBER[kind] not in names:
        raise Invalid(f"{path}: the archive holds no {DATABASE_MEMBER[kind]}")
    try:
        bad = zf.testzip()
    except (zipfile.BadZipFile, OSError, EOFError):
        bad = "?"
    if bad is not None:
        raise Invalid(f"{path}: the archive is damaged ({bad} does not read back)")
    unsafe = [n for n in names if n.startswith("/") or ".." in Path(n).parts]
    if unsafe:
        raise Invalid(f"{path}: the archive names a file outside its folder ({unsafe[0]})")
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    migrations = manifest.get("migrations") or {}
    for app, applied in sorted(migrations.items()):
        for name in applied:
            if (app, name) not in known:
                raise Invalid(
                    f"{path}: made by a newer LumoFlow (migration {app}.{name} is unknown here)"
                )
    return manifest


def _not_empty() -> list[str]:
    """The model tables of the current database holding rows (other than migration seeds)."""
    present = set(connection.introspection.table_names())
    skip = _SEEDED | {marks.ChangeMark._meta.db_table}
    with connection.cursor() as cur:
        counts = _counts(cur, connection.ops.quote_name, tables(), present)
    return [t for t, n in counts.items() if n and t not in skip]


def _extract_media(zf: zipfile.ZipFile, work: Path) -> Path:
    staged = work / "media"
    staged.mkdir()
    for info in zf.infolist():
        if info.filename.startswith(MEDIA) and not info.is_dir():
            target = staged / info.filename[len(MEDIA) :]
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst)
    return staged


def _replace_media(staged: Path) -> None:
    root = Path(settings.MEDIA_ROOT)
    old = staged.parent / "media-before"
    if root.exists():
        shutil.move(root, old)  # a rename within one file system
    root.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(staged, root)


def _restore_sqlite(db_file: Path, expected: Mapping[str, int]) -> None:
    counts, _ = _sqlite_state(db_file)
    if counts != {t: n for t, n in expected.items() if t in counts}:
        raise Invalid(f"{db_file.name}: its row counts differ from the manifest's")
    connection.ensure_connection()
    src = sqlite3.connect(db_file)
    try:
        # One write transaction on the live database: all of the backup or nothing.
        src.backup(connection.connection)
    finally:
        src.close()


def _restore_postgresql(db_file: Path) -> None:
    pg_restore, psql = _client("pg_restore"), _client("psql")
    _run([pg_restore, "--list", str(db_file)], "pg_restore")  # a readable dump, before any change
    sql = db_file.with_suffix(".sql")
    _run([pg_restore, "--no-owner", "--no-privileges", f"--file={sql}", str(db_file)], "pg_restore")
    present = connection.introspection.table_names()
    drop = "SELECT 1"
    if present:
        drop = "DROP TABLE IF EXISTS " + ", ".join(map(connection.ops.quote_name, present))
        drop += " CASCADE"
    connections.close_all()
    # One transaction: the old tables go and the backup's come, or nothing changes.
    argv = [psql, "--no-psqlrc", "--quiet", "--single-transaction", "-v", "ON_ERROR_STOP=1"]
    _run([*argv, "-c", drop, "-f", str(sql)], "psql")


def restore(path: Path, *, force: bool = False) -> Summary:
    """Replace the database and the uploaded files with those of the archive at `path`.

    Raises Invalid (nothing changed) for what is not a backup of this format and database kind,
    a damaged archive, or one made by a newer version; Conflict when the database holds data
    and `force` is not given."""
    kind = _kind()
    with _open(path) as zf:
        manifest = _check_archive(path, zf, kind)
        full = _not_empty()
        if full and not force:
            raise Conflict(
                f"the database is not empty ({', '.join(full[:3])}…): "
                "restore into an empty database, or give --force to replace it"
            )
        with tempfile.TemporaryDirectory(dir=settings.DATA_DIR) as tmp:
            work = Path(tmp)
            db_file = work / DATABASE_MEMBER[kind]
            with zf.open(DATABASE_MEMBER[kind]) as src, db_file.open("wb") as dst:
                shutil.copyfileobj(src, dst)
            staged = _extract_media(zf, work)
            counts: Mapping[str, int] = manifest.get("counts") or {}
            if kind == "sqlite":
                _restore_sqlite(db_file, counts)
            else:
                _restore_postgresql(db_file)
            _replace_media(staged)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    marks.new_epoch()
    return Summary(path, kind, sum(counts.values()), len(counts), int(manifest.get("files", 0)))
