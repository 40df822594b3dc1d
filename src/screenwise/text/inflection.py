"""Russian case endings of names: a declined Cyrillic word -> its nominative forms.

Russian declines personal names: the lists give ``Путин``, ``Песков``, ``Ким Чен Ын``, the
text writes ``встреча Путина``, ``по словам Пескова``, ``с Ким Чен Ыном``. Name screening
compares nominative forms, so a capitalised Cyrillic word of a text is also read in the
nominative forms its ending allows (``Путина`` -> ``Путин``; ``Дмитрия`` -> ``Дмитрий``,
``Дмитрь``): mention finding tries these where the word as written names nothing.

The endings are data (``text_inflection.yml::RUSSIAN_CASE_ENDINGS``); longer endings are
tried first and a stem keeps at least :data:`MIN_STEM` letters. The candidate forms are
guesses: only a form that the phrase index knows as a name makes a mention, and the usual
guards (a lone surname refers only to a person the text named in full, or after a title)
still apply.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from screenwise.text.wordlists import load_wordlist

__all__ = ["MIN_STEM", "has_cyrillic", "is_cyrillic_word", "russian_nominatives"]

_FILE = "text_inflection.yml"
#: Letters a stem keeps once an ending is removed (``Ын`` of ``Ыном``).
MIN_STEM = 2
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+\Z")


@cache
def _endings() -> tuple[tuple[str, tuple[str, ...]], ...]:
    data = load_wordlist(_FILE, "RUSSIAN_CASE_ENDINGS")
    pairs = [(str(k), tuple(str(v) for v in values)) for k, values in data.items()]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


def has_cyrillic(text: str) -> bool:
    """Return True when ``text`` holds a Cyrillic letter (Unicode block U+0400-U+04FF)."""
    return _CYRILLIC.search(text) is not None


def is_cyrillic_word(word: str) -> bool:
    """Return True when every character of ``word`` is Cyrillic (and there is one)."""
    return _CYRILLIC_WORD.match(word) is not None


@lru_cache(maxsize=50_000)
def russian_nominatives(word: str) -> tuple[str, ...]:
    """Return the nominative forms a declined Cyrillic word may stand for.

    Args:
        word: one word as written (``Путина``, ``Ыном``, ``Дмитрия``).

    Returns:
        Cyrillic forms with the case ending replaced (``Путина`` -> ``("Путин",)``;
        ``Пескову`` -> ``("Песков", "Пескова")``), in the order of
        ``text_inflection.yml::RUSSIAN_CASE_ENDINGS`` (longer endings first), without the
        word itself and without repeats; empty for a word that is not all Cyrillic or
        has no such ending. Never raises.
    """
    if not is_cyrillic_word(word):
        return ()
    lower = word.lower()
    out: list[str] = []
    for ending, replacements in _endings():
        if len(lower) - len(ending) < MIN_STEM or not lower.endswith(ending):
            continue
        stem = word[: len(word) - len(ending)]
        for replacement in replacements:
            form = stem + replacement
            if form != word and form not in out:
                out.append(form)
    return tuple(out)
