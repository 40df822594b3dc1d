"""Word tokens of a text with their offsets, normalised like list names.

Each word of the text becomes one or more tokens normalised by
:func:`screenwise.names.normalize_name` (the name-screening pipeline: NFKC, case-folding,
transliteration to Latin, punctuation removal), so a text token and a list-name token
compare equal exactly when name screening would call the two words equal. A word that
transliterates to several Latin words (Han, Hangul) gives several tokens with the same
offsets. A word with a possessive ``'s`` keeps both forms: ``norm`` as the list
normaliser sees it (``People's`` -> ``peoples``, as in ``PEOPLE'S LIBERATION ARMY``) and
``core`` without the ``'s`` (``Un's`` -> ``un``), so a name may end on either.

Normalisation runs once per distinct word (cached), so scanning costs one regular
expression pass and one dictionary look-up per word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from screenwise.names import normalize_name

__all__ = ["Tokens", "tokenize_text"]

_WORD = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*", re.U)
_POSSESSIVE = re.compile(r"^(.+?)['’ʼ][sS]$")
_NORM_CACHE: dict[str, tuple[str, ...]] = {}


def _normalize_word(word: str) -> tuple[str, ...]:
    pieces = _NORM_CACHE.get(word)
    if pieces is None:
        norm = normalize_name(word)
        pieces = tuple(norm.split(" ")) if norm else ()
        if len(_NORM_CACHE) < 500_000:
            _NORM_CACHE[word] = pieces
    return pieces


@dataclass
class Tokens:
    """Parallel arrays describing the tokens of one text, in text order.

    Attributes:
        norm: normalised token (lower-case ASCII), possessive included.
        core: normalised token without a possessive ``'s`` (equals ``norm`` otherwise).
        start, end: offsets of the word in the text (end exclusive, ``'s`` included).
        core_end: end offset of the word without its possessive ``'s``.
        cap: the word starts with an upper-case letter (or is in a caseless script).
        upper: the word is all upper case and at least two letters long.
        possessive: the word carried a possessive ``'s``.
    """

    norm: list[str] = field(default_factory=list)
    core: list[str] = field(default_factory=list)
    core_end: list[int] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    end: list[int] = field(default_factory=list)
    cap: list[bool] = field(default_factory=list)
    upper: list[bool] = field(default_factory=list)
    possessive: list[bool] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.norm)


def tokenize_text(text: str, masked: list[tuple[int, int]] | None = None) -> Tokens:
    """Split a text into normalised word tokens, skipping masked ranges.

    Args:
        text: the text.
        masked: ranges never scanned (markup, link targets); replaced by spaces first, so
            offsets are unchanged.

    Returns:
        :class:`Tokens`; empty for a text without words.
    """
    if masked:
        parts: list[str] = []
        cursor = 0
        for start, end in masked:
            if start < cursor:
                start = cursor
            if end <= start:
                continue
            parts.append(text[cursor:start])
            parts.append(" " * (end - start))
            cursor = end
        parts.append(text[cursor:])
        text = "".join(parts)
    words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
    infos = [_word_info(word) for word, _s, _e in words]
    if all(info[6] for info in infos):
        # Fast path: every word normalises to exactly one token.
        kept = [(w, info) for w, info in zip(words, infos, strict=True) if info[0]]
        return Tokens(
            norm=[info[0][0] for _w, info in kept],
            core=[info[1][0] for _w, info in kept],
            core_end=[w[1] + info[2] for w, info in kept],
            start=[w[1] for w, _info in kept],
            end=[w[2] for w, _info in kept],
            cap=[info[4] for _w, info in kept],
            upper=[info[5] for _w, info in kept],
            possessive=[info[3] for _w, info in kept],
        )
    tokens = Tokens()
    for (_word, start, end), info in zip(words, infos, strict=True):
        pieces, core_pieces, core_len, possessive, cap, upper, _single = info
        last = len(pieces) - 1
        for k, piece in enumerate(pieces):
            tokens.norm.append(piece)
            tokens.core.append(core_pieces[-1] if k == last else piece)
            tokens.start.append(start)
            tokens.end.append(end)
            tokens.core_end.append(start + core_len if k == last else end)
            tokens.cap.append(cap)
            tokens.upper.append(upper)
            tokens.possessive.append(possessive)
    return tokens


_INFO_CACHE: dict[str, tuple[tuple[str, ...], tuple[str, ...], int, bool, bool, bool, bool]] = {}


def _word_info(
    word: str,
) -> tuple[tuple[str, ...], tuple[str, ...], int, bool, bool, bool, bool]:
    """Return (pieces, core pieces, core length, possessive, cap, upper, single-or-empty)."""
    info = _INFO_CACHE.get(word)
    if info is not None:
        return info
    pieces = _normalize_word(word)
    core_pieces = pieces
    core_len = len(word)
    possessive = False
    if pieces and len(word) > 2 and word[-2] in "'’ʼ" and word[-1] in "sS":
        found = _POSSESSIVE.match(word)
        if found:
            possessive = True
            core_len = len(found.group(1))
            core_pieces = _normalize_word(found.group(1)) or pieces
    first = word[0]
    cap = first.isupper() or (first.isalpha() and not first.islower())
    upper = len(word) > 1 and word.isupper()
    single = len(pieces) <= 1 and len(core_pieces) <= 1
    info = (pieces, core_pieces, core_len, possessive, cap, upper, single)
    if len(_INFO_CACHE) < 500_000:
        _INFO_CACHE[word] = info
    return info
