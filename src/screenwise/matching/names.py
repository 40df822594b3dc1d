"""Pairwise name comparison: align the parts of two prepared names and score the result.

The comparison is order-independent and explains itself part by part:

1. Glued and split parts are reconciled first: adjacent parts on one side whose
   concatenation equals a part on the other side are merged (``AL QAEDA`` / ``ALQAEDA``,
   ``Gazprom Bank`` / ``GAZPROMBANK``, ``GroupeDiarraImportExport``); across scripts the
   concatenation is compared by consonant skeleton or loose key (Burmese and Hebrew
   write several Latin words as one).
2. Every query part is compared with every candidate part
   (:func:`compare_parts`: exact, transliterated, phonetic, fuzzy, initial), and the
   best one-to-one assignment is taken greedily, strongest pairs first.
3. Parts left over are ``contradicting`` when both sides have leftovers (a different
   given name), else ``missing`` (only the listed name has it: an omitted middle name or
   patronymic) or ``extra`` (only the query has it). Each kind costs a different share
   of the part's weight (:data:`NAME_COSTS`). A country qualifier of an organisation
   (``(Hong Kong)``, ``... Mexico``) only contradicts another qualifier, and costs
   :data:`QUALIFIER_COST` when only one name has it: it names another subsidiary.
4. Organisation legal forms are compared as generic classes (``OOO`` = ``LLC``): equal
   forms agree, different forms cost :data:`LEGAL_FORM_MISMATCH` (a sister company in
   another jurisdiction), a form on one side only costs little; none decides.

Organisation and vessel names are edited less forgivingly than person names: a spelling
difference in a company word usually names another company (``Rail``/``Mail``,
``Exports``/``Experts``), so fuzzy similarity costs :data:`ORG_EDIT_COST` per edit and
words of up to four letters get no edit at all. Two names written in the same syllabic
script (Hangul, Han) compare syllable by syllable: a different syllable is a different
name part, never a romanisation variant.

The result is a raw similarity in [0, 1] (matched weight over total weight); the
algorithm (:mod:`screenwise.matching.algorithm`) turns it into a calibrated score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from rapidfuzz.distance import OSA

from screenwise.names.normalize import normalize_name
from screenwise.names.parts import (
    ORG_GROUP_OFFSET,
    Part,
    PreparedName,
    is_dictionary_word,
    is_generic_org_word,
    is_region_word,
    make_part,
    part_groups,
    patronymic_stem,
)
from screenwise.names.phonetics import consonant_skeleton, loose_key, slavic_romanisation_key
from screenwise.results import NamePartMatch, PartHow

__all__ = [
    "CROSS_SCRIPT_DISCOUNT",
    "LEGAL_FORM_MISMATCH",
    "LEGAL_JURISDICTION_MISMATCH",
    "NAME_COSTS",
    "NASAB_CROSSING",
    "NUMBER_COST",
    "ORG_EDIT_COST",
    "PATRONYMIC_COST",
    "QUALIFIER_COST",
    "REGION_COST",
    "NameComparison",
    "compare_names_prepared",
    "compare_parts",
]

#: Share of an unmatched part's weight that counts against the match, per name kind and
#: leftover kind. Persons often omit middle names and patronymics ("missing" is cheap);
#: an organisation's every word identifies it.
NAME_COSTS: dict[str, dict[str, float]] = {
    "person": {"contradicting": 1.6, "extra": 0.8, "missing": 0.4},
    "org": {"contradicting": 1.3, "extra": 0.9, "missing": 0.9},
    "object": {"contradicting": 1.3, "extra": 0.9, "missing": 0.9},
}
#: Weight of the legal-form pseudo-part of organisation names.
LEGAL_FORM_WEIGHT = 0.3
#: Cost (in part weights) of two different legal-form classes.
LEGAL_FORM_MISMATCH = 1.2
#: Cost of two native legal forms of disjoint jurisdictions (``GmbH`` / ``Sdn. Bhd.``):
#: the same name registered in two countries is two legal persons, but probably one group
#: (a subsidiary abroad, which ownership rules make a screening concern): enough to rank
#: the same-country entry first, not to hide an identical distinctive name.
LEGAL_JURISDICTION_MISMATCH = 0.5
#: Share of a country qualifier's weight counted when only one name has it.
QUALIFIER_COST = 1.6
#: Share of a region qualifier's weight (``Europe``, ``Asia``) counted when only one name
#: has it and the other names no legal form and no qualifier: the other names the brand
#: (``Faberlic``), of which the regional arm (``Faberlic Europe Sp. z o.o.``) is part.
REGION_COST = 0.15
#: Loose keys are compared only when one of the two words has this many letters: short
#: syllables (Korean given-name syllables, Hebrew particles) are too ambiguous.
_LOOSE_MIN_LETTERS = 5
#: Loose keys one edit apart match only with this many consonant classes each (one fewer
#: across an abjad, whose consonant skeleton is itself evidence).
_LOOSE_FUZZY_MIN = 5
#: Factor on the similarity of two parts found on different sides of ``bin`` in two Arabic
#: names (``Ahmad bin Hasan`` / ``Hasan bin Ahmad`` are father and son).
NASAB_CROSSING = 0.3
#: Across scripts an inexact part match loses this share of what it loses within one
#: script (``Poutine``/``Путин``: spelling differences are what transliteration makes).
CROSS_SCRIPT_DISCOUNT = 0.6
#: Cost of a number found in one organisation or vessel name only (``Star`` / ``Star 2``:
#: a sister ship or fund, not the same party).
NUMBER_COST = 2.0
#: Share of a patronymic's weight counted when only one name has it.
PATRONYMIC_COST = 0.3
#: Similarity lost per edit, relative to the word length, in organisation and vessel words
#: (person names lose 1.0 per edit).
ORG_EDIT_COST = 1.8

#: Parts of up to this many letters get no fuzzy match when their first letters differ.
_SHORT_PART = 4
#: First letters that romanisations use for one sound (German ``J`` = English ``Y``,
#: ``C``/``K``, ``K``/``Q``, ``V``/``W``, ``S``/``Z``, ``I``/``Y``), in both orders.
_ALTERNATE_INITIALS = frozenset(
    form for pair in ("jy", "ck", "kq", "vw", "sz", "iy") for form in (pair, pair[::-1])
)

_SCORES: dict[str, float] = {
    "exact": 1.0,
    "transliterated": 0.95,
    "skeleton": 0.9,
    "phonetic": 0.85,
    "phonetic_short": 0.75,
    "initial": 0.75,
    "translated": 0.9,
    "abbreviation": 0.8,
    "loose": 0.85,
    "loose_short": 0.75,
    "loose_fuzzy": 0.7,
}


def _edit_budget(length: int) -> int:
    if length <= 3:
        return 0
    if length <= 6:
        return 1
    if length <= 10:
        return 2
    return 3


_SPELLINGS: tuple[tuple[str, str], ...] = (
    ("isation", "ization"),
    ("yse", "yze"),
    ("ise", "ize"),
    ("our", "or"),
    ("tre", "ter"),
)


def _spelling_key(word: str) -> str:
    """Fold British and American spellings of one word (``organisation``/``organization``)."""
    for british, american in _SPELLINGS:
        if british in word:
            word = word.replace(british, american)
    return word


def _is_abbreviation(short: str, long: str) -> bool:
    """True when ``short`` abbreviates ``long``: its prefix, or its letters in order."""
    if len(short) < 3 or len(long) < len(short) + 2 or short[0] != long[0]:
        return False
    if long.startswith(short):
        return True
    position = 0
    for char in short:
        position = long.find(char, position) + 1
        if position == 0:
            return False
    return True


#: Masculine endings of East Slavic surnames whose feminine form adds ``-a``
#: (``Ivanov``/``Ivanova``, ``Putin``/``Putina``). Source: Russian naming law, BGN/PCGN 1947.
_SLAVIC_MASCULINE = ("ov", "ev", "in", "yn")


def _gendered_forms(a: str, b: str) -> bool:
    """True when two name parts are the masculine and feminine forms of one name.

    ``Mario``/``Maria``, ``Julio``/``Julia`` (final ``o``/``a``) and ``Ivanov``/
    ``Ivanova`` (an East Slavic surname and its feminine form) name two people, a man and a
    woman (often relatives), not one person written two ways.
    """
    if len(a) == len(b):
        return len(a) >= 4 and a[:-1] == b[:-1] and {a[-1], b[-1]} == {"a", "o"}
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return (
        len(long) == len(short) + 1
        and long[-1] == "a"
        and long.startswith(short)
        and short.endswith(_SLAVIC_MASCULINE)
        and len(short) >= 5
    )


#: A phonetic key of two consonant classes counts only between words whose lengths differ
#: by less than this ratio (shorter / longer).
_SHORT_KEY_LENGTH_RATIO = 0.6

#: Shortest organisation word (letters of the shorter form) in which one letter dropped
#: or added inside the word is a misspelling of the same word (``Chevron``/``Chevon``).
_ORG_INNER_EDIT_MIN = 6


def _org_inner_edit(
    fa: str, fb: str, same_sound: bool = False
) -> tuple[float, PartHow | None] | None:
    """Score two organisation words one letter apart in length, or None when unrelated.

    A letter dropped or added inside a long distinctive word (``Chevron``/``Chevon``,
    ``Schwarz``/``Schwartz``) is a misspelling, scored like a person-name edit even when
    both forms are frequent words. A final ``-s`` added or removed (``Cacaueiro``/
    ``Cacaueiros``, ``Paranaguá``/``Paranaguás``) is a plural, which names another
    party: no match. Another final letter that leaves the word's sound unchanged
    (``Faberlic``/``Faberlick``, ``same_sound``: equal phonetic keys) is a misspelling too.
    Other differences return None (the general rules apply).
    """
    short, long = (fa, fb) if len(fa) < len(fb) else (fb, fa)
    if len(long) != len(short) + 1 or len(short) < _ORG_INNER_EDIT_MIN - 1:
        return None
    if long[:-1] == short:
        if long[-1] == "s":
            return 0.0, None
        if same_sound and len(short) >= _ORG_INNER_EDIT_MIN:
            return 1.0 - 1.0 / len(long), "fuzzy"
        return None
    if len(short) < _ORG_INNER_EDIT_MIN:
        return None
    for index in range(len(short)):
        if long[index] != short[index]:
            if long[index + 1 :] == short[index:]:
                return 1.0 - 1.0 / len(long), "fuzzy"
            return None
    return None


#: Shortest parts (letters) compared by Slavic romanisation key: four-letter syllables
#: (``Jong``/``Yong``, ``Wang``/``Vang``) are different names in other languages.
_SLAVIC_MIN = 5
#: Shortest part (letters) whose Baltic nominative ``-s`` is folded (``Lavrovs``).
_BALTIC_MIN = 4


def _slavic_romanisations(fa: str, fb: str, *, person: bool) -> tuple[float, PartHow] | None:
    """Match two Latin spellings of one East Slavic name in different conventions.

    Equal :func:`screenwise.names.phonetics.slavic_romanisation_key` keys
    (``Werchnjaja``/``Verkhnyaya``) score as transliterated. In person names the Latvian
    and Lithuanian masculine nominative adds ``-s`` to a name ending in a consonant or
    ``y`` (``Sergejs Lavrovs`` = ``Sergey Lavrov``; Latvian orthography rules on
    foreign names, Cabinet Regulation No. 114 of 2004): a key equal but for that final
    ``s`` scores slightly lower. Returns None otherwise.
    """
    ka, kb = slavic_romanisation_key(fa), slavic_romanisation_key(fb)
    if ka == kb:
        return _SCORES["transliterated"], "transliterated"
    if not person:
        return None
    short, long = (ka, kb) if len(ka) < len(kb) else (kb, ka)
    if len(short) >= _BALTIC_MIN and long == short + "s" and short[-1] not in "aeious":
        return _SCORES["skeleton"], "transliterated"
    return None


@lru_cache(maxsize=500_000)
def compare_parts(
    a: Part,
    b: Part,
    abjad: bool = False,
    *,
    lossy: bool = False,
    org: bool = False,
    syllabic: bool = False,
    cross: bool = False,
) -> tuple[float, PartHow | None]:
    """Compare two name parts.

    Args:
        a: a query part.
        b: a candidate part.
        abjad: True when either name was written in a script without short vowels, so
            consonant skeletons are compared too.
        lossy: True when either name was written in a script whose Latin spellings are
            conventions (Myanmar, Hebrew, Hangul loanwords...): loose keys are compared.
        org: True for organisation and vessel names: edits cost :data:`ORG_EDIT_COST`,
            words of up to four letters get none, two different English dictionary words
            never match (``Rail``/``Mail``), and abbreviations (``Intl``, ``San.``) and
            translations of company words (``data/names.yml::ORG_WORD_EQUIVALENTS``)
            match.
        syllabic: True when both names are written in the same syllabic script (Hangul,
            Han): parts are syllables, equal or different.
        cross: True when the names are written in different scripts: an inexact match is
            what transliteration produces, so its shortfall from 1.0 counts
            :data:`CROSS_SCRIPT_DISCOUNT` times.

    Returns:
        ``(similarity in [0, 1], how)``; ``(0.0, None)`` when the parts do not match.
        ``how`` is ``exact``, ``transliterated`` (same romanisation-variant or
        translation group, same consonant skeleton or loose key across scripts),
        ``phonetic`` (same phonetic key), ``fuzzy`` (optimal-string-alignment distance
        within a length-dependent budget: 0 edits up to 3 letters, 1 up to 6, 2 up to
        10, else 3; an abbreviation also counts as fuzzy) or ``initial``. In person
        names, parts up to four letters whose first letters differ get no fuzzy match
        (``Jong``/``Tong``), and within one script the masculine and feminine forms of
        one name (``Mario``/``Maria``, ``Ivanov``/``Ivanova``) do not match at all.
    """
    fa, fb = a.form, b.form
    if fa == fb:
        return 1.0, "exact"
    if a.kind == "numeric" or b.kind == "numeric" or syllabic:
        return 0.0, None
    shared = a.groups & b.groups if a.groups and b.groups else frozenset()
    if shared:
        if min(shared) < ORG_GROUP_OFFSET:
            return _SCORES["transliterated"], "transliterated"
        return _SCORES["translated"], "transliterated"
    if a.kind == "initial" or b.kind == "initial":
        if (a.kind == "initial" and fb[0] == fa) or (b.kind == "initial" and fa[0] == fb):
            return _SCORES["initial"], "initial"
        return 0.0, None
    if a.kind == "patronymic" and b.kind == "patronymic":
        # Patronymics in two romanisations: compare the father's names they are made of.
        stem_a, stem_b = make_part(patronymic_stem(fa)), make_part(patronymic_stem(fb))
        if stem_a.form != fa and stem_b.form != fb:
            stem_sim, stem_how = compare_parts(stem_a, stem_b, abjad, cross=cross)
            if stem_how is not None:
                return stem_sim * 0.95, "transliterated" if stem_how == "exact" else stem_how
    if not (org or cross) and _gendered_forms(fa, fb):
        return 0.0, None
    if not cross and min(len(fa), len(fb)) >= _SLAVIC_MIN:
        romanised = _slavic_romanisations(fa, fb, person=not org)
        if romanised is not None:
            return romanised
    if org and not cross and a.kind == "name" and b.kind == "name":
        inner = _org_inner_edit(fa, fb, same_sound=a.key == b.key)
        if inner is not None:
            return inner
    if (
        org
        and not (abjad or lossy or cross)
        and is_dictionary_word(fa)
        and is_dictionary_word(fb)
        and _spelling_key(fa) != _spelling_key(fb)
    ):
        return 0.0, None
    best: float = 0.0
    how: PartHow | None = None
    length = max(len(fa), len(fb))
    budget = _edit_budget(length)
    if org and min(len(fa), len(fb)) <= 4:
        budget = 0
    elif length <= _SHORT_PART and fa[0] != fb[0] and fa[0] + fb[0] not in _ALTERNATE_INITIALS:
        # Short parts that differ in their first letter are different names or syllables
        # (``Jong``/``Tong``, ``Mark``/``Park``), not misspellings of one, unless the two
        # letters are spellings of one sound in different romanisations (``Yong``/``Jong``).
        budget = 0
    if budget:
        distance = OSA.distance(fa, fb, score_cutoff=budget)
        if distance <= budget:
            per_edit = ORG_EDIT_COST if org else 1.0
            best, how = max(0.0, 1.0 - per_edit * distance / length), "fuzzy"
    if (
        a.key == b.key
        and len(a.key) >= 2
        and (len(a.key) >= 3 or min(len(fa), len(fb)) >= _SHORT_KEY_LENGTH_RATIO * length)
    ):
        # A two-consonant key says little: words of very different length that share
        # one (``xxxxxxxxxx`` / ``cheaz``) do not sound alike.
        phon = _SCORES["phonetic"] if len(a.key) >= 3 else _SCORES["phonetic_short"]
        if org and min(len(fa), len(fb)) <= 5:
            phon = _SCORES["phonetic_short"] if min(len(fa), len(fb)) > 4 else 0.0
        if phon > best:
            best, how = phon, "phonetic"
    if abjad and a.skeleton and a.skeleton == b.skeleton and len(a.skeleton) >= 2:
        if _SCORES["skeleton"] > best:
            best, how = _SCORES["skeleton"], "transliterated"
    elif abjad and len(a.skeleton) >= 4 and len(b.skeleton) >= 4:
        dist = OSA.distance(a.skeleton, b.skeleton, score_cutoff=1)
        if dist <= 1 and best < 0.75:
            best, how = 0.75, "transliterated"
    if (
        lossy
        and best < _SCORES["loose"]
        and min(len(a.loose), len(b.loose)) >= 2
        and max(len(fa), len(fb)) >= _LOOSE_MIN_LETTERS
    ):
        if a.loose == b.loose:
            loose = _SCORES["loose"] if len(a.loose) >= 3 else _SCORES["loose_short"]
            if loose > best:
                best, how = loose, "transliterated"
        elif (
            min(len(a.loose), len(b.loose)) >= _LOOSE_FUZZY_MIN - abjad
            and a.loose[0] == b.loose[0]
            and best < _SCORES["loose_fuzzy"]
            and OSA.distance(a.loose, b.loose, score_cutoff=1) <= 1
        ):
            best, how = _SCORES["loose_fuzzy"], "transliterated"
    if org and best < _SCORES["abbreviation"]:
        short, long = (a, b) if len(fa) < len(fb) else (b, a)
        if (long.kind == "common" or long.groups) and _is_abbreviation(short.form, long.form):
            best, how = _SCORES["abbreviation"], "fuzzy"
    if cross and how is not None:
        best = 1.0 - (1.0 - best) * CROSS_SCRIPT_DISCOUNT
    return best, how


@dataclass(frozen=True, slots=True)
class _GlueTargets:
    """What the parts of one name offer to glued runs of the other name's parts."""

    targets: frozenset[str]
    #: Lengths a run must have to equal a target.
    exact_lengths: frozenset[int]
    #: Targets of 8+ letters (one edit allowed), before removing the other side's forms.
    long_targets: tuple[str, ...]
    skeletons: frozenset[str]
    looses: tuple[str, ...]
    groups: frozenset[int]


@lru_cache(maxsize=200_000)
def _glue_targets(
    other: tuple[Part, ...], abjad: bool, lossy: bool, org_words: bool
) -> _GlueTargets:
    """The glue targets of one name's parts (cached: listed names recur across queries)."""
    targets = frozenset(p.form for p in other if len(p.form) >= 4)
    return _GlueTargets(
        targets=targets,
        exact_lengths=frozenset(len(t) for t in targets),
        long_targets=tuple(t for t in targets if len(t) >= 8),
        skeletons=(
            frozenset(p.skeleton for p in other if len(p.skeleton) >= 3) if abjad else frozenset()
        ),
        looses=tuple(p.loose for p in other if len(p.loose) >= 3) if lossy else (),
        groups=frozenset().union(*(p.groups for p in other)) if org_words else frozenset(),
    )


@lru_cache(maxsize=200_000)
def _shortest_pair(parts: tuple[Part, ...]) -> int:
    """Letters in the shortest run of two adjacent parts (a large number for one part)."""
    if len(parts) < 2:
        return 1 << 30
    return min(len(a.form) + len(b.form) for a, b in pairwise(parts))


@lru_cache(maxsize=200_000)
def _longest_part(parts: tuple[Part, ...]) -> int:
    """Letters in the longest part (0 for no parts)."""
    return max((len(p.form) for p in parts), default=0)


@lru_cache(maxsize=100_000)
def _merge_glued(
    side: tuple[Part, ...],
    other: tuple[Part, ...],
    abjad: bool = False,
    lossy: bool = False,
    org_words: bool = False,
) -> tuple[Part, ...]:
    """Merge adjacent parts of ``side`` whose concatenation is a part of ``other``.

    Runs of two to six parts are tried, longest first. Across scripts without short
    vowels the concatenation is compared by consonant skeleton (``mhmd aly`` /
    ``MOHAMMADALI``), across conventionally romanised scripts by loose key (``Yadanar
    Mingalar`` / Burmese ``yatanarmaingalar``); a long concatenation (8+ letters) may
    differ from the part by one edit (``Fridrich Buchenberg`` / ``FridrichBuchenberg``).

    The targets of ``other`` are computed once per part tuple (cached), and a run whose
    length can equal no target is rejected before it is joined; the result is cached per
    pair of part tuples. Returns ``side`` itself when nothing is merged.
    """
    if len(side) < 2:
        return side
    glue = _glue_targets(other, abjad, lossy, org_words)
    targets = glue.targets
    if not targets and not org_words:
        return side
    skeletons = glue.skeletons
    looses = glue.looses
    groups = glue.groups
    if glue.long_targets:
        side_forms = {p.form for p in side}
        long_targets = [t for t in glue.long_targets if t not in side_forms]
    else:
        long_targets = []
    # Without keys or groups, only the length of a run can make it fit: reject the rest
    # before joining it.
    keyed = bool(skeletons or looses)
    by_length = not (keyed or groups)
    exact_lengths = glue.exact_lengths
    near_lengths = set(exact_lengths)
    for target in long_targets:
        near_lengths.update((len(target) - 1, len(target) + 1))

    def fits_strict(glued: str) -> bool:
        if glued in targets:
            return True
        if skeletons and consonant_skeleton(glued) in skeletons:
            return True
        if looses:
            key = loose_key(glued)
            return len(key) >= 3 and key in looses
        return False

    def fits(glued: str) -> bool:
        return (
            glued in targets
            or (bool(groups) and bool(part_groups(glued, org_words=True) & groups))
            or (bool(skeletons) and consonant_skeleton(glued) in skeletons)
            or (bool(looses) and _near_any(loose_key(glued), looses))
            or (
                bool(long_targets)
                and len(glued) >= 8
                and any(OSA.distance(glued, t, score_cutoff=1) <= 1 for t in long_targets)
            )
        )

    size = len(side)
    lengths = [len(p.form) for p in side]
    alone_memo: dict[int, bool] = {}

    def alone_fits(k: int) -> bool:
        known = alone_memo.get(k)
        if known is None:
            known = alone_memo[k] = fits_strict(side[k].form)
        return known

    out: list[Part] = []
    merged = False
    i = 0
    while i < size:
        # A part that already fits on its own is not glued to its neighbours.
        if keyed and alone_fits(i):
            out.append(side[i])
            i += 1
            continue
        # Runs of 2..6 parts from i, longest first, none containing a number.
        longest = min(6, size - i)
        for k in range(i, i + longest):
            if side[k].kind == "numeric":
                longest = k - i
                break
        found: tuple[int, str] | None = None
        if longest >= 2:
            run_lengths = [0] * (longest + 1)
            for n in range(1, longest + 1):
                run_lengths[n] = run_lengths[n - 1] + lengths[i + n - 1]
            # An exact fit of any length beats an approximate one.
            for n in range(longest, 1, -1):
                if by_length and run_lengths[n] not in exact_lengths:
                    continue
                glued = "".join(p.form for p in side[i : i + n])
                if fits_strict(glued):
                    found = (n, glued)
                    break
            if found is None:
                # An approximate fit never swallows a part that fits on its own.
                for n in range(longest, 1, -1):
                    if by_length and run_lengths[n] not in near_lengths:
                        continue
                    if any(alone_fits(k) for k in range(i, i + n)):
                        continue
                    glued = "".join(p.form for p in side[i : i + n])
                    if fits(glued):
                        found = (n, glued)
                        break
        if found is not None:
            out.append(make_part(found[1], "name", org_words=org_words))
            i += found[0]
            merged = True
        else:
            out.append(side[i])
            i += 1
    return tuple(out) if merged else side


def _near_any(key: str, keys: Sequence[str]) -> bool:
    """True when ``key`` (3+ classes) equals one of ``keys`` or is one edit from a 4+ one."""
    if len(key) < 3:
        return False
    for other in keys:
        if key == other:
            return True
        if (
            min(len(key), len(other)) >= 3
            and max(len(key), len(other)) >= 4
            and OSA.distance(key, other, score_cutoff=1) <= 1
        ):
            return True
    return False


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
        lone: True when a single part aligned other than by an initial and a name part
            (not a particle) is left over on either side: the match rests on one name part.
        generic: True for organisation names when only the listed name's generic words
            aligned (``international``, ``trading``) and a distinctive word of it is left
            over (``LEADER International Trading``): the match rests on activity words.
        lead_family_missing: True for person names when the listed name gives two or more
            family names (``GAXIOLA GARCIA, Maria Elena``), a later one aligned and the
            first is left over: by the Spanish and Portuguese naming convention the first
            family name is the one a person is known by, so ``Maria Garcia`` names
            someone else unless other evidence says otherwise.
    """

    similarity: float
    alignment: tuple[tuple[str | None, str | None, PartHow, float], ...]
    matched: int
    contradicting: int
    exact: bool
    lone: bool = False
    generic: bool = False
    lead_family_missing: bool = False

    @property
    def parts(self) -> list[NamePartMatch]:
        """The alignment as :class:`screenwise.results.NamePartMatch` objects."""
        return [
            NamePartMatch(query_part=q, candidate_part=c, how=how, score=score)
            for q, c, how, score in self.alignment
        ]


_EMPTY = NameComparison(0.0, (), 0, 0, False)
#: Legal-form classes that say nothing about the kind of company (``Co.``, ``Company``):
#: compatible with every other class.
_UNSPECIFIC_FORMS = frozenset({"company"})
#: Particles of an Arabic nasab ("son/daughter of"): what precedes names the person, what
#: follows names the father. Source: ALA-LC Arabic romanization, personal-name notes.
_NASAB = frozenset({"bin", "ibn", "bint", "binti", "ben", "ould", "wuld"})
#: Cost of a part left over on one side only, by part kind, whatever the side (a
#: patronymic is often omitted by one list; a country qualifier names a subsidiary).
_LEFTOVER_COSTS: dict[str, float] = {"qualifier": QUALIFIER_COST, "patronymic": PATRONYMIC_COST}


def _nasab_roles(parts: tuple[Part, ...]) -> tuple[int, ...] | None:
    """Per part: 0 before the first nasab particle (``bin``, ``ibn``...), 1 after it.

    None when the name has no nasab particle between two other parts.
    """
    for index, part in enumerate(parts):
        if 0 < index < len(parts) - 1 and part.form in _NASAB:
            return tuple(0 if k < index else 1 for k in range(len(parts)))
    return None


def _contra_group(part: Part) -> str | None:
    """Leftover parts contradict only parts of the same group (None: never)."""
    if part.kind == "particle":
        return None
    if part.kind in ("qualifier", "patronymic"):
        return part.kind
    return "name"


def _ends_agree(
    q_parts: tuple[Part, ...],
    c_parts: tuple[Part, ...],
    aligned: dict[int, tuple[int, float, PartHow]],
) -> bool:
    """True when the first and the last name parts of both names align exactly.

    Particles are skipped at either end; the two ends must be different parts.
    """
    q_sig = [i for i, p in enumerate(q_parts) if p.kind != "particle"]
    c_sig = [j for j, p in enumerate(c_parts) if p.kind != "particle"]
    if len(q_sig) < 2 or len(c_sig) < 2:
        return False
    first, last = aligned.get(q_sig[0]), aligned.get(q_sig[-1])
    return (
        first is not None
        and last is not None
        and first[0] == c_sig[0]
        and last[0] == c_sig[-1]
        and first[2] == "exact"
        and last[2] == "exact"
    )


def _brand_region(part: Part, other: PreparedName) -> bool:
    """True for a region qualifier left over against a bare brand name.

    The other name has no legal form and no qualifier of its own (``Faberlic`` /
    ``Faberlic Europe Sp. z o.o.``); a country qualifier, or a brand named with its legal
    form (``Banco Santander S.A.``), still names another subsidiary.
    """
    return (
        part.kind == "qualifier"
        and not other.legal_forms
        and is_region_word(part.form)
        and not any(p.kind == "qualifier" for p in other.parts)
    )


#: Kinds of organisation-name parts that say what a company does, not which it is.
_GENERIC_KINDS = frozenset({"common", "qualifier", "particle"})


def _is_generic(part: Part) -> bool:
    """An organisation-name part that names no company: activity word, legal form, particle."""
    return part.kind in _GENERIC_KINDS or is_generic_org_word(part.form)
#: Scripts whose parts are syllables (one Hangul block, one Han character).
_SYLLABIC_SCRIPTS = frozenset({"Hangul", "Han"})


@lru_cache(maxsize=100_000)
def compare_names_prepared(query: PreparedName, candidate: PreparedName) -> NameComparison:
    """Compare a prepared query name with a prepared candidate name.

    Cached per pair (prepared names are shared and compare by identity; the result is
    immutable): a query name that recurs, as in rescreening, is compared once per name.

    Args:
        query: the query's name (:func:`screenwise.names.parts.prepare_name`).
        candidate: the listed name.

    Returns:
        A :class:`NameComparison`; similarity 0.0 when either side has no parts or no
        part other than particles aligns.
    """
    if not query.parts or not candidate.parts:
        return _EMPTY
    kind = candidate.kind if query.kind == candidate.kind else "org"
    costs = NAME_COSTS[kind]
    abjad = query.abjad or candidate.abjad
    same_script = query.script == candidate.script
    lossy = (query.lossy or candidate.lossy) and not same_script
    syllabic = same_script and query.script in _SYLLABIC_SCRIPTS
    cross = not same_script
    org = kind != "person"
    q_parts = query.parts
    c_parts = candidate.parts
    if not syllabic:
        keyed = abjad or lossy or org
        # Plain Latin-letter names glue only when a run of two parts is no longer than
        # the other side's longest part (plus one edit): most pairs skip the search.
        # A Hangul syllable is never two words of the other name (``Yo Jong`` is not 정).
        if not candidate.syllables and (
            keyed or _shortest_pair(q_parts) <= _longest_part(c_parts) + 1
        ):
            q_parts = _merge_glued(q_parts, c_parts, abjad, lossy, org)
        if not query.syllables and (keyed or _shortest_pair(c_parts) <= _longest_part(q_parts) + 1):
            c_parts = _merge_glued(c_parts, q_parts, abjad, lossy, org)
    q_roles = _nasab_roles(q_parts) if not org else None
    c_roles = _nasab_roles(c_parts) if q_roles else None
    pairs: list[tuple[float, float, int, int, PartHow]] = []
    for i, qp in enumerate(q_parts):
        for j, cp in enumerate(c_parts):
            if (qp.kind == "qualifier") != (cp.kind == "qualifier"):
                continue
            sim, how = compare_parts(
                qp, cp, abjad, lossy=lossy, org=org, syllabic=syllabic, cross=cross
            )
            if q_roles and c_roles and q_roles[i] != c_roles[j] and qp.kind != "particle":
                # The same name on either side of "bin": father and son, not one person.
                sim *= NASAB_CROSSING
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
    contra_q: dict[int, int] = {}
    for group in ("name", "qualifier", "patronymic"):
        sig_q = sorted(
            (i for i in left_q if _contra_group(q_parts[i]) == group),
            key=lambda i: -q_parts[i].weight,
        )
        sig_c = sorted(
            (j for j in left_c if _contra_group(c_parts[j]) == group),
            key=lambda j: -c_parts[j].weight,
        )
        contra_q.update(zip(sig_q, sig_c, strict=False))
    n_contra = len(contra_q)
    contra_c = set(contra_q.values())
    extra_cost = costs["extra"]
    if kind == "person" and not n_contra and left_q and _ends_agree(q_parts, c_parts, aligned):
        # Middle names omitted by the listed name (``Janan Mohammad Ahmed Agha`` /
        # ``Janan Agha``) cost what the same omission costs the other way round.
        extra_cost = costs["missing"]
    for i in left_q:
        if i in contra_q:
            cost = costs["contradicting"]
        elif q_parts[i].kind == "numeric" and org:
            cost = NUMBER_COST
        elif _brand_region(q_parts[i], candidate):
            cost = REGION_COST
        else:
            cost = _LEFTOVER_COSTS.get(q_parts[i].kind, extra_cost)
        denominator += cost * q_parts[i].weight
    for j in left_c:
        if j in contra_c:
            cost = costs["contradicting"]
        elif c_parts[j].kind == "numeric" and org:
            cost = NUMBER_COST
        elif _brand_region(c_parts[j], query):
            cost = REGION_COST
        else:
            cost = _LEFTOVER_COSTS.get(c_parts[j].kind, costs["missing"])
        denominator += cost * c_parts[j].weight
    # Legal forms: compared as generic classes, never decisive; native forms of disjoint
    # jurisdictions cost a little (a subsidiary abroad ranks below the same-country entry).
    if (
        query.legal_countries
        and candidate.legal_countries
        and not query.legal_countries & candidate.legal_countries
    ):
        denominator += LEGAL_JURISDICTION_MISMATCH
    elif query.legal_forms and candidate.legal_forms:
        if query.legal_forms & candidate.legal_forms or _UNSPECIFIC_FORMS & (
            query.legal_forms | candidate.legal_forms
        ):
            numerator += LEGAL_FORM_WEIGHT
            denominator += LEGAL_FORM_WEIGHT
        else:
            denominator += LEGAL_FORM_MISMATCH
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
    # An initial is weak evidence: a match of one full part plus initials rests on that part
    # (``Vladimir Putin`` / ``KONONOV, Vladimir P.``: ``putin~p``, KONONOV left over).
    full = sum(
        1
        for i, (j, _, how) in aligned.items()
        if how != "initial" and (q_parts[i].kind != "particle" or c_parts[j].kind != "particle")
    )
    lone = full == 1 and (
        any(q_parts[i].kind != "particle" for i in left_q)
        or any(c_parts[j].kind != "particle" for j in left_c)
    )
    generic = False
    if org and all(_is_generic(c_parts[j]) for j, _, _ in aligned.values()):
        # Only activity words and legal forms of the listed name aligned: no match when
        # a distinctive listed word is left over, nor when the query names nothing but
        # activity words and legal forms (``Ltd`` is no name, nor ``Bank`` ``IS BANK``).
        generic = any(not _is_generic(c_parts[j]) for j in left_c) or all(
            is_generic_org_word(q_parts[i].form) for i in aligned
        )
    lead_family_missing = False
    if not org and c_parts is candidate.parts:
        family = _family_positions(candidate)
        if len(family) >= 2:
            aligned_c = {j for j, _, _ in aligned.values()}
            lead_family_missing = family[0] in left_c and any(j in aligned_c for j in family[1:])
    return NameComparison(
        similarity=min(1.0, similarity),
        alignment=tuple(explained),
        matched=matched,
        contradicting=n_contra,
        exact=exact,
        lone=lone,
        generic=generic,
        lead_family_missing=lead_family_missing,
    )


@lru_cache(maxsize=200_000)
def _family_positions(name: PreparedName) -> tuple[int, ...]:
    """Positions of a listed person's family-name parts, from ``FAMILY NAMES, Given``.

    Only names written with one comma, family names first (the OFAC and UK convention),
    and not particles (``al``, ``de``); empty when the name has no such structure.
    """
    head, comma, _ = name.original.partition(",")
    if not comma or "," in _ or name.kind != "person":
        return ()
    family = (normalize_name(head) or "").split()
    positions: list[int] = []
    for index, part in enumerate(name.parts[: len(family)]):
        if part.form != family[index]:
            return ()
        if part.kind == "name":
            positions.append(index)
    return tuple(positions)
