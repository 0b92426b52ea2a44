"""Terms of texts: the vectorised tokeniser against the plain one, batches, the vocabulary."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lumoflow.analytics import terms
from lumoflow.analytics.relevance import analyse_text
from lumoflow.analytics.terms import batches, count_terms, fit_vocabulary, tfidf

# letters, digits, punctuation, accents, and the Kelvin sign (its lower case is an ASCII k);
# not İ, which Python lower-cases to two characters and Arrow (simple case mapping) to "i"
TEXT = st.lists(
    st.sampled_from(list("abcXYZ019 ,.-'\n\téÉßøK\u212a") + ["the", "über", "Billing"]),
    max_size=40,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT, max_size=8))
def test_counted_terms_are_the_plain_tokeniser_s_terms(texts: list[str]) -> None:
    # when the texts are counted in one vectorised pass
    counts, found = count_terms(pa.array(texts, pa.string()))
    vocabulary = found.to_pylist()
    # then each row holds exactly the terms the plain tokeniser finds, counted
    assert vocabulary == sorted(vocabulary)
    for i, text in enumerate(texts):
        row = counts[i]
        got = {vocabulary[j]: int(c) for j, c in zip(row.indices, row.data, strict=True)}
        assert got == dict(Counter(analyse_text(text)))


def test_texts_sliced_from_a_column_are_read_from_their_own_bytes() -> None:
    column = pa.array(["skip this", "Billing moved", None, "billing"], pa.string())
    counts, found = count_terms(column.slice(1, 3))
    assert found.to_pylist() == ["billi", "moved"]
    assert counts.toarray().tolist() == [[1.0, 1.0], [0.0, 0.0], [1.0, 0.0]]


def test_batches_hold_about_the_byte_limit_and_every_text_once() -> None:
    sizes = np.array([3, 9, 1, 1, 30, 0, 4])
    ranges = list(batches(sizes, limit=10))
    assert ranges[0][0] == 0 and ranges[-1][1] == sizes.size
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:], strict=False))
    for start, stop in ranges:
        assert stop - start == 1 or sizes[start:stop].sum() <= 10


def test_vocabulary_fitted_in_batches_equals_one_fit() -> None:
    texts = ["billing moved to kubernetes", "lunch on friday", "billing again", "kubernetes"]
    whole = fit_vocabulary([count_terms(pa.array(texts))])
    parts = fit_vocabulary([count_terms(pa.array(texts[:1])), count_terms(pa.array(texts[1:]))])
    assert whole.terms.equals(parts.terms) and whole.documents == parts.documents == 4
    assert whole.idf == pytest.approx(parts.idf, abs=0)


def test_a_term_outside_the_vocabulary_weighs_as_unseen_and_matches_nothing() -> None:
    vocabulary = fit_vocabulary([count_terms(pa.array(["billing moved", "billing"]))])
    w = tfidf(*count_terms(pa.array(["billing zebra"])), vocabulary)
    assert w.columns.tolist() == [0, -1]
    billing, zebra = w.weights
    assert zebra / billing == pytest.approx(vocabulary.unseen_idf / vocabulary.idf[0])
    assert float(np.sum(w.weights**2)) == pytest.approx(1.0)


def test_batches_are_counted_ahead_in_threads_in_order() -> None:
    texts = pa.array([f"word{i} common" for i in range(50)])
    sizes = np.full(50, 14)
    got = list(terms.counted_batches(lambda a, b: texts.slice(a, b - a), sizes, threads=2))
    assert [(a, b) for a, b, _, _ in got] == list(batches(sizes))
    assert sum(c.shape[0] for _, _, c, _ in got) == 50
