"""Terms of texts, in bounded memory: tokens, a fitted vocabulary, TF-IDF rows batch by batch.

A text's terms are its lower-case runs of ``[a-z0-9]`` of two or more characters that are not
English stop words, cut to their first five letters (a truncation stemmer, so "migrate",
"migrating" and "migration" meet). Everything runs in Arrow and numpy kernels over the text's
bytes; no Python loop per text or per word.

Memory does not grow with the number of texts: texts are read in batches of about
``BATCH_BYTES`` of text, and the vocabulary and its IDF weights are fitted on at most
``FIT_SAMPLE`` texts (a sample when there are more). A term the fitted texts never used weighs
as a term seen in no document (``Vocabulary.unseen_idf``): it lengthens its text's vector (and so
lowers its similarity to anything) but matches nothing in the vocabulary.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

STEM = 5
#: Texts whose terms fix the vocabulary and IDF weights; more texts are sampled down to this.
FIT_SAMPLE = 200_000
#: Bytes of text tokenised at a time (the memory a batch needs is a small multiple of it).
BATCH_BYTES = 16 * 2**20
#: Batches counted at once, in threads.
THREADS = max(1, min(2, os.cpu_count() or 1))
_STOP = pa.array(sorted(ENGLISH_STOP_WORDS), pa.string())
# each byte of a lower-cased text: a-z and 0-9 stay, A-Z are lowered, anything else separates
_BYTE_MAP = np.full(256, ord(" "), dtype=np.uint8)
for _first, _last in (("a", "z"), ("0", "9")):
    _BYTE_MAP[ord(_first) : ord(_last) + 1] = np.arange(ord(_first), ord(_last) + 1)
_BYTE_MAP[ord("A") : ord("Z") + 1] = np.arange(ord("a"), ord("z") + 1)


def sorted_codes(values: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Codes of ``values`` into their distinct values in sorted order: (codes, distinct values).

    Unlike plain dictionary encoding (codes by first appearance), the codes do not depend on the
    order of the rows, so neither does anything that breaks ties by code.

    >>> codes, distinct = sorted_codes(pa.array(["w2", "w1", "w2"]))
    >>> codes, distinct.to_pylist()
    (array([1, 0, 1]), ['w1', 'w2'])
    """
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    order = np.asarray(pc.array_sort_indices(encoded.dictionary), dtype=np.int64)
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    codes = rank[np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)]
    return codes, encoded.dictionary.take(pa.array(order))


def _text_bytes(texts: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets from 0, bytes) of a string array, without copying."""
    n, start = len(texts), texts.offset
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int32)[start : start + n + 1]
    data = texts.buffers()[2]
    if data is None or n == 0 or offsets[-1] == offsets[0]:
        return np.zeros(n + 1, dtype=np.int32), np.zeros(0, dtype=np.uint8)
    return offsets - offsets[0], np.frombuffer(data, dtype=np.uint8)[offsets[0] : offsets[-1]]


def _spaced(texts: pa.Array) -> pa.Array:
    """``texts`` lower-cased, every character outside ``[a-z0-9]`` turned into spaces.

    Splitting the result on spaces gives the same tokens as splitting the lower-cased text on
    ``[^a-z0-9]+`` (a multi-byte character becomes several spaces, and empty pieces are
    dropped later with the one-letter ones), without a regular expression.
    """
    texts = pc.fill_null(texts, "")
    offsets, data = _text_bytes(texts)
    if data.size and int(data.max()) >= 0x80:  # Unicode lower-casing only where it is needed
        offsets, data = _text_bytes(pc.utf8_lower(texts))
    spaced = _BYTE_MAP[data]
    return pa.StringArray.from_buffers(
        len(texts), pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(spaced)
    )


def words_of(texts: pa.Array) -> pa.Array:
    """The distinct words of ``texts`` as terms read them: lower-case runs of ``[a-z0-9]`` of
    two or more characters (stop words included), sorted.

    >>> words_of(pa.array(["Rita Moss", "Ng, Ann-Li"])).to_pylist()
    ['ann', 'li', 'moss', 'ng', 'rita']
    """
    words = pc.unique(pc.list_flatten(pc.split_pattern(_spaced(texts), " ")))
    words = words.filter(pc.greater_equal(pc.binary_length(words), 2))
    return words.take(pc.sort_indices(words))


def count_terms(texts: pa.Array) -> tuple[sparse.csr_matrix, pa.Array]:
    """Term counts of ``texts``: (counts, one row per text and one column per term; the terms).

    The terms are sorted, and so are each row's columns, so sums over a row run in the order of
    the terms whatever the texts.

    >>> counts, terms = count_terms(pa.array(["Lunch then billing, billing", "billing"]))
    >>> counts.toarray().tolist(), terms.to_pylist()
    ([[2.0, 1.0], [1.0, 0.0]], ['billi', 'lunch'])
    """
    lists = pc.split_pattern(_spaced(texts), " ")
    docs = np.asarray(pc.list_parent_indices(lists).to_numpy(), dtype=np.int64)
    words = pc.dictionary_encode(pc.list_flatten(lists))
    distinct = words.dictionary
    keep = pc.and_(
        pc.greater_equal(pc.binary_length(distinct), 2), pc.invert(pc.is_in(distinct, _STOP))
    )
    kept = np.flatnonzero(np.asarray(keep.to_numpy(zero_copy_only=False), dtype=bool))
    codes, terms = sorted_codes(pc.utf8_slice_codeunits(distinct.take(pa.array(kept)), 0, STEM))
    word_term = np.full(len(distinct), -1, dtype=np.int64)
    word_term[kept] = codes
    term = word_term[np.asarray(words.indices.to_numpy(), dtype=np.int64)]
    used = term >= 0
    docs, term = docs[used], term[used]
    # the tokens come text by text: the row pointers are the running count per text
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.bincount(docs, minlength=len(texts)), out=indptr[1:])
    counts = sparse.csr_matrix((np.ones(term.size), term, indptr), shape=(len(texts), len(terms)))
    counts.sum_duplicates()  # sorts each row's columns and adds repeated terms up
    return counts, terms


@dataclass(frozen=True)
class Vocabulary:
    """Sorted terms with their IDF weights, fitted on ``documents`` texts."""

    terms: pa.Array
    idf: np.ndarray
    documents: int

    @property
    def unseen_idf(self) -> float:
        """IDF of a term that no fitted text used."""
        return float(np.log(1.0 + self.documents) + 1.0)

    def columns(self, terms: pa.Array) -> np.ndarray:
        """Column of each of ``terms`` in the vocabulary (-1 for a term outside it)."""
        found = pc.fill_null(pc.index_in(terms, value_set=self.terms), -1)
        return np.asarray(found.to_numpy(), dtype=np.int64)


def fit_vocabulary(batches: Iterable[tuple[sparse.csr_matrix, pa.Array]]) -> Vocabulary:
    """Vocabulary and IDF as scikit-learn's ``TfidfVectorizer`` fits them on the same texts.

    ``batches`` are :func:`count_terms` results. idf = ln((1 + n) / (1 + df)) + 1, where n is the
    number of texts and df the number of texts using the term.
    """
    n = 0
    merged = pa.table({"term": pa.array([], pa.string()), "df": pa.array([], pa.int64())})
    for counts, terms in batches:
        n += counts.shape[0]
        df = np.bincount(counts.indices, minlength=len(terms)).astype(np.int64)
        merged = (
            pa.concat_tables([merged, pa.table({"term": terms, "df": df})])
            .group_by("term")
            .aggregate([("df", "sum")])
            .rename_columns(["term", "df"])
        )
    merged = merged.take(pc.sort_indices(merged, [("term", "ascending")]))
    df_all = np.asarray(merged["df"].to_numpy(), dtype=np.float64)
    idf = np.log((1.0 + n) / (1.0 + df_all)) + 1.0
    return Vocabulary(merged["term"].combine_chunks(), idf, n)


@dataclass(frozen=True)
class Weights:
    """TF-IDF rows of a batch as triplets: row, vocabulary column (-1 outside it), weight."""

    rows: np.ndarray
    columns: np.ndarray
    weights: np.ndarray
    #: Row pointers (a row's entries are ``indptr[i]:indptr[i + 1]``) and the number of rows.
    indptr: np.ndarray
    n: int


def tfidf(counts: sparse.csr_matrix, terms: pa.Array, vocabulary: Vocabulary) -> Weights:
    """TF-IDF rows as ``TfidfVectorizer(sublinear_tf=True)`` computes them, L2-normalised.

    tf = 1 + ln(count); weight = tf × idf; each row divided by its Euclidean norm. Terms
    outside the vocabulary weigh with :attr:`Vocabulary.unseen_idf`.
    """
    found = vocabulary.columns(terms)
    idf = np.where(found >= 0, vocabulary.idf[np.maximum(found, 0)], vocabulary.unseen_idf)
    weights = 1.0 + np.log(counts.data)
    weights *= idf[counts.indices]
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    norms = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=counts.shape[0]))
    norms[norms == 0] = 1.0
    weights *= (1.0 / norms)[rows]
    return Weights(rows, found[counts.indices], weights, counts.indptr, counts.shape[0])


def batches(sizes: np.ndarray, *, limit: int | None = None) -> Iterator[tuple[int, int]]:
    """``(start, stop)`` ranges of consecutive texts holding at most ``limit`` bytes each
    (``BATCH_BYTES`` by default), or one text when it alone is longer.

    >>> list(batches(np.array([5, 5, 5, 20, 1]), limit=10))
    [(0, 2), (2, 3), (3, 4), (4, 5)]
    """
    limit = limit or BATCH_BYTES
    ends = np.cumsum(np.asarray(sizes, dtype=np.int64))
    start = 0
    while start < len(ends):
        before = ends[start - 1] if start else 0
        stop = int(np.searchsorted(ends, before + limit, side="right"))
        stop = max(stop, start + 1)
        yield start, stop
        start = stop


def counted_batches(
    read: Callable[[int, int], pa.Array], sizes: np.ndarray, *, threads: int = THREADS
) -> Iterator[tuple[int, int, sparse.csr_matrix, pa.Array]]:
    """:func:`count_terms` of each batch of texts ``read(start, stop)``, in order: (start, stop,
    counts, terms). Up to ``threads`` batches are counted ahead in threads (the Arrow and numpy
    kernels let go of the GIL), so at most ``threads + 1`` batches are held at once."""

    def count(start: int, stop: int) -> tuple[int, int, sparse.csr_matrix, pa.Array]:
        return start, stop, *count_terms(read(start, stop))

    with ThreadPoolExecutor(max(1, threads)) as pool:
        ahead: deque[Future[tuple[int, int, sparse.csr_matrix, pa.Array]]] = deque()
        for start, stop in batches(sizes):
            ahead.append(pool.submit(count, start, stop))
            if len(ahead) > threads:
                yield ahead.popleft().result()
        while ahead:
            yield ahead.popleft().result()
