"""Installations for tests that run the `lumoflow` command and the server as real processes:
a fresh data folder and, on the PostgreSQL run, a fresh database of their own."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from lumoflow.core import backup

BASE_URL = os.environ.get("DATABASE_URL", "")


@dataclass
class Site:
    """One installation: a data folder and, on the PostgreSQL run, its own database."""

    data: Path
    url: str = ""

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["LUMOFLOW_DATA_DIR"] = str(self.data)
        if self.url:
            env["DATABASE_URL"] = self.url
        return env

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "lumoflow.cli", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def connect(self) -> Any:
        if self.url:
            import psycopg

            return psycopg.connect(self.url)
        return sqlite3.connect(self.data / "lumoflow.sqlite3")

    def rows(self) -> dict[str, set[tuple[Any, ...]]]:
        """Every row of every model table."""
        con = self.connect()
        try:
            cur = con.cursor()
            found = {}
            for table in backup.tables():
                cur.execute(f'SELECT * FROM "{table}"')  # noqa: S608
                found[table] = {tuple(map(_hashable, row)) for row in cur.fetchall()}
            return found
        finally:
            con.close()


def _hashable(value: Any) -> Any:
    """JSON columns read as dicts on PostgreSQL: compare their text."""
    return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(BASE_URL, autocommit=True) as con:
        con.execute(sql)


@pytest.fixture
def sites(tmp_path: Path) -> Iterator[tuple[Site, Site]]:
    """Two fresh installations of the kind this run tests."""
    if not BASE_URL:
        yield Site(tmp_path / "a"), Site(tmp_path / "b")
        return
    base = urlsplit(BASE_URL)
    names = [f"{base.path.strip('/') or 'lumoflow'}_site_{x}_{os.getpid()}" for x in "ab"]
    for name in names:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}"')
        _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        yield tuple(  # type: ignore[misc]
            Site(tmp_path / x, base._replace(path="/" + n).geturl())
            for x, n in zip("ab", names, strict=True)
        )
    finally:
        for name in names:
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
