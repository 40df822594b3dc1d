"""Name normalisation pipeline (shared by index and query side).

Pipeline order (fixed):

1. Unicode NFKC, then case-folding.
2. An English possessive ``'s`` is dropped (``Bank's -> bank``), then apostrophes inside
   words (``O'Brien -> obrien``, ``Sa'id -> said``).
3. Transliteration of every script to Latin with the rules of that script
   (:func:`screenwise.names.scripts.transliterate`: Hangul per syllable, Han as pinyin,
   Arabic/Hebrew consonantal, Cyrillic/Greek/Georgian/Armenian through rigour).
4. Punctuation and separators become spaces.
5. White space is collapsed; empty output becomes None.

Contract: pure, idempotent (``normalize_name(normalize_name(x)) == normalize_name(x)``),
never raises on any ``str``, returns None when nothing comparable is left. Index side and
query side call the same function, so they cannot disagree.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from screenwise.names.scripts import transliterate

__all__ = ["compact_name", "normalize_name", "tokenize_name"]

_APOSTROPHES = re.compile(r"(?<=\w)['’ʼ`´ʻʿʾ‘](?=\w)")
# An English possessive at the end of a Latin word (``Deutsche Bank's``).
_POSSESSIVE = re.compile(r"(?<=[a-z]{2})['’]s(?![\w'’])")
_NON_WORD = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=200_000)
def normalize_name(name: str) -> str | None:
    """Normalise a name to lower-case ASCII tokens separated by single spaces.

    Args:
        name: a name in any script, e.g. ``"Владимир Путин"`` or ``"KIM, Jong-un"``.

    Returns:
        e.g. ``"vladimir putin"``, ``"kim jong un"``, ``"kim jong un"`` for ``"김정은"``;
        None when nothing is left (empty input, punctuation only, unknown symbols).
    """
    if not isinstance(name, str):
        return None
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _POSSESSIVE.sub("", text)
    text = _APOSTROPHES.sub("", text)
    latin = transliterate(text).lower()
    latin = _APOSTROPHES.sub("", latin)
    latin = _NON_WORD.sub(" ", latin).strip()
    return latin or None


def tokenize_name(name: str) -> list[str]:
    """Split a name into normalised tokens (``[]`` when nothing is left).

    Args:
        name: a name in any script.

    Returns:
        The tokens of :func:`normalize_name`, in order, e.g. ``["kim", "jong", "un"]``.
    """
    normalized = normalize_name(name)
    return normalized.split(" ") if normalized else []


def compact_name(name: str) -> str:
    """Return the normalised name without spaces (``"Al Qaeda" -> "alqaeda"``).

    Args:
        name: a name in any script.

    Returns:
        The concatenated tokens; ``""`` when nothing is left.
    """
    return "".join(tokenize_name(name))
