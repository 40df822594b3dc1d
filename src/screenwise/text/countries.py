"""Countries named in a text: sanctioned jurisdictions, and country qualifiers of names.

Two uses:

* :func:`find_sanctioned_countries` reports the sanctioned jurisdictions an article's body
  names (``text_countries.yml::SANCTIONED``), as a field separate from the mentions:
  naming a country is not a mention of a listed party.
* :func:`qualifier_phrases` maps demonyms and country names (``QUALIFIERS``) to country
  codes, for context disambiguation ("Russian President ...", "Russia's Ministry of ...").

Phrases are compared as normalised token sequences (:func:`screenwise.names.tokenize_name`).
"""

from __future__ import annotations

import bisect
from functools import cache

from screenwise.names import tokenize_name
from screenwise.text.tokens import Tokens
from screenwise.text.wordlists import load_wordlist

__all__ = ["find_sanctioned_countries", "is_country_phrase", "match_phrase_at", "qualifier_phrases"]

_FILE = "text_countries.yml"


def _phrase_table(key: str) -> dict[tuple[str, ...], str]:
    table: dict[tuple[str, ...], str] = {}
    for code, names in load_wordlist(_FILE, key).items():
        for name in names:
            tokens = tuple(tokenize_name(str(name)))
            if tokens:
                table[tokens] = str(code).lower()
    return table


@cache
def sanctioned_phrases() -> dict[tuple[str, ...], str]:
    """Return normalised phrase -> country code for ``text_countries.yml::SANCTIONED``."""
    return _phrase_table("SANCTIONED")


@cache
def qualifier_phrases() -> dict[tuple[str, ...], str]:
    """Return normalised phrase -> country code for ``text_countries.yml::QUALIFIERS``."""
    table = _phrase_table("QUALIFIERS")
    for phrase, code in sanctioned_phrases().items():
        table.setdefault(phrase, code)
    return table


@cache
def _max_len(key: str) -> int:
    table = sanctioned_phrases() if key == "SANCTIONED" else qualifier_phrases()
    return max(len(p) for p in table)


def match_phrase_at(
    tokens: Tokens, i: int, table: dict[tuple[str, ...], str], max_len: int
) -> tuple[str, int] | None:
    """Return ``(code, length)`` of the longest phrase of ``table`` starting at token ``i``."""
    n = len(tokens)
    for length in range(min(max_len, n - i), 0, -1):
        key = tuple(tokens.norm[i : i + length])
        code = table.get(key)
        if code is not None and tokens.cap[i]:
            return code, length
    return None


def is_country_phrase(norm_tokens: tuple[str, ...]) -> bool:
    """Return True when a normalised phrase is a country or capital of the qualifier tables.

    A one-word phrase of four letters or more is also looked up in FollowTheMoney's
    country and territory names (``followthemoney.types.registry.country``), which cover
    every country and some regions ("Bangladesh", "Macedonia", "Shandong").
    """
    if norm_tokens in qualifier_phrases() or norm_tokens in sanctioned_phrases():
        return True
    return len(norm_tokens) == 1 and len(norm_tokens[0]) >= 4 and _ftm_country(norm_tokens[0])


@cache
def _ftm_country(word: str) -> bool:
    from followthemoney.types import registry

    return registry.country.clean_text(word) is not None


def find_sanctioned_countries(tokens: Tokens, body: list[tuple[int, int]]) -> list[str]:
    """Return the sanctioned jurisdictions named in the body, in order of first naming.

    Args:
        tokens: the text's tokens.
        body: body ranges of the text; names outside them are ignored.

    Returns:
        ISO 3166-1 alpha-2 codes (lower case), without duplicates.

    Data: ``text_countries.yml::SANCTIONED``.
    """
    table = sanctioned_phrases()
    max_len = _max_len("SANCTIONED")
    firsts = _firsts("SANCTIONED")
    found: list[str] = []
    starts = tokens.start
    resume = 0
    norm = tokens.norm
    for i in [k for k in tokens.caps if norm[k] in firsts]:
        if i < resume:
            continue
        b = bisect.bisect_right(body, (starts[i], 1 << 62)) - 1
        if b < 0 or not body[b][0] <= starts[i] < body[b][1]:
            continue
        hit = match_phrase_at(tokens, i, table, max_len)
        if hit is None:
            continue
        code, length = hit
        if code not in found:
            found.append(code)
        resume = i + length
    return found


@cache
def _firsts(key: str) -> frozenset[str]:
    table = sanctioned_phrases() if key == "SANCTIONED" else qualifier_phrases()
    return frozenset(phrase[0] for phrase in table)
