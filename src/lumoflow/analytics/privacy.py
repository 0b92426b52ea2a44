"""The privacy guard (DESIGN.md rule 4): no figure about fewer than ``min_group_size`` people.

``min_group_size`` is 5 unless ``LUMOFLOW_MIN_GROUP_SIZE`` says otherwise. The guard works as a
statistical office's disclosure control, in three steps:

* **the selection rule**: when the selection itself (the whole log, a workspace, a period)
  involves fewer people than the threshold, the whole result is withheld and one sentence says why
  (:func:`selection_people`, :func:`selection_sentence`);
* **primary suppression**: a group of 1 to ``min_group_size − 1`` people is shown as suppressed,
  its value ``None`` (JSON ``null``) and its people count ``None`` too, never a small number
  (:func:`guard`); a group of nobody (a silent week) is a true zero and is shown;
* **secondary suppression**: in a table of groups (departments, workspaces, weeks), once a group is
  suppressed, the smallest group shown of at least the threshold is suppressed as well
  (:func:`secondary_suppression`). Shares that sum to one, totals minus the rest or the overall
  E-I index then only give the hidden groups together, and they hold at least the threshold.

Individual-level results are pseudonymised unless names are asked for.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

DEFAULT_MIN_GROUP_SIZE = 5


@dataclass(frozen=True)
class Guarded:
    """A group's figure: ``value`` and ``people`` are ``None`` when ``suppressed``.

    Examples
    --------
    >>> guard(0.5, 7, 5)
    Guarded(value=0.5, people=7, suppressed=False)
    >>> guard(0.5, 3, 5)
    Guarded(value=None, people=None, suppressed=True)
    """

    value: float | None
    people: int | None
    suppressed: bool


def too_small(people: int, min_group_size: int) -> bool:
    """Whether a group of ``people`` must be suppressed: 1 to ``min_group_size − 1`` people.

    A group of nobody is not about anyone: its figures are true zeros (a silent week).

    >>> too_small(0, 5), too_small(4, 5), too_small(5, 5)
    (False, True, False)
    """
    return 0 < people < min_group_size


def guard(value: float | None, people: int, min_group_size: int) -> Guarded:
    """Return ``value`` guarded: suppressed, with no people count, when the group is too small."""
    if too_small(people, min_group_size):
        return Guarded(None, None, True)
    if value is not None and value == value:  # NaN stays None
        return Guarded(float(value), int(people), False)
    return Guarded(None, int(people), False)


def secondary_suppression(
    people: Sequence[int | None], suppressed: Sequence[bool], min_group_size: int
) -> np.ndarray:
    """Which rows of a table to hide so that no hidden row can be derived from the rest.

    Definition: the rows already suppressed stay hidden. When some are hidden and none of them
    holds at least ``min_group_size`` people, the smallest shown row of at least the threshold is
    hidden too (the first of equals). Whatever a reader derives from the shown rows and any total
    (a share as one minus the others, a count as the total minus the rest, an index from its
    overall value) is then a figure about the hidden rows together, which include a group of at
    least the threshold, whether the groups overlap (weeks, workspaces) or not (departments).

    Source: the threshold rule with complementary (secondary) cell suppression of statistical
    offices; Hundepool et al. (2012), *Statistical Disclosure Control*, ch. 5.

    Parameters
    ----------
    people : the people count of each row (``None`` for a suppressed row).
    suppressed : whether each row is already suppressed (primary suppression).

    Returns
    -------
    A boolean mask of the rows to hide.

    Examples
    --------
    >>> secondary_suppression([12, None, 7, 30], [False, True, False, False], 5).tolist()
    [False, True, True, False]
    >>> secondary_suppression([12, 0, 7], [False, False, False], 5).tolist()
    [False, False, False]
    """
    hide = np.asarray(suppressed, dtype=bool).copy()
    sizes = np.asarray([-1 if p is None else p for p in people], dtype=np.int64)
    if not hide.any() or (sizes[hide] >= min_group_size).any():
        return hide
    candidates = np.flatnonzero(~hide & (sizes >= min_group_size))
    if candidates.size:
        hide[candidates[np.argmin(sizes[candidates])]] = True
    return hide


def withheld(people: Sequence[int], min_group_size: int) -> np.ndarray:
    """Which figures of a table to withhold, each figure about the ``people`` given for it.

    The guard's one rule for a table of groups: primary suppression (1 to ``min_group_size − 1``
    people) and then secondary suppression (:func:`secondary_suppression`). A week's post count
    is about the people who posted that week: responsiveness (its weekly rows) and
    participation (the posts of its weekly rows) both hide a week's posts by this rule, so they
    hide the same weeks.

    >>> withheld([12, 3, 7, 0], 5).tolist()
    [False, True, True, False]
    """
    small = [too_small(int(p), min_group_size) for p in people]
    return secondary_suppression(people, small, min_group_size)


def withheld_columns(
    columns: Sequence[Sequence[int]],
    hidden: Sequence[bool],
    min_group_size: int,
    *,
    eligible: Sequence[bool] | None = None,
) -> np.ndarray:
    """Rows whose figures to withhold together, when a row's figures are several counts of
    people that add up to each other (a week's new, retained and returning people make its
    active people; engaged and not engaged too).

    A row is hidden when it is already (``hidden``) or when any of its ``columns`` counts 1 to
    ``min_group_size − 1`` people; then, column by column, secondary suppression hides one more
    row when the hidden rows hold no group of at least the threshold in that column. Whatever the
    shown rows, a column's total and the sums between columns give is then about hidden rows
    together, and each column's hidden rows hold nobody or include a group of at least the
    threshold. Only ``eligible`` rows (default all) are hidden by secondary suppression: a row
    whose figures follow from what stays shown (a week of nobody) would hide nothing.

    >>> withheld_columns([[9, 2, 8, 6], [6, 6, 6, 0]], [False] * 4, 5).tolist()
    [False, True, False, True]
    """
    hide = np.asarray(hidden, dtype=bool).copy()
    for col in columns:
        hide |= np.asarray([too_small(int(n), min_group_size) for n in col], dtype=bool)
    may = np.ones(hide.size, dtype=bool) if eligible is None else np.asarray(eligible, bool)
    for col in columns:  # hidden rows of nobody in a column give nothing away in it
        values = np.asarray(col, dtype=np.int64)
        sizes = np.where(may | hide, values, 0)
        hide |= secondary_suppression(
            sizes.tolist(), (hide & (values > 0)).tolist(), min_group_size
        )
    return hide


def selection_people(events: pa.Table) -> int:
    """Distinct people in ``events``: everyone who acted or was addressed (``target_actor``).

    >>> selection_people(pa.table({"actor": ["a", "b", "a"], "target_actor": ["b", "", "c"]}))
    3
    """
    names = [events["actor"].combine_chunks()]
    if "target_actor" in events.column_names:
        names.append(events["target_actor"].combine_chunks())
    every = pc.unique(pa.chunked_array(names, pa.string()))
    return int(len(every) - int(pc.sum(pc.equal(every, "")).as_py() or 0))


def selection_sentence(what: str, min_group_size: int) -> str:
    """The sentence shown instead of a result whose selection is too small.

    >>> selection_sentence("workspace w", 5)  # doctest: +NORMALIZE_WHITESPACE
    'Nothing is shown: workspace w involves fewer than 5 people, and the privacy guard shows
    no figure about fewer than 5 people.'
    """
    return (
        f"Nothing is shown: {what} involves fewer than {min_group_size} people, and the "
        f"privacy guard shows no figure about fewer than {min_group_size} people."
    )


def pseudonym(actor: str, key: str) -> str:
    """Stable pseudonym of ``actor`` under ``key`` (keyed BLAKE2b, 10 hex digits).

    >>> pseudonym("ann@example.com", "k") == pseudonym("ann@example.com", "k")
    True
    """
    digest = hashlib.blake2b(actor.encode(), key=key.encode()[:64], digest_size=5).hexdigest()
    return f"person-{digest}"
