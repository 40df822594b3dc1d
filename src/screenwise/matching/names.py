"""Pairwise name comparison: align the parts of two prepared names and score the result.

The comparison is order-independent and explains itself part by part:

1. Glued and split parts are reconciled first: adjacent parts on one side whose
   concatenation equals a part on the other side are merged (``AL QAEDA`` / ``ALQAEDA``,
   ``Gazprom Bank`` / ``GAZPROMBANK``).
2. Every query part is compared with every candidate part
   (:func:`compare_parts`: exact, transliterated, phonetic, fuzzy, initial), and the
   best one-to-one assignment is taken greedily, strongest pairs first.
3. Parts left over are ``contradicting`` when both sides have leftovers (a different
   given name), else ``missing`` (only the listed name has it: an omitted middle name or
   patronymic) or ``extra`` (only the query has it). Each kind costs a different share
   of the part's weight (:data:`NAME_COSTS`).
4. Organisation legal forms are compared as generic classes (``OOO`` = ``LLC``): equal
   forms agree, different forms cost a little, neither decides.

The result is a raw similarity in [0, 1] (matched weight over total weight); the
algorithm (:mod:`screenwise.matching.algorithm`) turns it into a calibrated score.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from screenwise.names.parts import Part, PreparedName, make_part
from screenwise.names.phonetics import consonant_skeleton
from screenwise.results import NamePartMatch, PartHow

__all__ = [
    "NAME_COSTS",
    "NameComparison",
    "compare_names_prepared",
    "compare_parts",
]

#: Share of an unmatched part's weight that counts against the match, per name kind and
#: leftover kind. Persons often omit middle names and patronymics ("missing" is cheap);
#: an organisation's every word identifies it.
NAME_COSTS: dict[str, dict[str, float]] = {
    "person": {"contradicting": 1.3, "extra": 0.8, "missing": 0.4},
    "org": {"contradicting": 1.3, "extra": 0.9, "missing": 0.9},
    "object": {"contradicting": 1.3, "extra": 0.9, "missing": 0.9},
}
#: Weight of the legal-form pseudo-part of organisation names.
LEGAL_FORM_WEIGHT = 0.3

_SCORES: dict[str, float] = {
    "exact": 1.0,
    "transliterated": 0.95,
    "skeleton": 0.9,
    "phonetic": 0.85,
    "phonetic_short": 0.75,
    "initial": 0.75,
}


def _edit_budget(length: int) -> int:
    if length <= 3:
        return 0
    if length <= 6:
        return 1
    if length <= 10:
        return 2
    return 3


@lru_cache(maxsize=500_000)
def compare_parts(a: Part, b: Part, abjad: bool = False) -> tuple[float, PartHow | None]:
    """Compare two name parts.

    Args:
        a: a query part.
        b: a candidate part.
        abjad: True when either name was written in a script without short vowels, so
            consonant skeletons are compared too.

    Returns:
        ``(similarity in [0, 1], how)``; ``(0.0, None)`` when the parts do not match.
        ``how`` is ``exact``, ``transliterated`` (same romanisation-variant group or same
        consonant skeleton across scripts), ``phonetic`` (same phonetic key), ``fuzzy``
        (optimal-string-alignment distance within a length-dependent budget: 0 edits up
        to 3 letters, 1 up to 6, 2 up to 10, else 3) or ``initial``.
    """
    fa, fb = a.form, b.form
    if fa == fb:
        return 1.0, "exact"
    if a.kind == "numeric" or b.kind == "numeric":
        return 0.0, None
    if a.groups and b.groups and a.groups & b.groups:
        return _SCORES["transliterated"], "transliterated"
    if a.kind == "initial" or b.kind == "initial":
        if (a.kind == "initial" and fb[0] == fa) or (b.kind == "initial" and fa[0] == fb):
            return _SCORES["initial"], "initial"
        return 0.0, None
    best: float = 0.0
    how: PartHow | None = None
    length = max(len(fa), len(fb))
    distance = OSA.distance(fa, fb, score_cutoff=_edit_budget(length))
    if distance <= _edit_budget(length):
        best, how = 1.0 - distance / length, "fuzzy"
    if a.key == b.key and len(a.key) >= 2:
        phon = _SCORES["phonetic"] if len(a.key) >= 3 else _SCORES["phonetic_short"]
        if phon > best:
            best, how = phon, "phonetic"
    if abjad and a.skeleton and a.skeleton == b.skeleton and len(a.skeleton) >= 2:
        if _SCORES["skeleton"] > best:
            best, how = _SCORES["skeleton"], "transliterated"
    elif abjad and len(a.skeleton) >= 4 and len(b.skeleton) >= 4:
        dist = OSA.distance(a.skeleton, b.skeleton, score_cutoff=1)
        if dist <= 1 and best < 0.75:
            best, how = 0.75, "transliterated"
    return best, how


def _merge_glued(
    side: tuple[Part, ...], other: tuple[Part, ...], abjad: bool = False
) -> tuple[Part, ...]:
    """Merge adjacent parts of ``side`` whose concatenation is a part of ``other``.

    Across scripts without short vowels the concatenation is compared by consonant
    skeleton (``mhmd aly`` / ``MOHAMMADALI``).
    """
    if len(side) < 2:
        return side
    targets = {p.form for p in other if len(p.form) >= 4}
    skeletons = {p.skeleton for p in other if len(p.skeleton) >= 3} if abjad else set()
    if not targets:
        return side
    out: list[Part] = []
    i = 0
    while i < len(side):
        for n in (3, 2):
            if i + n <= len(side):
                glued = "".join(p.form for p in side[i : i + n])
                if glued in targets or (skeletons and consonant_skeleton(glued) in skeletons):
                    out.append(make_part(glued, "name"))
                    i += n
                    break
        else:
            out.append(side[i])
            i += 1
    return tuple(out)


@dataclass(frozen=True, slots=True)
class NameComparison:
    """The outcome of comparing two names.

    Attributes:
        similarity: raw similarity in [0, 1] (matched weight over total weight).
        alignment: per-part alignment as ``(query part, candidate part, how, score)``,
            query order first, then the candidate's leftovers.
        matched: number of aligned parts that are not particles.
        contradicting: number of contradicting part pairs.
        exact: True when every part matched exactly and nothing is left over.
    """

    similarity: float
    alignment: tuple[tuple[str | None, str | None, PartHow, float], ...]
    matched: int
    contradicting: int
    exact: bool

    @property
    def parts(self) -> list[NamePartMatch]:
        """The alignment as :class:`screenwise.results.NamePartMatch` objects."""
        return [
            NamePartMatch(query_part=q, candidate_part=c, how=how, score=score)
            for q, c, how, score in self.alignment
        ]


_EMPTY = NameComparison(0.0, (), 0, 0, False)


def compare_names_prepared(query: PreparedName, candidate: PreparedName) -> NameComparison:
    """Compare a prepared query name with a prepared candidate name.

    Args:
        query: the query's name (:func:`screenwise.names.parts.prepare_name`).
        candidate: the listed name.

    Returns:
        A :class:`NameComparison`; similarity 0.0 when either side has no parts or no
        part other than particles aligns.
    """
    if not query.parts or not candidate.parts:
        return _EMPTY
    costs = NAME_COSTS[candidate.kind if query.kind == candidate.kind else "org"]
    abjad = query.abjad or candidate.abjad
    q_parts = _merge_glued(query.parts, candidate.parts, abjad)
    c_parts = _merge_glued(candidate.parts, q_parts, abjad)
    pairs: list[tuple[float, float, int, int, PartHow]] = []
    for i, qp in enumerate(q_parts):
        for j, cp in enumerate(c_parts):
            sim, how = compare_parts(qp, cp, abjad)
            if how is not None and sim > 0.0:
                pairs.append((sim, qp.weight + cp.weight, i, j, how))
    pairs.sort(key=lambda item: (-item[0], -item[1], abs(item[2] - item[3])))
    used_q: set[int] = set()
    used_c: set[int] = set()
    aligned: dict[int, tuple[int, float, PartHow]] = {}
    numerator = 0.0
    denominator = 0.0
    matched = 0
    for sim, weight, i, j, how in pairs:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        aligned[i] = (j, sim, how)
        numerator += sim * weight
        denominator += weight
        if q_parts[i].kind != "particle" or c_parts[j].kind != "particle":
            matched += 1
    if matched == 0:
        return _EMPTY
    left_q = [i for i in range(len(q_parts)) if i not in used_q]
    left_c = [j for j in range(len(c_parts)) if j not in used_c]
    sig_q = sorted(
        (i for i in left_q if q_parts[i].kind != "particle"), key=lambda i: -q_parts[i].weight
    )
    sig_c = sorted(
        (j for j in left_c if c_parts[j].kind != "particle"), key=lambda j: -c_parts[j].weight
    )
    n_contra = min(len(sig_q), len(sig_c))
    contra_q = dict(zip(sig_q[:n_contra], sig_c[:n_contra], strict=True))
    contra_c = set(sig_c[:n_contra])
    for i in left_q:
        cost = costs["contradicting"] if i in contra_q else costs["extra"]
        denominator += cost * q_parts[i].weight
    for j in left_c:
        cost = costs["contradicting"] if j in contra_c else costs["missing"]
        denominator += cost * c_parts[j].weight
    # Legal forms: compared as generic classes, never decisive.
    if query.legal_forms and candidate.legal_forms:
        denominator += LEGAL_FORM_WEIGHT
        if query.legal_forms & candidate.legal_forms:
            numerator += LEGAL_FORM_WEIGHT
    elif query.legal_forms or candidate.legal_forms:
        denominator += LEGAL_FORM_WEIGHT / 3
    similarity = numerator / denominator if denominator else 0.0
    explained: list[tuple[str | None, str | None, PartHow, float]] = []
    for i, qp in enumerate(q_parts):
        if i in aligned:
            j, sim, how = aligned[i]
            explained.append((qp.form, c_parts[j].form, how, round(sim, 3)))
        elif i in contra_q:
            explained.append((qp.form, c_parts[contra_q[i]].form, "contradicting", 0.0))
        else:
            explained.append((qp.form, None, "extra", 0.0))
    for j in left_c:
        if j not in contra_c:
            explained.append((None, c_parts[j].form, "missing", 0.0))
    exact = not left_q and not left_c and all(how == "exact" for _, _, how in aligned.values())
    return NameComparison(
        similarity=min(1.0, similarity),
        alignment=tuple(explained),
        matched=matched,
        contradicting=n_contra,
        exact=exact,
    )
