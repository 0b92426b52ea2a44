"""Suggested answerers: who to ask about an open question (people who answered similar ones).

Texts are weighed as in :mod:`lumoflow.analytics.terms` (the TF-IDF of scikit-learn's
``TfidfVectorizer(sublinear_tf=True)``, words cut to their first five letters), fitted on the
open questions and the answered ones together, so a term common to every question weighs little.
Everything runs on sparse matrices: no Python loop per question or per answer, except to spell
out the few terms shown with each suggestion.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse

from lumoflow.analytics.relevance import full_words
from lumoflow.analytics.terms import STEM, count_terms, fit_vocabulary, sorted_codes, tfidf

#: Cosine similarity at or above which an answered question counts as similar to an open one.
SIMILAR = 0.2
#: An answer the asker accepted counts this many times a reply.
ACCEPTED_WEIGHT = 2.0
#: Suggestions per open question.
TOP = 3
#: Shared terms shown per suggestion.
TERMS = 4


@dataclass(frozen=True)
class Suggestion:
    """One person to ask about one open question, and why."""

    question: Any
    person: Any
    #: Sum over the similar questions they answered of weight × cosine similarity.
    score: float
    #: Similar questions they answered, and how many of those answers were accepted.
    answered: int
    accepted: int
    #: Terms of the open question the similar questions share, strongest first.
    terms: tuple[str, ...]


#: Words that say "this is a question" rather than what it is about ("Does anyone know…?",
#: "Quick question: …", "How do we usually handle…?"): left out, like English stop words, so
#: that two questions meet on their subject and not on their phrasing.
QUESTION_WORDS = (
    "anybody",
    "anyone",
    "answer",
    "ask",
    "asking",
    "does",
    "find",
    "handle",
    "help",
    "idea",
    "know",
    "knows",
    "latest",
    "looking",
    "need",
    "needs",
    "please",
    "question",
    "questions",
    "quick",
    "thank",
    "thanks",
    "usually",
    "wondering",
)
_QUESTION_STEMS = pa.array(sorted({w[:STEM] for w in QUESTION_WORDS}), pa.string())


def _count(texts: pa.Array) -> tuple[sparse.csr_matrix, pa.Array]:
    """:func:`count_terms` of ``texts`` without the :data:`QUESTION_WORDS`."""
    counts, found = count_terms(texts)
    keep = np.flatnonzero(
        np.asarray(
            pc.invert(pc.is_in(found, value_set=_QUESTION_STEMS)).to_numpy(zero_copy_only=False),
            dtype=bool,
        )
    )
    return sparse.csr_matrix(counts[:, keep]), found.take(pa.array(keep, pa.int64()))


def _weights(texts: pa.Array, vocabulary: Any) -> sparse.csr_matrix:
    """L2-normalised TF-IDF rows of ``texts`` over a vocabulary fitted on them."""
    counts, found = _count(texts)
    w = tfidf(counts, found, vocabulary)
    width = len(vocabulary.terms)
    return sparse.csr_matrix((w.weights, w.columns, w.indptr), shape=(w.n, width))


def _top_rows(m: sparse.coo_matrix, k: int, tie: np.ndarray) -> np.ndarray:
    """Positions of the ``k`` largest entries of each row of ``m`` (ties: smaller ``tie`` of the
    column first), ordered by row, then rank."""
    order = np.lexsort((tie[m.col], -m.data, m.row))
    rows = m.row[order]
    starts = np.searchsorted(rows, rows, side="left")
    rank = np.arange(rows.size) - starts
    return np.asarray(order[rank < k], dtype=np.int64)


def _column(table: pa.Table, name: str) -> pa.ChunkedArray:
    return table[name].combine_chunks() if isinstance(table[name], pa.ChunkedArray) else table[name]


def suggest_answerers(
    open_questions: pa.Table,
    answered: pa.Table,
    candidates: Sequence[Any] | pa.Array,
    *,
    top: int = TOP,
    similar: float = SIMILAR,
    accepted_weight: float = ACCEPTED_WEIGHT,
    terms: int = TERMS,
) -> list[Suggestion]:
    """Up to ``top`` people to ask about each open question: who answered similar ones before.

    Definition
    ----------
    An answered question is **similar** to an open one when the cosine similarity of their
    TF-IDF vectors is at least ``similar`` (the IDF weights are fitted on the open questions and
    every answered question, whoever answered it; English stop words and the words of asking,
    :data:`QUESTION_WORDS`, are left out). A candidate's score for an open question is
    the sum, over the similar questions they answered, of the cosine similarity times a weight:
    ``accepted_weight`` (2) when the asker accepted their answer, 1 for a reply that was not
    accepted; answering a question twice counts once. The people suggested are the ``top`` best
    scores above zero among ``candidates`` (ties go to the smaller person key), never the person
    who asked. Each suggestion shows the ``terms`` terms of the open question that weigh most in
    the similar questions they answered (a term's weight in the open question times its weighted
    sum over those questions), spelled as the question spells them.

    Source
    ------
    Expert finding by profile similarity: Balog, Azzopardi & de Rijke (2006), "Formal models for
    expert finding in enterprise corpora" (the document-centric model: a candidate is scored by
    the documents associated with them, weighted by their relevance to the query); Salton &
    Buckley (1988) for the TF-IDF weighting; question routing on Q&A sites (Zhou et al. 2009,
    "Routing questions to appropriate answerers in community question answering services").

    Parameters
    ----------
    open_questions
        ``question`` (key), ``asker`` (person key) and ``text``, one row per open question.
    answered
        ``question`` (key), ``person`` (who answered), ``text`` (the question's text) and
        ``accepted`` (bool: their answer was the accepted one), one row per question and person.
    candidates
        The people who may be suggested (for a workspace: its current members).

    Returns
    -------
    list of Suggestion
        In the order of ``open_questions``, best first within a question.

    Examples
    --------
    >>> open_q = pa.table({"question": [10], "asker": ["ann"],
    ...                    "text": ["How do we calibrate the torque sensor on line 3?"]})
    >>> done = pa.table({
    ...     "question": [1, 2, 2, 3, 4],
    ...     "person": ["bob", "cy", "bob", "dee", "ann"],
    ...     "text": ["Torque sensor calibration drifts", "Who calibrates torque sensors?",
    ...              "Who calibrates torque sensors?", "Lunch on Friday?",
    ...              "Torque sensor spare parts"],
    ...     "accepted": [False, True, False, True, True]})
    >>> for s in suggest_answerers(open_q, done, ["ann", "bob", "cy", "dee"]):
    ...     print(s.person, round(s.score, 2), s.answered, s.accepted, s.terms)
    cy 1.44 1 1 ('calibrate', 'sensor', 'torque')
    bob 1.24 2 0 ('calibrate', 'sensor', 'torque')

    ``ann`` asked, so she is not suggested, though she answered a similar question; ``dee``
    answered nothing similar. ``cy``'s accepted answer (similarity 0.72) counts twice; ``bob``
    replied to the same question and to a less similar one (0.52).

    Notes
    -----
    The open questions are scored in one sparse product with the answered ones, so the cost
    grows with the number of (open, answered) pairs that share a term. Words are cut to five
    letters ("calibrate", "calibration" and "calibrates" meet); a shared term is shown as the
    first word of the open question that starts with it.
    """
    n_open = open_questions.num_rows
    if n_open == 0 or answered.num_rows == 0:
        return []
    # every answered question (each once) weighs the terms; only candidates' answers count
    q_codes, _ = sorted_codes(_column(answered, "question"))
    _, first = np.unique(q_codes, return_index=True)
    open_texts = pc.fill_null(_column(open_questions, "text"), "")
    done_texts = pc.fill_null(_column(answered, "text").take(pa.array(first)), "")
    vocabulary = fit_vocabulary([_count(open_texts), _count(done_texts)])
    q_vec = _weights(open_texts, vocabulary)
    a_vec = _weights(done_texts, vocabulary)
    allowed = pa.array(list(candidates) if not isinstance(candidates, pa.Array) else candidates)
    keep = pc.is_in(_column(answered, "person"), value_set=allowed.cast(answered["person"].type))
    kept = np.flatnonzero(np.asarray(keep.to_numpy(zero_copy_only=False), dtype=bool))
    if kept.size == 0:
        return []
    answered = answered.take(pa.array(kept))
    q_codes = q_codes[kept]
    p_codes, people = sorted_codes(_column(answered, "person"))
    accepted = np.asarray(
        pc.fill_null(_column(answered, "accepted"), False).to_numpy(zero_copy_only=False), bool
    )
    by, took = _answers(q_codes, p_codes, accepted, (len(first), len(people)))
    weight = by + (accepted_weight - 1.0) * took
    sim = sparse.csr_matrix(q_vec @ a_vec.T)
    sim.data[sim.data < similar - 1e-12] = 0.0
    sim.eliminate_zeros()
    hit = sim.copy()
    hit.data[:] = 1.0
    score = sparse.coo_matrix(sim @ weight)
    # never the asker
    asker = pc.index_in(_column(open_questions, "asker").cast(people.type), value_set=people)
    asker_code = np.asarray(pc.fill_null(asker, -1).to_numpy(zero_copy_only=False), np.int64)
    ok = (score.data > 0) & (score.col != asker_code[score.row])
    score = sparse.coo_matrix(
        (score.data[ok], (score.row[ok], score.col[ok])), shape=(n_open, len(people))
    )
    if score.nnz == 0:
        return []
    rank = np.arange(len(people))  # person codes are sorted, so ties go to the smaller key
    best = _top_rows(score, top, rank)
    rows, cols, values = score.row[best], score.col[best], score.data[best]
    answered_n = np.asarray((hit[rows].multiply(by.T[cols])).sum(axis=1)).ravel()
    accepted_n = np.asarray((hit[rows].multiply(took.T[cols])).sum(axis=1)).ravel()
    shared = _shared_terms(q_vec, a_vec, hit, weight, rows, cols, terms)
    texts = open_texts.to_pylist()
    keys = _column(open_questions, "question").to_pylist()
    names = people.to_pylist()
    return [
        Suggestion(
            question=keys[r],
            person=names[c],
            score=float(v),
            answered=int(n),
            accepted=int(a),
            terms=tuple(full_words([vocabulary.terms[t].as_py() for t in stems], [texts[r]])),
        )
        for r, c, v, n, a, stems in zip(
            rows.tolist(), cols.tolist(), values.tolist(), answered_n, accepted_n, shared,
            strict=True,
        )
    ]  # fmt: skip


def _answers(
    q_codes: np.ndarray, p_codes: np.ndarray, accepted: np.ndarray, shape: tuple[int, int]
) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """(question × person: 1 where the person answered, 1 where their answer was accepted); a
    person answering a question twice counts once."""
    by = sparse.coo_matrix((np.ones(q_codes.size), (q_codes, p_codes)), shape=shape).tocsr()
    by.data[:] = 1.0
    took = sparse.coo_matrix((accepted.astype(float), (q_codes, p_codes)), shape=shape).tocsr()
    took.data = np.minimum(took.data, 1.0)
    took.eliminate_zeros()
    return by, took


def _shared_terms(
    q_vec: sparse.csr_matrix, a_vec: sparse.csr_matrix, hit: sparse.csr_matrix,
    weight: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray, k: int,
) -> list[list[int]]:  # fmt: skip
    """For each suggestion (open question ``rows[i]``, person ``cols[i]``), the ``k`` vocabulary
    columns of the open question weighing most in the similar questions the person answered."""
    # the similar questions each suggested person answered, with their answer's weight
    picked = sparse.csr_matrix(hit[rows].multiply(weight.T[cols]))
    contribution = sparse.coo_matrix(sparse.csr_matrix(picked @ a_vec).multiply(q_vec[rows]))
    ok = contribution.data > 0
    contribution = sparse.coo_matrix(
        (contribution.data[ok], (contribution.row[ok], contribution.col[ok])),
        shape=contribution.shape,
    )
    out: list[list[int]] = [[] for _ in range(len(rows))]
    if contribution.nnz == 0:
        return out
    best = _top_rows(contribution, k, np.arange(contribution.shape[1]))
    for r, c in zip(contribution.row[best].tolist(), contribution.col[best].tolist(), strict=True):
        out[r].append(c)
    return out
