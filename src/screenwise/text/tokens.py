"""Word tokens of a text with their offsets, normalised like list names.

Each word of the text becomes one or more tokens normalised by
:func:`screenwise.names.normalize_name` (the name-screening pipeline: NFKC, case-folding,
transliteration to Latin, punctuation removal), so a text token and a list-name token
compare equal exactly when name screening would call the two words equal. A word that
transliterates to several Latin words gives several tokens with the same offsets, except
a run of Han or Hangul letters, which stays one token (its syllables glued): a single
syllable is no name. A word with a possessive ``'s`` keeps both forms: ``norm`` as the list
normaliser sees it (``People's`` -> ``peoples``, as in ``PEOPLE'S LIBERATION ARMY``) and
``core`` without the ``'s`` (``Un's`` -> ``un``), so a name may end on either.

Normalisation runs once per distinct word (cached with everything else known about the
word), so tokenising costs one regular expression pass and one dictionary look-up per
word.
"""

from __future__ import annotations

import itertools
import operator
import re
from dataclasses import dataclass, field
from typing import Any

from screenwise.names import normalize_name
from screenwise.text.guards import COMMON_ZIPF, zipf_en

__all__ = ["CJK_RUN", "Tokens", "mask_text", "tokenize_text"]

_WORD = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*", re.U)
_WORD_SPLIT = re.compile(r"([^\W_]+(?:['’ʼ][^\W_]+)*)", re.U)
_POSSESSIVE = re.compile(r"^(.+?)['’ʼ][sS]$")
_NORM_CACHE: dict[str, tuple[str, ...]] = {}


#: Han and Hangul letters: the text runs words of these scripts together, so a word of
#: the tokenizer is a run of several names and words (Unicode blocks CJK Unified
#: Ideographs with extension A and compatibility ideographs, Hangul syllables and jamo).
CJK_RUN = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]"
)


def _normalize_word(word: str) -> tuple[str, ...]:
    pieces = _NORM_CACHE.get(word)
    if pieces is None:
        norm = normalize_name(word)
        pieces = tuple(norm.split(" ")) if norm else ()
        if len(pieces) > 1 and CJK_RUN.search(word):
            # One syllable of a Han or Hangul run is no word ("hua", "ji"): the run stays
            # one token, and names in it are found whole (mentions' CJK pass).
            pieces = ("".join(pieces),)
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
        gaps: ``gaps[k]`` is the text between token k and token k + 1 (masked markup
            appears as :data:`MARKUP_FILL`).
        rare: the word is capitalised and not an ordinary English word (Zipf frequency
            below :data:`screenwise.text.guards.COMMON_ZIPF`); misspellings are looked
            for only near such words.
    """

    norm: list[str] = field(default_factory=list)
    core: list[str] = field(default_factory=list)
    core_end: list[int] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    end: list[int] = field(default_factory=list)
    cap: list[bool] = field(default_factory=list)
    upper: list[bool] = field(default_factory=list)
    possessive: list[bool] = field(default_factory=list)
    rare: list[bool] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    _caps: list[int] | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.norm)

    @property
    def caps(self) -> list[int]:
        """Indexes of the capitalised tokens, in order (computed once)."""
        if self._caps is None:
            self._caps = [k for k, capital in enumerate(self.cap) if capital]
        return self._caps


#: Fills masked markup for tokenising: neither a word character nor a joining one, so a
#: name never runs across markup (gaps stay breaks, as in the original text).
MARKUP_FILL = "\x1f"


def mask_text(text: str, masked: list[tuple[int, int]], fill: str = " ") -> str:
    """Return ``text`` with the ``masked`` ranges (markup) replaced by ``fill``; offsets kept.

    Args:
        text: the text.
        masked: sorted ``(start, end)`` ranges, end exclusive; overlaps are allowed.
        fill: one character repeated over each range (spaces for reading; see
            :data:`MARKUP_FILL` for tokenising).
    """
    parts: list[str] = []
    cursor = 0
    for start, end in masked:
        if start < cursor:
            start = cursor
        if end <= start:
            continue
        parts.append(text[cursor:start])
        parts.append(fill * (end - start))
        cursor = end
    parts.append(text[cursor:])
    return "".join(parts)


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
        text = mask_text(text, masked, MARKUP_FILL)
    # One split gives the words at odd and the gaps at even positions; offsets follow
    # from the running sum of the pieces' lengths.
    parts = _WORD_SPLIT.split(text)
    words = parts[1::2]
    if not words:
        return Tokens()
    n = len(words)
    offsets = list(itertools.accumulate(map(len, parts)))
    starts = offsets[0 : 2 * n : 2]
    ends = offsets[1 : 2 * n : 2]
    gaps = parts[2 : 2 * n : 2]
    get = _INFO_CACHE.get
    infos = [get(word) or _word_info(word) for word in words]
    # The descriptions laid end to end: field f of word k is at 8 * k + f (transposing by
    # strided slices is several times cheaper than zip(*infos)).
    flat = list(itertools.chain.from_iterable(infos))
    norm = flat[0::_INFO_FIELDS]
    if None not in norm:
        # Fast path: every word normalises to exactly one token.
        return Tokens(
            norm=norm,
            core=flat[1::_INFO_FIELDS],
            core_end=list(map(operator.add, starts, flat[2::_INFO_FIELDS])),
            start=starts,
            end=ends,
            cap=flat[4::_INFO_FIELDS],
            upper=flat[5::_INFO_FIELDS],
            possessive=flat[3::_INFO_FIELDS],
            rare=flat[6::_INFO_FIELDS],
            gaps=gaps,
        )
    tokens = Tokens()
    for start, end, info in zip(starts, ends, infos, strict=True):
        if info[0] is not None:
            pieces: tuple[str, ...] = (info[0],)
            core_pieces: tuple[str, ...] = (info[1],)
            core_len, possessive, cap, upper, rare = info[2:7]
        else:
            pieces, core_pieces, core_len, possessive, cap, upper, rare = info[7]
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
            tokens.rare.append(rare)
    # Pieces of one word share its offsets: the gap between them is empty.
    tokens.gaps = [text[e:s] for e, s in zip(tokens.end[:-1], tokens.start[1:], strict=True)]
    return tokens


#: word -> (norm, core, core length, possessive, cap, upper, rare, None) for a word that
#: normalises to one token; (None, None, ..., (pieces, core pieces, core length,
#: possessive, cap, upper, rare)) otherwise: always :data:`_INFO_FIELDS` fields.
_INFO_CACHE: dict[str, tuple[Any, ...]] = {}
_INFO_FIELDS = 8


def _word_info(word: str) -> tuple[Any, ...]:
    """Return the cached description of one word (see :data:`_INFO_CACHE`)."""
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
    rare = cap and bool(core_pieces) and zipf_en(core_pieces[-1]) < COMMON_ZIPF
    info: tuple[Any, ...]
    if len(pieces) == 1 and len(core_pieces) == 1:
        info = (pieces[0], core_pieces[0], core_len, possessive, cap, upper, rare, None)
    else:
        detail = (pieces, core_pieces, core_len, possessive, cap, upper, rare)
        info = (None, None, core_len, possessive, cap, upper, rare, detail)
    if len(_INFO_CACHE) < 500_000:
        _INFO_CACHE[word] = info
    return info
