"""Suggested answerers on tiny hand-built cases, and against a plain scikit-learn version."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from lumoflow.analytics.answerers import (
    ACCEPTED_WEIGHT,
    QUESTION_WORDS,
    SIMILAR,
    Suggestion,
    suggest_answerers,
)
from lumoflow.analytics.relevance import analyse_text


def _open(*rows: tuple[int, str, str]) -> pa.Table:
    q, a, t = zip(*rows, strict=True)
    return pa.table({"question": list(q), "asker": list(a), "text": list(t)})


def _done(*rows: tuple[int, str, str, bool]) -> pa.Table:
    q, p, t, acc = zip(*rows, strict=True)
    return pa.table({"question": list(q), "person": list(p), "text": list(t), "accepted": acc})


KILN = "How hot should the kiln run for glazed porcelain?"
KILN_DONE = "Kiln temperature for porcelain glaze"
PAYROLL_DONE = "When does payroll close this month?"


def test_people_who_answered_similar_questions_are_suggested_with_shared_terms() -> None:
    # given one open question about kilns, one answered kiln question and one about payroll
    open_q = _open((1, "ann", KILN))
    done = _done((7, "bob", KILN_DONE, False), (8, "cy", PAYROLL_DONE, True))
    # when
    got = suggest_answerers(open_q, done, ["ann", "bob", "cy"])
    # then only bob, with the terms the two questions share, spelled as the question does
    assert [(s.question, s.person, s.answered, s.accepted) for s in got] == [(1, "bob", 1, 0)]
    assert set(got[0].terms) == {"kiln", "porcelain", "glazed"}


def test_the_asker_is_never_suggested() -> None:
    # given the asker answered the most similar question herself
    open_q = _open((1, "ann", KILN))
    done = _done((7, "ann", KILN, True), (9, "bob", KILN_DONE, False))
    # when
    got = suggest_answerers(open_q, done, ["ann", "bob"])
    # then
    assert [s.person for s in got] == ["bob"]


def test_only_candidates_are_suggested() -> None:
    # given bob answered but is no longer a member
    open_q = _open((1, "ann", KILN))
    done = _done((7, "bob", KILN_DONE, True), (9, "cy", KILN_DONE, False))
    # when
    got = suggest_answerers(open_q, done, ["ann", "cy"])
    # then
    assert [s.person for s in got] == ["cy"]
    assert suggest_answerers(open_q, done, ["ann"]) == []


def test_an_accepted_answer_weighs_more_than_a_reply() -> None:
    # given two people answered the same question; the asker accepted cy's answer
    open_q = _open((1, "ann", KILN))
    done = _done((7, "bob", KILN_DONE, False), (7, "cy", KILN_DONE, True))
    # when
    bob, cy = sorted(suggest_answerers(open_q, done, ["bob", "cy"]), key=lambda s: s.person)
    # then cy ranks first, with exactly the accepted weight times bob's score
    got = suggest_answerers(open_q, done, ["bob", "cy"])
    assert [s.person for s in got] == ["cy", "bob"]
    assert cy.score == pytest.approx(ACCEPTED_WEIGHT * bob.score)
    assert (cy.accepted, bob.accepted) == (1, 0)


def test_answering_one_question_twice_counts_once() -> None:
    # given bob replied twice to the same question
    open_q = _open((1, "ann", KILN))
    once = suggest_answerers(open_q, _done((7, "bob", KILN_DONE, False)), ["bob"])
    twice = suggest_answerers(
        open_q, _done((7, "bob", KILN_DONE, False), (7, "bob", KILN_DONE, False)), ["bob"]
    )
    # then
    assert once == twice


def test_at_most_top_people_best_first_ties_to_the_smaller_key() -> None:
    # given five people answered the same question
    open_q = _open((1, "ann", KILN))
    people = ["eve", "dee", "cy", "bob", "fay"]
    done = _done(*((7, p, KILN_DONE, False) for p in people))
    # when
    got = suggest_answerers(open_q, done, people, top=3)
    # then
    assert [s.person for s in got] == ["bob", "cy", "dee"]


def test_questions_that_share_only_the_words_of_asking_are_not_similar() -> None:
    open_q = _open((1, "ann", "Quick question: does anyone know the kiln?"))
    done = _done((7, "bob", "Quick question: does anyone know the payroll?", False))
    assert suggest_answerers(open_q, done, ["bob"]) == []


def test_questions_that_share_nothing_get_no_suggestion() -> None:
    open_q = _open((1, "ann", KILN), (2, "bob", "Where is the Oslo office party?"))
    done = _done((7, "cy", KILN_DONE, False))
    got = suggest_answerers(open_q, done, ["ann", "bob", "cy"])
    assert [(s.question, s.person) for s in got] == [(1, "cy")]


@pytest.mark.parametrize("case", ["no open", "no answered", "no candidates"])
def test_nothing_to_go_on_gives_no_suggestion(case: str) -> None:
    open_q = _open((1, "ann", KILN))
    done = _done((7, "bob", KILN_DONE, False))
    if case == "no open":
        open_q = open_q.slice(0, 0)
    if case == "no answered":
        done = done.slice(0, 0)
    assert suggest_answerers(open_q, done, [] if case == "no candidates" else ["bob"]) == []


def test_integer_keys_are_returned_as_given() -> None:
    open_q = pa.table({"question": [5], "asker": [1], "text": [KILN]})
    done = pa.table({"question": [9], "person": [2], "text": [KILN_DONE], "accepted": [True]})
    got = suggest_answerers(open_q, done, [1, 2])
    assert [(s.question, s.person) for s in got] == [(5, 2)]


WORDS = [
    "kiln",
    "glaze",
    "porcelain",
    "payroll",
    "invoice",
    "torque",
    "sensor",
    "robot",
    "arm",
    "weld",
    "audit",
]


def _plain(open_q: pa.Table, done: pa.Table, candidates: list[str]) -> dict[tuple[int, str], float]:
    """The definition, one pair at a time, with scikit-learn's own TF-IDF."""
    o, d = open_q.to_pylist(), done.to_pylist()
    questions = {r["question"]: r["text"] for r in d}
    asking = {w[:5] for w in QUESTION_WORDS}
    vec = TfidfVectorizer(
        analyzer=lambda t: [w for w in analyse_text(t) if w not in asking], sublinear_tf=True
    )
    vec.fit([r["text"] for r in o] + list(questions.values()))
    weight: dict[tuple[int, str], float] = {}
    for r in d:
        if r["person"] in candidates:
            key = (r["question"], r["person"])
            weight[key] = max(weight.get(key, 0.0), ACCEPTED_WEIGHT if r["accepted"] else 1.0)
    out: dict[tuple[int, str], float] = {}
    for r in o:
        q = vec.transform([r["text"]])
        for (question, person), w in weight.items():
            cos = float((q @ vec.transform([questions[question]]).T).toarray()[0, 0])
            if person != r["asker"] and cos >= SIMILAR:
                key = (r["question"], person)
                out[key] = out.get(key, 0.0) + w * cos
    return out


@pytest.mark.parametrize("seed", range(5))
def test_scores_match_the_plain_definition(seed: int) -> None:
    # given random questions over a small vocabulary
    rng = np.random.default_rng(seed)
    people = ["ann", "bob", "cy", "dee", "eve", "fay"]

    def text() -> str:
        return " ".join(rng.choice(WORDS, size=int(rng.integers(2, 6))))

    open_q = _open(*((i, str(rng.choice(people)), text()) for i in range(8)))
    answered_q = {100 + j: text() for j in range(15)}
    done = _done(
        *(
            (q, str(rng.choice(people)), t, bool(rng.random() < 0.4))
            for q, t in answered_q.items()
            for _ in range(int(rng.integers(1, 3)))
        )
    )
    candidates = people[:5]
    # when
    got = suggest_answerers(open_q, done, candidates, top=10)
    # then every pair scores as the plain version does, and the best come first
    plain = _plain(open_q, done, candidates)
    assert {(s.question, s.person): s.score for s in got} == pytest.approx(plain)
    for q in {s.question for s in got}:
        scores = [s.score for s in got if s.question == q]
        assert scores == sorted(scores, reverse=True)
    assert all(isinstance(s, Suggestion) and s.terms for s in got)
