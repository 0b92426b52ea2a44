"""Maildir (and Maildir++ folders) → the canonical log.

``read(path)`` takes a maildir: a folder with ``cur/`` and ``new/`` (``tmp/`` holds mail being
delivered and is left alone), and its Maildir++ sub-folders (``.Lists.numpy/cur/...``), or a
folder of maildirs. Each file is one message, read alone: the mailbox is never held in memory.

Quirks of the format, handled here (the message-level ones are in `mail`):

- a message's file name carries delivery flags after ``:2,`` (``...:2,S``); it is not an id;
- the workspace is the list (``List-Id``), else the folder the message was filed in: a
  Maildir++ folder ``.Lists.numpy`` is ``Lists.numpy``, the top maildir takes its own name;
  an ``X-Folder`` header (Enron's export) gives the workspace its name;
- there is no ``From `` line: a message without ``Date`` takes the oldest ``Received`` date;
- dot-files and ``tmp/`` are skipped; an unreadable file is an error naming it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from lumoflow.analytics.log import InteractionLog

from .common import ExportError, Progress, tick
from .mail import LogBuilder

SOURCE = "maildir"


def _is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() and (path / "new").is_dir()


def _folders(root: Path) -> Iterator[tuple[Path, str]]:
    """``(maildir folder, workspace name)`` for every maildir under ``root``, sorted."""
    for folder in sorted([root, *(p for p in root.rglob("*") if p.is_dir())]):
        if folder.name in ("cur", "new", "tmp") or not _is_maildir(folder):
            continue
        name = folder.name.lstrip(".") or root.resolve().name
        yield folder, name


def detect(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a maildir or a folder holding one."""
    p = Path(path)
    return p.is_dir() and next(_folders(p), None) is not None


def read(path: str | os.PathLike[str], *, progress: Progress | None = None) -> InteractionLog:
    """Read a maildir (with its Maildir++ folders) into a checked log.

    Raises ``ExportError`` for a path that is not a maildir, a file that cannot be read, or a
    maildir with no usable message; unusable messages are skipped and listed in the meta.
    """
    p = Path(path)
    if not p.is_dir():
        raise ExportError("not a folder: a maildir is a folder with cur/ and new/", file=str(p))
    folders = list(_folders(p))
    if not folders:
        raise ExportError("not a maildir: no folder with cur/ and new/", file=str(p))
    builder = LogBuilder(source=SOURCE, progress=progress)
    for folder, workspace in folders:
        for sub in ("new", "cur"):
            for message in sorted((folder / sub).iterdir()):
                if message.name.startswith(".") or not message.is_file():
                    continue
                try:
                    raw = message.read_bytes()
                except OSError as exc:
                    raise ExportError(
                        f"cannot read the message ({exc.strerror or exc})", file=str(message)
                    ) from None
                builder.parse(raw, from_line=b"", workspace=workspace, file=str(message), line=None)
                tick(progress, files=1)
    return builder.build(str(p))
