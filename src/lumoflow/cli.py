"""The `lumoflow` command.

`analyze` runs without Django (pure analytics). Every other command sets Django up, creates and
migrates the database on first use, and runs the management command of the same name.
Exit codes: 0 success, 2 bad input (one line saying what and where), 1 failure.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

#: Commands that run without Django: the pure analytics, and converting an export (`import` with
#: --into-platform sets Django up first).
PURE = {"analyze": "lumoflow.importers.analyze", "import": "lumoflow.importers.cli"}
USAGE = """usage: lumoflow COMMAND [ARGS]

commands:
  setup                      create/migrate the database, collect static files, ensure an admin,
                             load the demo company into an empty database
  serve [--port N]           serve the app with gunicorn (PORT overrides the default 8000) and
                             one background task worker beside it (--no-worker: none)
  worker [--batch]           run one background task worker (metric refresh, digests on schedule)
  send-digests [--weekly|--monthly] [--dry-run] [--to USERNAME]
                             send the current week's / month's e-mail digests now
  report [--period 2026-Q3] [--format pdf|html] --out FILE [--workspace ID]
                             write the executive report of a period (atomically)
  refresh-metrics [--queue]  compute and store every workspace's metrics now (or queue it)
  demo [--people N] ...      generate the demo company
  people import FILE.csv     create or update people from a CSV file
  token create USERNAME      create a personal access token (printed as the last line)
  export-log OUT_DIR         write the platform's canonical interaction log
  reindex                    rebuild the full-text search index from scratch
  import SOURCE PATH --out LOGDIR | --into-platform
                             convert an export (slack, mattermost, yammer, ...) to the canonical
                             log, or load it into the platform (see `lumoflow import -h`)
  analyze INPUT ...          measure a log, edge list, events CSV or export (`lumoflow analyze -h`)
  manage ARGS...             any Django management command
"""


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lumoflow.config.settings")
    import django

    django.setup()


def ensure_database(verbosity: int = 0) -> None:
    """Create and migrate the database when migrations are pending."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=verbosity)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0 if args else 2
    command, rest = args[0], args[1:]
    if command in PURE:
        import importlib

        if command == "import" and "--into-platform" in rest:
            _django()
            ensure_database()
        module = importlib.import_module(PURE[command])
        return int(module.main(rest))
    _django()
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from lumoflow.core.errors import LumoFlowError

    try:
        if command == "manage":
            from django.core.management import execute_from_command_line

            execute_from_command_line(["lumoflow", *rest])
            return 0
        ensure_database()
        name = command.replace("-", "_")
        call_command(name, *rest)
        return 0
    except LumoFlowError as exc:
        print(f"lumoflow {command}: {exc.detail}", file=sys.stderr)
        for field_errors in exc.errors.values():
            for line in field_errors:
                print(f"  {line}", file=sys.stderr)
        return 2
    except CommandError as exc:
        print(f"lumoflow {command}: {exc}", file=sys.stderr)
        return exc.returncode if exc.returncode != 1 else 2
    except KeyboardInterrupt:
        return 1
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2


if __name__ == "__main__":
    sys.exit(main())
