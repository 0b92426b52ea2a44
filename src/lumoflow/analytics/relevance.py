"""Relevance: how on-topic posts are to their workspace's objectives, per week, and drift.

The default scorer is TF-IDF cosine similarity between a post and its workspace's objective texts
(objectives and key results, purpose, and ``objective`` events), with words cut to their first five
letters (a truncation stemmer, so "migrate", "migrating" and "migration" meet). It needs no model
download. The threshold was calibrated on the hand-labelled sample in
``tests/analytics/data/relevance_labelled.tsv`` (200 posts, four workspaces); the tests recompute
both figures below and fail if they drift.

Memory stays bounded however many posts there are (:mod:`lumoflow.analytics.terms`): posts are
read from the log and scored in batches of about 16 MB of text, as sparse rows, and the
vocabulary with its IDF weights is fitted on at most 200,000 posts; a log with more posts fits
it on a random sample of that many (by a hash of the event id, so the sample does not depend on
the order of the rows). Up to that size the scores are exactly those of one TF-IDF fit on every
post; beyond it, the tests hold a sample-fitted scorer to the same separation of on-topic and
off-topic posts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.metrics import roc_auc_score

from lumoflow.analytics import terms
from lumoflow.analytics.frame import Frame, sql, take_rows
from lumoflow.analytics.privacy import Guarded, guard, too_small
from lumoflow.analytics.terms import (
    STEM,
    Vocabulary,
    Weights,
    count_terms,
    counted_batches,
    fit_vocabulary,
    sorted_codes,
    tfidf,
    words_of,
)

#: Cosine similarity at or above which a post is on topic (Youden's J on the labelled sample).
DEFAULT_THRESHOLD = 0.04
#: ROC AUC of the default scorer on the labelled sample (recomputed by the tests).
CALIBRATION_AUC = 0.927
CALIBRATION_SAMPLE = "tests/analytics/data/relevance_labelled.tsv (200 posts)"
SCORED_VERBS = ("post", "reply", "article")
#: Drift terms are shown as their most common full word in this many posts of the second half.
WORD_SAMPLE = 500
_TOKEN = re.compile(r"[a-z0-9]{2,}")
_WORD = re.compile(r"\b[a-z0-9]+")
_STOP = frozenset(ENGLISH_STOP_WORDS)


def analyse_text(doc: str) -> list[str]:
    """Lower-case word tokens without English stop words, cut to their first five letters.

    >>> analyse_text("Migrating the billing services to Kubernetes")
    ['migra', 'billi', 'servi', 'kuber']
    """
    return [t[:STEM] for t in _TOKEN.findall(doc.lower()) if t not in _STOP]


def _fit(
    read: Callable[[np.ndarray], pa.Array], sizes: np.ndarray, sample: np.ndarray | None,
    objective_docs: pa.Array,
) -> tuple[Vocabulary, list[tuple[int, int, sparse.csr_matrix, pa.Array]]]:  # fmt: skip
    """Vocabulary fitted on the posts (``sample`` of them when given) and the objective texts.

    Returns it with the posts' counted batches when every post was fitted (to score them without
    reading them again); with a sample, the list is empty.
    """
    fitted = np.arange(len(sizes)) if sample is None else sample
    done = list(counted_batches(lambda a, b: read(fitted[a:b]), sizes[fitted]))
    vocabulary = fit_vocabulary([(c, t) for _, _, c, t in done] + [count_terms(objective_docs)])
    return vocabulary, done if sample is None else []


@dataclass(frozen=True)
class _Objectives:
    """The objectives' TF-IDF weights keyed by workspace × width + term, sorted by that key."""

    keys: np.ndarray
    weights: np.ndarray
    #: Whether some objective uses each vocabulary term (the only terms that can match).
    used: np.ndarray
    width: int

    @classmethod
    def of(cls, docs: pa.Array, workspaces: np.ndarray, vocabulary: Vocabulary) -> _Objectives:
        w = tfidf(*count_terms(docs), vocabulary)
        width = len(vocabulary.terms)
        keys = workspaces[w.rows] * width + w.columns
        order = np.argsort(keys, kind="stable")
        used = np.zeros(width, dtype=bool)
        used[w.columns] = True
        return cls(keys[order], w.weights[order], used, width)

    def dot(self, w: Weights, workspaces: np.ndarray) -> np.ndarray:
        """Each row's dot product with the objective vector of its workspace."""
        near = np.flatnonzero(w.columns >= 0)
        near = near[self.used[w.columns[near]]]  # only terms some objective uses can match
        if near.size == 0:
            return np.zeros(w.n)
        keys = workspaces[w.rows[near]] * self.width + w.columns[near]
        at = np.minimum(np.searchsorted(self.keys, keys), self.keys.size - 1)
        hit = self.keys[at] == keys
        part = w.weights[near[hit]] * self.weights[at[hit]]
        return np.bincount(w.rows[near[hit]], weights=part, minlength=w.n)


def _presence(w: Weights, groups: np.ndarray, n_groups: int, width: int) -> sparse.csr_matrix:
    """Posts of each group holding each vocabulary term, a spare last column for the others."""
    cols = np.where(w.columns >= 0, w.columns, width)
    holding = sparse.csr_matrix((np.ones(cols.size), cols, w.indptr), shape=(w.n, width + 1))
    member = sparse.csr_matrix((np.ones(w.n), (groups, np.arange(w.n))), shape=(n_groups, w.n))
    return sparse.csr_matrix(member @ holding)


def _score(
    read: Callable[[np.ndarray], pa.Array], sizes: np.ndarray, codes: np.ndarray,
    objective_docs: list[str | None], *, sample: np.ndarray | None = None,
    groups: np.ndarray | None = None,
) -> tuple[np.ndarray, sparse.csr_matrix | None, Vocabulary]:  # fmt: skip
    """Cosine similarity of each post (``read(rows)``, ``sizes`` bytes) with the objective text
    of its workspace (index ``codes`` into ``objective_docs``; 0 without one), batch by batch.

    Returns the scores, the number of posts of each group holding each vocabulary term (when
    ``groups`` gives each post's group, 2 × workspace + half), and the vocabulary.
    """
    known = np.array([i for i, d in enumerate(objective_docs) if d], dtype=np.int64)
    docs = pa.array([objective_docs[i] for i in known], pa.string())
    vocabulary, done = _fit(read, sizes, sample, docs)
    width = len(vocabulary.terms)
    objectives = _Objectives.of(docs, known, vocabulary)
    scores = np.zeros(len(sizes))
    n_groups = 2 * len(objective_docs)
    presence = sparse.csr_matrix((n_groups, width + 1))
    for start, stop, counts, found in done or counted_batches(
        lambda a, b: read(np.arange(a, b)), sizes
    ):
        w = tfidf(counts, found, vocabulary)
        scores[start:stop] = objectives.dot(w, codes[start:stop])
        if groups is not None:
            presence = presence + _presence(w, groups[start:stop], n_groups, width)
    return (
        scores,
        sparse.csr_matrix(presence[:, :width]) if groups is not None else None,
        vocabulary,
    )


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
    arr = pa.array(list(texts), pa.string())
    sizes = np.asarray(pc.binary_length(pc.fill_null(arr, "")).to_numpy(), dtype=np.int64)
    sample = _fit_sample(pa.array([str(i) for i in range(len(arr))]))
    docs = [objectives.get(str(n)) for n in names]
    return _score(lambda r: arr.take(pa.array(r)), sizes, codes.ravel(), docs, sample=sample)[0]


def _fit_sample(keys: pa.Array | pa.ChunkedArray) -> np.ndarray | None:
    """Rows fitting the vocabulary: all (None) up to ``FIT_SAMPLE``, else the ``FIT_SAMPLE`` with
    the smallest hash of their key (a simple random sample that does not depend on row order)."""
    if len(keys) <= terms.FIT_SAMPLE:
        return None
    picked = sql(
        f"SELECT i FROM k ORDER BY hash(key), key LIMIT {terms.FIT_SAMPLE}",
        k=pa.table({"i": np.arange(len(keys)), "key": keys}),
    )
    return np.sort(np.asarray(picked["i"].to_numpy(), dtype=np.int64))


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
    people: int | None
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
    first to the second half of the period, the ten terms whose share of posts grew most. The
    IDF weights come from the posts and objective texts, or from a sample of
    ``terms.FIT_SAMPLE`` posts when there are more (see the module's notes).

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
    posts = ev.select(["event_id", "workspace", "actor", "ts"]).filter(mask)
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
    # the posts' texts are read from the events batch by batch, never copied all at once
    rows = np.flatnonzero(np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool))
    sizes = np.asarray(pc.binary_length(ev["text"]).to_numpy(), dtype=np.int64)[rows]

    def read(r: np.ndarray) -> pa.Array:
        return take_rows(ev["text"], rows[r])

    codes, names_arr = sorted_codes(posts["workspace"])
    names = names_arr.to_pylist()
    late = _second_half(frame, posts)
    scores, presence, vocab = _score(
        read, sizes, codes, [objectives[n] for n in names],
        sample=_fit_sample(posts["event_id"]),
        groups=None if late is None else codes * 2 + late,
    )  # fmt: skip
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
    drift = (
        {}
        if late is None or presence is None
        else _drift(
            posts, codes * 2 + late, names, presence, vocab, on, mgs, read,
            people_words=words_of(
                pa.concat_arrays(
                    [frame.people[c].combine_chunks().cast(pa.string()) for c in ("name", "actor")]
                )
            ),
        )
    )  # fmt: skip
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
                None if hide else r["posts"],
                None if hide else r["s"],
                None if hide else r["n"],
                hide,
            )
            for r in weekly.to_pylist()
            for hide in (too_small(r["n"], mgs),)
        ],
        drift=drift,
        too_little_data=False,
    )


def _second_half(frame: Frame, posts: pa.Table) -> np.ndarray | None:
    """1 for posts in the second half of the period, 0 before (None without times)."""
    ts = posts["ts"]
    if frame.start is None or frame.end is None or ts.null_count == len(ts):
        return None
    mid = frame.start + (frame.end - frame.start) / 2
    late = pc.fill_null(pc.greater_equal(ts, pa.scalar(mid, ts.type)), False)
    return np.asarray(late.to_numpy(zero_copy_only=False), dtype=np.int64)


def _drift(
    posts: pa.Table, groups: np.ndarray, names: list[str], presence: sparse.csr_matrix,
    vocab: Vocabulary, on: np.ndarray, mgs: int, read: Callable[[np.ndarray], pa.Array],
    *, people_words: pa.Array, top: int = 10,
) -> dict[str, list[str]]:  # fmt: skip
    """Terms that grew while the on-topic share fell (first vs second half of the period).

    ``groups`` is 2 × workspace + half for each post and ``presence`` the number of posts of each
    group holding each term. A term's growth is its share of second-half posts minus its share
    of first-half posts, compared exactly (in whole numbers); equal growth goes to the
    alphabetically first stem. Stems are shown as the most common full word they come from in
    the workspace's first ``WORD_SAMPLE`` second-half posts by (time, event id).

    A word of a person's name (``people_words``) is never shown: a stem that starts such a word
    is a candidate only until its full word is known, and is dropped when that word is a name
    ("moss" from Rita Moss goes, "parking" stays beside a Parkinson).
    """
    named = np.zeros(len(vocab.terms), dtype=bool)
    cols = vocab.columns(pc.utf8_slice_codeunits(people_words, 0, STEM))
    named[cols[cols >= 0]] = True
    name_set = set(people_words.to_pylist())
    n = np.bincount(groups, minlength=2 * len(names))
    n_on = np.bincount(groups, weights=on.astype(float), minlength=2 * len(names))
    out: dict[str, list[str]] = {}
    for i, name in enumerate(names):  # one pass per workspace
        na, nb = int(n[2 * i]), int(n[2 * i + 1])
        if na < mgs or nb < mgs or n_on[2 * i + 1] / nb >= n_on[2 * i] / na:
            continue
        had_a = np.asarray(presence[2 * i].toarray(), dtype=np.int64).ravel()
        had_b = np.asarray(presence[2 * i + 1].toarray(), dtype=np.int64).ravel()
        grow = had_b * na - had_a * nb  # (had_b / nb - had_a / na) × na × nb
        # the vocabulary is sorted, so the stable sort breaks ties by the stem itself
        order = np.argsort(-grow, kind="stable")
        order = order[grow[order] > 0]
        # enough candidates that `top` remain once the stems of names are dropped
        enough = int(np.searchsorted(np.cumsum(~named[order]), top)) + 1
        best = order[:enough]
        picked = _first_posts(posts, np.flatnonzero(groups == 2 * i + 1), WORD_SAMPLE)
        sample = read(np.sort(picked)).to_pylist()
        words = full_words([vocab.terms[int(j)].as_py() for j in best], sample)
        out[str(name)] = [w for w in words if w not in name_set][:top]
    return out


def _first_posts(posts: pa.Table, rows: np.ndarray, k: int) -> np.ndarray:
    """The first ``k`` of ``posts[rows]`` by (ts, event_id), a key unique in a log."""
    keys = posts.select(["ts", "event_id"]).take(pa.array(rows, pa.int64()))
    first = pc.select_k_unstable(
        keys, k=k, sort_keys=[("ts", "ascending"), ("event_id", "ascending")]
    )
    return rows[np.asarray(first.to_numpy(zero_copy_only=False), dtype=np.int64)]


def full_words(stems: list[str], texts: list[str]) -> list[str]:
    """The most common word starting with each of ``stems`` in ``texts`` (the stem if none).

    A word is a run of ``[a-z0-9]`` starting at a word boundary of the lower-cased text;
    equally common words go to the alphabetically first.

    >>> full_words(["billi", "kuber"], ["Billing billed", "billing"])
    ['billing', 'kuber']
    """
    counts = Counter(w for text in texts for w in _WORD.findall(text.lower()))
    out = []
    for stem in stems:
        found = sorted((w, c) for w, c in counts.items() if w.startswith(stem))
        out.append(max(found, key=lambda wc: wc[1])[0] if found else stem)
    return out
