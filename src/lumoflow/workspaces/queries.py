"""Permission-aware reads of workspaces. Every caller passes the viewer first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from lumoflow.core.errors import NotFound, PermissionDenied
from lumoflow.core.sql import Frozen
from lumoflow.core.validation import id_or_not_found
from lumoflow.people.models import Viewer

from . import progress
from .models import (
    CheckIn,
    KeyResult,
    Membership,
    MembershipStatus,
    Objective,
    Role,
    Visibility,
    Workspace,
)

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations

    class ViewerFacts(TypedDict):
        """What `_annotated` and `get_workspace_for` add to a workspace about its viewer."""

        member_count: int
        viewer_role: str | None
        viewer_status: str | None
        has_objective: bool | int  # SQLite's raw EXISTS gives 0 or 1
        annotated_for: int | None


MANAGE_ROLES = (Role.OWNER,)
FACILITATE_ROLES = (Role.OWNER, Role.FACILITATOR)


def _uid(viewer: Viewer) -> int | None:
    return viewer.pk if getattr(viewer, "is_authenticated", False) else None


def member_workspace_ids(viewer: Viewer) -> QuerySet[Membership, Mapping[str, object]]:
    """Ids of workspaces where the viewer is an active member (a subquery)."""
    # No viewer: user_id=None reads as IS NULL and matches no row (the stubs refuse None).
    return Membership.objects.filter(  # type: ignore[misc]
        user_id=_uid(viewer), status=MembershipStatus.ACTIVE
    ).values("workspace_id")


def my_workspace_ids(viewer: Viewer) -> set[int]:
    """Ids of the workspaces where the viewer is an active member."""
    return set(member_workspace_ids(viewer).values_list("workspace_id", flat=True))


def _annotated(qs: QuerySet[Workspace], uid: int | None) -> QuerySet[Workspace]:
    """Add member count, the viewer's role and status, and whether an objective exists.

    One query answers what the workspace page and API need about the viewer, instead of a
    query per question.
    """
    mine = Membership.objects.filter(workspace=OuterRef("pk"), user_id=uid or 0)
    active = (
        Membership.objects.filter(workspace=OuterRef("pk"), status=MembershipStatus.ACTIVE)
        .order_by()
        .values("workspace")
        .annotate(n=Count("*"))
        .values("n")
    )
    return qs.annotate(
        member_count=Coalesce(Subquery(active), 0),
        viewer_role=Subquery(mine.values("role")[:1]),
        viewer_status=Subquery(mine.values("status")[:1]),
        has_objective=Exists(Objective.objects.filter(workspace=OuterRef("pk"))),
        annotated_for=Value(uid or 0),
    )


def list_workspaces_for(viewer: Viewer, *, include_archived: bool = True) -> QuerySet[Workspace]:
    """Workspaces the viewer may see listed: public, private, and secret ones they belong to."""
    uid = _uid(viewer)
    if uid is None:
        return Workspace.objects.none()
    qs = Workspace.objects.filter(
        ~Q(visibility=Visibility.SECRET) | Q(id__in=member_workspace_ids(viewer))
    )
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return _annotated(qs, uid).order_by(F("archived_at").asc(nulls_first=True), "name", "id")


def readable_workspace_ids(viewer: Viewer) -> QuerySet[Workspace, Mapping[str, object]]:
    """Ids of workspaces whose content the viewer may read: public ones and their own."""
    if _uid(viewer) is None:
        return Workspace.objects.none().values("id")
    return Workspace.objects.filter(
        Q(visibility=Visibility.PUBLIC) | Q(id__in=member_workspace_ids(viewer))
    ).values("id")


# The single-workspace read (workspace page and API, every request): `_annotated` precompiled.
_ONE_WORKSPACE = Frozen(lambda viewer, wid: _annotated(Workspace.objects.filter(pk=wid), viewer.pk))


def get_workspace_for(viewer: Viewer, workspace_id: Any) -> Workspace:
    """Return a workspace the viewer may see, or raise NotFound (also for secret ones).

    `workspace_id` may also be a workspace this function already returned for the same viewer.
    """
    if isinstance(workspace_id, Workspace) and _annotation(viewer, workspace_id)[0]:
        return workspace_id
    wid = id_or_not_found(workspace_id, "workspace")
    uid = _uid(viewer)
    found = _ONE_WORKSPACE.models(viewer=uid, wid=wid) if uid else []
    ws: WithAnnotations[Workspace, ViewerFacts] | None = found[0] if found else None
    if ws is None or (
        ws.visibility == Visibility.SECRET and ws.viewer_status != MembershipStatus.ACTIVE
    ):
        raise NotFound(f"No workspace {wid}.")
    ws.has_objective = bool(ws.has_objective)
    ws.annotated_for = uid
    return ws


def membership_of(viewer: Viewer, workspace: Workspace) -> Membership | None:
    """The viewer's membership (active or requested), or None."""
    uid = _uid(viewer)
    if uid is None:
        return None
    return Membership.objects.filter(workspace=workspace, user_id=uid).first()


def locked_role_of(viewer: Viewer, workspace: Workspace) -> str | None:
    """The viewer's role when an active member, else None, reading their membership row with a
    lock held until commit: a removal or a change of role that is under way is waited for and
    then seen, and one that starts later waits for the caller's write. Call inside an action."""
    uid = _uid(viewer)
    if uid is None:
        return None
    row = (
        Membership.objects.select_for_update()
        .filter(workspace=workspace, user_id=uid)
        .values_list("role", "status")
        .first()
    )
    return row[0] if row is not None and row[1] == MembershipStatus.ACTIVE else None


def _annotation(viewer: Viewer, workspace: Workspace) -> tuple[bool, str | None, str | None]:
    """(known, role, status) from `_annotated` when the workspace was read for this viewer."""
    uid = _uid(viewer)
    if uid is not None and getattr(workspace, "annotated_for", None) == uid:
        return (
            True,
            getattr(workspace, "viewer_role", None),
            getattr(workspace, "viewer_status", None),
        )
    return False, None, None


def role_of(viewer: Viewer, workspace: Workspace) -> str | None:
    """The viewer's role when an active member, else None."""
    known, role, status = _annotation(viewer, workspace)
    if not known:
        m = membership_of(viewer, workspace)
        role, status = (m.role, m.status) if m else (None, None)
    return role if status == MembershipStatus.ACTIVE else None


def membership_status(viewer: Viewer, workspace: Workspace) -> str | None:
    """'active', 'requested' or None for the viewer in this workspace."""
    known, _, status = _annotation(viewer, workspace)
    if known:
        return status
    m = membership_of(viewer, workspace)
    return m.status if m else None


def may_manage(role: str | None) -> bool:
    """Whether a workspace role manages members, roles and settings (owners)."""
    return role in MANAGE_ROLES


def may_announce(ws: Workspace, role: str | None) -> bool:
    """Whether a member of `ws` in `role` may post announcements (they reach every member)."""
    return role in FACILITATE_ROLES or (role is not None and ws.announcements_by_members)


def may_facilitate(role: str | None) -> bool:
    """Whether a workspace role sets objectives and moderates (owners and facilitators)."""
    return role in FACILITATE_ROLES


def active_member_count(workspace: Workspace) -> int:
    """Active members of a workspace (read with it by `get_workspace_for`)."""
    count = getattr(workspace, "member_count", None)
    if count is None:
        count = Membership.objects.filter(
            workspace=workspace, status=MembershipStatus.ACTIVE
        ).count()
    return int(count)


def can_read(viewer: Viewer, workspace: Workspace) -> bool:
    return workspace.visibility == Visibility.PUBLIC or role_of(viewer, workspace) is not None


def get_readable_workspace_for(viewer: Viewer, workspace_id: Any) -> Workspace:
    """A workspace whose content the viewer may read. Private, not a member: 403 (it is listed)."""
    ws = get_workspace_for(viewer, workspace_id)
    if not can_read(viewer, ws):
        raise PermissionDenied("This workspace is private: ask to join to read it.")
    return ws


def require_role(viewer: Viewer, workspace: Workspace, roles: tuple[str, ...], what: str) -> str:
    """Raise PermissionDenied unless the viewer holds one of `roles`; return the role."""
    role = role_of(viewer, workspace)
    if role not in roles:
        names = " or ".join(str(r) for r in roles)
        raise PermissionDenied(f"Only a workspace {names} can {what}.")
    return str(role)


ROLE_ORDER = Case(
    When(role=Role.OWNER, then=Value(0)),
    When(role=Role.FACILITATOR, then=Value(1)),
    default=Value(2),
)


def list_members_for(
    viewer: Viewer, workspace_id: Any, *, active_only: bool = False
) -> QuerySet[Membership]:
    """Members, owners and facilitators first (for owners also pending requests, listed first)."""
    ws = get_readable_workspace_for(viewer, workspace_id)
    qs = Membership.objects.filter(workspace=ws).select_related("user", "user__department")
    if active_only or role_of(viewer, ws) != Role.OWNER:
        qs = qs.filter(status=MembershipStatus.ACTIVE)
    return qs.annotate(role_rank=ROLE_ORDER).order_by("-status", "role_rank", "user__username")


def find_members_for(
    viewer: Viewer, workspace_id: Any, *, search: str = "", role: str = ""
) -> QuerySet[Membership]:
    """`list_members_for`, narrowed to those whose names contain every word of `search` (any case)
    and, when `role` is one of the roles, to that role ("requested" narrows to requests to join)."""
    qs = list_members_for(viewer, workspace_id)
    for word in search.split()[:5]:  # every word in one of the names
        qs = qs.filter(
            Q(user__username__icontains=word)
            | Q(user__display_name__icontains=word)
            | Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
        )
    if role == MembershipStatus.REQUESTED:
        qs = qs.filter(status=MembershipStatus.REQUESTED)
    elif role in Role.values:
        qs = qs.filter(role=role, status=MembershipStatus.ACTIVE)
    return qs


def list_objectives_for(viewer: Viewer, workspace_id: Any) -> QuerySet[Objective]:
    """Objectives with key results and check-ins, for a workspace the viewer may read."""
    ws = get_readable_workspace_for(viewer, workspace_id)
    return (
        Objective.objects.filter(workspace=ws)
        .select_related("owner")
        .prefetch_related(
            Prefetch(
                "key_results",
                queryset=KeyResult.objects.select_related("owner").prefetch_related(
                    Prefetch("check_ins", queryset=CheckIn.objects.select_related("author"))
                ),
            )
        )
    )


def get_objective_for(viewer: Viewer, objective_id: Any) -> Objective:
    oid = id_or_not_found(objective_id, "objective")
    obj = Objective.objects.filter(pk=oid, workspace__in=readable_workspace_ids(viewer)).first()
    if obj is None:
        raise NotFound(f"No objective {oid}.")
    return obj


def get_key_result_for(viewer: Viewer, key_result_id: Any) -> KeyResult:
    kid = id_or_not_found(key_result_id, "key result")
    kr = (
        KeyResult.objects.select_related("objective__workspace")
        .filter(pk=kid, objective__workspace__in=readable_workspace_ids(viewer))
        .first()
    )
    if kr is None:
        raise NotFound(f"No key result {kid}.")
    return kr


def may_check_in(viewer: Viewer, kr: KeyResult, role: str | None) -> bool:
    """Whether the viewer, holding `role` in the key result's workspace, may check in on it: the
    key result's owner or the objective's owner (a member), or a facilitator or owner of the
    workspace."""
    uid = _uid(viewer)
    return role is not None and (
        kr.owner_id == uid or kr.objective.owner_id == uid or may_facilitate(role)
    )


@dataclass(frozen=True)
class KeyResultView:
    key_result: KeyResult
    current: float
    status: progress.Status
    last_check_in: CheckIn | None


def key_result_status(kr: KeyResult, *, today: date | None = None) -> KeyResultView:
    """Progress and status of a key result from its latest check-in (prefetched when possible)."""
    check_ins = list(kr.check_ins.all())
    last = max(check_ins, key=lambda c: (c.date, c.id)) if check_ins else None
    current = last.value if last else kr.baseline
    st = progress.status(
        current,
        kr.baseline,
        kr.target,
        kr.objective.start,
        kr.objective.end,
        today or timezone.localdate(),
        on_track_margin=settings.LUMOFLOW_STATUS_ON_TRACK_MARGIN,
        at_risk_margin=settings.LUMOFLOW_STATUS_AT_RISK_MARGIN,
    )
    return KeyResultView(kr, current, st, last)


def objective_deadline(workspace: Workspace) -> tuple[bool, date]:
    """Whether the workspace still lacks an objective, and the date one is due by."""
    due = (workspace.created_at + timedelta(days=settings.LUMOFLOW_OBJECTIVE_GRACE_DAYS)).date()
    has = getattr(workspace, "has_objective", None)
    if has is None:
        has = workspace.objectives.exists()
    return (not has, due)


def list_workspaces_of_for(viewer: Viewer, person_id: int) -> QuerySet[Workspace]:
    """Open workspaces a person is an active member of, among those whose content the viewer
    may read (public ones and the viewer's own): a private or secret membership stays hidden."""
    return Workspace.objects.filter(
        id__in=readable_workspace_ids(viewer),
        archived_at__isnull=True,
        memberships__user_id=person_id,
        memberships__status=MembershipStatus.ACTIVE,
    ).order_by("name", "id")


DIRECTORY_SHOWS = ("all", "mine", "public", "private", "archived")
DIRECTORY_SORTS = {
    "activity": (F("last_activity").desc(nulls_last=True), "name", "id"),
    "name": ("name", "id"),
    "members": ("-member_count", "name", "id"),
    "newest": ("-created_at", "-id"),
}


def find_workspaces_for(
    viewer: Viewer,
    *,
    search: str = "",
    show: str = "all",
    sort: str = "activity",
    department: str = "",
) -> QuerySet[Workspace]:
    """The workspaces directory: `list_workspaces_for` searched by words of the name or purpose
    (every word must appear in one or the other), filtered (`DIRECTORY_SHOWS`; unknown: all) and
    sorted (`DIRECTORY_SORTS`; unknown: activity), and kept to those with an owner in
    `department` (a path; its teams below count) when given. Each row carries `last_activity`,
    the time of its newest visible post (none for a workspace without posts)."""
    from lumoflow.conversation.models import Post

    qs = list_workspaces_for(viewer)
    for word in search.split()[:10]:
        qs = qs.filter(Q(name__icontains=word) | Q(purpose__icontains=word))
    if show == "mine":
        qs = qs.filter(id__in=member_workspace_ids(viewer))
    elif show in ("public", "private"):
        qs = qs.filter(visibility=show)
    elif show == "archived":
        qs = qs.filter(archived_at__isnull=False)
    if department:  # an owner in that department or in a team below it
        owners = Membership.objects.filter(role=Role.OWNER, status=MembershipStatus.ACTIVE).filter(
            Q(user__department__path=department)
            | Q(user__department__path__startswith=department + "/")
        )
        qs = qs.filter(id__in=owners.values("workspace_id"))
    newest = Post.objects.filter(
        workspace=OuterRef("pk"), deleted_at__isnull=True, hidden_at__isnull=True
    ).order_by("-created_at")
    qs = qs.annotate(last_activity=Subquery(newest.values("created_at")[:1]))
    order = DIRECTORY_SORTS.get(sort, DIRECTORY_SORTS["activity"])
    return qs.order_by(F("archived_at").asc(nulls_first=True), *order)
