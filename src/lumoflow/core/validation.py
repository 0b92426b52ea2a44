"""Check input before it reaches the database; collect field errors and raise them as one `Invalid`.

Two kinds of input no database takes, whatever the form or API it came through:

- text with a NUL character (U+0000), which PostgreSQL refuses in any string, or an unpaired
  surrogate (U+D800 to U+DFFF, which a JSON `"\\ud800"` escape produces), which neither
  database can encode as UTF-8;
- ids outside the 64-bit integer columns hold (SQLite raises OverflowError on them).
"""

from __future__ import annotations

import re
from types import TracebackType
from typing import Any

from .errors import Invalid, InvalidNow, NotFound, UnknownReference
from .limits import too_long

MAX_ID = 2**63 - 1
"""The largest id a (64-bit) primary key holds."""

NUL_MESSAGE = "Null characters are not allowed."  # the wording of Django's own form fields
SURROGATE_MESSAGE = "Not valid Unicode text (it has an unpaired surrogate)."


def text_problem(value: str) -> str | None:
    """Say why no database text column can store `value`, or return None when one can.

    >>> text_problem("Ship it 🚀") is None
    True
    >>> text_problem("a\\x00b")
    'Null characters are not allowed.'
    """
    if "\x00" in value:
        return NUL_MESSAGE
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return SURROGATE_MESSAGE
    return None


INVISIBLE_MESSAGE = (
    "This field has no visible text (only invisible characters such as zero-width spaces)."
)
# Characters that draw nothing on their own: controls and separators (Cc, Zs, Zl, Zp), format
# characters (Cf: zero-width spaces and joiners, direction marks, the byte order mark),
# enclosing marks (Me), the combining marks that only select or join (the grapheme joiner,
# variation selectors, Khmer inherent vowels, Mongolian selectors), and letters and symbols that
# render as blank space (Hangul fillers, the blank Braille pattern). Stated once as ranges
# (Unicode 14, as Python's unicodedata; tests/core/test_validation.py derives them again): the
# BMP part is also the API schema's pattern for required text (`VISIBLE_PATTERN`).
_UNSEEN_BMP = (
    "\\u0000-\\u0020\\u007f-\\u00a0\\u00ad\\u034f\\u0488-\\u0489\\u0600-\\u0605\\u061c"
    "\\u06dd\\u070f\\u0890-\\u0891\\u08e2\\u115f-\\u1160\\u1680\\u17b4-\\u17b5\\u180b-\\u180f"
    "\\u1abe\\u2000-\\u200f\\u2028-\\u202f\\u205f-\\u2064\\u2066-\\u206f\\u20dd-\\u20e0"
    "\\u20e2-\\u20e4\\u2800\\u3000\\u3164\\ua670-\\ua672\\ufe00-\\ufe0f\\ufeff\\uffa0"
    "\\ufff9-\\ufffb"
)
_UNSEEN_ASTRAL = (
    "\\U000110bd\\U000110cd\\U00013430-\\U00013438\\U0001bca0-\\U0001bca3"
    "\\U0001d173-\\U0001d17a\\U000e0001\\U000e0020-\\U000e007f\\U000e0100-\\U000e01ef"
)
VISIBLE_PATTERN = f"[^{_UNSEEN_BMP}]"
"""JSON Schema (ECMA-262) pattern of text with at least one visible character in the BMP. An
invisible character beyond the BMP (a tag character, say) alone matches it but is refused."""
_VISIBLE = re.compile(f"[^{_UNSEEN_BMP}{_UNSEEN_ASTRAL}]")


def has_visible(text: str) -> bool:
    """Whether `text` shows anything at all when rendered.

    >>> has_visible("ok"), has_visible("\u200b\u2060\ufeff"), has_visible("\u3164 \u200d")
    (True, False, False)
    """
    return _VISIBLE.search(text) is not None


def as_id(value: Any) -> int | None:
    """Return `value` (an int, or a string of digits) as an id, or None when no row can have it.

    >>> as_id("42"), as_id(0), as_id(2**63), as_id("²"), as_id(True)
    (42, None, None, None, None)
    """
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        n = int(value)
    except ValueError:
        return None
    return n if 0 < n <= MAX_ID else None


def id_or_not_found(value: Any, what: str) -> int:
    """Return `value` as an id (see `as_id`), or raise NotFound naming `what`.

    >>> id_or_not_found("7", "post")
    7
    >>> id_or_not_found("x", "post")
    Traceback (most recent call last):
    ...
    lumoflow.core.errors.NotFound: No post 'x'.
    """
    n = as_id(value)
    if n is None:
        raise NotFound(f"No {what} {value!r}.")
    return n


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
        self._kinds: set[type[Invalid]] = set()

    def add(self, field: str, message: str, *, kind: type[Invalid] = Invalid) -> None:
        """Note `message` on `field`. `kind` says what the API answers when every error is of
        that kind: `UnknownReference` (404) when the field names nothing, `InvalidNow` (409)
        when the current state refuses it; any plain `Invalid` among them makes it 422."""
        self.errors.setdefault(field, []).append(message)
        self._kinds.add(kind)

    def storable(self, field: str, value: str) -> bool:
        """Note an error and return False when no database can store `value` as text."""
        problem = text_problem(value)
        if problem is not None:
            self.add(field, problem)
        return problem is None

    def require(self, field: str, value: str | None, *, max_length: int | None = None) -> str:
        """Return the stripped value; note an error when blank, invisible, unstorable or too
        long."""
        text = (value or "").strip()
        if not text:
            self.add(field, "This field is required.")
        elif not has_visible(text):
            self.add(field, INVISIBLE_MESSAGE)
        else:
            self._fits(field, text, max_length)
        return text

    def limit(self, field: str, value: str | None, max_length: int) -> str:
        """Return the stripped value; note an error when unstorable or too long."""
        text = (value or "").strip()
        self._fits(field, text, max_length)
        return text

    def _fits(self, field: str, text: str, max_length: int | None) -> None:
        if self.storable(field, text) and max_length is not None and len(text) > max_length:
            self.add(field, too_long(max_length, len(text)))

    def check(self) -> None:
        if self.errors:
            summary = "; ".join(f"{k}: {' '.join(v)}" for k, v in self.errors.items())
            kind = Invalid
            if Invalid not in self._kinds:
                kind = InvalidNow if InvalidNow in self._kinds else UnknownReference
            raise kind(summary, errors=self.errors)

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
