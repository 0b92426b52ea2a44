"""mbox files, folders of them and Mailman 2 (pipermail) archives → the canonical log.

``read(path)`` takes one mbox file of any name, a folder of such files (searched recursively),
or a pipermail archive (its monthly ``YYYY-Month.txt`` files, gzipped or not). Files are read
line by line, one message at a time: the archive is never held in memory.

Quirks of the format, handled here (the message-level ones are in `mail`):

- a message starts at a ``From `` line only when it opens the file, or when the line before it
  is blank and it ends with a date (``... Thu Nov  1 11:19:12 2001``) or is a bare ``From``: a
  body line that starts with "From " in an unescaped (mboxo) archive does not split the message;
- mboxrd quoting: ``>From `` in a body is the escaped form of ``From ``; one ``>`` is removed;
- pipermail writes the separator as ``From jjl at pobox.com  Thu Nov  1 ...`` and gzips old
  months (``2001-November.txt.gz``);
- the workspace is the list: ``List-Id`` when present, else the file's name without a pipermail
  month (``numpy-discussion-2001-November`` → ``numpy-discussion``), and for a file named only by
  its month, its folder's name;
- a file that is not mbox at all (no ``From `` line first) is refused, naming it.
"""

from __future__ import annotations

import gzip
import os
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from lumoflow.analytics.log import InteractionLog, LogError

from .common import ExportError, Progress, tick
from .mail import FROM_LINE_DATE, LogBuilder

SOURCE = "mbox"
_MONTH = re.compile(
    r"[-_. ]?\d{4}-(January|February|March|April|May|June|July|August|September|October"
    r"|November|December)$",
    re.IGNORECASE,
)
_SUFFIXES = (".txt.gz", ".mbox.gz", ".gz", ".mbox", ".mbx", ".txt")


def _open(path: Path) -> BinaryIO:
    if path.name.endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def _first_line(path: Path) -> bytes:
    try:
        with _open(path) as fh:
            for line in fh:
                if line.strip():
                    return line
    except (OSError, EOFError):
        return b""
    return b""


def is_mbox_file(path: Path) -> bool:
    """Whether ``path`` is a file whose first non-blank line is an mbox ``From `` line."""
    return path.is_file() and _first_line(path).startswith(b"From ")


def _files(path: Path) -> Iterator[Path]:
    """The mbox files under a folder, sorted, hidden ones left out."""
    for p in sorted(path.rglob("*")):
        if not any(part.startswith(".") for part in p.relative_to(path).parts) and is_mbox_file(p):
            yield p


def detect(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is an mbox file, or a folder (not a maildir) holding at least one."""
    p = Path(path)
    if p.is_file():
        return is_mbox_file(p)
    return p.is_dir() and not (p / "cur").is_dir() and next(_files(p), None) is not None


def workspace_name(path: Path) -> str:
    """The workspace a file's messages fall in when they carry no ``List-Id``.

    >>> workspace_name(Path("numpy-discussion-2001-November.txt"))
    'numpy-discussion'
    >>> workspace_name(Path("archives/numpy-discussion/2001-November.txt.gz"))
    'numpy-discussion'
    >>> workspace_name(Path("3GPP_TSG_SA_WG4_EVS.mbox"))
    '3GPP_TSG_SA_WG4_EVS'
    """
    name = path.name
    for suffix in _SUFFIXES:
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    stem = _MONTH.sub("", name)
    if not stem:
        stem = path.resolve().parent.name if path.parent != Path("") else name
    return stem or name


def split_messages(fh: BinaryIO) -> Iterator[tuple[int, bytes, bytes]]:
    """Yield ``(first line number, From line, message bytes)`` for each message of an mbox."""
    lines: list[bytes] = []
    from_line = b""
    start = 0
    blank_before = True
    for number, line in enumerate(fh, 1):
        if line.startswith(b"From ") and (
            number == 1
            or (blank_before and (FROM_LINE_DATE.search(line) or line.strip() == b"From"))
        ):
            if from_line or lines:
                yield start, from_line, b"".join(lines)
            from_line, lines, start = line, [], number
            blank_before = False
            continue
        if not from_line and not lines and not line.strip():
            continue
        if not from_line and not lines:
            raise LogError("not an mbox file: the first line is not a 'From ' line", line=number)
        if line.startswith(b">") and line.lstrip(b">").startswith(b"From "):
            line = line[1:]  # mboxrd: one level of quoting removed
        lines.append(line)
        blank_before = not line.strip()
    if from_line or lines:
        yield start, from_line, b"".join(lines)


def read_files(files: list[Path], builder: LogBuilder) -> None:
    """Add every message of ``files`` to ``builder``."""
    for path in files:
        workspace = workspace_name(path)
        try:
            with _open(path) as fh:
                for line, from_line, raw in split_messages(fh):
                    builder.parse(
                        raw, from_line=from_line, workspace=workspace, file=str(path), line=line
                    )
        except LogError as exc:
            raise ExportError(exc.message, file=str(path), line=exc.line) from None
        except (OSError, EOFError, zlib.error) as exc:
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            raise ExportError(f"cannot read the file ({reason})", file=str(path)) from None
        tick(builder.progress, files=1)


def read(path: str | os.PathLike[str], *, progress: Progress | None = None) -> InteractionLog:
    """Read an mbox file, a folder of mbox files or a pipermail archive into a checked log.

    Raises ``ExportError`` (file and line named) for a path that is not mbox or cannot be read,
    or that holds no usable message. Unusable messages (no sender, no date) are skipped and
    listed in the log's meta.
    """
    p = Path(path)
    if not p.exists():
        raise ExportError("no such file or folder", file=str(p))
    files = list(_files(p)) if p.is_dir() else [p]
    if not files:
        raise ExportError(
            "no mbox file in the folder (none starts with a 'From ' line)", file=str(p)
        )
    builder = LogBuilder(source=SOURCE, progress=progress)
    read_files(files, builder)
    return builder.build(str(p))
