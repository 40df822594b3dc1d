"""Find mentions of listed parties in a tokenised text.

Two passes over the tokens (:mod:`screenwise.text.tokens`) against the phrase index
(:mod:`screenwise.text.phrases`):

1. **List names.** At each token the longest listed phrase that starts there is tried
   first; a phrase may not cross sentence punctuation or a line break. A match must pass
   the guards (:mod:`screenwise.text.guards`):

   * a one-word person name never stands alone (lone given names and surnames);
   * a one-word vessel or aircraft name stands only after a craft word ("the yacht Tango");
   * a one-word organisation name stands when capitalised, not an ordinary word, not a
     country or city, and not embedded in a longer proper name; an acronym also needs the
     text to write it in capitals;
   * a name made only of ordinary words ("green light", "the base") stands only in title
     case, with two words of three letters or more, not embedded in a longer name.

   Misspellings: when no exact phrase starts at a capitalised word, one token of a two- to
   four-token name may differ by one edit (two from eight letters on), and a one-word
   organisation name of eight letters or more by up to two edits.
2. **References the text sets up.** A short form the text defines in parentheses after a
   mention (``... Corps (IRGC)``, ``... of Russia (Sberbank)``) refers to that party from
   then on; an acronym defined after a name that is not listed refers to that other party
   and suppresses list matches of it. After a person's full mention, the surname alone
   refers to the person (``Peskov``, ``Mr. Kim``); after an organisation's, its distinctive
   word does (``Wagner`` after ``Wagner Group``). A surname after a title ("President
   Putin") or before a rule word ("the Assad regime") refers to the listed persons of that
   surname even without a full mention, with a lower name score.

The output is a list of :class:`Found` spans with the entities they may name and a name
score each; :mod:`screenwise.text.context` turns them into scored mentions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from rapidfuzz.distance import Levenshtein

from screenwise.text.countries import is_country_phrase
from screenwise.text.guards import (
    ACRONYM_MAX_ZIPF,
    COMMON_ZIPF,
    SINGLE_NAME_MAX_ZIPF,
    is_common_word,
    is_stopword,
    is_title_word,
    zipf,
    zipf_en,
)
from screenwise.text.phrases import KIND_SCORES, NameVariant, PhraseIndex, _deletion_keys
from screenwise.text.tokens import Tokens
from screenwise.text.wordlists import load_wordlist, phrase_list

__all__ = ["Found", "find_mentions"]

_WORDS = "text_words.yml"
_GAP_OK = re.compile(r"[ \t\u00a0\-‐‑–'’.]*\Z")
_DEFINITION = re.compile(
    r"\s*\(\s*(?:the\s+|hereafter\s+|or\s+|a\.k\.a\.\s+|also\s+known\s+as\s+)?[\"“'‘]?"
    r"([^()\"”’\n]{1,60}?)[\"”'’]?\s*\)"
)
#: Name score of a surname after a title or before a rule word, without a full mention.
TITLE_SURNAME_SCORE = 0.78
#: Name score lost per edit of a misspelt token.
EDIT_PENALTY = 0.06


@dataclass
class Found:
    """A span of the text that may name listed entities.

    Attributes:
        first, last: token range (``last`` exclusive).
        start, end: character range in the text.
        candidates: entity id -> (name score in [0, 1], the variant matched).
        how: how the span was found (``exact``, ``fuzzy``, ``surname``, ``short form``,
            ``title``).
        inherit: for references (surname, short form), the entity ids whose earlier full
            mention's score the reference takes over.
    """

    first: int
    last: int
    start: int
    end: int
    candidates: dict[str, tuple[float, NameVariant]] = field(default_factory=dict)
    how: str = "exact"
    inherit: bool = False


@cache
def _craft_cues() -> dict[str, frozenset[str]]:
    data = load_wordlist(_WORDS, "CRAFT_CUES")
    return {schema: frozenset(str(w).lower() for w in words) for schema, words in data.items()}


_PARTICLE_WORDS = frozenset(
    {"al", "el", "bin", "ibn", "abu", "abd", "de", "da", "van", "von", "ul"}
)


@cache
def _title_groups(word: str) -> frozenset[str]:
    from screenwise.text.context import role_groups_of

    return frozenset(role_groups_of([word]))


@cache
def _position_groups(position: str) -> frozenset[str]:
    from screenwise.text.context import position_groups

    return position_groups(position)


@cache
def _place_cues() -> frozenset[str]:
    return frozenset(phrase_list(_WORDS, "PLACE_CUES"))


@cache
def _rule_words() -> frozenset[str]:
    return frozenset(phrase_list(_WORDS, "RULE_WORDS"))


@cache
def _generic_org_words() -> frozenset[str]:
    return frozenset(phrase_list(_WORDS, "ORG_GENERIC"))


class _Scan:
    """State of one scan of one text."""

    def __init__(self, text: str, tokens: Tokens, index: PhraseIndex) -> None:
        self.text = text
        self.t = tokens
        self.index = index
        self.n = len(tokens)
        # run_end[k]: last token index reachable from k without crossing a break.
        self.run_end = self._runs()
        self.defined_first: set[str] = set()

    def _runs(self) -> list[int]:
        t = self.t
        text = self.text
        n = self.n
        run_end = [0] * n
        last = n - 1
        for k in range(n - 1, -1, -1):
            if k < n - 1:
                gap = text[t.end[k] : t.start[k + 1]]
                joined = not gap or (
                    _GAP_OK.match(gap) is not None
                    and ("." not in gap or t.end[k] - t.start[k] <= 3)
                )
                if not joined:
                    last = k
            run_end[k] = last
        return run_end

    # -- token helpers -------------------------------------------------------------------

    def gap_ok(self, a: int, b: int) -> bool:
        """True when tokens a..b-1 are joined only by spaces, hyphens or abbreviation dots."""
        return b - 1 <= self.run_end[a] if a < self.n else False

    def is_namey(self, k: int) -> bool:
        """True when token k is a capitalised word that can be part of another proper name."""
        t = self.t
        if k < 0 or k >= self.n or not t.cap[k]:
            return False
        word = t.core[k]
        if t.upper[k] or word.isdigit() or is_stopword(word) or is_title_word(word):
            return False
        before = self.text[max(0, t.start[k] - 3) : t.start[k]].rstrip(" \t\"“'‘(")
        if k == 0 or not before or before[-1] in ".!?:\n":
            return False  # a sentence-initial capital says nothing
        return not is_country_phrase((word,))

    def embedded(self, a: int, b: int) -> bool:
        """True when the span a..b-1 is directly joined to another capitalised name word.

        With ``a == b`` only the word after ``b - 1`` is looked at.
        """
        t = self.t
        if a == b:
            a = b + 1
        elif a > 0 and self.is_namey(a - 1) and not t.possessive[a - 1]:
            gap = self.text[t.end[a - 1] : t.start[a]]
            if _GAP_OK.match(gap) and "." not in gap:
                return True
        if b < self.n and self.is_namey(b) and not t.possessive[b - 1]:
            gap = self.text[t.end[b - 1] : t.start[b]]
            if _GAP_OK.match(gap) and "." not in gap:
                return True
        # "National Bank of Egypt": the match is the head of a longer name.
        return (
            b + 1 < self.n
            and t.norm[b] == "of"
            and self.is_namey(b + 1)
            and self.gap_ok(b - 1, b + 2)
        )

    def after_place_cue(self, a: int) -> bool:
        """True when token a follows a place word: "the city of Ibadan", "the port Ibadan"."""
        t = self.t
        places = _place_cues()
        if a >= 2 and t.norm[a - 1] == "of" and t.norm[a - 2] in places:
            return True
        return a >= 1 and t.norm[a - 1] in places

    # -- guards --------------------------------------------------------------------------

    def accept(self, a: int, b: int, variants: list[NameVariant]) -> list[NameVariant]:
        """Return the variants whose match on tokens a..b-1 passes the guards."""
        t = self.t
        facts = self.index.facts
        tokens = variants[0].tokens
        caps = [t.cap[k] for k in range(a, b)]
        if not any(caps):
            return []
        if len(tokens) == 1:
            return self._accept_single(a, variants)
        significant = [k for k in range(a, b) if not is_stopword(t.core[k]) and len(t.core[k]) >= 2]
        acronyms = [k for k in significant if t.upper[k] and len(t.core[k]) <= 5]
        persons = all(facts[v.entity_id].schema == "Person" for v in variants)
        if persons and not t.cap[a]:
            return []
        if (
            not persons
            and not acronyms
            and all(is_common_word(t.core[k], english=True) for k in significant)
        ):
            if not all(t.cap[k] for k in significant) or self.embedded(a, b):
                return []
            long_words = [k for k in significant if len(t.core[k]) >= 3]
            if not long_words:
                return []
            if len(long_words) < 2 and zipf(t.core[long_words[0]]) >= SINGLE_NAME_MAX_ZIPF:
                return []
        if (
            len(tokens) <= 2
            and self.embedded(b, b)
            and all(facts[v.entity_id].schema == "Person" for v in variants)
        ):
            # "Kim Cheol Hwan" is not a form of a listed two-token "Kim Cheol".
            return []
        return variants

    def _accept_single(self, a: int, variants: list[NameVariant]) -> list[NameVariant]:
        t = self.t
        word = t.core[a]
        facts = self.index.facts
        out: list[NameVariant] = []
        cues = _craft_cues()
        previous = t.core[a - 1] if a > 0 else ""
        for variant in variants:
            schema = facts[variant.entity_id].schema
            if schema == "Person":
                continue
            if schema in cues:
                if previous in cues[schema]:
                    out.append(variant)
                continue
            if len(word) < 2 or not t.cap[a] or is_country_phrase((word,)):
                continue
            frequency = zipf(word)
            if t.upper[a] and len(word) <= 5:
                # An acronym in the text: ambiguous unless rare.
                if frequency >= ACRONYM_MAX_ZIPF:
                    continue
            elif frequency >= SINGLE_NAME_MAX_ZIPF:
                continue
            if self.embedded(a, a + 1) or self.after_place_cue(a):
                continue
            out.append(variant)
        return out

    # -- pass 1 --------------------------------------------------------------------------

    def exact_at(self, i: int) -> Found | None:
        t = self.t
        index = self.index
        lengths = index.lengths.get(t.norm[i], ())
        if t.possessive[i]:
            lengths = tuple(sorted({*lengths, *index.lengths.get(t.core[i], ())}, reverse=True))
        if not lengths:
            return None
        limit = self.run_end[i] + 1
        pairs = index.pairs
        second = (t.norm[i + 1], t.core[i + 1]) if i + 1 < limit else ("", "")
        first = (t.norm[i], t.core[i])
        has_pair = any((f, s) in pairs for f in first for s in second)
        for length in lengths:
            b = i + length
            if b > limit or (length > 1 and not has_pair):
                continue
            heads = [t.norm[i : b - 1]]
            if length > 1 and t.possessive[i]:
                heads.append([t.core[i], *t.norm[i + 1 : b - 1]])
            for head in heads:
                for last, end in (
                    (t.norm[b - 1], t.end[b - 1]),
                    (t.core[b - 1], t.core_end[b - 1]),
                ):
                    variants = index.phrases.get((*head, last))
                    if not variants:
                        continue
                    accepted = self.accept(i, b, variants)
                    if accepted:
                        return self._found(i, b, end, accepted, "exact", 0)
                    break
        return None

    def fuzzy_at(self, i: int) -> Found | None:
        t = self.t
        if not t.cap[i] or (t.upper[i] and len(t.core[i]) <= 5):
            return None
        index = self.index
        for length in (4, 3, 2):
            b = i + length
            if b > self.n or not self.gap_ok(i, b):
                continue
            words = [*t.norm[i : b - 1], t.core[b - 1]]
            if not all(t.cap[k] or is_stopword(t.norm[k]) for k in range(i, b)):
                continue
            for k in range(length):
                key = (*words[:k], "*", *words[k + 1 :])
                entries = index.wildcards.get(key)
                if not entries:
                    continue
                text_word = words[k]
                if is_common_word(text_word, english=True):
                    continue
                best: list[NameVariant] = []
                distance = 0
                for variant, position in entries:
                    listed = variant.tokens[position]
                    if listed == text_word or abs(len(listed) - len(text_word)) > 2:
                        continue
                    allowed = 2 if len(listed) >= 8 else 1
                    d = Levenshtein.distance(listed, text_word, score_cutoff=allowed)
                    if (d <= allowed and listed[0] == text_word[0]) or (
                        d <= allowed and len(listed) >= 8
                    ):
                        best.append(variant)
                        distance = d
                if best:
                    accepted = self.accept(i, b, best)
                    if accepted:
                        return self._found(i, b, t.core_end[b - 1], accepted, "fuzzy", distance)
        word = t.core[i]
        if len(word) >= 8 and zipf(word) < COMMON_ZIPF:
            best = []
            distance = 0
            seen: set[str] = set()
            for deletion in _deletion_keys(word):
                for variant in index.deletions.get(deletion, ()):
                    if variant.entity_id in seen:
                        continue
                    allowed = 2 if len(variant.tokens[0]) >= 10 else 1
                    d = Levenshtein.distance(variant.tokens[0], word, score_cutoff=allowed)
                    if 0 < d <= allowed:
                        seen.add(variant.entity_id)
                        best.append(variant)
                        distance = d
            if best:
                accepted = self._accept_single(i, best)
                if accepted:
                    return self._found(i, i + 1, t.core_end[i], accepted, "fuzzy", distance)
        return None

    def _found(
        self, a: int, b: int, end: int, variants: list[NameVariant], how: str, distance: int
    ) -> Found:
        found = Found(a, b, self.t.start[a], end, how=how)
        for variant in variants:
            score = KIND_SCORES[variant.kind] - EDIT_PENALTY * distance
            previous = found.candidates.get(variant.entity_id)
            if previous is None or previous[0] < score:
                found.candidates[variant.entity_id] = (round(score, 4), variant)
        return found

    def pass_one(self) -> list[Found]:
        t = self.t
        lengths = self.index.lengths
        rare = [t.cap[k] and zipf_en(t.core[k]) < COMMON_ZIPF for k in range(self.n)]
        spans: list[Found] = []
        i = 0
        n = self.n
        while i < n:
            found = None
            if t.norm[i] in lengths or t.possessive[i]:
                found = self.exact_at(i)
            if found is None and t.cap[i] and any(rare[i : i + 4]):
                found = self.fuzzy_at(i)
            if found is None:
                i += 1
                continue
            spans.append(found)
            i = found.last
        return spans

    # -- pass 2 --------------------------------------------------------------------------

    def definition_after(self, end: int) -> tuple[tuple[str, ...], int] | None:
        """Return the short form defined in parentheses right after offset ``end``."""
        match = _DEFINITION.match(self.text, end)
        if not match:
            return None
        from screenwise.names import tokenize_name

        tokens = tuple(tokenize_name(match.group(1)))
        if not 1 <= len(tokens) <= 4 or not match.group(1)[:1].isupper():
            return None
        return tokens, match.end()

    def token_at(self, offset: int) -> int:
        """Index of the first token starting at or after ``offset``."""
        import bisect

        return bisect.bisect_left(self.t.start, offset)

    def pass_two(self, spans: list[Found]) -> list[Found]:
        t = self.t
        # Short forms defined by the text: phrase -> (first valid token, entity ids or None).
        defined: dict[tuple[str, ...], tuple[int, list[str] | None]] = {}
        for found in spans:
            definition = self.definition_after(found.end)
            if definition:
                tokens, def_end = definition
                defined.setdefault(tokens, (self.token_at(def_end), list(found.candidates)))
        for match in re.finditer(
            r"\(\s*[\"“']?([A-Z][A-Za-z0-9&\-]{1,9})[\"”']?\s*\)|, or ([A-Z][A-Z0-9&\-]{1,7})\b",
            self.text,
        ):
            from screenwise.names import tokenize_name

            tokens = tuple(tokenize_name(match.group(1) or match.group(2)))
            if tokens and tokens not in defined:
                before = self.token_at(match.start()) - 1
                if before >= 0 and t.cap[before]:
                    defined[tokens] = (self.token_at(match.end()), None)
        # Drop list matches of an acronym the text defines for another (unlisted) party.
        kept: list[Found] = []
        for found in spans:
            span_key = tuple(t.norm[found.first : found.last])
            span_core = tuple(t.core[found.first : found.last])
            local = defined.get(span_key) or defined.get(span_core)
            if local is not None and found.first >= local[0] - 1:
                owners = local[1]
                if owners is None:
                    continue
                if not set(owners) & set(found.candidates):
                    continue
            kept.append(found)
        spans = kept
        self.defined_first = {key[0] for key, value in defined.items() if value[1] is not None}
        covered = [False] * self.n
        for found in spans:
            for k in range(found.first, found.last):
                covered[k] = True
        # Back-references: token -> (first valid token index, entity ids), latest wins.
        refs: dict[str, list[tuple[int, list[str]]]] = {}
        generic = _generic_org_words()
        for found in spans:
            if found.how not in ("exact", "fuzzy"):
                continue
            by_schema: dict[str, list[str]] = {}
            for entity_id in found.candidates:
                by_schema.setdefault(self.index.facts[entity_id].schema, []).append(entity_id)
            for schema, ids in by_schema.items():
                if schema == "Person":
                    names = {s for eid in ids for s in self.index.facts[eid].surnames}
                    words = [
                        t.core[k] for k in range(found.first, found.last) if t.core[k] in names
                    ]
                else:
                    words = self._org_short_words(found)
                for word in words:
                    refs.setdefault(word, []).append((found.last, ids))
        extra: list[Found] = []
        i = 0
        while i < self.n:
            if covered[i]:
                i += 1
                continue
            reference = (
                self._defined_at(i, defined)
                or self._reference_at(i, refs)
                or self._title_surname_at(i)
            )
            if reference is not None:
                extra.append(reference)
                i = reference.last
                continue
            i += 1
        del generic
        return sorted(spans + extra, key=lambda f: f.start)

    def _org_short_words(self, found: Found) -> list[str]:
        t = self.t
        generic = _generic_org_words()
        words: list[str] = []
        span_words = [t.core[k] for k in range(found.first, found.last)]
        for k in range(found.first, found.last):
            word = t.core[k]
            if not t.cap[k] or len(word) < 4 or word in generic or is_stopword(word):
                continue
            if is_country_phrase((word,)):
                continue
            others = [w for w in span_words if w != word]
            if zipf(word) < COMMON_ZIPF or (others and all(w in generic for w in others)):
                words.append(word)
        return words

    def _defined_at(
        self, i: int, defined: dict[tuple[str, ...], tuple[int, list[str] | None]]
    ) -> Found | None:
        t = self.t
        if t.norm[i] not in self.defined_first and t.core[i] not in self.defined_first:
            return None
        for length in (4, 3, 2, 1):
            b = i + length
            if b > self.n or not self.gap_ok(i, b):
                continue
            for key, end in (
                (tuple(t.norm[i:b]), t.end[b - 1]),
                ((*t.norm[i : b - 1], t.core[b - 1]), t.core_end[b - 1]),
            ):
                definition = defined.get(key)
                if definition is None or i < definition[0] or definition[1] is None:
                    continue
                if not t.cap[i]:
                    continue
                found = Found(i, b, t.start[i], end, how="short form", inherit=True)
                for entity_id in definition[1]:
                    variant = NameVariant(entity_id, " ".join(key), "text", "short", key)
                    found.candidates[entity_id] = (1.0, variant)
                return found
        return None

    def _reference_at(self, i: int, refs: dict[str, list[tuple[int, list[str]]]]) -> Found | None:
        t = self.t
        word = t.core[i]
        entries = refs.get(word)
        if not entries or not t.cap[i] or (t.upper[i] and len(word) <= 3):
            return None
        valid = [ids for first, ids in entries if first <= i]
        if not valid:
            return None
        if self.embedded(i, i + 1) and not (i > 0 and is_title_word(t.core[i - 1])):
            return None
        ids = valid[-1]
        found = Found(i, i + 1, t.start[i], t.core_end[i], how="surname", inherit=True)
        for entity_id in ids:
            variant = NameVariant(entity_id, t.core[i], "text", "short", (word,))
            found.candidates[entity_id] = (1.0, variant)
        return found

    def _title_surname_at(self, i: int) -> Found | None:
        t = self.t
        if not t.cap[i] or t.upper[i]:
            return None
        word = t.core[i]
        ids = self.index.surnames.get(word)
        if not ids or len(ids) > 12 or zipf(word) >= 4.5:
            return None
        before = i > 0 and is_title_word(t.core[i - 1]) and self.gap_ok(i - 1, i + 1)
        after = i + 1 < self.n and t.core[i + 1] in _rule_words() and self.gap_ok(i, i + 2)
        if not (before or after):
            return None
        if i + 1 < self.n and self.is_namey(i + 1) and self.gap_ok(i, i + 2):
            return None
        if i + 1 < self.n and t.core[i + 1] in _PARTICLE_WORDS and self.gap_ok(i, i + 2):
            return None
        wanted = _title_groups(t.core[i - 1]) if before else frozenset({"head_of_state"})
        ids = [
            eid
            for eid in ids
            if wanted & set().union(*(_position_groups(p) for p in self.index.facts[eid].positions))
        ]
        if not ids:
            return None
        found = Found(i, i + 1, t.start[i], t.core_end[i], how="title")
        for entity_id in ids:
            variant = NameVariant(entity_id, word, "text", "short", (word,))
            found.candidates[entity_id] = (TITLE_SURNAME_SCORE, variant)
        return found


def find_mentions(text: str, tokens: Tokens, index: PhraseIndex) -> list[Found]:
    """Find every span of a text that may name a listed entity.

    Args:
        text: the text the tokens come from.
        tokens: its tokens (:func:`screenwise.text.tokens.tokenize_text`).
        index: the phrase index of the active lists.

    Returns:
        Spans in text order, each with its candidate entities and name scores in [0, 1];
        spans never overlap. Context scoring is left to :mod:`screenwise.text.context`.

    Data: ``text_words.yml::CRAFT_CUES``, ``RULE_WORDS``, ``ORG_GENERIC``, ``TITLES``,
    ``STOPWORDS``.
    """
    scan = _Scan(text, tokens, index)
    return scan.pass_two(scan.pass_one())
