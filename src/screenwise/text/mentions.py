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

   * a head form of an organisation name (:mod:`screenwise.text.phrases`: "State Duma",
     "Sepehr Energy", "Huawei") and a frequent acronym ("VEB", zipf 3-4) stand only in
     context: the sentence names the entity's country, or the entity was found earlier;
   * a frequent acronym of four letters or more that a list gives as a name ("ISIS")
     also stands in a text that uses the vocabulary of sanctions reporting.

   Misspellings: when no exact phrase starts at a capitalised word, one token of a two- to
   four-token name may differ by one edit (two from eight letters on), and a one-word
   organisation name of eight letters or more by up to two edits. Person names with
   Arabic articles are also compared glued ("Abd ar-Rahman al-Qaduli").
2. **References the text sets up.** A short form the text defines in parentheses after a
   mention (``... Corps (IRGC)``, ``... of Russia (Sberbank)``) refers to that party from
   then on; an acronym defined after a name that is not listed refers to that other party
   and suppresses list matches of it. After a person's full mention, the surname alone
   refers to the person (``Peskov``, ``Mr. Kim``); after an organisation's, its distinctive
   word does (``Wagner`` after ``Wagner Group``). A surname after a title ("President
   Putin") or before a rule word ("the Assad regime") refers to the listed persons of that
   surname even without a full mention, with a lower name score; so does a famous surname
   (frequent in English text) of exactly one listed head of state or government ("Putin's
   war"). A title-case headline may name by surname a person its story names in full.
   Coordinated phrases name each party ("the Russian and Syrian defense ministries", "the
   ministries of State Security and of People's Security", "Dzmitry and Viktar
   Lukashenka").

The output is a list of :class:`Found` spans with the entities they may name and a name
score each; :mod:`screenwise.text.context` turns them into scored mentions.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from rapidfuzz.distance import Levenshtein

from screenwise.text.countries import is_country_phrase, match_phrase_at, qualifier_phrases
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
from screenwise.text.inflection import has_cyrillic, russian_nominatives
from screenwise.text.phrases import (
    KIND_SCORES,
    NameVariant,
    PhraseIndex,
    _deletion_keys,
    glue_tokens,
    wildcard_key,
)
from screenwise.text.tokens import CJK_RUN, Tokens
from screenwise.text.wordlists import load_wordlist, phrase_list

__all__ = ["Found", "find_mentions"]

_WORDS = "text_words.yml"
_GAP_OK = re.compile(r"[ \t\u00a0\-‐‑–'’.&]*\Z")
_SENTENCE_GAP = re.compile(r"[.!?]\s|\n|[.!?][\"”’)]")
_DEFINITION = re.compile(
    r"\s*\(\s*(?:the\s+|hereafter\s+|or\s+|a\.k\.a\.\s+|also\s+known\s+as\s+)?[\"“'‘]?"
    r"([^()\"”’\n]{1,60}?)[\"”'’]?\s*\)"
)
#: Name score of a surname after a title or before a rule word, without a full mention.
TITLE_SURNAME_SCORE = 0.78
#: Name score lost per edit of a misspelt token.
EDIT_PENALTY = 0.06
#: A frequent acronym carried by several lists stands in sanctions reporting below this
#: Zipf frequency.
ESTABLISHED_ACRONYM_MAX_ZIPF = 4.5
#: An acronym alias of at most this many letters stands only with support from the text
#: (:meth:`_Scan._acronym_supported`), like the head form of an organisation name.
SHORT_ACRONYM_LEN = 4
#: A short acronym that at least this many lists give as a name stands in sanctions
#: reporting without its country.
ACRONYM_SUPPORT_LISTS = 2
#: A one-word name of at most this many letters is a syllable unless the text writes it
#: in capitals as an acronym (then :data:`SHORT_ACRONYM_LEN` applies).
SYLLABLE_MAX_LEN = 3
#: Name score of a coordinated mention ("the ministries of X and of Y").
COORDINATED_SCORE = 0.9
#: A famous surname (English Zipf frequency at or above this) of exactly one listed head of
#: state or government refers to that person alone ("Putin's war").
FAMOUS_SURNAME_ZIPF = 4.0


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
        qualifiers: country codes the text gives the span from outside it (the "Syrian"
            of "the Russian and Syrian defense ministries"); empty when the words before
            the span say it.
        score_cap: the highest name score the span may give (coordinated phrases).
        context: countries its sentence names (else the text's most named countries), to
            tell apart organisations of the same name in different countries.
    """

    first: int
    last: int
    start: int
    end: int
    candidates: dict[str, tuple[float, NameVariant]] = field(default_factory=dict)
    how: str = "exact"
    inherit: bool = False
    qualifiers: set[str] = field(default_factory=set)
    score_cap: float = 1.0
    context: frozenset[str] = frozenset()


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


#: gap between two tokens -> (joined, has a dot, line break, sentence end); "" when the
#: gap is white space within a line.
_GAP_KINDS: dict[str, tuple[bool, bool, bool, bool] | tuple[()]] = {}


def _gap_kind(gap: str) -> tuple[bool, bool, bool, bool] | tuple[()]:
    joined = _GAP_OK.match(gap) is not None
    kind: tuple[bool, bool, bool, bool] | tuple[()] = (
        joined,
        "." in gap,
        "\n" in gap,
        _SENTENCE_GAP.search(gap) is not None,
    )
    if joined and not any(kind[1:]):
        kind = ()
    if len(_GAP_KINDS) < 10_000:
        _GAP_KINDS[gap] = kind
    return kind


@cache
def _qualifier_firsts() -> frozenset[str]:
    return frozenset(phrase[0] for phrase in qualifier_phrases())


_QUALIFIER_MAX = 4
_NO_LENGTHS: frozenset[int] = frozenset()


@cache
def _glue_triggers() -> frozenset[str]:
    words = set(phrase_list(_WORDS, "ARABIC_ARTICLES"))
    words.update(str(k).lower() for k in load_wordlist(_WORDS, "GLUED_PREFIXES"))
    return frozenset(words)


@cache
def _plural_heads() -> dict[str, str]:
    data = load_wordlist(_WORDS, "PLURAL_HEADS")
    return {str(k).lower(): str(v).lower() for k, v in data.items()}


@cache
def _generic_org_words() -> frozenset[str]:
    return frozenset(phrase_list(_WORDS, "ORG_GENERIC"))


#: Scripts whose names the CJK pass reads: Hangul syllables, and Han ideographs.
_HANGUL = re.compile(r"[\uac00-\ud7a3]+\Z")
#: A Han name in a run of Han text is two to four ideographs; two-ideograph substrings of
#: running text match too many listed names by chance, so three at least are read.
_HAN_LENGTHS = (4, 3)
#: Combinations of nominative forms tried for one run of declined Cyrillic words.
MAX_DECLINED_FORMS = 64


@lru_cache(maxsize=20_000)
def _phrase_key(phrase: str) -> tuple[str, ...]:
    """The phrase-index key of a name as written, normalised whole like a list name.

    Whole, so that the rules that read a name as a unit apply (``Ким Чен Ын`` is a Korean
    name in Cyrillic: ``kim jong un``).
    """
    from screenwise.names import normalize_name

    return tuple((normalize_name(phrase) or "").split())


#: Name score lost by a Hangul name matched through its consonant key rather than its
#: spelling (``김정은`` -> ``kim jeong eun`` ~ ``KIM Jong Un``).
LOOSE_PENALTY = 0.05


@cache
def _korean_particles() -> tuple[str, ...]:
    return tuple(sorted(load_wordlist(_WORDS, "KOREAN_PARTICLES"), key=len, reverse=True))


_LooseKey = tuple[str, ...]
_CJK_KEYS: dict[int, tuple[PhraseIndex, dict[_LooseKey, list[NameVariant]]]] = {}


@cache
def _korean_surnames() -> frozenset[str]:
    return frozenset(str(w) for w in load_wordlist(_WORDS, "KOREAN_SURNAMES"))


def _cjk_keys(index: PhraseIndex) -> dict[_LooseKey, list[NameVariant]]:
    """Phonetic keys of the listed person names of three parts, for Hangul words.

    Returns:
        For person names of three parts (full or reordered forms), the phonetic key of each part (:func:`screenwise.names.phonetics.phonetic_key`),
        which Hangul spellings of DPRK names share with the lists' McCune-Reischauer
        spellings (``kim jeong eun`` and ``kim jong un``: ``km jng an``).
    """
    cached = _CJK_KEYS.get(id(index))
    if cached is not None and cached[0] is index:
        return cached[1]
    loose: dict[_LooseKey, list[NameVariant]] = {}
    facts = index.facts
    for phrase, variants in index.phrases.items():
        if len(phrase) != 3:
            continue
        people = [
            v for v in variants if v.kind in _WHOLE_KINDS and facts[v.entity_id].schema == "Person"
        ]
        if people:
            loose.setdefault(_phonetic_parts(phrase), []).extend(people)
    _CJK_KEYS[id(index)] = (index, loose)
    return loose


#: Forms of a listed name a Han or Hangul run must spell whole (no short or head forms).
_WHOLE_KINDS = frozenset({"full", "reordered"})


def _whole(variants: list[NameVariant] | None) -> list[NameVariant]:
    return [v for v in variants or () if v.kind in _WHOLE_KINDS]


def _phonetic_parts(parts: tuple[str, ...] | list[str]) -> _LooseKey:
    from screenwise.names.phonetics import phonetic_key

    return tuple(phonetic_key(part) for part in parts)


def _near_single_names(index: PhraseIndex, word: str) -> tuple[list[NameVariant], int]:
    """One-word organisation names within one or two edits of ``word``, cached per index.

    Returns the variants and the edit distance of the last one found.
    """
    cache = index.near_cache
    hit = cache.get(word)
    if hit is not None:
        return hit
    best: list[NameVariant] = []
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
    if len(cache) < 100_000:
        cache[word] = (best, distance)
    return best, distance


@lru_cache(maxsize=20_000)
def _nominative_keys(core: str, word: str) -> tuple[str, ...]:
    """``core`` then the normalised one-token nominative forms of a Cyrillic ``word``."""
    keys = [core]
    for form in russian_nominatives(word):
        key = _phrase_key(form)
        if len(key) == 1 and key[0] not in keys:
            keys.append(key[0])
    return tuple(keys)


class _Scan:
    """State of one scan of one text."""

    def __init__(
        self, text: str, tokens: Tokens, index: PhraseIndex, *, domain: bool = False
    ) -> None:
        self.text = text
        self.t = tokens
        self.index = index
        self.n = len(tokens)
        self.domain = domain
        #: indexes of the capitalised tokens (only they can start a name or a reference)
        self.caps = tokens.caps
        self.defined_first: set[str] = set()
        self._layout()
        #: entity ids accepted so far (earlier mentions give context to head forms)
        self.seen: set[str] = set()
        #: capitalised tokens written in Cyrillic (their words may be declined)
        self.cyrillic: frozenset[int] = (
            frozenset(k for k in self.caps if "\u0400" <= text[tokens.start[k]] <= "\u04ff")
            if has_cyrillic(text)
            else frozenset()
        )

    def _layout(self) -> None:
        """One pass over the gaps between tokens: runs, sentences, lines, countries.

        * ``run_end[k]``: the last token reachable from k without crossing a break
          (punctuation other than hyphens, apostrophes, ``&`` and abbreviation dots);
        * ``sentence[k]``: the sentence id of token k;
        * line breaks, for :meth:`title_line`;
        * ``sentence_countries``: sentence id -> countries it names
          (``text_countries.yml::QUALIFIERS``), and ``main_countries``: the countries the
          text names most (at least twice).
        """
        t = self.t
        text = self.text
        n = self.n
        starts = t.start
        ends = t.end
        gaps = t.gaps
        if len(gaps) != max(0, n - 1):
            gaps = [text[e:s] for e, s in zip(ends, starts[1:])]  # noqa: B905
        run_end = [n - 1] * n
        sentence = [0] * n
        breaks: list[int] = []
        sentence_breaks: list[int] = []
        line_breaks: list[int] = []
        kinds = _GAP_KINDS
        for k in [k for k, gap in enumerate(gaps) if gap != " "]:
            gap = gaps[k]
            kind = kinds.get(gap)
            if kind is None:
                kind = _gap_kind(gap)
            if not kind:
                continue
            joined, dotted, line, stop = kind
            length = ends[k] - starts[k]
            if not joined or (dotted and length > 3):
                breaks.append(k)
            if line:
                line_breaks.append(k)
                sentence_breaks.append(k)
            elif stop and length > 2:
                sentence_breaks.append(k)
        last = n - 1
        for k in reversed(breaks):
            run_end[k + 1 : last + 1] = [last] * (last - k)
            last = k
        run_end[: last + 1] = [last] * (last + 1)
        previous = 0
        for sid, k in enumerate(sentence_breaks):
            sentence[previous : k + 1] = [sid] * (k + 1 - previous)
            previous = k + 1
        sentence[previous:] = [len(sentence_breaks)] * (n - previous)
        self.run_end = run_end
        self.sentence = sentence
        self._line_breaks = line_breaks
        self._title_lines: dict[int, bool] = {}
        core = t.core
        table = qualifier_phrases()
        firsts = _qualifier_firsts()
        countries: dict[int, set[str]] = {}
        tally: dict[str, int] = {}
        for k in self.caps:
            if core[k] in firsts:
                hit = match_phrase_at(t, k, table, _QUALIFIER_MAX)
                if hit is None and t.possessive[k]:
                    code = table.get((core[k],))
                    hit = (code, 1) if code else None
                if hit:
                    countries.setdefault(sentence[k], set()).add(hit[0])
                    tally[hit[0]] = tally.get(hit[0], 0) + 1
        self.sentence_countries = countries
        top = max(tally.values(), default=0)
        self.main_countries = frozenset(c for c, v in tally.items() if v == top and v >= 2)

    def title_line(self, k: int) -> bool:
        """True when token k stands in a title-case line (a heading: most words capitalised)."""
        breaks = self._line_breaks
        line = bisect.bisect_left(breaks, k)
        cached = self._title_lines.get(line)
        if cached is not None:
            return cached
        a = breaks[line - 1] + 1 if line > 0 else 0
        b = breaks[line] + 1 if line < len(breaks) else self.n
        core = self.t.core
        cap = self.t.cap
        words = [j for j in range(a, b) if len(core[j]) >= 4 and not is_stopword(core[j])]
        title = len(words) >= 3 and sum(cap[j] for j in words) >= 0.8 * len(words)
        self._title_lines[line] = title
        return title

    def context_ok(self, a: int, variant: NameVariant) -> bool:
        """True when a short form at token a has context: its country or an earlier mention.

        The sentence must name one of the entity's countries (or the country its listed
        name ends with), or the entity was found earlier in the text. Head forms and
        frequent acronyms need this context.
        """
        if variant.entity_id in self.seen:
            return True
        b = a + len(variant.tokens)
        if b + 1 < self.n and self.t.norm[b] == "of" and self.t.cap[b + 1]:
            return False  # "People's Republic of China" is not a head of another name
        named = self.sentence_countries.get(self.sentence[a])
        if not named:
            return False
        fact = self.index.facts[variant.entity_id]
        return bool(named & fact.countries) or variant.country in named

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
            and (self.is_namey(b + 1) or (t.cap[b + 1] and is_country_phrase((t.core[b + 1],))))
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
        variants = [v for v in variants if v.kind != "head" or self.context_ok(a, v)]
        if not variants:
            return []
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
            if self.embedded(a, b):
                return []
            if not all(t.cap[k] for k in significant) and not self._state_organ(a, b):
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

    def _state_organ(self, a: int, b: int) -> bool:
        """True for "<Demonym> <generic organ words>" written in lower case: "the Syrian army".

        English writes a country's army or ministry in lower case after its demonym; the
        demonym itself is capitalised.
        """
        t = self.t
        if not t.cap[a] or not is_country_phrase((t.core[a],)):
            return False
        generic = _generic_org_words()
        return all(t.core[k] in generic for k in range(a + 1, b))

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
            if len(word) <= SYLLABLE_MAX_LEN and not t.upper[a]:
                # "Hua", "Ji", "Gan": one syllable of some name, not a name on its own.
                continue
            frequency = zipf(word)
            if (
                t.upper[a]
                and len(word) <= SHORT_ACRONYM_LEN
                and not self._acronym_supported(a, variant)
            ):
                # Three or four capitals name many parties ("ECI": an electoral
                # commission, a components maker): the text must support the listed one.
                continue
            if t.upper[a] and len(word) <= 5:
                # An acronym in the text: ambiguous unless rare, in context ("Russian
                # state bank VEB"), or established (``_established_acronym``).
                if (
                    frequency >= ACRONYM_MAX_ZIPF
                    and not (frequency < SINGLE_NAME_MAX_ZIPF and self.context_ok(a, variant))
                    and not self._established_acronym(a, frequency)
                ):
                    continue
            elif frequency >= SINGLE_NAME_MAX_ZIPF:
                continue
            if self.embedded(a, a + 1) or self.after_place_cue(a):
                continue
            out.append(variant)
        return out

    def _acronym_supported(self, a: int, variant: NameVariant) -> bool:
        """True when the text supports a short acronym at token a as the listed party.

        Support is the party's full name found earlier, or its country named in the
        sentence (:meth:`context_ok`) or throughout the text (the text's most named
        countries), or an established acronym of four letters (:meth:`_established_acronym`:
        "ISIS"), or, for an acronym that several lists (:data:`ACRONYM_SUPPORT_LISTS`)
        give as a name, a text in the vocabulary of sanctions reporting: one list's
        acronym in a sanctions story may stand for anything else ("ECI", an electoral
        commission, in a ticker beside a story about sanctions).
        """
        if self.context_ok(a, variant):
            return True
        fact = self.index.facts[variant.entity_id]
        if fact.countries & self.main_countries:
            return True
        word = self.t.core[a]
        if self._established_acronym(a, zipf(word)):
            return True
        return self.domain and self.index.acronym_lists.get(word, 0) >= ACRONYM_SUPPORT_LISTS

    def _established_acronym(self, a: int, frequency: float) -> bool:
        """True for a frequent acronym that several lists carry, in sanctions reporting ("ISIS").

        An acronym of four letters or more is frequent in general text because the party
        itself is much written about; a list naming the party so (not a form derived from
        a longer name) and a text that uses the vocabulary of sanctions reporting
        (``DOMAIN_TERMS``) make it that party. Acronyms of two or three letters (``IG``,
        ``NGO``) stay ambiguous.
        """
        t = self.t
        word = t.core[a]
        near = [k for k in range(max(0, a - 3), min(self.n, a + 4)) if k != a]
        if not any(t.core[k].isalpha() and not t.upper[k] for k in near):
            return False  # a line in capitals says nothing about acronyms
        return (
            self.domain
            and len(word) >= 4
            and frequency < ESTABLISHED_ACRONYM_MAX_ZIPF
            and self.index.acronym_lists.get(word, 0) >= 1
        )

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
        # Lengths worth trying: those of the phrases starting with the first two tokens.
        longer: frozenset[int] = _NO_LENGTHS
        if i + 1 < limit:
            pairs = index.pairs
            n0, c0, n1, c1 = t.norm[i], t.core[i], t.norm[i + 1], t.core[i + 1]
            longer = pairs.get((n0, n1), _NO_LENGTHS)
            if c0 != n0 or c1 != n1:
                for pair in ((n0, c1), (c0, n1), (c0, c1)):
                    longer = longer | pairs.get(pair, _NO_LENGTHS)
        for length in lengths:
            b = i + length
            if b > limit or (length > 1 and length not in longer):
                continue
            heads = [t.norm[i : b - 1]]
            if length > 1 and t.possessive[i]:
                heads.append([t.core[i], *t.norm[i + 1 : b - 1]])
            ends = [(t.norm[b - 1], t.end[b - 1])]
            if t.possessive[b - 1]:
                if t.norm[b - 1] == t.core[b - 1]:
                    ends = []  # the normaliser already dropped the 's
                ends.append((t.core[b - 1], t.core_end[b - 1]))
            for head in heads:
                for last, end in ends:
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
        name_tokens = index.name_tokens
        # One token of a listed name may differ: another token must be a listed one.
        has_anchor = not name_tokens.isdisjoint(t.norm[i : i + 4]) or not (
            name_tokens.isdisjoint(t.core[i : i + 4])
        )
        # Names run over capitalised words and function words, within one run (no break):
        # the window ends before the first other word.
        stop = min(i + 4, self.n, self.run_end[i] + 1)
        for k in range(i + 1, stop):
            if not t.cap[k] and not is_stopword(t.norm[k]):
                stop = k
                break
        for length in (4, 3, 2) if has_anchor else ():
            b = i + length
            if b > stop:
                continue
            words = [*t.norm[i : b - 1], t.core[b - 1]]
            if t.possessive[i]:
                words[0] = t.core[i]
            # A wildcard key's other tokens are tokens of listed names: only a position
            # whose other words are all listed name tokens can have entries.
            unlisted = [k for k, w in enumerate(words) if w not in name_tokens]
            if len(unlisted) > 1:
                continue
            for k in unlisted or range(length):
                entries = index.wildcards.get(wildcard_key(words, k))
                if not entries:
                    continue
                text_word = words[k]
                if is_common_word(text_word, english=True) and not any(
                    len(w) >= 5 and zipf(w) < COMMON_ZIPF for j, w in enumerate(words) if j != k
                ):
                    # An ordinary word is a misspelling only beside a rare name word
                    # ("Hassan Nasrallah" for "Hasan Nasrallah").
                    continue
                best: list[NameVariant] = []
                distance = 0
                for phrase in entries:
                    listed = phrase[k]
                    if listed == text_word or abs(len(listed) - len(text_word)) > 2:
                        continue
                    allowed = 2 if len(listed) >= 8 else 1
                    d = Levenshtein.distance(listed, text_word, score_cutoff=allowed)
                    if (d <= allowed and listed[0] == text_word[0]) or (
                        d <= allowed and len(listed) >= 8
                    ):
                        best.extend(v for v in index.phrases[phrase] if v.kind != "head")
                        distance = d
                if best:
                    accepted = self.accept(i, b, best)
                    if accepted:
                        return self._found(i, b, t.core_end[b - 1], accepted, "fuzzy", distance)
        word = t.core[i]
        if len(word) >= 8 and zipf(word) < COMMON_ZIPF:
            best, distance = _near_single_names(index, word)
            if best:
                accepted = self._accept_single(i, best)
                if accepted:
                    return self._found(i, i + 1, t.core_end[i], accepted, "fuzzy", distance)
        return None

    def context_countries(self, a: int) -> frozenset[str]:
        """Countries the sentence of token a names; else the text's most named countries."""
        named = self.sentence_countries.get(self.sentence[a])
        if named:
            return frozenset(named)
        return self.main_countries

    def _found(
        self, a: int, b: int, end: int, variants: list[NameVariant], how: str, distance: int
    ) -> Found:
        found = Found(a, b, self.t.start[a], end, how=how)
        found.context = self.context_countries(a)
        for variant in variants:
            score = KIND_SCORES[variant.kind] - EDIT_PENALTY * distance
            previous = found.candidates.get(variant.entity_id)
            if previous is None or previous[0] < score:
                found.candidates[variant.entity_id] = (round(score, 4), variant)
        return found

    def pass_one(self) -> list[Found]:
        t = self.t
        lengths = self.index.lengths
        norm = t.norm
        cap = t.cap
        rare = t.rare
        possessive = t.possessive
        triggers = _glue_triggers()
        # A name has a capitalised word: it starts at a capitalised word or just before
        # one ("al Qaeda", "the Wagner Group").
        pairs = self.index.pairs
        # A misspelt name of two to four words has its other words right.
        name_tokens = self.index.name_tokens
        named = [word in name_tokens for word in norm]
        for k in [k for k, flag in enumerate(possessive) if flag]:
            named[k] = named[k] or t.core[k] in name_tokens
        # Glued comparison where the word or one of the next two is an Arabic article.
        triggered = [word in triggers for word in norm]
        starts: list[int] = []
        previous = -1
        for k in self.caps:
            if (
                k - 1 > previous
                and k > 0
                and ((norm[k - 1], norm[k]) in pairs or (norm[k - 1], t.core[k]) in pairs)
            ):
                starts.append(k - 1)
            starts.append(k)
            previous = k
        spans: list[Found] = []
        resume = 0
        for i in starts:
            if i < resume:
                continue
            found = None
            if norm[i] in lengths or possessive[i]:
                found = self.exact_at(i)
            if found is None and i in self.cyrillic:
                found = self.declined_at(i)
            if found is None and cap[i]:
                if (True in named[i : i + 4] and (rare[i] or True in rare[i + 1 : i + 4])) or (
                    rare[i] and len(t.core[i]) >= 8
                ):
                    found = self.fuzzy_at(i)
                if found is None and True in triggered[i : i + 3]:
                    found = self.glued_at(i)
            if (
                found is None
                and self.text[t.start[i]] >= "\u1100"
                and CJK_RUN.match(self.text, t.start[i])
            ):
                cjk = self.cjk_at(i)
                spans.extend(cjk)
                for span in cjk:
                    self.seen.update(span.candidates)
                continue
            if found is None:
                continue
            spans.append(found)
            self.seen.update(found.candidates)
            resume = found.last
        return spans

    def cjk_at(self, i: int) -> list[Found]:
        """Whole listed names in the Han or Hangul run of token i (no single syllables).

        A Hangul word (Korean writes spaces between words) that starts with a Korean family
        name (``text_words.yml::KOREAN_SURNAMES``) is a name when the whole word, or the
        word without a trailing particle (``KOREAN_PARTICLES``), transliterates to the
        parts of a listed name, spelled alike or with the same phonetic key per part. In
        Han text, which writes no spaces, every run of three or four ideographs is tried,
        longest first: its transliteration (family name, then the given name glued) must
        give a listed name's parts in order (``赵立坚`` -> ``zhao lijian``), or a listed
        Han alias's own.
        """
        from screenwise.names import normalize_name

        t = self.t
        phrases = self.index.phrases
        word_start = t.start[i]
        word = self.text[word_start : t.end[i]]
        out: list[Found] = []

        def parts(piece: str) -> tuple[str, ...]:
            return tuple((normalize_name(piece) or "").split(" "))

        if _HANGUL.match(word):
            if word[:1] not in _korean_surnames() and word[:2] not in _korean_surnames():
                return out
            loose = _cjk_keys(self.index)
            forms = [word]
            forms.extend(word[: -len(p)] for p in _korean_particles() if word.endswith(p))
            for form in forms:
                if not 3 <= len(form) <= 4:
                    continue  # a Korean name is three (rarely four) syllables
                spelled = parts(form)
                variants = _whole(phrases.get(spelled))
                distance = 0
                if not variants:
                    variants = loose.get(_phonetic_parts(spelled), [])
                    distance = 1
                if variants:
                    found = self._found(i, i + 1, word_start + len(form), variants, "exact", 0)
                    if distance:
                        found.how = "transliterated"
                        for eid, (score, variant) in found.candidates.items():
                            found.candidates[eid] = (round(score - LOOSE_PENALTY, 4), variant)
                    out.append(found)
                    break
            return out
        position = 0
        while position < len(word) - 2:
            hit = None
            for length in _HAN_LENGTHS:
                piece = word[position : position + length]
                if len(piece) < length or not all(CJK_RUN.match(c) for c in piece):
                    continue
                variants = _whole(phrases.get(parts(piece)))
                if variants and len(variants[0].tokens) >= 2:
                    hit = (length, variants)
                    break
            if hit is None:
                position += 1
                continue
            length, variants = hit
            end = word_start + position + length
            found = self._found(i, i + 1, end, variants, "exact", 0)
            found.start = word_start + position
            out.append(found)
            position += length
        return out

    def declined_at(self, i: int) -> Found | None:
        """Match a name written in declined Russian ("Владимира Путина", "Ким Чен Ыном").

        The run of two to four capitalised Cyrillic words from token i is read with each
        word as written or in a nominative form its case ending allows
        (:func:`screenwise.text.inflection.russian_nominatives`), longest run first; the
        phrase is normalised whole (:func:`_phrase_key`) and must be a listed name that
        passes the guards.
        """
        t = self.t
        stop = min(i + 4, self.n, self.run_end[i] + 1)
        words: list[str] = []
        for k in range(i, stop):
            one_token = (k == 0 or t.start[k - 1] != t.start[k]) and (
                k + 1 >= self.n or t.start[k + 1] != t.start[k]
            )
            if k not in self.cyrillic or not one_token:
                break
            words.append(self.text[t.start[k] : t.end[k]])
        for length in range(len(words), 1, -1):
            b = i + length
            options = [(word, *russian_nominatives(word)) for word in words[:length]]
            for combo in itertools.islice(itertools.product(*options), MAX_DECLINED_FORMS):
                variants = self.index.phrases.get(_phrase_key(" ".join(combo)))
                if not variants:
                    continue
                accepted = self.accept(i, b, variants)
                if accepted:
                    return self._found(i, b, t.end[b - 1], accepted, "declined", 0)
        return None

    def base_words(self, k: int) -> tuple[str, ...]:
        """Token k's word as the lists would write it: its core, then nominative forms.

        Only a capitalised Cyrillic word has nominative forms besides its core (a declined
        surname: ``Пескова`` -> ``peskova``, ``peskov``).
        """
        word = self.t.core[k]
        if k not in self.cyrillic:
            return (word,)
        return _nominative_keys(word, self.text[self.t.start[k] : self.t.end[k]])

    def glued_at(self, i: int) -> Found | None:
        """Match a person name with Arabic articles compared glued ("Abd ar-Rahman al-Qaduli")."""
        t = self.t
        glued = self.index.glued
        triggers = _glue_triggers()
        limit = min(self.run_end[i] + 1, i + 7)
        for b in range(limit, i + 1, -1):
            if t.core[b - 1] in triggers or not t.cap[b - 1]:
                continue
            key = glue_tokens([*t.norm[i : b - 1], t.core[b - 1]])
            variants = glued.get(key)
            if not variants:
                continue
            accepted = self.accept(i, b, variants)
            if accepted:
                return self._found(i, b, t.core_end[b - 1], accepted, "glued", 0)
        return None

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
        spans.extend(self.coordinated(spans))
        self.defined_first = {key[0] for key, value in defined.items() if value[1] is not None}
        covered = [False] * self.n
        for found in spans:
            for k in range(found.first, found.last):
                covered[k] = True
        # Back-references: token -> (first valid token indexes, entity ids), latest wins.
        refs: dict[str, tuple[list[int], list[list[str]]]] = {}
        generic = _generic_org_words()
        for found in spans:
            if found.how not in ("exact", "fuzzy", "glued", "declined"):
                continue
            by_schema: dict[str, list[str]] = {}
            for entity_id in found.candidates:
                by_schema.setdefault(self.index.facts[entity_id].schema, []).append(entity_id)
            for schema, ids in by_schema.items():
                if schema == "Person":
                    names = {s for eid in ids for s in self.index.facts[eid].surnames}
                    words = [
                        next(w for w in self.base_words(k) if w in names)
                        for k in range(found.first, found.last)
                        if not names.isdisjoint(self.base_words(k))
                    ]
                else:
                    words = self._org_short_words(found)
                for word in words:
                    firsts, id_lists = refs.setdefault(word, ([], []))
                    firsts.append(found.last)
                    id_lists.append(ids)
        extra: list[Found] = []
        resume = 0
        # Each kind of reference is looked for only at a word that can start one (most
        # capitalised words start none): a defined short form, a referring word, a
        # listed surname.
        defined_first = self.defined_first
        surnames = self.index.surnames
        norm = t.norm
        core = t.core
        for i in self.caps:
            if i < resume or covered[i]:
                continue
            word = core[i]
            reference = None
            if defined_first and (norm[i] in defined_first or word in defined_first):
                reference = self._defined_at(i, defined)
            # A declined Cyrillic surname refers in a nominative form ("по словам Пескова").
            forms = self.base_words(i) if i in self.cyrillic else (word,)
            for form in forms:
                if reference is None and form in refs:
                    reference = self._reference_at(i, refs, form)
            for form in forms:
                if reference is None and form in surnames:
                    reference = self._title_surname_at(i, form)
            if reference is not None:
                extra.append(reference)
                resume = reference.last
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

    def _reference_at(
        self, i: int, refs: dict[str, tuple[list[int], list[list[str]]]], word: str
    ) -> Found | None:
        t = self.t
        entry = refs.get(word)
        if not entry or not t.cap[i] or (t.upper[i] and len(word) <= 3):
            return None
        firsts, id_lists = entry
        latest = bisect.bisect_right(firsts, i) - 1
        if latest >= 0:
            ids = id_lists[latest]
            if self.embedded(i, i + 1) and not (i > 0 and is_title_word(t.core[i - 1])):
                return None
        elif self.title_line(i):
            # A headline (every word capitalised) names by surname the party its story
            # names in full.
            ids = id_lists[0]
        else:
            return None
        found = Found(i, i + 1, t.start[i], t.core_end[i], how="surname", inherit=True)
        for entity_id in ids:
            variant = NameVariant(entity_id, t.core[i], "text", "short", (word,))
            found.candidates[entity_id] = (1.0, variant)
        return found

    def _title_surname_at(self, i: int, word: str) -> Found | None:
        t = self.t
        if not t.cap[i] or t.upper[i]:
            return None
        all_ids = self.index.surnames.get(word)
        if not all_ids or zipf(word) >= 4.5:
            return None
        before = i > 0 and is_title_word(t.core[i - 1]) and self.gap_ok(i - 1, i + 1)
        after = i + 1 < self.n and t.core[i + 1] in _rule_words() and self.gap_ok(i, i + 2)
        famous = not (before or after) and zipf_en(word) >= FAMOUS_SURNAME_ZIPF
        if not (before or after or famous):
            return None
        heading = famous and self.title_line(i)  # "Putin Cronies": every word capitalised
        if not heading and i + 1 < self.n and self.is_namey(i + 1) and self.gap_ok(i, i + 2):
            return None
        if i + 1 < self.n and t.core[i + 1] in _PARTICLE_WORDS and self.gap_ok(i, i + 2):
            return None
        if famous and not heading and self.is_namey(i - 1) and self.gap_ok(i - 1, i + 1):
            return None
        if before:
            wanted = _title_groups(t.core[i - 1])
        else:
            wanted = frozenset({"head_of_state", "head_of_government"})
        facts = self.index.facts
        ids = [
            eid
            for eid in all_ids
            if wanted & set().union(*(_position_groups(p) for p in facts[eid].positions))
        ]
        if not ids or len(ids) > 12:
            return None
        if famous:
            from screenwise.text.context import same_party

            first = facts[ids[0]]
            if not all(same_party(first, facts[eid]) for eid in ids[1:]):
                return None
        found = Found(i, i + 1, t.start[i], t.core_end[i], how="title")
        for entity_id in ids:
            variant = NameVariant(entity_id, word, "text", "short", (word,))
            found.candidates[entity_id] = (TITLE_SURNAME_SCORE, variant)
        return found

    # -- coordinated phrases -------------------------------------------------------------

    def coordinated(self, spans: list[Found]) -> list[Found]:
        """Find the parties named by coordinated phrases.

        * "<Given> and <Given> <Surname>": "sons Dzmitry and Viktar Lukashenka" names
          Dzmitry Lukashenka too.
        * "<A> and <B> <words> <plural head>": "the Russian and Syrian defense ministries"
          names the Russian and the Syrian defense ministry.
        * "<plural head> of <X> and (of) <Y>": "the ministries of State Security and of
          People's Security" names the Ministry of State Security and the Ministry of
          People's Security.

        Data: ``text_words.yml::PLURAL_HEADS``.
        """
        t = self.t
        covered = [False] * self.n
        for found in spans:
            for k in range(found.first, found.last):
                covered[k] = True
        extra: list[Found] = []
        facts = self.index.facts
        for found in spans:
            a = found.first
            if (
                found.last - a == 2
                and a >= 2
                and t.norm[a - 1] == "and"
                and t.cap[a - 2]
                and not covered[a - 2]
                and self.gap_ok(a - 2, a)
                and all(facts[e].schema == "Person" for e in found.candidates)
            ):
                key = (t.core[a - 2], t.core[found.last - 1])
                variants = [
                    v
                    for v in self.index.phrases.get(key, ())
                    if facts[v.entity_id].schema == "Person"
                ]
                if variants:
                    span = self._found(a - 2, a - 1, t.core_end[a - 2], variants, "coordinated", 0)
                    span.end = found.end
                    extra.append(span)
        plural = _plural_heads()
        for h in [k for k, word in enumerate(t.core) if word in plural]:
            singular = plural[t.core[h]]
            if covered[h]:
                continue
            extra.extend(self._coordinated_before(h, singular))
            extra.extend(self._coordinated_after(h, singular))
        return extra

    def _lookup_org(self, words: tuple[str, ...]) -> list[NameVariant]:
        facts = self.index.facts
        return [
            v for v in self.index.phrases.get(words, ()) if facts[v.entity_id].schema != "Person"
        ]

    def _coordinated_before(self, h: int, singular: str) -> list[Found]:
        """ "<A> and <B> <words> <heads>" -> "<A> <words> <head>", "<B> <words> <head>"."""
        t = self.t
        out: list[Found] = []
        for middle in (0, 1, 2):
            b = h - middle - 1  # the token of B
            if b < 2 or t.norm[b - 1] != "and" or not self.gap_ok(b - 2, h + 1):
                continue
            a = b - 2
            if not (t.cap[a] and t.cap[b]):
                continue
            words = tuple(t.core[b + 1 : h])
            for first in (a, b):
                country = qualifier_phrases().get((t.core[first],))
                variants = self._lookup_org((t.core[first], *words, singular))
                qualifiers: set[str] = set()
                if not variants and country:
                    variants = self._lookup_org((*words, singular))
                    qualifiers = {country}
                if not variants:
                    continue
                span = self._found(first, h + 1, t.core_end[h], variants, "coordinated", 0)
                span.qualifiers = qualifiers
                span.score_cap = COORDINATED_SCORE
                out.append(span)
            if out:
                return out
        return out

    def _coordinated_after(self, h: int, singular: str) -> list[Found]:
        """ "<heads> of <X> and (of) <Y>" -> "<head> of <X>", "<head> of <Y>"."""
        t = self.t
        out: list[Found] = []
        if h + 2 >= self.n or t.norm[h + 1] != "of":
            return out
        k = h + 2
        end = min(self.n, h + 12)
        parts: list[tuple[int, int]] = []
        start = k
        while k < end:
            if t.norm[k] == "and" or k == end - 1 or not self.gap_ok(k - 1, k + 1):
                stop = k + 1 if (k == end - 1 and t.norm[k] != "and") else k
                if stop > start:
                    parts.append((start, stop))
                if t.norm[k] != "and":
                    break
                start = k + 1
                if start < self.n and t.norm[start] == "of":
                    start += 1
            k += 1
        if len(parts) < 2:
            return out
        for a, b in parts:
            for stop in range(b, a, -1):
                if not t.cap[a]:
                    break
                words = (singular, "of", *t.norm[a : stop - 1], t.core[stop - 1])
                variants = self._lookup_org(words)
                if variants:
                    span = self._found(a, stop, t.core_end[stop - 1], variants, "coordinated", 0)
                    span.start = t.start[h] if not out else span.start
                    span.score_cap = COORDINATED_SCORE
                    out.append(span)
                    break
        return out


def find_mentions(
    text: str, tokens: Tokens, index: PhraseIndex, *, domain: bool = False
) -> list[Found]:
    """Find every span of a text that may name a listed entity.

    Args:
        text: the text the tokens come from.
        tokens: its tokens (:func:`screenwise.text.tokens.tokenize_text`).
        index: the phrase index of the active lists.
        domain: whether the text uses the vocabulary of sanctions reporting
            (:func:`screenwise.text.context.has_domain_vocabulary`); frequent acronyms
            that several lists carry stand only then.

    Returns:
        Spans in text order, each with its candidate entities and name scores in [0, 1];
        spans never overlap, except the spans of a coordinated phrase, which share its
        head word. Context scoring is left to :mod:`screenwise.text.context`.

    Data: ``text_words.yml::CRAFT_CUES``, ``RULE_WORDS``, ``ORG_GENERIC``, ``TITLES``,
    ``STOPWORDS``.
    """
    scan = _Scan(text, tokens, index, domain=domain)
    return scan.pass_two(scan.pass_one())
