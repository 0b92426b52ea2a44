"""Responsiveness: how fast and how broadly people answer each other.

A thread is a ``post``; its replies are ``reply`` events whose ``thread_id`` (or, when that is
empty, ``parent_id``) is the post's ``object_id``. Replies are counted up to the period's end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import stats

from lumoflow.analytics.frame import Frame, sql
from lumoflow.analytics.log import TS_TYPE
from lumoflow.analytics.privacy import Guarded, guard, too_small

UNANSWERED_AFTER_H = 48.0


@dataclass(frozen=True)
class WeekResponse:
    week: dt.date
    posts: int | None
    median_first_reply_h: float | None
    people: int | None
    suppressed: bool
    #: the 90th percentile of the week's hours to a first reply (linear interpolation, as
    #: `first_reply_p90_h`), hidden with the rest of the week
    p90_first_reply_h: float | None = None


@dataclass(frozen=True)
class Responsiveness:
    """Responsiveness over a period (see :func:`responsiveness`)."""

    posts: int
    replied_posts: int
    first_reply_median_h: float | None
    first_reply_p90_h: float | None
    questions: int
    unanswered_48h_share: float | None
    accepted_rate: float | None
    accepted_median_h: float | None
    participants_per_thread_median: float | None
    participants_per_thread_mean: float | None
    diversity_median: float | None
    by_workspace: dict[str, Guarded]
    weekly: list[WeekResponse]
    too_little_data: bool


def threads_table(frame: Frame) -> pa.Table:
    """One row per post in the period: workspace, author, week, hours to the first reply by
    someone else (null if none), question flag, hours to accepted answer, participants, replies
    (n) and replies by people new to the thread (y)."""
    if "threads" not in frame.cache:
        frame.cache["threads"] = _threads_table(frame)
    table: pa.Table = frame.cache["threads"]
    return table


def _threads_table(frame: Frame) -> pa.Table:
    end = frame.end
    hist = frame.history.select(
        [
            "event_id",
            "ts",
            "actor",
            "verb",
            "workspace",
            "object_id",
            "parent_id",
            "thread_id",
            "kind",
        ]
    )
    if end is not None:
        hist = hist.filter(pc.less(hist["ts"], pa.scalar(end, TS_TYPE)))
    cols = [
        "event_id",
        "ts",
        "actor",
        "verb",
        "workspace",
        "object_id",
        "parent_id",
        "thread_id",
        "kind",
    ]
    return sql(
        """WITH roots AS (SELECT object_id, actor, ts, kind, workspace FROM ev
                          WHERE verb = 'post' AND object_id <> '' AND ts IS NOT NULL),
                reps AS (SELECT coalesce(nullif(thread_id, ''), parent_id) AS root, object_id,
                                actor, ts FROM hist WHERE verb = 'reply'),
                joined AS (SELECT r.object_id AS root, p.actor, p.ts, r.actor AS author,
                                  row_number() OVER (PARTITION BY r.object_id, p.actor
                                                     ORDER BY p.ts, p.object_id) AS nth
                           FROM roots r JOIN reps p ON p.root = r.object_id AND p.ts >= r.ts),
                per AS (SELECT root, min(ts) FILTER (actor <> author) AS first_reply,
                               count(*) AS n,
                               count(*) FILTER (nth = 1 AND actor <> author) AS y,
                               count(DISTINCT actor) FILTER (actor <> author) AS others
                        FROM joined GROUP BY root),
                acc AS (SELECT coalesce(nullif(a.thread_id, ''), rp.root, a.parent_id) AS root,
                               min(a.ts) AS accepted
                        FROM hist a LEFT JOIN reps rp ON rp.object_id = a.object_id
                        WHERE a.verb = 'accept_answer' GROUP BY 1)
           SELECT r.workspace, r.actor, CAST(date_trunc('week', r.ts) AS DATE) AS week,
                  r.kind = 'question' AS question, r.ts,
                  epoch(p.first_reply - r.ts) / 3600.0 AS first_h,
                  epoch(a.accepted - r.ts) / 3600.0 AS accepted_h,
                  1 + coalesce(p.others, 0) AS participants,
                  coalesce(p.n, 0) AS n, coalesce(p.y, 0) AS y
           FROM roots r LEFT JOIN per p ON p.root = r.object_id
                LEFT JOIN acc a ON a.root = r.object_id""",
        ev=frame.events.select(cols),
        hist=hist.select(cols),
    )


def diversity_score(y: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Coral Project diversity score: 5% quantile of Beta(2 + y, 2 + n − y).

    ``y`` replies by people new to the thread out of ``n`` replies.

    >>> np.round(diversity_score(np.array([0, 5]), np.array([0, 5])), 3)
    array([0.135, 0.529])
    """
    y = np.asarray(y, dtype=float)
    n = np.asarray(n, dtype=float)
    return np.asarray(stats.beta.ppf(0.05, 2 + y, 2 + n - y), dtype=float)


def _median(x: np.ndarray) -> float | None:
    return float(np.median(x)) if x.size else None


def responsiveness(frame: Frame) -> Responsiveness:
    """Measure responsiveness in ``frame``.

    Definition
    ----------
    * time to first reply: hours from a post to the first reply by someone other than its author
      (self-replies excluded); median and 90th percentile over replied posts, for the period
      and for each week of the post (a week about fewer than ``min_group_size`` authors is
      hidden, its median and P90 with it);
    * unanswered after 48 h: share of questions (posts of kind ``question`` at least 48 h before
      the period's end) with no reply by someone else within 48 h;
    * accepted-answer rate: share of questions with an ``accept_answer``; time to it (median);
    * conversation spread: distinct participants per thread, and the Coral Project diversity
      score (5% quantile of Beta(2 + y, 2 + n − y), y replies by people new to the thread out of
      n replies), median over threads with a reply.

    Source
    ------
    CHAOSS "Time to First Response"; Discourse admin reports ("topics with no response",
    "time to first response"); Coral Project "Measuring diversity of conversation" (2016).

    Examples
    --------
    >>> from lumoflow.analytics.log import make_log
    >>> from lumoflow.analytics.frame import make_frame, Options
    >>> rows = [dict(event_id="1", ts="2024-03-04T09:00Z", actor="ann", verb="post",
    ...              object_id="p1", kind="question"),
    ...         dict(event_id="2", ts="2024-03-04T10:00Z", actor="ann", verb="reply",
    ...              object_id="r1", parent_id="p1", thread_id="p1"),
    ...         dict(event_id="3", ts="2024-03-04T12:00Z", actor="bob", verb="reply",
    ...              object_id="r2", parent_id="p1", thread_id="p1"),
    ...         dict(event_id="4", ts="2024-03-04T13:00Z", actor="cy", verb="reply",
    ...              object_id="r3", parent_id="r2", thread_id="p1"),
    ...         dict(event_id="5", ts="2024-03-08T09:00Z", actor="ann", verb="accept_answer",
    ...              object_id="r2", parent_id="p1", thread_id="p1")]
    >>> r = responsiveness(make_frame(make_log(rows), options=Options(min_group_size=1)))
    >>> r.first_reply_median_h, r.questions, r.unanswered_48h_share, r.accepted_median_h
    (3.0, 1, 0.0, 96.0)
    >>> r.participants_per_thread_median
    3.0
    """
    mgs = frame.options.min_group_size
    if not frame.has_time:
        return Responsiveness(0, 0, None, None, 0, None, None, None, None, None, None, {}, [], True)
    t = threads_table(frame)
    first = t["first_h"].to_numpy(zero_copy_only=False).astype(float)
    replied = ~np.isnan(first)
    q = t["question"].to_numpy(zero_copy_only=False).astype(bool)
    ts = t["ts"].to_numpy(zero_copy_only=False)
    end = np.datetime64(frame.end.replace(tzinfo=None), "us") if frame.end else None
    old = (
        (ts <= end - np.timedelta64(int(UNANSWERED_AFTER_H * 3600), "s"))
        if end is not None
        else np.ones(len(ts), bool)
    )
    eligible = q & old
    answered = eligible & replied & (np.nan_to_num(first, nan=np.inf) <= UNANSWERED_AFTER_H)
    acc = t["accepted_h"].to_numpy(zero_copy_only=False).astype(float)
    n = t["n"].to_numpy().astype(float)
    y = t["y"].to_numpy().astype(float)
    parts = t["participants"].to_numpy().astype(float)
    threaded = n > 0
    by_ws = sql(
        """SELECT workspace, median(first_h) AS m, count(DISTINCT actor) AS people FROM t
           WHERE workspace <> '' GROUP BY 1 ORDER BY 1""",
        t=t,
    )
    weekly = sql(
        """SELECT week, count(*) AS posts, median(first_h) AS m, count(DISTINCT actor) AS people,
                  quantile_cont(first_h, 0.9) AS p90
           FROM t GROUP BY 1 ORDER BY 1""",
        t=t,
    )
    return Responsiveness(
        posts=len(t),
        replied_posts=int(replied.sum()),
        first_reply_median_h=_median(first[replied]),
        first_reply_p90_h=float(np.percentile(first[replied], 90)) if replied.any() else None,
        questions=int(q.sum()),
        unanswered_48h_share=float(1 - answered.sum() / eligible.sum()) if eligible.any() else None,
        accepted_rate=float((q & ~np.isnan(acc)).sum() / q.sum()) if q.any() else None,
        accepted_median_h=_median(acc[q & ~np.isnan(acc)]),
        participants_per_thread_median=_median(parts[threaded]),
        participants_per_thread_mean=float(parts[threaded].mean()) if threaded.any() else None,
        diversity_median=_median(diversity_score(y[threaded], n[threaded])),
        by_workspace={
            w: guard(m, p, mgs)
            for w, m, p in zip(
                by_ws["workspace"].to_pylist(),
                by_ws["m"].to_pylist(),
                by_ws["people"].to_pylist(),
                strict=True,
            )
        },
        weekly=[
            WeekResponse(
                r["week"],
                None if hide else r["posts"],
                None if hide else r["m"],
                None if hide else r["people"],
                hide,
                None if hide else r["p90"],
            )
            for r in weekly.to_pylist()
            for hide in (too_small(r["people"], mgs),)
        ],
        too_little_data=len(t) == 0,
    )
