"""Phonetic keys and consonant skeletons for name parts.

Two keys are computed once per name part, on the index side and the query side alike:

* :func:`phonetic_key` folds the spelling differences that romanisations of the same name
  produce in Latin script (``Mohammed / Muhammad / Mohamad``, ``Dmitry / Dmitriy /
  Dmitrii``, ``Peskov / Peskoff``, ``Yuri / Iurii``): vowels after the first letter are
  dropped, doubled letters collapse, and consonant digraphs map to one letter. It is a
  simplified relative of NYSIIS (Taft 1970, "Name Search Techniques", New York State
  Identification and Intelligence System), tuned to transliterated rather than English
  names.
* :func:`consonant_skeleton` compares a name written in an abjad (Arabic, Persian,
  Hebrew: no short vowels) with a Latin spelling: only consonants remain, in classes that
  Arabic script does not distinguish in Latin transcription (``q/k``, ``p/b``, ``v/w``,
  ``th/s``, ``dh/z``; ``w`` and ``y`` are dropped because Arabic writes long ``u``/``i``
  with them; ``g``/``k``/``q`` and ``d``/``z`` fall together because Latin spellings of
  qaf, jim, dad and dhal follow regional pronunciation: ``Gizani``/``Qizani``,
  ``Fazal``/``Fadl``). Source: ALA-LC Arabic romanization table (Library of Congress, 2012).

* :func:`loose_key` compares a name written in a script whose Latin spellings are
  conventions rather than letter-for-letter transcriptions (Myanmar, Hebrew, Hangul
  loanwords, Indic scripts, Katakana...) with its usual Latin spelling: only consonant
  classes remain (labials, dentals, velars, sibilants, liquids, nasals), so ``Yadanar`` and
  ICU's ``ratanar``, ``Vladimir`` and ``peulratimireu`` (Hangul), ``Hovalot`` and ``hwblwt``
  (Hebrew) reduce to comparable keys.
* :func:`slavic_romanisation_key` folds the German, Polish, Czech and Baltic Latin
  spellings of East Slavic names onto the English (BGN/PCGN) ones: ``w`` = ``v``,
  German ``ch`` = ``kh`` (х), ``sch`` = ``sh``, ``j`` = ``y`` (``ja``/``ya`` for я),
  ``ss`` = ``s``, so ``Werchnjaja`` and ``Verkhnyaya`` agree. Sources: BGN/PCGN 1947
  Russian romanization; Duden transliteration of Russian (German); ISO 9 tables.

The functions take one normalised (ASCII lower-case) token, are pure and cached, and
return ``""`` for tokens without letters; digits pass through unchanged.
"""

from __future__ import annotations

import operator
import re
from functools import lru_cache

__all__ = ["consonant_skeleton", "loose_key", "phonetic_key", "slavic_romanisation_key"]

_DIGRAPHS: tuple[tuple[str, str], ...] = (
    ("sch", "s"),
    ("tsch", "c"),
    ("dzh", "j"),
    ("tch", "c"),
    ("ch", "c"),
    ("sh", "s"),
    ("zh", "j"),
    ("dj", "j"),
    ("kh", "h"),
    ("gh", "g"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("ck", "k"),
    ("ts", "c"),
    ("tz", "c"),
    ("cz", "c"),
    ("x", "ks"),
    ("q", "k"),
    ("w", "v"),
    ("v", "f"),
    ("z", "s"),
    ("c", "k"),
    ("j", "j"),
)
_VOWELS = frozenset("aeiouy")
_REPEATS = re.compile(r"(.)\1+")
# ``match[1]``: the repeated character. A C-level callable replaces the ``r"\1"``
# template, which ``re`` expands in Python for every match (the costliest step of a key).
_FIRST_GROUP = operator.itemgetter(1)


def _collapse_repeats(text: str) -> str:
    """Collapse each run of one character to that character (``hassan`` -> ``hasan``).

    Same result as a substitution of ``_REPEATS`` with the template ``\\1``, without
    the per-match template expansion.
    """
    if _REPEATS.search(text) is None:
        return text
    return _REPEATS.sub(_FIRST_GROUP, text)


@lru_cache(maxsize=200_000)
def phonetic_key(token: str) -> str:
    """Return the romanisation-insensitive phonetic key of one name part.

    Args:
        token: a normalised name part (ASCII lower case), e.g. ``"mohammed"``.

    Returns:
        The key, e.g. ``"mhmd"`` for ``mohammed``, ``muhammad`` and ``mohamad``; a leading
        vowel becomes ``"a"`` (``yuri`` and ``iurii`` -> ``"ar"``); a final ``-ah``/``-eh``
        loses its silent ``h`` (``zayniyah`` and ``zeiniye`` -> ``"sn"``); digits are kept;
        ``""`` for an empty token.
    """
    if not token:
        return ""
    if token.isdigit():
        return token
    text = _collapse_repeats(token)
    if len(text) > 4 and text[-1] == "h" and text[-2] in "ae":
        # A final -ah/-eh is a silent ta marbuta or he (Fatimah/Fatima, Salameh/Salama).
        text = text[:-1]
    for old, new in _DIGRAPHS:
        if old in text:
            text = text.replace(old, new)
    # "c" produced above stands for the affricates ch/ts; a literal c became "k" last.
    text = _collapse_repeats(text)
    first = "a" if text[0] in _VOWELS else text[0]
    rest = "".join(ch for ch in text[1:] if ch not in _VOWELS)
    # Only letters written next to each other collapse (``Hassan``/``Hasan``, and the
    # ``ks`` of ``x`` after ``k``); consonants a vowel keeps apart stay two, so the key
    # keeps a name's syllables (``Putin`` ``ptn`` is not ``Potanin`` ``ptnn``).
    return first + rest


_SKELETON_DIGRAPHS: tuple[tuple[str, str], ...] = (
    ("kh", "x"),
    ("gh", "g"),
    ("sh", "$"),
    ("ch", "$"),
    ("th", "s"),
    ("dh", "z"),
    ("zh", "j"),
    ("ph", "f"),
    ("ci", "si"),
    ("ce", "se"),
    ("ou", "u"),
    ("q", "k"),
    ("g", "k"),
    ("p", "b"),
    ("v", "w"),
    ("z", "d"),
    ("e", "a"),
    ("o", "a"),
)
_SKELETON_DROP = frozenset("aeiouwy'")


@lru_cache(maxsize=200_000)
def consonant_skeleton(token: str) -> str:
    """Return the Arabic-compatible consonant skeleton of one name part.

    Args:
        token: a normalised name part (ASCII lower case), from a Latin spelling
            (``"muhammad"``) or an abjad transliteration (``"mhmd"``).

    Returns:
        The consonants in Arabic-compatible classes, doubled letters collapsed and a final
        ``h`` (ta marbuta, silent he) removed: ``"mhmd"`` for both examples above,
        ``"xmn"`` for ``khamenei`` and ``khamnhay``; digits are kept; ``""`` when no
        consonant is left (``"ali"`` -> ``"l"``, ``"ay"`` -> ``""``).
    """
    if not token:
        return ""
    if token.isdigit():
        return token
    text = token
    for old, new in _SKELETON_DIGRAPHS:
        if old in text:
            text = text.replace(old, new)
    skeleton = "".join(ch for ch in text if ch not in _SKELETON_DROP)
    skeleton = _collapse_repeats(skeleton)
    if len(skeleton) > 2 and skeleton.endswith("h"):
        skeleton = skeleton[:-1]
    return skeleton


# Digraphs of romanisations (English, MLCTS-like Burmese, Indic aspirates, Hebrew and
# Arabic conventions) folded before the letter classes below.
_LOOSE_DIGRAPHS: tuple[tuple[str, str], ...] = (
    ("tch", "s"),
    ("dzh", "s"),
    ("sch", "s"),
    ("kh", "k"),
    ("gh", "k"),
    ("ch", "k"),
    ("hk", "k"),
    ("ph", "p"),
    ("bh", "p"),
    ("hp", "p"),
    ("ht", "t"),
    ("th", "t"),
    ("dh", "t"),
    ("sh", "s"),
    ("hs", "s"),
    ("zh", "s"),
    ("ts", "s"),
    ("tz", "s"),
    ("dj", "s"),
    ("x", "ks"),
    ("ci", "si"),
    ("ce", "se"),
)
_LOOSE_CLASSES = str.maketrans(
    {
        "b": "p",
        "f": "p",
        "v": "p",
        "d": "t",
        "g": "k",
        "q": "k",
        "c": "k",
        "z": "s",
        "j": "s",
        "l": "r",
        "a": None,
        "e": None,
        "i": None,
        "o": None,
        "u": None,
        "y": None,
        "w": None,
        "h": None,
    }
)


_LOOSE_CLASS_ONLY = str.maketrans(
    {k: (v if v is not None else ".") for k, v in _LOOSE_CLASSES.items()}
)


@lru_cache(maxsize=200_000)
def loose_key(token: str) -> str:
    """Return the consonant-class key used to compare conventionally romanised scripts.

    Vowels, ``h``, ``w`` and ``y`` are dropped (abjads and Brahmic scripts leave them
    implicit or write them with consonant letters); the remaining consonants fall into
    classes: ``p`` (b p f v), ``t`` (d t th), ``k`` (g k q c x kh), ``s`` (s z j sh ts),
    ``r`` (l r), ``m``, ``n``; adjacent consonants of one class count once
    (``Haddad``, ``lr``), consonants separated by a vowel twice.

    Args:
        token: a normalised name part (ASCII lower case), e.g. ``"yadanar"``.

    Returns:
        The key, e.g. ``"tnr"`` for ``yadanar``, ``"prtmr"`` for ``vladimir``,
        ``bhladimira`` and ``peulratimireu``; digits are kept; ``""`` for tokens without
        consonants.
    """
    if not token:
        return ""
    if token.isdigit():
        return token
    text = _collapse_repeats(token)
    for old, new in _LOOSE_DIGRAPHS:
        if old in text:
            text = text.replace(old, new)
    # Adjacent consonants of one class count once; vowels keep consonants apart.
    classes = _collapse_repeats(text.translate(_LOOSE_CLASS_ONLY))
    return classes.replace(".", "")


#: German/Polish/Baltic spellings of East Slavic sounds -> one common form, applied in
#: order (longest first). ``\x01`` stands for German ``tsch`` (ч), kept apart from the
#: German ``ch`` (х).
_SLAVIC_FOLDS: tuple[tuple[str, str], ...] = (
    ("schtsch", "shch"),
    ("tsch", "\x01"),
    ("sch", "sh"),
    ("kh", "\x02"),
    ("ch", "\x02"),
    ("w", "v"),
    ("j", "y"),
    ("ss", "s"),
)


@lru_cache(maxsize=200_000)
def slavic_romanisation_key(token: str) -> str:
    """Fold the German/Polish/Baltic romanisation of an East Slavic name onto the English.

    Args:
        token: one normalised (ASCII lower-case) token.

    Returns:
        The folded token (``werchnjaja`` and ``verkhnyaya`` both give one key); tokens
        without the letters concerned come back unchanged.
    """
    key = token
    for source, target in _SLAVIC_FOLDS:
        if source in key:
            key = key.replace(source, target)
    return key
