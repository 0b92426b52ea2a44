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
import os
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
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
#: Drift terms are shown as their most common full word in this many posts of the second half.
WORD_SAMPLE = 500
SPLIT_THREADS = max(1, min(4, os.cpu_count() or 1))
_TOKEN = re.compile(r"[a-z0-9]{2,}")
_STOP = frozenset(ENGLISH_STOP_WORDS)


def analyse_text(doc: str) -> list[str]:
    """Lower-case word tokens without English stop words, cut to their first five letters.

    >>> analyse_text("Migrating the billing services to Kubernetes")
    ['migra', 'billi', 'servi', 'kuber']
    """
    return [t[:STEM] for t in _TOKEN.findall(doc.lower()) if t not in _STOP]


def tokenise(texts: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Vectorised :func:`analyse_text` over Arrow text: (doc index, stem id, vocabulary).

    Lower-case, split on anything but ``[a-z0-9]``, keep tokens of two or more characters that
    are not stop words, cut to five characters; all in Arrow compute kernels. The vocabulary is
    sorted (as scikit-learn's), so a stem's id does not depend on the order of the texts.

    >>> tokenise(pa.array(["lunch then billing", "billing"]))[1:]
    (array([1, 0, 0]), ['billi', 'lunch'])
    """
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    # the regex split is the costly kernel: run it on slices in threads (Arrow frees the GIL)
    step = max(1, -(-len(texts) // SPLIT_THREADS))
    slices = [texts.slice(i, step) for i in range(0, max(len(texts), 1), step)]
    with ThreadPoolExecutor(SPLIT_THREADS) as pool:
        parts = list(pool.map(lambda a: pc.split_pattern_regex(pc.utf8_lower(a), "[^a-z0-9]+"),
                              slices))  # fmt: skip
    lists = pa.chunked_array(parts, pa.list_(pa.string())).combine_chunks()
    flat = pc.list_flatten(lists)
    docs = pc.list_parent_indices(lists)
    keep = pc.and_(
        pc.greater_equal(pc.utf8_length(flat), 2),
        pc.invert(pc.is_in(flat, pa.array(sorted(_STOP)))),
    )
    stems = pc.utf8_slice_codeunits(pc.filter(flat, keep), 0, STEM)
    term_ids, vocab = sorted_codes(stems)
    doc_ids = np.asarray(pc.filter(docs, keep).to_numpy(zero_copy_only=False), dtype=np.int64)
    return doc_ids, term_ids, vocab


def sorted_codes(values: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    """Codes of ``values`` into their distinct values in sorted order: (codes, distinct values).

    Unlike plain dictionary encoding (codes by first appearance), the codes do not depend on the
    order of the rows, so neither does anything that breaks ties by code.

    >>> sorted_codes(pa.array(["w2", "w1", "w2"]))
    (array([1, 0, 1]), ['w1', 'w2'])
    """
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    order = np.asarray(pc.array_sort_indices(encoded.dictionary), dtype=np.int64)
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    codes = rank[np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)]
    return codes, encoded.dictionary.take(pa.array(order)).to_pylist()


def tfidf_matrix(doc_ids: np.ndarray, term_ids: np.ndarray, n_docs: int,
                 n_terms: int) -> sparse.csr_matrix:  # fmt: skip
    """TF-IDF rows as scikit-learn's ``TfidfVectorizer(sublinear_tf=True)`` computes them.

    tf = 1 + ln(count); idf = ln((1 + n) / (1 + df)) + 1; rows L2-normalised.
    """
    m = sparse.coo_matrix(
        (np.ones(doc_ids.size, dtype=np.float64), (doc_ids, term_ids)), shape=(n_docs, n_terms)
    ).tocsr()
    m.sum_duplicates()
    m.data = 1.0 + np.log(m.data)
    df = np.bincount(m.indices, minlength=n_terms)
    idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    m.data *= idf[m.indices]
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    m = sparse.diags(1.0 / norms) @ m
    return sparse.csr_matrix(m)


def _scores(
    texts: pa.Array | pa.ChunkedArray, codes: np.ndarray, names: list[str],
    objectives: dict[str, str],
) -> tuple[np.ndarray, sparse.csr_matrix, list[str]]:  # fmt: skip
    """Scores of texts (workspace index ``codes`` into ``names``), their TF-IDF rows, vocabulary."""
    known = [n for n in names if n in objectives]
    corpus = pa.concat_arrays([
        texts.combine_chunks() if isinstance(texts, pa.ChunkedArray) else texts,
        pa.array([objectives[n] for n in known], pa.string()),
    ])  # fmt: skip
    doc_ids, term_ids, vocab = tokenise(corpus)
    m = tfidf_matrix(doc_ids, term_ids, len(corpus), len(vocab))
    n = len(texts)
    posts_m, obj_m = m[:n], m[n:]
    out = np.zeros(n, dtype=float)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    for j, name in enumerate(known):  # one pass per workspace, not per post
        i = names.index(name)
        rows = order[bounds[i] : bounds[i + 1]]
        if rows.size:
            out[rows] = np.asarray((posts_m[rows] @ obj_m[j].T).todense()).ravel()
    return out, posts_m, vocab


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
    names, codes = np.unique(np.asarray(workspaces, dtype=str), return_inverse=True)
    return _scores(pa.array(list(texts), pa.string()), codes, names.tolist(), objectives)[0]


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
    hist = frame.history.select(["workspace", "verb", "text"])
    ev = hist.filter(pc.equal(hist["verb"], "objective"))
    tbl = sql(
        """SELECT workspace, string_agg(t, ' ' ORDER BY t) AS t FROM (
             SELECT workspace, objectives || ' ' || purpose AS t FROM ws
             UNION ALL SELECT workspace, text FROM ev) WHERE trim(t) <> ''
           GROUP BY 1 ORDER BY 1""",
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
    posts = ev.select(["event_id", "workspace", "actor", "ts", "text"]).filter(mask)
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
    codes, names = sorted_codes(posts["workspace"])
    scores, matrix, vocab = _scores(posts["text"], codes, names, objectives)
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
        posts_scored=posts.num_rows,
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
        drift=_drift(frame, posts, codes, names, matrix, vocab, on, mgs),
        too_little_data=False,
    )


def _drift(
    frame: Frame, posts: pa.Table, codes: np.ndarray, names: list[str], matrix: sparse.csr_matrix,
    vocab: list[str], on: np.ndarray, mgs: int, *, top: int = 10,
) -> dict[str, list[str]]:  # fmt: skip
    """Terms that grew while the on-topic share fell (first vs second half of the period).

    Uses the TF-IDF rows already computed: a term's share of posts in each half; equal growth
    goes to the alphabetically first stem. Stems are shown as the most common full word they come
    from in the workspace's first ``WORD_SAMPLE`` second-half posts by (time, event id).
    """
    ts = posts["ts"]
    if frame.start is None or frame.end is None or ts.null_count == len(ts):
        return {}
    mid = frame.start + (frame.end - frame.start) / 2
    late = np.asarray(pc.greater_equal(ts, pa.scalar(mid, ts.type)).to_numpy(
        zero_copy_only=False), dtype=bool)  # fmt: skip
    present = matrix.copy()
    present.data[:] = 1.0
    out: dict[str, list[str]] = {}
    for i, name in enumerate(names):  # one pass per workspace
        sel = codes == i
        a, b = sel & ~late, sel & late
        if a.sum() < mgs or b.sum() < mgs or on[b].mean() >= on[a].mean():
            continue
        share_a = np.asarray(present[np.flatnonzero(a)].mean(axis=0)).ravel()
        share_b = np.asarray(present[np.flatnonzero(b)].mean(axis=0)).ravel()
        grow = share_b - share_a
        # the vocabulary is sorted, so the stable sort breaks ties by the stem itself
        best = [j for j in np.argsort(-grow, kind="stable")[:top] if grow[j] > 0]
        sample = _first_posts(posts, np.flatnonzero(b), WORD_SAMPLE)["text"].to_pylist()
        out[str(name)] = [_full_word(vocab[j], sample) for j in best]
    return out


def _first_posts(posts: pa.Table, rows: np.ndarray, k: int) -> pa.Table:
    """The first ``k`` of ``posts[rows]`` by (ts, event_id), a key unique in a log."""
    keys = posts.select(["ts", "event_id"]).take(pa.array(rows, pa.int64()))
    first = pc.select_k_unstable(
        keys, k=k, sort_keys=[("ts", "ascending"), ("event_id", "ascending")]
    )
    picked = rows[np.asarray(first.to_numpy(zero_copy_only=False), dtype=np.int64)]
    return posts.take(pa.array(picked, pa.int64()))


def _full_word(stem: str, texts: list[str]) -> str:
    """The most common word starting with ``stem`` in ``texts`` (the stem itself if none)."""
    pattern = re.compile(rf"\b{re.escape(stem)}[a-z0-9]*")
    found: dict[str, int] = {}
    for text in texts:  # a sample of at most WORD_SAMPLE posts
        for word in pattern.findall(text.lower()):
            found[word] = found.get(word, 0) + 1
    return max(sorted(found), key=lambda w: found[w]) if found else stem
