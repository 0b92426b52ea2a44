"""Every write to workspaces, memberships, objectives, key results and check-ins.

Each action checks permission through `queries`, validates, writes and records its
ActivityEvent in one transaction. One module per seam: `workspace`, `members`, `objectives`,
`check_ins`, `bulk` (many at once); `common` holds the checks they share.
"""

from __future__ import annotations

from .bulk import (
    CheckInRow,
    MemberRow,
    WorkspaceRow,
    bulk_add_members,
    bulk_create_workspaces,
    bulk_record_check_ins,
)
from .check_ins import record_check_in
from .members import add_member, join_workspace, remove_member
from .objectives import add_key_result, create_objective
from .workspace import archive_workspace, change_workspace, create_workspace, update_workspace

__all__ = [
    "CheckInRow",
    "MemberRow",
    "WorkspaceRow",
    "add_key_result",
    "add_member",
    "archive_workspace",
    "bulk_add_members",
    "bulk_create_workspaces",
    "bulk_record_check_ins",
    "change_workspace",
    "create_objective",
    "create_workspace",
    "join_workspace",
    "record_check_in",
    "remove_member",
    "update_workspace",
]
