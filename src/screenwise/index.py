"""Candidate retrieval: an inverted index over the name keys of every listed name.

Each prepared name (strong names and weak aliases alike) is posted under several kinds of
key, so that a query finds its candidates whatever went wrong with its spelling:

========  ==========================================================  ======
prefix    key                                                         weight
========  ==========================================================  ======
``t``     normalised part (``putin``); also without a glued Arabic     1.0
          article (``elsheikh`` -> ``sheikh``)
``g``     romanisation-variant group of a part (``Mohammed`` group)    0.9
``k``     phonetic key of a part (``pskf``)                            0.7
``s``     consonant skeleton of a part (``bsk``)                       0.5
``c``     the whole name without spaces (``alqaeda``)                  1.5
``n``     character 3-grams of parts of 4+ letters                     0.25
========  ==========================================================  ======

A candidate's retrieval score is the sum over matched query keys of
``weight * idf(key)`` (``idf = ln(1 + N / df)``), best name per entity; the top ``limit``
entities go on to scoring. Keys shared by more than :data:`MAX_DF_SHARE` of all names
are skipped unless the query has nothing more specific. Retrieval never decides a hit; it
only bounds the work (candidate recall is reported separately by the benchmark).

The postings are kept as one flat ``int32`` array (name ids, ascending per key) with
offsets, and a query is answered with a few vectorised numpy operations, so retrieval
costs a fraction of a millisecond whatever the number of names.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from screenwise.matching.algorithm import PreparedQuery
from screenwise.names.parts import PreparedName, make_part, name_kind
from screenwise.prepared import PreparedEntities

__all__ = [
    "ABJAD_SKELETON_FACTOR",
    "BIRTH_YEAR_BOOST",
    "KEY_WEIGHTS",
    "MAX_DF_SHARE",
    "CandidateIndex",
    "Retrieval",
    "glued_keys",
    "name_keys",
]

#: Weight of each key kind in the retrieval score.
KEY_WEIGHTS: dict[str, float] = {"t": 1.0, "g": 0.9, "k": 0.7, "s": 0.5, "c": 1.5, "n": 0.25}
#: Factor on the retrieval score of a name whose entity was born in a year of the query's
#: birth dates: among very common names (``Muhammad Ibrahim``) the right entity is then
#: among the candidates scored; it never removes a candidate that shares no year.
BIRTH_YEAR_BOOST = 2.0
#: Keys posted for more than this share of all names are skipped when the query has others.
MAX_DF_SHARE = 0.01
#: Factor on the weight of a key that joins two adjacent query parts (:func:`glued_keys`).
GLUED_FACTOR = 2.0
#: Factor on the consonant-skeleton keys of a query name written in an abjad (Arabic,
#: Persian, Hebrew): its letter-by-letter forms rarely equal the lists' Latin spellings.
ABJAD_SKELETON_FACTOR = 2.0

#: Romanisations of the Arabic definite article that are glued to the following word in
#: some lists and not in others (ALA-LC Arabic romanization: ``al-``).
_ARTICLES = ("al", "el")

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]


def name_keys(name: PreparedName, known: Callable[[str], bool] | None = None) -> set[str]:
    """Return the retrieval keys of one prepared name.

    Args:
        name: a prepared name (index side or query side: the same function serves both).
        known: query side only: a test whether a key is posted; character 3-grams of a
            part are then only produced when the part itself is not posted (a typo or a
            glued word), which keeps common queries fast.

    Returns:
        Keys prefixed by kind (see the module docstring), e.g. ``{"tputin", "kptn", ...}``.
    """
    keys: set[str] = set()
    for part in name.parts:
        if part.kind == "particle":
            continue
        form = part.form
        keys.add("t" + form)
        if len(form) >= 6 and form.startswith(_ARTICLES):
            # "Elshafee" / "El Shafee": the Arabic article glued to one side only.
            keys.add("t" + form[2:])
        for group in part.groups:
            keys.add(f"g{group}")
        if len(part.key) >= 2:
            keys.add("k" + part.key)
        if len(part.skeleton) >= 2:
            keys.add("s" + part.skeleton)
        if len(form) >= 4 and not form.isdigit() and (known is None or not known("t" + form)):
            padded = f"_{form}_"
            for i in range(len(padded) - 2):
                keys.add("n" + padded[i : i + 3])
    if len(name.compact) >= 4:
        keys.add("c" + name.compact)
    return keys


def glued_keys(name: PreparedName, known: Callable[[str], bool]) -> set[str]:
    """Return query-side keys of two adjacent parts written as one word in a list.

    ``ma yshw`` / ``MAYCHOU``, ``Gazprom Bank`` / ``GAZPROMBANK``: the joined form
    (``t``), its phonetic key (``k``) and the two parts' consonant skeletons joined
    (``s``), each only when posted. One such key stands for two query parts, so it counts
    :data:`GLUED_FACTOR` times its kind's weight in retrieval.

    Args:
        name: a prepared query name.
        known: a test whether a key is posted in the index.

    Returns:
        Keys prefixed by kind, e.g. ``{"tgazprombank", "sm$"}``; empty for one-part names.
    """
    keys: set[str] = set()
    for left, right in pairwise(name.parts):
        if left.kind == "numeric" or right.kind == "numeric":
            continue
        glued = make_part(left.form + right.form)
        for key in ("t" + glued.form, "k" + glued.key, "s" + left.skeleton + right.skeleton):
            if len(key) >= 3 and known(key):
                keys.add(key)
    return keys


@dataclass(frozen=True, slots=True)
class Retrieval:
    """The candidates of one query, best retrieval score first.

    Attributes:
        entities: entity positions (see :class:`screenwise.prepared.PreparedEntities`).
        scores: retrieval score of each (idf-weighted key matches of its best name).
    """

    entities: IntArray
    scores: FloatArray

    def __len__(self) -> int:
        return len(self.entities)


class CandidateIndex:
    """Inverted index from name keys to listed names and their entities.

    Args:
        prepared: the prepared list entities; their positions are the entity ids here.
        state: a saved :meth:`state` of an index over the same ``prepared`` (skips the
            build).

    Attributes:
        prepared: the prepared entities.
        size: number of names posted.
    """

    def __init__(self, prepared: PreparedEntities, state: dict[str, Any] | None = None) -> None:
        self.prepared = prepared
        if state is None:
            state = self._build(prepared)
        self._slots: dict[str, int] = state["slots"]
        self._offsets: npt.NDArray[np.int64] = state["offsets"]
        self._postings: IntArray = state["postings"]
        self._owner: IntArray = state["owner"]
        self._entity_list: npt.NDArray[np.int16] = state["entity_list"]
        self._name_start: npt.NDArray[np.int64] = state["name_start"]
        self._years: dict[int, IntArray] = state["years"]
        self.size = max(1, len(self._owner))
        self._max_df = max(50, int(self.size * MAX_DF_SHARE))
        #: List code of each name (derived; not part of the saved state).
        self._name_list = self._entity_list[self._owner]
        self._list_codes = {lid: i for i, lid in enumerate(prepared.list_ids)}

    @staticmethod
    def _build(prepared: PreparedEntities) -> dict[str, Any]:
        postings: dict[str, list[int]] = {}
        for name_id in range(prepared.name_count):
            for key in name_keys(prepared.prepared_name(name_id)):
                postings.setdefault(key, []).append(name_id)
        years: dict[int, list[int]] = {}
        for idx in range(len(prepared.entity_ids)):
            for year in {_year(value) for value in prepared.birth_dates(idx)}:
                if year is not None:
                    years.setdefault(year, []).append(idx)
        slots: dict[str, int] = {}
        offsets = [0]
        flat: list[int] = []
        for slot, key in enumerate(sorted(postings)):
            slots[key] = slot
            flat.extend(postings[key])
            offsets.append(len(flat))
        return {
            "slots": slots,
            "offsets": np.asarray(offsets, dtype=np.int64),
            "postings": np.asarray(flat, dtype=np.int32),
            "owner": np.asarray(prepared.name_owner(), dtype=np.int32),
            "entity_list": np.asarray(prepared.entity_list, dtype=np.int16),
            "name_start": np.asarray(prepared.name_start, dtype=np.int64),
            "years": {y: np.asarray(ids, dtype=np.int32) for y, ids in years.items()},
        }

    def state(self) -> dict[str, Any]:
        """Return the index arrays (to persist beside the prepared entities)."""
        return {
            "slots": self._slots,
            "offsets": self._offsets,
            "postings": self._postings,
            "owner": self._owner,
            "entity_list": self._entity_list,
            "name_start": self._name_start,
            "years": self._years,
        }

    def __len__(self) -> int:
        return len(self.prepared)

    def df(self, key: str) -> int:
        """Return the number of names posted under a key (0 for an unknown key)."""
        slot = self._slots.get(key)
        if slot is None:
            return 0
        return int(self._offsets[slot + 1] - self._offsets[slot])

    def idf(self, key: str) -> float:
        """Return ``ln(1 + N / df)`` of a key (0.0 for an unknown key)."""
        df = self.df(key)
        return math.log(1.0 + self.size / df) if df else 0.0

    def query_names(self, query: PreparedQuery) -> list[set[str]]:
        """Return the retrieval keys of each prepared name of a query (every name kind)."""
        return [keys for keys, _, _ in self._query_names(query)]

    def _query_names(self, query: PreparedQuery) -> list[tuple[set[str], set[str], bool]]:
        """Per prepared query name: its keys, its :func:`glued_keys`, whether it is abjad."""
        kinds = {name_kind(query.schema)} if query.schema != "LegalEntity" else {"person", "org"}
        known = self._slots.__contains__
        out: list[tuple[set[str], set[str], bool]] = []
        for kind in sorted(kinds):
            for _name, prepared in query.prepared(kind):  # type: ignore[arg-type]
                out.append(
                    (name_keys(prepared, known), glued_keys(prepared, known), prepared.abjad)
                )
        return out

    def query_keys(self, query: PreparedQuery) -> set[str]:
        """Return the retrieval keys of every name of a query (glued keys included)."""
        return set(self._query_weights(query))

    def _query_weights(self, query: PreparedQuery) -> dict[str, float]:
        """Return each retrieval key of a query with its weight factor.

        1 for most keys; :data:`GLUED_FACTOR` for a key joining two parts; for a name in a
        script without short vowels, :data:`ABJAD_SKELETON_FACTOR` for consonant
        skeletons, the one key its Latin spellings reliably share (``خامنه‌ای`` is
        ``khamnhay`` by letter, ``KHAMENEI`` in the lists: both ``xmn``).
        """
        names = self._query_names(query)
        factors: dict[str, float] = {}
        for _, glued, _ in names:
            for key in glued:
                factors.setdefault(key, GLUED_FACTOR)
        # A key of a name itself overrides the same key as a join of two parts.
        regular: dict[str, float] = {}
        for keys, _, abjad in names:
            for key in keys:
                factor = ABJAD_SKELETON_FACTOR if abjad and key[0] == "s" else 1.0
                regular[key] = max(factor, regular.get(key, 0.0))
        factors.update(regular)
        return factors

    def search(
        self,
        query: PreparedQuery,
        *,
        limit: int = 50,
        lists: Iterable[str] | None = None,
    ) -> list[tuple[int, float]]:
        """Return the best candidates of a query.

        Args:
            query: the prepared query.
            limit: maximum number of entities returned.
            lists: only entities of these list ids (None = all).

        Returns:
            ``(entity position, retrieval score)`` pairs, best first; at most ``limit``.
        """
        found = self.retrieve(query, limit=limit, lists=lists)
        return [(int(e), float(s)) for e, s in zip(found.entities, found.scores, strict=True)]

    def retrieve(
        self,
        query: PreparedQuery,
        *,
        limit: int = 50,
        lists: Iterable[str] | None = None,
    ) -> Retrieval:
        """Return the best candidates of a query with their retrieval scores.

        Args:
            query: the prepared query.
            limit: maximum number of entities returned.
            lists: only entities of these list ids (None = all).

        Returns:
            A :class:`Retrieval`, best retrieval score first (ties: earlier entity first);
            at most ``limit`` entities. When more names than ``limit`` are reached and the
            query has birth dates, names of entities born in one of the query's years
            score :data:`BIRTH_YEAR_BOOST` times more.
        """
        slots = self._slots
        factors = self._query_weights(query)
        found = sorted(k for k in factors if k in slots)
        if not found:
            return _EMPTY
        offsets = self._offsets
        slot_ids = np.fromiter((slots[k] for k in found), dtype=np.int64, count=len(found))
        starts = offsets[slot_ids]
        lengths = offsets[slot_ids + 1] - starts
        specific = lengths <= self._max_df
        use = specific if specific.any() else np.ones(len(found), dtype=bool)
        kind_weight = np.fromiter(
            (KEY_WEIGHTS[k[0]] * factors[k] for k in found), np.float64, len(found)
        )
        idf = np.log1p(self.size / lengths)
        retrieval_weight = np.where(use, kind_weight * idf, 0.0)
        # Names reached by the keys in use are the candidates.
        postings = self._postings
        chosen = np.flatnonzero(use)
        ids = np.concatenate([postings[starts[i] : starts[i] + lengths[i]] for i in chosen])
        weights = np.repeat(retrieval_weight[chosen], lengths[chosen])
        if len(ids) * 8 < self.size:
            # Few postings: summing over the distinct names is cheaper than over all.
            names, inverse = np.unique(ids, return_inverse=True)
            name_scores = np.bincount(inverse, weights=weights).astype(np.float64)
        else:
            scores = np.bincount(ids, weights=weights, minlength=self.size).astype(np.float64)
            names = np.flatnonzero(scores)
            name_scores = scores[names]
        if lists is not None:
            allowed = np.zeros(len(self._list_codes) + 1, dtype=bool)
            for lid in lists:
                code = self._list_codes.get(lid)
                if code is not None:
                    allowed[code] = True
            keep = allowed[self._name_list[names]]
            names, name_scores = names[keep], name_scores[keep]
        if not len(names):
            return _EMPTY
        if len(names) > limit and query.birth_dates:
            born = [
                self._years[y]
                for y in {_year(value) for value in query.birth_dates}
                if y is not None and y in self._years
            ]
            if born:
                same_year = np.isin(self._owner[names], np.concatenate(born))
                name_scores = np.where(same_year, name_scores * BIRTH_YEAR_BOOST, name_scores)
        order = np.lexsort((names, -name_scores))
        names, name_scores = names[order], name_scores[order]
        owners = self._owner[names]
        _, first = np.unique(owners, return_index=True)
        first.sort()
        first = first[:limit]
        entities = owners[first].astype(np.int32)
        return Retrieval(entities=entities, scores=name_scores[first])


def _year(value: str) -> int | None:
    """The year of an ISO 8601 date or date prefix (``1964-08-05``, ``1964``), else None."""
    head = value[:4]
    return int(head) if len(head) == 4 and head.isdigit() else None


_EMPTY = Retrieval(entities=np.zeros(0, dtype=np.int32), scores=np.zeros(0))
