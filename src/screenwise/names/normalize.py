"""Name normalisation pipeline (shared by index and query side).

Pipeline order (fixed):
1. Unicode NFKC, then case-folding.
2. Transliteration of every script to Latin (ICU through ``normality.ascii_text``).
3. Punctuation and separators become spaces; apostrophes inside words are dropped.
4. White space is collapsed; empty output becomes None.

Contract: pure, idempotent (``normalize_name(normalize_name(x)) == normalize_name(x)``),
never raises on any ``str``, returns None when nothing comparable is left.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from normality import ascii_text

_APOSTROPHES = re.compile(r"(?<=\w)['’ʼ`´](?=\w)")
_NON_WORD = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=200_000)
def normalize_name(name: str) -> str | None:
    """Normalise a name to lower-case ASCII tokens separated by single spaces.

    Args:
        name: a name in any script, e.g. ``"Владимир Путин"`` or ``"KIM, Jong-un"``.

    Returns:
        e.g. ``"vladimir putin"``, ``"kim jong un"``; None when nothing is left.
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _APOSTROPHES.sub("", text)
    latin = ascii_text(text)
    if latin is None:
        return None
    latin = latin.lower()
    latin = _APOSTROPHES.sub("", latin)
    latin = _NON_WORD.sub(" ", latin).strip()
    return latin or None


def tokenize_name(name: str) -> list[str]:
    """Split a name into normalised tokens (``[]`` when nothing is left)."""
    normalized = normalize_name(name)
    return normalized.split(" ") if normalized else []
