"""`lumoflow import SOURCE PATH --out LOGDIR | --into-platform`: convert an export to the
canonical interaction log (written atomically), or load it into the platform.

Exit codes: 0 success, 2 bad input (one line naming file and line), 1 failure. The summary goes
to stdout; progress and the list of skipped records to stderr. Converting needs no Django;
``--into-platform`` runs after :mod:`lumoflow.cli` has set Django up.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from lumoflow.analytics.cli import answer
from lumoflow.analytics.log import LogError, write_log
from lumoflow.analytics.readers import read_people

from . import SOURCES, read_export
from .common import Progress, skipped_lines, with_people

PROG = "lumoflow import"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise LogError(message)


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=PROG,
        description="Convert the export of another tool to the canonical interaction log, "
        "or load it into the platform.",
        epilog="sources: " + "; ".join(f"{s.name}: {s.help}" for s in SOURCES.values()),
    )
    p.add_argument("source", choices=list(SOURCES), help="the export's format")
    p.add_argument("path", help="the export: a file, a folder or a zip")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", help="folder to write the canonical log to (must not exist)")
    where.add_argument(
        "--into-platform",
        action="store_true",
        help="load the history into the platform as workspaces, people and posts",
    )
    p.add_argument(
        "--people", help="CSV: identifier, name, department, manager, location (enriches people)"
    )
    p.add_argument(
        "--format",
        dest="fmt",
        choices=("parquet", "csv", "jsonl"),
        default="parquet",
        help="table format of --out (default parquet)",
    )
    p.add_argument(
        "--workspace-map",
        help="with --into-platform: CSV 'source,workspace' naming the platform workspace "
        "(id or name) each channel or group goes to",
    )
    p.add_argument(
        "--actor",
        help="with --into-platform: username of the administrator the import acts as "
        "(default: the first active superuser)",
    )
    return p


def run(args: argparse.Namespace) -> str:
    if args.workspace_map and not args.into_platform:
        raise LogError("--workspace-map only applies with --into-platform")
    if args.actor and not args.into_platform:
        raise LogError("--actor only applies with --into-platform")
    if args.out:
        out = Path(args.out)
        if out.exists() and (not out.is_dir() or any(out.iterdir())):
            raise LogError("--out exists and is not an empty folder", file=str(out))
    mapping = None
    if args.workspace_map:
        from .load import read_workspace_map

        mapping = read_workspace_map(args.workspace_map)
    people = read_people(args.people) if args.people else None
    progress = Progress(f"{PROG} {args.source}")
    try:
        log = read_export(args.source, args.path, progress=progress)
    except BaseException:
        progress.close(summary=False)
        raise
    progress.close()
    if people is not None:
        log = with_people(log, people)
    for line in skipped_lines(dict(log.meta)):
        print(f"{PROG}: {line}", file=sys.stderr)
    counts = (
        f"{log.events.num_rows:,} events, {log.people.num_rows:,} people, "
        f"{log.workspaces.num_rows:,} workspaces"
    )
    if args.into_platform:
        from .load import load_into_platform

        result = load_into_platform(log, workspace_map=mapping, actor=args.actor)
        return f"loaded {args.path} ({counts}): {result.summary()}\n"
    written = write_log(log, args.out, fmt=args.fmt)
    return f"wrote {written} ({counts})\n"


def main(argv: list[str]) -> int:
    """Entry point: ``lumoflow import ARGS`` (``argv`` without the word "import")."""
    return answer(PROG, lambda: run(parser().parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
