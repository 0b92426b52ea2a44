"""Collect field errors and raise them together as one `Invalid`."""

from __future__ import annotations

from types import TracebackType

from .errors import Invalid


class FieldErrors:
    """Gather per-field messages; raise `Invalid` on exit when any were added.

    >>> with FieldErrors() as errs:
    ...     errs.require("name", "")
    Traceback (most recent call last):
    ...
    lumoflow.core.errors.Invalid: name: This field is required.
    """

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def require(self, field: str, value: str | None, *, max_length: int | None = None) -> str:
        """Return the stripped value; note an error when blank or too long."""
        text = (value or "").strip()
        if not text:
            self.add(field, "This field is required.")
        elif max_length is not None and len(text) > max_length:
            self.add(field, f"At most {max_length} characters (this has {len(text)}).")
        return text

    def limit(self, field: str, value: str | None, max_length: int) -> str:
        text = (value or "").strip()
        if len(text) > max_length:
            self.add(field, f"At most {max_length} characters (this has {len(text)}).")
        return text

    def check(self) -> None:
        if self.errors:
            summary = "; ".join(f"{k}: {' '.join(v)}" for k, v in self.errors.items())
            raise Invalid(summary, errors=self.errors)

    def __enter__(self) -> FieldErrors:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.check()
