"""Candidate retrieval: an inverted index over the name keys of every listed name.

Each prepared name (strong names and weak aliases alike) is posted under several kinds of
key, so that a query finds its candidates whatever went wrong with its spelling:

========  ==========================================================  ======
prefix    key                                                         weight
========  ==========================================================  ======
``t``     normalised part (``putin``)                                  1.0
``g``     romanisation-variant group of a part (``Mohammed`` group)    0.9
``k``     phonetic key of a part (``pskf``)                            0.7
``s``     consonant skeleton of a part (``bsk``)                       0.5
``c``     the whole name without spaces (``alqaeda``)                  1.5
``n``     character 3-grams of parts of 4+ letters                     0.25
========  ==========================================================  ======

A candidate's retrieval score is the sum over matched query keys of
``weight * idf(key)`` (``idf = ln(1 + N / df)``), best name per entity; the top ``limit``
entities go on to full scoring. Keys shared by more than :data:`MAX_DF_SHARE` of all names
are skipped unless the query has nothing more specific. Retrieval never decides a hit; it
only bounds the work (candidate recall is reported separately by the benchmark).
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections.abc import Callable, Iterable, Sequence

from screenwise.matching.algorithm import CandidateEntity, PreparedQuery
from screenwise.names.parts import PreparedName, name_kind

__all__ = ["KEY_WEIGHTS", "MAX_DF_SHARE", "CandidateIndex", "name_keys"]

#: Weight of each key kind in the retrieval score.
KEY_WEIGHTS: dict[str, float] = {"t": 1.0, "g": 0.9, "k": 0.7, "s": 0.5, "c": 1.5, "n": 0.25}
#: Keys posted for more than this share of all names are skipped when the query has others.
MAX_DF_SHARE = 0.01


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


class CandidateIndex:
    """Inverted index from name keys to listed entities.

    Args:
        candidates: the prepared list entities; their position is their index id.

    Attributes:
        candidates: the entities, by index id.
        name_owner: name id -> entity index id.
    """

    def __init__(self, candidates: Sequence[CandidateEntity]) -> None:
        self.candidates: list[CandidateEntity] = list(candidates)
        owners: list[int] = []
        postings: dict[str, list[int]] = {}
        for entity_idx, candidate in enumerate(self.candidates):
            for _prop, _listed, prepared in candidate.names:
                name_id = len(owners)
                owners.append(entity_idx)
                for key in name_keys(prepared):
                    postings.setdefault(key, []).append(name_id)
        self.name_owner = array("i", owners)
        self.size = max(1, len(owners))
        self._postings: dict[str, array[int]] = {k: array("i", v) for k, v in postings.items()}
        self._max_df = max(50, int(self.size * MAX_DF_SHARE))

    def __len__(self) -> int:
        return len(self.candidates)

    def idf(self, key: str) -> float:
        """Return ``ln(1 + N / df)`` of a key (0.0 for an unknown key)."""
        posting = self._postings.get(key)
        if not posting:
            return 0.0
        return math.log(1.0 + self.size / len(posting))

    def query_keys(self, query: PreparedQuery) -> set[str]:
        """Return the retrieval keys of every name of a query."""
        kinds = {name_kind(query.schema)} if query.schema != "LegalEntity" else {"person", "org"}
        keys: set[str] = set()
        for kind in kinds:
            for _name, prepared in query.prepared(kind):  # type: ignore[arg-type]
                keys |= name_keys(prepared, self._postings.__contains__)
        return keys

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
            ``(entity index id, retrieval score)`` pairs, best first; at most ``limit``.
        """
        keys = self.query_keys(query)
        found = [(k, self._postings[k]) for k in keys if k in self._postings]
        if not found:
            return []
        specific = [item for item in found if len(item[1]) <= self._max_df]
        if specific:
            found = specific
        name_scores: dict[int, float] = {}
        get = name_scores.get
        for key, posting in found:
            weight = KEY_WEIGHTS[key[0]] * math.log(1.0 + self.size / len(posting))
            for name_id in posting:
                name_scores[name_id] = get(name_id, 0.0) + weight
        entity_scores: dict[int, float] = {}
        owner = self.name_owner
        allowed = set(lists) if lists is not None else None
        for name_id, score in name_scores.items():
            entity_idx = owner[name_id]
            if score > entity_scores.get(entity_idx, 0.0):
                entity_scores[entity_idx] = score
        items: Iterable[tuple[int, float]] = entity_scores.items()
        if allowed is not None:
            cands = self.candidates
            items = [(i, s) for i, s in items if cands[i].list_id in allowed]
        return heapq.nlargest(limit, items, key=lambda item: item[1])
