"""Relevance: how on-topic posts are to their workspace's objectives, per week, and drift.

The default scorer is TF-IDF cosine similarity between a post and its workspace's objective texts
(objectives and key results, purpose, and ``objective`` events), with words cut to their first five
letters (a truncation stemmer, so "migrate", "migrating" and "migration" meet). It needs no model
download. The threshold was calibrated on the hand-labelled sample in
``tests/analytics/data/relevance_labelled.tsv`` (200 posts, four workspaces); the tests recompute
both figures below and fail if they drift.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer
from sklearn.metrics import roc_auc_score

from lumoflow.analytics.frame import Frame, sql
from lumoflow.analytics.privacy import Guarded, guard

#: Cosine similarity at or above which a post is on topic (Youden's J on the labelled sample).
DEFAULT_THRESHOLD = 0.04
#: ROC AUC of the default scorer on the labelled sample (recomputed by the tests).
CALIBRATION_AUC = 0.927
CALIBRATION_SAMPLE = "tests/analytics/data/relevance_labelled.tsv (200 posts)"
SCORED_VERBS = ("post", "reply", "article")
STEM = 5
_TOKEN = re.compile(r"[a-z0-9]{2,}")
_STOP = frozenset(ENGLISH_STOP_WORDS)


def analyse_text(doc: str) -> list[str]:
    """Lower-case word tokens without English stop words, cut to their first five letters.

    >>> analyse_text("Migrating the billing services to Kubernetes")
    ['migra', 'billi', 'servi', 'kuber']
    """
    return [t[:STEM] for t in _TOKEN.findall(doc.lower()) if t not in _STOP]


def score_texts(
    texts: Sequence[str], workspaces: Sequence[str] | np.ndarray, objectives: dict[str, str]
) -> np.ndarray:
    """Cosine similarity of each text with its workspace's objective text (0 when none).

    Examples
    --------
    >>> s = score_texts(["billing moved to kubernetes", "lunch on friday?"], ["w", "w"],
    ...                 {"w": "Migrate billing to Kubernetes"})
    >>> bool(s[0] > DEFAULT_THRESHOLD > s[1])
    True
    """
    ws = np.asarray(workspaces, dtype=object)
    names = sorted(objectives)
    vec = TfidfVectorizer(analyzer=analyse_text, sublinear_tf=True, dtype=np.float32)
    post_m = vec.fit_transform(list(texts) + [objectives[n] for n in names])
    obj_m = post_m[len(texts) :]
    post_m = post_m[: len(texts)]
    out = np.zeros(len(texts), dtype=float)
    for i, name in enumerate(names):  # one pass per workspace, not per post
        rows = np.flatnonzero(ws == name)
        if rows.size:
            out[rows] = np.asarray((post_m[rows] @ obj_m[i].T).todense()).ravel()
    return out


def calibrate(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Return (ROC AUC, Youden-optimal threshold) of ``scores`` against 0/1 ``labels``."""
    from sklearn.metrics import roc_curve

    fpr, tpr, thr = roc_curve(labels, scores)
    best = int(np.argmax(tpr - fpr))
    return float(roc_auc_score(labels, scores)), float(thr[best])


@dataclass(frozen=True)
class WeekRelevance:
    week: dt.date
    posts: int | None
    on_topic_share: float | None
    people: int
    suppressed: bool


@dataclass(frozen=True)
class Relevance:
    """Relevance over a period (see :func:`on_topic_share`)."""

    scorer: str
    threshold: float
    calibration_auc: float
    calibration_sample: str
    posts_scored: int
    on_topic_share: float | None
    by_workspace: dict[str, Guarded]
    weekly: list[WeekRelevance]
    drift: dict[str, list[str]]
    too_little_data: bool


def objective_texts(frame: Frame) -> dict[str, str]:
    """Objective text per workspace: objectives, purpose and ``objective`` events' text."""
    ws = frame.workspaces
    ev = frame.history.filter(pc.equal(frame.history["verb"], "objective"))
    tbl = sql(
        """SELECT workspace, string_agg(t, ' ') AS t FROM (
             SELECT workspace, objectives || ' ' || purpose AS t FROM ws
             UNION ALL SELECT workspace, text FROM ev) WHERE trim(t) <> '' GROUP BY 1""",
        ws=ws.select(["workspace", "objectives", "purpose"]),
        ev=ev.select(["workspace", "text"]),
    )
    return dict(zip(tbl["workspace"].to_pylist(), tbl["t"].to_pylist(), strict=True))


def on_topic_share(frame: Frame, *, threshold: float = DEFAULT_THRESHOLD) -> Relevance:
    """Score each post against its workspace's objectives; on-topic share per week; drift.

    Definition
    ----------
    A post, reply or article with text in a workspace that has objective text is **on topic**
    when its TF-IDF cosine similarity with that text is at least ``threshold``. On-topic share:
    on-topic posts ÷ scored posts. Drift: for each workspace whose on-topic share fell from the
    first to the second half of the period, the ten terms whose share of posts grew most.

    Source
    ------
    Salton & Buckley (1988) TF-IDF weighting; Manning, Raghavan & Schütze (2008) ch. 6
    (cosine similarity); Youden (1950) for the threshold.

    Examples
    --------
    >>> from lumoflow.analytics.log import make_log
    >>> from lumoflow.analytics.frame import make_frame, Options
    >>> rows = [dict(event_id=str(i), ts="2024-03-04", actor=a, verb="post", workspace="w",
    ...              object_id=f"p{i}", text=t) for i, (a, t) in enumerate([
    ...     ("ann", "billing service migrated to kubernetes"), ("bob", "lunch on friday?"),
    ...     ("cy", "kubernetes cluster cost report"), ("dee", "happy birthday!"),
    ...     ("eve", "migrate the inventory service next")])]
    >>> log = make_log(rows, workspaces=[{"workspace": "w",
    ...                                   "objectives": "Migrate services to Kubernetes"}])
    >>> r = on_topic_share(make_frame(log, options=Options(min_group_size=1)))
    >>> r.posts_scored, r.on_topic_share
    (5, 0.6)
    """
    mgs = frame.options.min_group_size
    objectives = objective_texts(frame)
    ev = frame.events
    mask = pc.and_(
        pc.and_(pc.is_in(ev["verb"], pa.array(SCORED_VERBS)), pc.not_equal(ev["text"], "")),
        pc.is_in(ev["workspace"], pa.array(list(objectives), pa.string())),
    )
    posts = ev.filter(mask).select(["workspace", "actor", "ts", "text"])
    base: dict[str, Any] = dict(
        scorer="tfidf",
        threshold=threshold,
        calibration_auc=CALIBRATION_AUC,
        calibration_sample=CALIBRATION_SAMPLE,
    )
    if posts.num_rows == 0:
        return Relevance(
            **base,
            posts_scored=0,
            on_topic_share=None,
            by_workspace={},
            weekly=[],
            drift={},
            too_little_data=True,
        )
    texts = posts["text"].to_pylist()
    ws = np.asarray(posts["workspace"].to_pylist(), dtype=object)
    scores = score_texts(texts, ws, objectives)
    on = scores >= threshold
    scored = posts.append_column("on", pa.array(on))
    by_ws = sql(
        """SELECT workspace, avg(CAST("on" AS DOUBLE)) AS s, count(DISTINCT actor) AS n
                   FROM t GROUP BY 1 ORDER BY 1""",
        t=scored.select(["workspace", "actor", "on"]),
    )
    weekly = sql(
        """SELECT CAST(date_trunc('week', ts) AS DATE) AS week, count(*) AS posts,
                           avg(CAST("on" AS DOUBLE)) AS s, count(DISTINCT actor) AS n
                    FROM t WHERE ts IS NOT NULL GROUP BY 1 ORDER BY 1""",
        t=scored.select(["actor", "ts", "on"]),
    )
    return Relevance(
        **base,
        posts_scored=len(texts),
        on_topic_share=float(on.mean()),
        by_workspace={
            w: guard(s, n, mgs)
            for w, s, n in zip(
                by_ws["workspace"].to_pylist(),
                by_ws["s"].to_pylist(),
                by_ws["n"].to_pylist(),
                strict=True,
            )
        },
        weekly=[
            WeekRelevance(
                r["week"],
                None if r["n"] < mgs else r["posts"],
                None if r["n"] < mgs else r["s"],
                r["n"],
                r["n"] < mgs,
            )
            for r in weekly.to_pylist()
        ],
        drift=_drift(frame, texts, ws, posts["ts"], on, mgs),
        too_little_data=False,
    )


def _drift(
    frame: Frame,
    texts: list[str],
    ws: np.ndarray,
    ts: pa.ChunkedArray,
    on: np.ndarray,
    mgs: int,
    *,
    top: int = 10,
    sample: int = 5000,
) -> dict[str, list[str]]:
    """Terms that grew while the on-topic share fell (first vs second half of the period)."""
    if frame.start is None or frame.end is None or ts.null_count == len(ts):
        return {}
    mid = frame.start + (frame.end - frame.start) / 2
    late = np.asarray(
        pc.greater_equal(ts, pa.scalar(mid, ts.type)).to_numpy(zero_copy_only=False), dtype=bool
    )
    rng = np.random.default_rng(frame.options.seed)
    out: dict[str, list[str]] = {}
    for name in np.unique(ws):  # one pass per workspace
        sel = ws == name
        a, b = sel & ~late, sel & late
        if a.sum() < mgs or b.sum() < mgs or on[b].mean() >= on[a].mean():
            continue
        ia = rng.permutation(np.flatnonzero(a))[:sample]
        ib = rng.permutation(np.flatnonzero(b))[:sample]
        cv = CountVectorizer(stop_words="english", binary=True, min_df=2)
        try:
            m = cv.fit_transform([texts[i] for i in np.concatenate([ia, ib])])
        except ValueError:  # no terms left
            continue
        share_a = np.asarray(m[: ia.size].sum(0)).ravel() / ia.size
        share_b = np.asarray(m[ia.size :].sum(0)).ravel() / ib.size
        grow = share_b - share_a
        terms = cv.get_feature_names_out()
        order = [i for i in np.argsort(-grow, kind="stable")[:top] if grow[i] > 0]
        out[str(name)] = [str(terms[i]) for i in order]
    return out
