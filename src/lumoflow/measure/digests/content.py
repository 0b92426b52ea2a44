"""What each digest says, for whom: read from the stored metrics, the open alerts and the
questions, under the same rules as the pages (reads only; `actions` sends).

- Weekly, to each active owner of a workspace (not secret, not archived, not excluded from the
  organisation's analytics) who has an address, is not a bot and did not unsubscribe: per
  workspace they own, the engine's verdict, the targets missed, the weekly actives of the last
  twelve weeks (a chart; hidden weeks stay hidden), the open alerts and the oldest unanswered
  questions they may read. Secret workspaces never appear in mail, which leaves the platform's
  permission checks behind once it is forwarded.
- Monthly, to each executive (administrators and people granted the capability): the portfolio
  as its page shows it (`portfolio_for`: no secret workspace, excluded ones without figures,
  hidden weeks hidden), how many workspaces hold each verdict (a chart), the verdicts that
  changed since last month's digest, the workspaces whose weekly actives moved most over the
  last four weeks, the first workspaces of the portfolio's ranking (worst news first), and the
  fading workspaces with their reasons and a suggested action.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from lumoflow.analytics.fading_verdict import VERDICTS
from lumoflow.analytics.html_page import VERDICTS as VERDICT_WORDS
from lumoflow.charts.bars import group_bars
from lumoflow.charts.weekly import weekly_chart
from lumoflow.conversation.queries import list_unanswered_questions_for
from lumoflow.notifications import queries as notification_queries
from lumoflow.notifications.models import Alert
from lumoflow.people.models import Capability, Grant, User
from lumoflow.workspaces.models import Membership, MembershipStatus, Role, Visibility, Workspace

from ..portfolio import EXCLUDED, NOT_MEASURED, VERDICT_CHOICES, Portfolio, stored_figures
from .schedule import MONTHLY, WEEKLY

#: The oldest unanswered questions a weekly digest lists per workspace.
QUESTIONS = 3
#: Workspaces listed among those whose weekly actives moved most.
MOVERS = 5
#: Workspaces of the portfolio's ranking a monthly digest lists.
WORST = 5
#: Weeks the monthly change compares: the last complete week with this many weeks before it.
MONTH_WEEKS = 4


def absolute(path: str) -> str:
    """A link that works from a mail client: LUMOFLOW_BASE_URL (checked at start-up) + path."""
    return f"{settings.LUMOFLOW_BASE_URL}{path}"


def verdict_words(verdict: str) -> str:
    if verdict in VERDICT_WORDS:
        return str(VERDICT_WORDS[verdict][0])
    return str(VERDICT_CHOICES.get(verdict, verdict or "Not enough people to say"))


@dataclass(frozen=True)
class AlertLine:
    summary: str
    since: dt.date
    suggestion: str
    url: str


@dataclass(frozen=True)
class QuestionLine:
    text: str
    asked_at: dt.datetime
    author: str
    url: str


@dataclass(frozen=True)
class WorkspaceNews:
    """One workspace of a weekly digest."""

    workspace_id: int
    name: str
    url: str  # its health page
    verdict: str
    verdict_words: str
    withheld: str  # why no figures are shown, else ""
    missed: tuple[str, ...]
    weekly_active: int | None
    chart: dict[str, Any] | None  # weekly actives; None without figures
    alerts: tuple[AlertLine, ...]
    questions: tuple[QuestionLine, ...]
    questions_url: str


@dataclass(frozen=True)
class Mover:
    name: str
    url: str
    before: int
    after: int


@dataclass(frozen=True)
class Ranked:
    """A workspace among the portfolio's worst."""

    name: str
    url: str
    verdict_words: str
    missed: tuple[str, ...]
    weekly_active: int | None


@dataclass(frozen=True)
class Fading:
    name: str
    url: str
    owner: str
    missed: tuple[str, ...]
    alert: AlertLine | None


@dataclass(frozen=True)
class Contents:
    """What one person's digest of one period says."""

    digest: str
    period: str
    person: User
    workspaces: tuple[WorkspaceNews, ...] = ()  # weekly
    counts: tuple[tuple[str, int], ...] = ()  # monthly: (verdict words, workspaces)
    chart: dict[str, Any] | None = None  # monthly: the counts
    changes: tuple[tuple[str, str, str, str], ...] = ()  # (name, url, was, now)
    compared: bool = False  # monthly: a digest of last month existed to compare with
    risers: tuple[Mover, ...] = ()
    fallers: tuple[Mover, ...] = ()
    fading: tuple[Fading, ...] = ()
    worst: tuple[Ranked, ...] = ()  # monthly: the portfolio's first rows (ranked by health)
    portfolio_url: str = ""
    verdicts: dict[str, str] = field(default_factory=dict)  # monthly: workspace id → verdict


def _eligible(people: Iterable[int], digest: str) -> list[User]:
    """The people among `people` a digest may go to: active, not bots, with an address, and
    not unsubscribed from it; by username."""
    out = notification_queries.opted_out_of(digest)
    return list(
        User.objects.filter(pk__in=set(people) - out, is_active=True, is_bot=False)
        .exclude(email="")
        .order_by("username")
    )


def _owned() -> Q:
    return Q(
        role=Role.OWNER,
        status=MembershipStatus.ACTIVE,
        workspace__archived_at__isnull=True,
        workspace__excluded_from_org_analytics=False,
    ) & ~Q(workspace__visibility=Visibility.SECRET)


def weekly_recipients() -> list[User]:
    """Owners of at least one workspace a weekly digest covers, who take the digest."""
    owners = Membership.objects.filter(_owned()).values_list("user_id", flat=True).distinct()
    return _eligible(owners, WEEKLY)


def monthly_recipients() -> list[User]:
    """Executives (administrators and holders of the capability) who take the digest."""
    granted = Grant.objects.filter(capability=Capability.EXECUTIVE).values_list("user_id")
    people = User.objects.filter(Q(is_staff=True) | Q(pk__in=granted)).values_list("pk", flat=True)
    return _eligible(people, MONTHLY)


def recipients(digest: str) -> list[User]:
    return weekly_recipients() if digest == WEEKLY else monthly_recipients()


def _alert_line(alert: Alert) -> AlertLine:
    first = (alert.actions or [{}])[0] if alert.actions else {}
    return AlertLine(
        summary=alert.summary,
        since=alert.since,
        suggestion=str(first.get("text") or ""),
        url=absolute(notification_queries.alert_url(alert)),
    )


def _questions(owner: User, workspace_id: int) -> tuple[QuestionLine, ...]:
    """The oldest unanswered questions of the workspace that the owner may read."""
    qs = list_unanswered_questions_for(owner, workspace_id)[:QUESTIONS]
    return tuple(
        QuestionLine(
            text=q.body if len(q.body) <= 160 else q.body[:159].rstrip() + "…",
            asked_at=q.created_at,
            author=q.author.name,
            url=absolute(reverse("conversation:post", args=[q.pk])),
        )
        for q in qs
    )


def _weekly_chart(name: str, figures: Any) -> dict[str, Any] | None:
    if figures is None or not figures.weekly:
        return None
    return weekly_chart(
        figures.points(),
        title=f"People active each week in {name}",
        y_title="People active",
        kind="count",
        min_group_size=figures.min_group_size,
        width=520,
        height=160,
    )


def weekly_contents(owner: User, period: str) -> Contents:
    """The weekly digest of an owner: the workspaces they own that it covers, worst news first
    (as the portfolio ranks them). Nothing in it when they own none."""
    workspaces = list(
        Workspace.objects.filter(
            pk__in=Membership.objects.filter(_owned(), user=owner).values("workspace_id")
        ).order_by("name", "pk")
    )
    figures = stored_figures(workspaces)
    alerts: dict[int, list[Alert]] = defaultdict(list)
    for a in Alert.objects.filter(
        workspace_id__in=[w.pk for w in workspaces], closed_at=None
    ).order_by("raised_at", "pk"):
        alerts[a.workspace_id].append(a)
    news = []
    for ws in workspaces:
        f = figures.get(ws.pk)
        verdict = f.verdict if f is not None else NOT_MEASURED
        news.append(
            WorkspaceNews(
                workspace_id=ws.pk,
                name=ws.name,
                url=absolute(reverse("workspace_health", args=[ws.pk])),
                verdict=verdict,
                verdict_words=verdict_words(verdict) if f is None or f.verdict else "",
                withheld=f.withheld if f is not None else "Not measured yet.",
                missed=f.missed if f is not None else (),
                weekly_active=f.weekly_active if f is not None else None,
                chart=_weekly_chart(ws.name, f),
                alerts=tuple(_alert_line(a) for a in alerts[ws.pk]),
                questions=_questions(owner, ws.pk),
                questions_url=absolute(reverse("workspaces:detail", args=[ws.pk])),
            )
        )
    rank = {v: i for i, v in enumerate(VERDICTS)}
    news.sort(key=lambda n: (rank.get(n.verdict, len(VERDICTS)), -len(n.missed), n.name.lower()))
    return Contents(WEEKLY, period, owner, workspaces=tuple(news))


def _moves(portfolio: Portfolio) -> list[Mover]:
    """Each measured workspace's weekly actives in the last complete week against
    MONTH_WEEKS weeks before, when both weeks are shown (a hidden week is no figure)."""
    out = []
    for r in portfolio.rows:
        weekly = r.figures.weekly if r.figures is not None else ()
        if len(weekly) <= MONTH_WEEKS:
            continue
        before, after = weekly[-1 - MONTH_WEEKS][1], weekly[-1][1]
        if before is not None and after is not None and before != after:
            url = absolute(reverse("workspace_health", args=[r.workspace_id]))
            out.append(Mover(r.name, url, before, after))
    return out


def monthly_contents(
    executive: User, period: str, previous: Mapping[str, str] | None, portfolio: Portfolio
) -> Contents:
    """The monthly digest of an executive from the portfolio they see; `previous` is last
    month's digest's verdict per workspace id (None when there was none)."""
    rows = portfolio.rows
    # "": measured, but too few people for a verdict (the privacy guard)
    every = (*VERDICTS, "", NOT_MEASURED, EXCLUDED)
    counted = [v for v in every if any(r.verdict == v for r in rows)]
    counts = tuple((verdict_words(v), sum(1 for r in rows if r.verdict == v)) for v in counted)
    chart = (
        group_bars(
            [{"group": w, "value": n, "suppressed": False} for w, n in counts],
            title="Workspaces by verdict",
            x_title="Workspaces",
            group_title="verdict",
            kind="count",
            width=320,
        )
        if counts
        else None
    )
    verdicts = {str(r.workspace_id): r.verdict for r in rows}
    changes = tuple(
        (
            r.name,
            absolute(reverse("workspace_health", args=[r.workspace_id])),
            verdict_words(previous[str(r.workspace_id)]),
            verdict_words(r.verdict),
        )
        for r in rows
        if previous is not None
        and str(r.workspace_id) in previous
        and previous[str(r.workspace_id)] != r.verdict
    )
    moves = _moves(portfolio)
    risers = sorted((m for m in moves if m.after > m.before), key=lambda m: m.before - m.after)
    fallers = sorted((m for m in moves if m.after < m.before), key=lambda m: m.after - m.before)
    fading_ids = [r.workspace_id for r in rows if r.verdict == "fading"]
    first_alert: dict[int, Alert] = {}
    for a in Alert.objects.filter(workspace_id__in=fading_ids, closed_at=None).order_by(
        "raised_at", "pk"
    ):
        first_alert.setdefault(a.workspace_id, a)
    fading = tuple(
        Fading(
            name=r.name,
            url=absolute(reverse("workspace_health", args=[r.workspace_id])),
            owner=r.owner,
            missed=r.figures.missed if r.figures is not None else (),
            alert=_alert_line(first_alert[r.workspace_id])
            if r.workspace_id in first_alert
            else None,
        )
        for r in rows
        if r.verdict == "fading"
    )
    worst = tuple(
        Ranked(
            r.name,
            absolute(reverse("workspace_health", args=[r.workspace_id])),
            verdict_words(r.verdict),
            r.figures.missed,
            r.figures.weekly_active,
        )
        for r in rows[:WORST]
        if r.figures is not None
    )
    return Contents(
        MONTHLY,
        period,
        executive,
        counts=counts,
        chart=chart,
        changes=changes,
        compared=previous is not None,
        risers=tuple(risers[:MOVERS]),
        fallers=tuple(fallers[:MOVERS]),
        fading=fading,
        worst=worst,
        portfolio_url=absolute(reverse("org_portfolio")),
        verdicts=verdicts,
    )
