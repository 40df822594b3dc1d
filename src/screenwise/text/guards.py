"""Guards against false mentions: common words, common person names, embedded names.

A list name found in a text is not always the listed party: vessels are called ``Justice``
or ``Tifon``, an alias may be ``green light`` or ``the base``, and ``Wagner`` may be a
reporter. These guards decide, from general signals and never from a list of the names
themselves, whether a match can stand on its own:

* **Word frequency** (Zipf scale, 0-8, of the ``wordfreq`` package over English, Spanish,
  French, German, Italian and Portuguese): a word at or above :data:`COMMON_ZIPF` is an
  ordinary word in some major language.
* **Capitalisation in the text**: an ordinary-word name counts only when the text
  capitalises it like a proper name.
* **Embedding**: a match directly preceded or followed by another capitalised word that is
  not a title, a country qualifier or a function word is part of a longer proper name
  (``Inter Milan``, ``Sky Atlantic``, ``Rene Wagner``).

Source: R. Speer et al., wordfreq 3 (https://github.com/rspeer/wordfreq), Zipf frequency
= log10 of occurrences per billion words.
"""

from __future__ import annotations

from functools import cache, lru_cache

from screenwise.text.wordlists import phrase_list

__all__ = [
    "ACRONYM_MAX_ZIPF",
    "COMMON_ZIPF",
    "NAME_COMMON_ZIPF",
    "SINGLE_NAME_MAX_ZIPF",
    "is_common_word",
    "is_stopword",
    "is_title_word",
    "zipf",
    "zipf_en",
]

#: A word with a Zipf frequency at or above this is an ordinary word (about one use in
#: a million words).
COMMON_ZIPF = 3.0
#: A one-word name of an organisation stands alone only below this frequency.
SINGLE_NAME_MAX_ZIPF = 4.0
#: An acronym (all capitals, at most 5 letters) stands alone only below this frequency.
ACRONYM_MAX_ZIPF = 3.0
#: Given names and surnames at or above this frequency are common names (``Mark``,
#: ``Taylor``, ``Antonio``, ``Lopez``).
NAME_COMMON_ZIPF = 3.5

_LANGS = ("en", "es", "fr", "de", "it", "pt")


@lru_cache(maxsize=200_000)
def zipf_en(word: str) -> float:
    """Return the English Zipf frequency of a normalised word (0 when unknown)."""
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """Return the highest Zipf frequency of a normalised word over six major languages.

    Args:
        word: a normalised token (lower-case ASCII).

    Returns:
        Zipf frequency in [0, 8]; 0 for an unknown word.
    """
    from wordfreq import zipf_frequency

    return float(max(zipf_frequency(word, lang) for lang in _LANGS))


def is_common_word(word: str, *, english: bool = False) -> bool:
    """Return True when a normalised word is an ordinary word (Zipf >= :data:`COMMON_ZIPF`).

    Args:
        word: a normalised token.
        english: judge by English frequency only (for phrases of several words, whose
            ordinary-word reading is English in English text); else by the highest
            frequency over the six languages.
    """
    if is_stopword(word):
        return True
    return (zipf_en(word) if english else zipf(word)) >= COMMON_ZIPF


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(phrase_list("text_words.yml", "STOPWORDS"))


@cache
def _titles() -> frozenset[str]:
    return frozenset(phrase_list("text_words.yml", "TITLES"))


def is_stopword(word: str) -> bool:
    """Return True for a function word (``text_words.yml::STOPWORDS``)."""
    return word in _stopwords()


def is_title_word(word: str) -> bool:
    """Return True for an honorific or title (``text_words.yml::TITLES``)."""
    return word in _titles()
