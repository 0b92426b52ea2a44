"""Line diffs between two texts, inline and side by side (the standard library's `difflib`).

Pure: text in, frozen rows out; pages and the API render them.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any


@dataclass(frozen=True)
class Line:
    """One line of an inline diff: `op` is "equal", "insert" or "delete"; numbers are 1-based
    and None on the side the line is not on."""

    op: str
    text: str
    old: int | None
    new: int | None


@dataclass(frozen=True)
class Row:
    """One row of a side-by-side diff: `op` is "equal", "replace", "insert" or "delete"; an
    empty side is None."""

    op: str
    left: str | None
    right: str | None
    old: int | None
    new: int | None


@dataclass(frozen=True)
class TextDiff:
    inline: tuple[Line, ...]
    side_by_side: tuple[Row, ...]
    added: int
    removed: int

    @property
    def same(self) -> bool:
        return not self.added and not self.removed


def diff_texts(old: str, new: str) -> TextDiff:
    """Compare `old` and `new` line by line.

    >>> d = diff_texts("a\\nb\\nc", "a\\nB\\nc\\nd")
    >>> [(x.op, x.text) for x in d.inline]
    [('equal', 'a'), ('delete', 'b'), ('insert', 'B'), ('equal', 'c'), ('insert', 'd')]
    >>> [(r.op, r.left, r.right) for r in d.side_by_side]
    [('equal', 'a', 'a'), ('replace', 'b', 'B'), ('equal', 'c', 'c'), ('insert', None, 'd')]
    >>> d.added, d.removed
    (2, 1)
    """
    a, b = old.splitlines(), new.splitlines()
    inline: list[Line] = []
    rows: list[Row] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            for k in range(i2 - i1):
                inline.append(Line("equal", a[i1 + k], i1 + k + 1, j1 + k + 1))
                rows.append(Row("equal", a[i1 + k], b[j1 + k], i1 + k + 1, j1 + k + 1))
            continue
        inline += [Line("delete", a[i], i + 1, None) for i in range(i1, i2)]
        inline += [Line("insert", b[j], None, j + 1) for j in range(j1, j2)]
        for k in range(max(i2 - i1, j2 - j1)):
            i, j = i1 + k, j1 + k
            left = a[i] if i < i2 else None
            right = b[j] if j < j2 else None
            kind = "delete" if right is None else "insert" if left is None else "replace"
            rows.append(
                Row(
                    kind,
                    left,
                    right,
                    i + 1 if left is not None else None,
                    j + 1 if right is not None else None,
                )
            )
    added = sum(1 for x in inline if x.op == "insert")
    removed = sum(1 for x in inline if x.op == "delete")
    return TextDiff(tuple(inline), tuple(rows), added, removed)


def diff_as_json(d: TextDiff) -> dict[str, Any]:
    """A diff as the API shows it (also in a stale edit's problem)."""
    return {
        "added": d.added,
        "removed": d.removed,
        "inline": [{"op": x.op, "text": x.text, "old": x.old, "new": x.new} for x in d.inline],
        "side_by_side": [
            {"op": r.op, "left": r.left, "right": r.right, "old": r.old, "new": r.new}
            for r in d.side_by_side
        ],
    }
