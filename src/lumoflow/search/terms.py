"""Read what a person typed into the search box as terms the engines can take safely.

Only words survive: runs of letters and digits (any script). Everything else, FTS syntax
characters, operators' punctuation, stray quotes and parentheses, is a separator, so no input can
be read as engine syntax. Words in balanced double quotes form a phrase; a word ending in `*`
matches words starting with it. Each engine (`engine.py`) quotes the terms again in its own way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lumoflow.core import limits
from lumoflow.core.errors import Invalid

_PHRASE = re.compile(r'"([^"]*)"')
_WORD = re.compile(r"([^\W_]+)(\*?)")


@dataclass(frozen=True, slots=True)
class Term:
    """Words that must appear one after another (one word, or a phrase); `prefix`: the last
    word may be the start of a longer one."""

    words: tuple[str, ...]
    prefix: bool = False


def _refuse(message: str) -> Invalid:
    return Invalid(message, errors={"q": [message]})


def _words(text: str) -> list[tuple[str, bool]]:
    return [(w.lower(), bool(star)) for w, star in _WORD.findall(text)]


def parse(q: str) -> tuple[Term, ...]:
    """The terms of a query, all of which a document must hold; Invalid (field `q`) when it is
    empty, too long, or holds no word.

    >>> parse('budget "next quarter" plan*')
    (Term(words=('budget',), prefix=False), Term(words=('next', 'quarter'), prefix=False), Term(words=('plan',), prefix=True))
    >>> parse('(a OR "b')
    (Term(words=('a',), prefix=False), Term(words=('or',), prefix=False), Term(words=('b',), prefix=False))
    """  # noqa: E501
    q = (q or "").strip()
    if not q:
        raise _refuse("Type a word to search for.")
    if len(q) > limits.SEARCH_QUERY:
        raise _refuse(limits.too_long(limits.SEARCH_QUERY, len(q)))
    terms: list[Term] = []
    for i, part in enumerate(_PHRASE.split(q)):
        found = _words(part)
        if i % 2 and found:  # inside quotes: one phrase
            terms.append(Term(tuple(w for w, _ in found)))
        else:
            terms += [Term((w,), star) for w, star in found]
    if not terms:
        raise _refuse("Search words are made of letters or digits; this query has none.")
    if (n := sum(len(t.words) for t in terms)) > limits.SEARCH_TERMS:
        raise _refuse(f"At most {limits.SEARCH_TERMS} words a search ({n} given).")
    return tuple(dict.fromkeys(terms))
