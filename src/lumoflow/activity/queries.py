"""Reads of the activity log for the platform itself (not analytics: those read the export)."""

from __future__ import annotations

from collections.abc import Iterable

from lumoflow.core import marks
from lumoflow.core.marks import Marks

from .actions import OUTSIDE


def change_marks_of(workspace_ids: Iterable[int]) -> Marks:
    """The change marks of these workspaces and of outside any workspace (a profile edit there
    changes names shown everywhere), with the epoch: what a page showing their data is keyed on.

    Read them before the data (`core.marks`): every write bumps the marks of what it changed in
    its own transaction (one write path: `activity.record`).
    """
    return marks.read([OUTSIDE, *(int(w) for w in workspace_ids)])
