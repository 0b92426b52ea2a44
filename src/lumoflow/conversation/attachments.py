"""Attachments: size limit, type checked by the file's content (the name may lie)."""

from __future__ import annotations

import os
from typing import Any

import filetype
from django.conf import settings

from lumoflow.core import limits
from lumoflow.core.validation import FieldErrors

#: Types accepted, by the MIME type sniffed from the content, with the extensions that fit it.
ALLOWED: dict[str, tuple[str, ...]] = {
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "application/pdf": (".pdf",),
    "application/zip": (".zip",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (".pptx",),
}


def sniff(head: bytes) -> str | None:
    """The MIME type the content says it has, or None when unknown."""
    kind = filetype.guess(head)
    return kind.mime if kind is not None else None


def check_upload(errs: FieldErrors, name: str, size: int, head: bytes) -> str | None:
    """Return the sniffed MIME type, or note why the file is refused."""
    limit = int(settings.LUMOFLOW_MAX_ATTACHMENT_BYTES)
    if size > limit:
        errs.add("files", f"'{name}' is {size} bytes; the limit is {limit} bytes.")
        return None
    mime = sniff(head)
    ext = os.path.splitext(name)[1].lower()
    if mime is None or mime not in ALLOWED:
        errs.add("files", f"'{name}': this type of file is not accepted.")
        return None
    if ext not in ALLOWED[mime]:
        errs.add(
            "files", f"'{name}': the name says '{ext or 'nothing'}' but the content is {mime}."
        )
        return None
    return mime


def attachment_name(upload: Any) -> str:
    """The name an upload is kept under: its base name, shortened to the limits of
    `core.limits` (characters and UTF-8 bytes) keeping its extension.

    >>> class F: name = "../" + "é" * 300 + ".pdf"
    >>> n = attachment_name(F); n.endswith("é.pdf"), len(n), len(n.encode())
    (True, 100, 196)
    """
    name = os.path.basename(getattr(upload, "name", "") or "") or "file"
    stem, ext = os.path.splitext(name)
    if len(ext) > 10:  # not an extension any accepted type has: shorten it with the rest
        stem, ext = name, ""
    stem = stem[: limits.ATTACHMENT_NAME - len(ext)]
    budget = limits.ATTACHMENT_NAME_BYTES - len(ext.encode())
    stem = stem.encode()[:budget].decode("utf-8", "ignore")
    return (stem or "file") + ext


def check_file(errs: FieldErrors, upload: Any) -> str:
    """Check one uploaded file; return its sniffed MIME type ("" when refused)."""
    name = attachment_name(upload)
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    return check_upload(errs, name, int(getattr(upload, "size", 0) or 0), head) or ""
