"""`lumoflow analyze`: measure a canonical log, an edge list or an events CSV.

Exit codes: 0 success, 2 bad input (one line on stderr saying what and where), 1 failure.
Results go to stdout (or ``--out``, replaced atomically); messages and progress to stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from lumoflow.analytics.frame import Options, Period, return_freed_memory
from lumoflow.analytics.log import UTC, InteractionLog, LogError
from lumoflow.analytics.privacy import DEFAULT_MIN_GROUP_SIZE
from lumoflow.analytics.readers import DEFAULT_EPOCH, EPOCH_KEY, INPUT_FORMATS, load_input

PROG = "lumoflow analyze"
#: Inputs with at least this many events get a progress bar (or a summary line) on stderr.
PROGRESS_MIN_EVENTS = 200_000
#: Reads ``input`` (with ``input_format``, ``people``, ``epoch``) into a log and the format read.
Loader = Callable[..., tuple[InteractionLog, str]]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise LogError(message)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _top(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return value


def parser(input_formats: Sequence[str] = INPUT_FORMATS) -> argparse.ArgumentParser:
    """The options of `lumoflow analyze`; ``input_formats`` are the values of --input-format."""
    p = _Parser(
        prog=PROG,
        description="Measure participation, responsiveness, fading, network, "
        "relevance and value of an interaction log, with the privacy guard on.",
    )
    p.add_argument("input", help="canonical log (folder or .zip), edge list, or events CSV")
    p.add_argument("--people", help="people file: CSV with header, or 'actor department' lines")
    p.add_argument("--from", dest="start", type=_date, help="first day (YYYY-MM-DD, UTC)")
    p.add_argument("--to", dest="end", type=_date, help="last day, inclusive")
    p.add_argument("--workspace", help="measure one workspace")
    p.add_argument(
        "--min-group-size",
        type=int,
        default=int(os.environ.get("LUMOFLOW_MIN_GROUP_SIZE", DEFAULT_MIN_GROUP_SIZE)),
    )
    p.add_argument("--individuals", action="store_true", help="include brokers and load lists")
    p.add_argument("--names", action="store_true", help="with --individuals: real ids")
    p.add_argument(
        "--top", type=_top, metavar="N", help="with --individuals: brokers listed (default 10)"
    )
    p.add_argument("--input-format", choices=list(input_formats))
    p.add_argument(
        "--epoch", type=_date, help="origin for edge-list times before 1990 (default 2000-01-01)"
    )
    p.add_argument("--format", choices=("text", "json", "html"), default="text")
    p.add_argument("--out", help="write the report to this file (replaced atomically)")
    return p


def _out_path(out: str, fmt: str) -> Path:
    path = Path(out)
    if path.is_dir():
        if any(path.iterdir()):
            raise LogError("--out is a folder that is not empty", file=str(path))
        return path / f"report.{'txt' if fmt == 'text' else fmt}"
    if not path.parent.exists():
        raise LogError("the folder of --out does not exist", file=str(path.parent))
    return path


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path`` and rename it into place."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Progress:
    """Which metric family is running, for inputs of ``PROGRESS_MIN_EVENTS`` events or more.

    On a terminal, a bar on stderr names the family being measured; otherwise (a log file, a
    pipe) one line is written to stderr once the report is done, with the time each part took.
    """

    def __init__(self, events: int, *, steps: int, started: float) -> None:
        from tqdm import tqdm

        self.events = events
        self.shown = events >= PROGRESS_MIN_EVENTS
        self.terminal = sys.stderr.isatty()
        self.started = started
        self.times: dict[str, float] = {"read": time.perf_counter() - started}
        self.current: tuple[str, float] | None = None
        self.bar = tqdm(
            total=steps,
            desc=PROG,
            unit="step",
            file=sys.stderr,
            leave=False,
            disable=not (self.shown and self.terminal),
        )

    def step(self, name: str) -> None:
        """``name`` starts (the previous step is done)."""
        self._done()
        self.current = (name, time.perf_counter())
        self.bar.set_description_str(f"{PROG}: {name}")

    def _done(self) -> None:
        if self.current is not None:
            name, began = self.current
            self.times[name] = time.perf_counter() - began
            self.bar.update(1)
            self.current = None

    def close(self) -> None:
        self._done()
        self.bar.close()

    def summary(self) -> None:
        """The one line for a run that was not on a terminal."""
        if self.shown and not self.terminal:
            total = time.perf_counter() - self.started
            parts = ", ".join(f"{k} {v:.1f} s" for k, v in self.times.items())
            print(f"{PROG}: {self.events:,} events in {total:.1f} s ({parts})", file=sys.stderr)


def run(args: argparse.Namespace, loader: Loader = load_input) -> str:
    from lumoflow.analytics.html import render_html
    from lumoflow.analytics.report import FAMILIES, analyze, render_text, report_data

    if args.min_group_size < 1:
        raise LogError("--min-group-size must be at least 1")
    if args.names and not args.individuals:
        raise LogError("--names only applies with --individuals")
    if args.top is not None and not args.individuals:
        raise LogError("--top only applies with --individuals (brokers are individual figures)")
    out = _out_path(args.out, args.format) if args.out else None
    period = Period.from_dates(args.start, args.end)
    return_freed_memory()
    started = time.perf_counter()
    epoch = dt.datetime.combine(args.epoch, dt.time(), UTC) if args.epoch else DEFAULT_EPOCH
    log, fmt = loader(args.input, input_format=args.input_format, people=args.people, epoch=epoch)
    options = Options(
        min_group_size=args.min_group_size,
        individuals=args.individuals,
        names=args.names,
        top_brokers=args.top or Options.top_brokers,
        pseudonym_key=os.urandom(16).hex(),
        # times that were offsets from the epoch: reports give relative weeks, not dates
        epoch=epoch if EPOCH_KEY in log.meta else None,
    )
    progress = Progress(log.events.num_rows, steps=len(FAMILIES) + 1, started=started)
    try:
        report = analyze(
            log,
            period=period,
            workspace=args.workspace,
            options=options,
            fmt=fmt,
            progress=progress.step,
        )
        progress.step("report")
        data = report_data(report)  # the guarded data: every format renders from it alone
        if args.format == "json":
            text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        elif args.format == "html":
            text = render_html(data, source=args.input)
        else:
            text = render_text(data)
        if out is not None:
            write_atomic(out, text)
            text = ""
    finally:
        progress.close()
    progress.summary()
    return text


def main(
    argv: list[str],
    *,
    input_formats: Sequence[str] = INPUT_FORMATS,
    loader: Loader = load_input,
) -> int:
    """Entry point: ``lumoflow analyze ARGS`` (``argv`` without the word "analyze").

    ``input_formats`` and ``loader`` let a layer above (the importers) accept more inputs: the
    analytics know only logs, edge lists and events CSVs.
    """
    return answer(PROG, lambda: run(parser(input_formats).parse_args(argv), loader))


def answer(prog: str, command: Callable[[], str]) -> int:
    """Run a command that returns its output, and map what it raised to the exit codes every
    `lumoflow` command keeps: 0 with the output on stdout; 2 and one line for bad input
    (`LogError`); 1 and one line for a failure (the trace with ``LUMOFLOW_DEBUG`` set)."""
    try:
        text = command()
    except LogError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    except (MemoryError, OSError) as exc:
        print(f"{prog}: failed: {str(exc).strip().splitlines()[0]}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - one line for people, the trace when debugging
        if os.environ.get("LUMOFLOW_DEBUG"):
            traceback.print_exc()
        first = (str(exc).strip().splitlines() or [""])[0]
        print(f"{prog}: failed: {type(exc).__name__}: {first}", file=sys.stderr)
        return 1
    if text:
        sys.stdout.write(text)
    return 0


def _main() -> Any:
    return main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
