"""Where uploaded exports are kept, and how they get there: streamed to a file under the data
folder in chunks, never held in memory, and refused past `LUMOFLOW_MEASURE_UPLOAD_MAX` as
soon as the stream passes it (the body-limit middleware refuses a larger Content-Length
before a byte is read).

Each upload gets a folder of its own (``DATA_DIR/measurements/<random>``) holding the file
under its sender's name, made safe: the mbox reader names a list after its file.
"""

from __future__ import annotations

import re
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers, StopUpload

from lumoflow.core import limits

#: The form field (and only file) of the upload form.
FIELD = "export"
CHUNK = 1 << 20
_UNSAFE = re.compile(r"[^\w.+-]+")


def root() -> Path:
    """The folder of every kept upload."""
    return Path(settings.DATA_DIR) / "measurements"


def folder_path(folder: str) -> Path:
    """The folder of one upload, by its stored name (which holds no separator)."""
    if not folder or "/" in folder or "\\" in folder or folder.startswith("."):
        raise ValueError(f"not an upload folder: {folder!r}")
    return root() / folder


def export_path(folder: str) -> Path:
    """The uploaded file in its folder."""
    files = sorted(p for p in folder_path(folder).iterdir() if p.is_file())
    if not files:
        raise FileNotFoundError(folder)
    return files[0]


def safe_name(name: str) -> str:
    """The sender's file name as a file name here: its last part, no unusual characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = _UNSAFE.sub("-", base).strip(".-")[:120]
    return base or "export"


def remove(folder: str) -> None:
    """Delete an upload's folder and file (nothing when already gone)."""
    shutil.rmtree(folder_path(folder), ignore_errors=True)


@dataclass
class Received:
    """An upload kept on disk: its folder's name, the file's name as sent, its size."""

    folder: str
    name: str
    size: int

    @property
    def path(self) -> Path:
        return export_path(self.folder)

    def discard(self) -> None:
        remove(self.folder)


class TooLarge(Exception):
    """The stream passed the limit; nothing is kept."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(limits.too_large(length, limit))


def _new_folder() -> tuple[str, Path]:
    name = secrets.token_hex(12)
    path = root() / name
    path.mkdir(parents=True)
    return name, path


class _Kept(UploadedFile):  # type: ignore[type-arg]
    """What the upload handler gives the form: the kept file, by reference."""

    def __init__(self, received: Received) -> None:
        super().__init__(file=None, name=received.name, size=received.size)
        self.received = received


class ExportUploadHandler(FileUploadHandler):
    """A multipart upload handler writing the ``export`` field straight to its own folder in
    chunks. Past the limit it drops the file and stops storing (the rest of the body is read
    and thrown away so the answer reaches the browser); `too_large` then says by how much."""

    chunk_size = CHUNK

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.limit = limits.export_upload_bytes()
        self.out: IO[bytes] | None = None
        self.received: Received | None = None
        self.too_large: TooLarge | None = None
        self.seen = 0

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        if field_name != FIELD or self.received is not None:
            return  # any other file is not kept (receive_data_chunk drops it)
        folder, path = _new_folder()
        self.received = Received(folder, file_name or "export", 0)
        self.out = (path / safe_name(file_name)).open("wb")
        raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.out is None:
            return None
        self.seen += len(raw_data)
        if self.seen > self.limit:
            self._drop()
            self.too_large = TooLarge(self.seen, self.limit)
            raise StopUpload(connection_reset=False)
        self.out.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> UploadedFile | None:  # type: ignore[type-arg]
        if self.out is None or self.received is None:
            return None
        self.out.close()
        self.out = None
        self.received.size = file_size
        return _Kept(self.received)

    def upload_interrupted(self) -> None:
        self._drop()

    def _drop(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None
        if self.received is not None:
            self.received.discard()
            self.received = None


def kept(upload: Any) -> Received | None:
    """The upload kept by `ExportUploadHandler`, from ``request.FILES``."""
    return upload.received if isinstance(upload, _Kept) else None


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


def receive_stream(stream: Readable, name: str, length: int | None) -> Received:
    """Copy a request body (the API's raw upload) to a new folder in chunks; `TooLarge` past
    the limit, with nothing kept."""
    limit = limits.export_upload_bytes()
    if length is not None and length > limit:
        raise TooLarge(length, limit)
    folder, path = _new_folder()
    received = Received(folder, name or "export", 0)
    try:
        with (path / safe_name(name)).open("wb") as out:
            for chunk in _chunks(stream, length):
                received.size += len(chunk)
                if received.size > limit:
                    raise TooLarge(received.size, limit)
                out.write(chunk)
    except BaseException:
        received.discard()
        raise
    return received


def _chunks(stream: Readable, length: int | None) -> Iterator[bytes]:
    left = length
    while left is None or left > 0:
        chunk = stream.read(CHUNK if left is None else min(CHUNK, left))
        if not chunk:
            return
        if left is not None:
            left -= len(chunk)
        yield chunk
