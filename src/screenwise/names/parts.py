"""Name parts: tokenise a name, tag each part, and precompute its comparison keys.

A name is prepared once (:func:`prepare_name`, cached) and then compared many times, so
everything a comparison needs is computed here, on the index side and the query side by
the same code:

1. The name kind follows the schema: ``person`` (Person), ``org`` (Organization,
   Company, LegalEntity), ``object`` (Vessel, Airplane).
2. Organisation names lose their legal forms, which are kept apart as generic classes
   (rigour's org_types table, ISO 20275 based, plus ``data/names.yml::LEGAL_FORMS`` for
   abbreviations at the edges of a name such as ``CORP``, ``CO``, ``LTD``).
3. The rest is normalised (:func:`screenwise.names.normalize.normalize_name`) and split.
4. Person names lose titles and honorifics (``data/names.yml::PERSON_TITLES``).
5. Each part is tagged (``name``, ``particle``, ``common``, ``numeric``, ``initial``,
   ``qualifier``) and weighted, and gets its phonetic key, consonant skeleton, loose key
   and equivalence groups: romanisation variants of person names
   (``data/names.yml::NAME_VARIANTS``) and, in organisation and vessel names,
   translations and abbreviations of common company words
   (``data/names.yml::ORG_WORD_EQUIVALENTS``).
6. In organisation names a country written in parentheses (``Bank of China (Hong Kong)``)
   or as the last word after at least two other words (``Banco Santander Mexico``) is a
   ``qualifier``: it names a subsidiary or branch, so it must agree when both names have
   one and counts against the match when only one has it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml
from rigour.names import extract_org_types

from screenwise.names.normalize import normalize_name, tokenize_name
from screenwise.names.phonetics import consonant_skeleton, loose_key, phonetic_key
from screenwise.names.scripts import (
    ABJAD_SCRIPTS,
    LOSSY_SCRIPTS,
    detect_script,
    han_ordinals_to_digits,
)

__all__ = [
    "NameKind",
    "Part",
    "PartKind",
    "PreparedName",
    "is_dictionary_word",
    "is_generic_org_word",
    "is_region_word",
    "load_word_lists",
    "make_part",
    "name_kind",
    "name_loose_keys",
    "part_groups",
    "patronymic_stem",
    "prepare_name",
    "prepare_names",
    "split_name_variants",
]

NameKind = Literal["person", "org", "object"]
PartKind = Literal["name", "particle", "common", "numeric", "initial", "qualifier", "patronymic"]

#: Weight of a part by kind (``name`` parts are weighted by length, see ``_name_weight``).
PART_WEIGHTS: dict[str, float] = {
    "particle": 0.2,
    "common": 0.55,
    "numeric": 1.0,
    "initial": 0.35,
    "qualifier": 1.0,
    "patronymic": 0.8,
}
# East Slavic patronymics (BGN/PCGN, ISO 9 and Western spellings): omitted on many lists,
# so they weigh less when only one name has them. Source: Russian and Ukrainian naming
# law (patronymic = father's given name + -ovich/-evich/-ovna/-evna), BGN/PCGN 1947.
_PATRONYMIC = re.compile(
    r"(?:ovich|evich|avich|ovych|evych|ovitch|evitch|owitsch|ewitsch|owitsj|ovitsj|ovici"
    r"|ovic|evic|ovna|evna|ivna|ovnna|ichna|yevich|ievich)$"
)
# Dotted abbreviations of three or more letters (``S.A.R.L.``, ``d.o.o.``, ``S.A.C.``).
_DOTTED = re.compile(r"(?<!\w)(?:[a-z]\.){2,}[a-z]\.?(?!\w)")
# Words that name a branch of a company (the branch is the same legal person).
_BRANCH = re.compile(
    r"(?<!\w)(branch|branch office|filial|filiale|sucursal|succursale|niederlassung)(?!\w)"
)
# A label before a colon (``ORDERING CUSTOMER: X``, ``Beneficiary: X``).
_LABEL = re.compile(r"^\s*[^:]{2,30}:\s+(?=\S)")
#: Offset of the ids of ``ORG_WORD_EQUIVALENTS`` groups among a part's groups.
ORG_GROUP_OFFSET = 100_000


@dataclass(frozen=True, slots=True, eq=False)
class Part:
    """One tagged, comparable part of a name.

    Parts compare and hash by identity (they are built once and cached), which keeps the
    comparison caches cheap.

    Attributes:
        form: normalised ASCII lower-case token, e.g. ``"jong"``.
        kind: ``name``, ``particle``, ``common`` (organisation activity word), ``numeric``,
            ``initial`` (single letter) or ``qualifier`` (country of a subsidiary).
        weight: importance of the part in [0, 1] when aligning two names.
        key: phonetic key (:func:`screenwise.names.phonetics.phonetic_key`).
        skeleton: consonant skeleton (:func:`screenwise.names.phonetics.consonant_skeleton`).
        groups: ids of the equivalence groups the form belongs to (romanisation variants;
            for organisation words also translations and abbreviations, offset by
            :data:`ORG_GROUP_OFFSET`).
        loose: consonant-class key (:func:`screenwise.names.phonetics.loose_key`).
    """

    form: str
    kind: PartKind
    weight: float
    key: str
    skeleton: str
    groups: frozenset[int]
    loose: str


@dataclass(frozen=True, slots=True, eq=False)
class PreparedName:
    """A name ready for comparison: parts, legal forms and whole-name keys.

    Attributes:
        original: the name as given.
        kind: ``person``, ``org`` or ``object``.
        normalized: normalised form of the name parts (legal forms and titles removed).
        parts: the tagged parts in name order.
        legal_forms: generic legal-form classes found (``{"llc"}``), organisations only.
        compact: the part forms joined without spaces (``"alqaeda"``).
        script: dominant script of the original (``Latin``, ``Arabic``, ...).
        abjad: True when the original is written in a script without short vowels.
        lossy: True when the original is written in a script whose Latin spellings are
            conventions (:data:`screenwise.names.scripts.LOSSY_SCRIPTS`).
        syllables: True when every part is one Hangul syllable (a Korean personal name
            written in Hangul): a part then never stands for two words of a Latin name.
        significant: number of parts that are not particles (``al``, ``bin``, ``van``).
        legal_countries: jurisdictions (ISO 3166-1 alpha-2) of the name's native legal
            form (``GmbH`` -> ``{"de", "at", "ch", "li"}``), empty for English or no forms
            (``data/names.yml::LEGAL_FORM_JURISDICTIONS``).
    """

    original: str
    kind: NameKind
    normalized: str
    parts: tuple[Part, ...]
    legal_forms: frozenset[str]
    compact: str
    script: str
    abjad: bool
    lossy: bool = False
    syllables: bool = False
    significant: int = 0
    legal_countries: frozenset[str] = frozenset()

    @property
    def forms(self) -> tuple[str, ...]:
        """The part forms in order."""
        return tuple(p.form for p in self.parts)


@lru_cache(maxsize=1)
def load_word_lists() -> dict[str, Any]:
    """Load ``data/names.yml`` (cached).

    Returns:
        The YAML document: ``PERSON_TITLES``, ``AMBIGUOUS_TITLES``, ``NAME_PARTICLES``,
        ``ORG_COMMON_WORDS``, ``COUNTRY_ADJECTIVES`` (lists), ``LEGAL_FORMS`` (form ->
        generic class), ``NAME_VARIANTS`` and ``ORG_WORD_EQUIVALENTS`` (lists of groups).
    """
    text = resources.files("screenwise").joinpath("data/names.yml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


_ROMAN: dict[str, str] = {
    "ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8", "ix": "9",
    "xi": "11", "xii": "12", "xiii": "13", "xiv": "14", "xv": "15", "xvi": "16",
    "xvii": "17", "xviii": "18", "xix": "19", "xx": "20",
}  # fmt: skip
#: Legal-form abbreviations recognised when glued to the front of a one-word name.
_GLUED_LEGAL_PREFIXES: tuple[str, ...] = (
    "ojsc",
    "pjsc",
    "cjsc",
    "jsc",
    "ooo",
    "oao",
    "zao",
    "pao",
    "llc",
)
#: Legal-form abbreviations recognised when glued to the end of a one-word name.
_GLUED_LEGAL_SUFFIXES: tuple[str, ...] = ("gmbh", "llc", "ltd", "inc", "corp", "plc", "ag")
_PARENS = re.compile(r"[(\[]([^)\]]*)[)\]]?")


@lru_cache(maxsize=1)
def _separators() -> tuple[str, ...]:
    return tuple(str(s) for s in load_word_lists()["NAME_SEPARATORS"])


@lru_cache(maxsize=1)
def _object_prefixes() -> frozenset[str]:
    return frozenset(str(s) for s in load_word_lists()["OBJECT_PREFIXES"])


@lru_cache(maxsize=100_000)
def split_name_variants(name: str, kind: NameKind = "org") -> tuple[str, ...]:
    """Split a name string that embeds other names of the same party.

    ``"MV Stamatia Horizon (ex-Elenitsa Z, ex-Aegean Lynx)"`` names one vessel three
    times; ``"BEIRUT CEDAR TRADING SAL, f.k.a. LEBANON CEDAR IMPORT EXPORT SAL"`` one
    company twice. Markers are ``data/names.yml::NAME_SEPARATORS``; parenthesised text is
    also tried as a name of its own (when it has three letters or more) and removed from
    the main name, unless it names a country (``"Bank of China (Hong Kong)"``: a
    qualifier of the name, kept in it); a label before a colon (``"ORDERING CUSTOMER:
    X"``) and a branch designation after a dash or comma (``"X Ltd - Malindi Branch"``)
    are dropped in a variant; for vessels and aircraft the text before a comma
    (``"MT GOLDEN KINNAREE, Laem Chabang"``) is tried too.

    Args:
        name: the name as given.
        kind: ``person``, ``org`` or ``object``; person names are never split.

    Returns:
        The distinct variants, the full name first (always at least the name itself).
    """
    if kind == "person" or not isinstance(name, str):
        return (name,)
    folded = name.casefold()
    variants: list[str] = [name]
    pieces: list[str] = []
    main = _PARENS.sub(lambda m: m.group(0) if _is_country_phrase(m.group(1)) else " ", folded)
    for inner in _PARENS.findall(folded):
        if not _is_country_phrase(inner):
            pieces.append(inner)
    if main.strip() != folded.strip():
        pieces.insert(0, main)
    work = [folded, *pieces]
    for text in work:
        for sep in _separators():
            if sep in f" {text} ":
                for part in f" {text} ".split(sep):
                    pieces.extend(part.split(","))
    if kind == "object":
        for text in [folded, *pieces]:
            if "," in text:
                pieces.append(text.split(",", 1)[0])
    label = _LABEL.match(folded)
    if label:
        pieces.append(folded[label.end() :])
    branch = _BRANCH.search(folded)
    if branch and branch.start() > 0:
        # "X - Malindi Branch", "X, Moscow branch": the branch is the company itself.
        head = re.split(r"\s[-–]\s|,|\(", folded[: branch.start()])[0]
        if head.strip() and head.strip() != folded.strip():
            pieces.append(head)
    for piece in pieces:
        piece = piece.strip(" ,;-")
        normalized = normalize_name(piece)
        if (
            normalized
            and len(normalized.replace(" ", "")) >= 3
            and not normalized.replace(" ", "").isdigit()
            and piece not in variants
        ):
            variants.append(piece)
    return tuple(variants)


@lru_cache(maxsize=1)
def _org_groups() -> dict[str, frozenset[int]]:
    """Normalised org word -> ids of its ``ORG_WORD_EQUIVALENTS`` groups (offset)."""
    groups: dict[str, set[int]] = {}
    for index, group in enumerate(load_word_lists()["ORG_WORD_EQUIVALENTS"]):
        for form in group:
            norm = normalize_name(str(form))
            if norm:
                groups.setdefault(norm.replace(" ", ""), set()).add(ORG_GROUP_OFFSET + index)
    return {form: frozenset(ids) for form, ids in groups.items()}


@lru_cache(maxsize=1)
def _country_words() -> frozenset[str]:
    """Tokens of country names (rigour territories) and ``COUNTRY_ADJECTIVES``."""
    from rigour.territories import get_territories

    words: set[str] = set()
    for territory in get_territories():
        if territory.is_historical:
            continue
        for label in (territory.name,):
            norm = normalize_name(label)
            if norm:
                words.update(t for t in norm.split() if len(t) > 2)
    for word in load_word_lists()["COUNTRY_ADJECTIVES"]:
        norm = normalize_name(str(word))
        if norm:
            words.add(norm)
    return frozenset(words - {"and", "the", "of", "saint", "island", "islands", "republic"})


@lru_cache(maxsize=1)
def _region_words() -> frozenset[str]:
    """Normalised ``REGION_QUALIFIERS`` (continents and world regions)."""
    words = (normalize_name(str(word)) for word in load_word_lists()["REGION_QUALIFIERS"])
    return frozenset(word for word in words if word)


def is_region_word(form: str) -> bool:
    """True when a normalised token names a continent or world region (``europe``).

    A region qualifier names a brand's regional arm (``Faberlic Europe``), which a query
    naming the brand alone (no legal form) means too. Source: ``data/names.yml::
    REGION_QUALIFIERS`` (UN M49 region names).

    Args:
        form: a normalised token.

    Returns:
        Whether the token is a region word.
    """
    return form in _region_words()


@lru_cache(maxsize=1)
def _tables() -> tuple[
    frozenset[str],
    frozenset[str],
    frozenset[str],
    frozenset[str],
    dict[str, str],
    dict[str, frozenset[int]],
]:
    data = load_word_lists()
    groups: dict[str, set[int]] = {}
    for index, group in enumerate(data["NAME_VARIANTS"]):
        for form in group:
            norm = normalize_name(str(form))
            if norm:
                groups.setdefault(norm.replace(" ", ""), set()).add(index)
    return (
        frozenset(data["PERSON_TITLES"]),
        frozenset(data["AMBIGUOUS_TITLES"]),
        frozenset(data["NAME_PARTICLES"]) | {"bn", "bnt", "abn"},
        frozenset(data["ORG_COMMON_WORDS"]),
        {str(k): str(v) for k, v in data["LEGAL_FORMS"].items()},
        {form: frozenset(ids) for form, ids in groups.items()},
    )


_VOWELS = frozenset("aeiouy")
#: Short vowel-less tokens that are names, not glued initials (``Ng``, ``Sh``).
_NOT_INITIALS = frozenset({"ng", "hng", "sh", "th", "mr", "ms", "dr", "jr", "sr"})
#: Number of most frequent English words counted as dictionary words (Zipf >= about 3).
DICTIONARY_WORDS = 40_000


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    from wordfreq import top_n_list

    return frozenset(w for w in top_n_list("en", DICTIONARY_WORDS) if w.isascii() and w.isalpha())


@lru_cache(maxsize=100_000)
def is_generic_org_word(form: str) -> bool:
    """True when a token says what kind of company it is, not which: an activity word or
    a legal form (``bank``, ``trading``, ``group``, ``ltd``, ``llc``, ``ooo``).

    Source: ``data/names.yml::ORG_COMMON_WORDS`` and ``LEGAL_FORMS``.
    """
    _, _, _, common, legal_table, _ = _tables()
    return form in common or form in legal_table


def is_dictionary_word(form: str) -> bool:
    """True when a normalised token is a frequent English word (``rail``, ``experts``).

    Two different dictionary words in organisation names are different words, not
    spelling variants of one (``Rail``/``Mail``, ``Exports``/``Experts``).

    Args:
        form: a normalised token.

    Returns:
        Whether it is among the :data:`DICTIONARY_WORDS` most frequent English words
        (wordfreq, Speer et al., "LuminosoInsight/wordfreq" v3, 2022), three letters or more.
    """
    return len(form) >= 3 and form in _dictionary()


def patronymic_stem(form: str) -> str:
    """Return the father's name a patronymic is made of (``vladimirovich -> vladimir``).

    Args:
        form: a normalised token.

    Returns:
        The token without its patronymic suffix (East Slavic ``-ovich``, ``-evna``,
        ``-owitsch``...); the token itself when it has none.
    """
    match = _PATRONYMIC.search(form)
    if match is None or match.start() < 3:
        return form
    return form[: match.start()]


def _significant(tokens: list[str], particles: frozenset[str]) -> int:
    """Number of tokens that are not particles."""
    return sum(1 for t in tokens if t not in particles)


def _is_country_phrase(text: str) -> bool:
    """True when every token of a text is a country word (``"hong kong"``, ``"UK"``)."""
    tokens = tokenize_name(text)
    words = _country_words()
    return bool(tokens) and all(t in words for t in tokens)


def name_kind(schema: str) -> NameKind:
    """Return the name kind of an FtM schema.

    Args:
        schema: ``Person``, ``Organization``, ``Company``, ``LegalEntity``, ``Vessel``,
            ``Airplane`` (anything else counts as ``org``).

    Returns:
        ``person``, ``object`` (vessels, aircraft) or ``org``.
    """
    if schema == "Person":
        return "person"
    if schema in ("Vessel", "Airplane"):
        return "object"
    return "org"


def _name_weight(form: str) -> float:
    return min(1.0, 0.45 + 0.11 * len(form))


def part_groups(form: str, *, org_words: bool = False) -> frozenset[int]:
    """Return the equivalence groups of one normalised token (the groups of its part).

    Args:
        form: normalised ASCII lower-case token, e.g. ``"bank"``.
        org_words: also include the organisation-word groups
            (``data/names.yml::ORG_WORD_EQUIVALENTS``, ids offset by
            :data:`ORG_GROUP_OFFSET`).

    Returns:
        The romanisation-variant group ids (``data/names.yml::NAME_VARIANTS``) and, with
        ``org_words``, the organisation-word group ids; empty when the token has none.
    """
    groups = _tables()[5].get(form, frozenset())
    if org_words:
        org = _org_groups().get(form)
        if org:
            groups = groups | org
    return groups


def make_part(form: str, kind: PartKind = "name", *, org_words: bool = False) -> Part:
    """Build one :class:`Part` from a normalised token (cached keys; never raises).

    Args:
        form: normalised ASCII lower-case token, e.g. ``"gazprombank"``.
        kind: the part's tag (see :class:`Part`).
        org_words: also attach the translation/abbreviation groups of organisation words
            (``data/names.yml::ORG_WORD_EQUIVALENTS``); set for organisation and vessel
            names.

    Returns:
        The part with its weight, phonetic key, skeleton, loose key and groups.
    """
    groups = part_groups(form, org_words=org_words)
    weight = _name_weight(form) if kind == "name" else PART_WEIGHTS[kind]
    return Part(
        form=form,
        kind=kind,
        weight=weight,
        key=phonetic_key(form),
        skeleton=consonant_skeleton(form),
        groups=groups,
        loose=loose_key(form),
    )


@lru_cache(maxsize=1)
def _registration_labels() -> re.Pattern[str]:
    """The registration-number labels of ``data/names.yml``, each before a 5+ digit number."""
    labels = sorted(
        (str(label) for label in load_word_lists()["REGISTRATION_NUMBER_LABELS"]),
        key=len,
        reverse=True,
    )
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(x) for x in labels) + r") (?=\d{5})")


@lru_cache(maxsize=1)
def _legal_phrases() -> tuple[re.Pattern[str], dict[str, str]]:
    table = {
        " ".join(tokenize_name(str(k))): str(v)
        for k, v in load_word_lists()["LEGAL_FORM_PHRASES"].items()
    }
    alternatives = sorted(table, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(a) for a in alternatives) + r")(?!\w)")
    return pattern, table


def _strip_legal_forms(text: str) -> tuple[str, set[str]]:
    """Remove legal forms from a case-folded name; return the rest and generic classes.

    rigour's org-type table finds the forms; a form that is also a key of
    ``data/names.yml::LEGAL_FORMS`` takes that table's class (``Inc.`` is a corporation,
    not an LLC); dotted abbreviations are read without dots (``S.A.R.L.``).
    """
    text = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text)
    legal_table = _tables()[4]
    forms: set[str] = set()
    rest = text
    for matched, generic in extract_org_types(text, generic=True):
        if matched.strip(" .").casefold() in _ROMAN:
            continue
        generic = legal_table.get(" ".join(tokenize_name(matched)), generic)
        pattern = re.compile(r"(?<!\w)" + re.escape(matched) + r"(?!\w)")
        candidate = pattern.sub(" ", rest)
        if candidate != rest:
            rest = candidate
            forms.add(generic)
    if forms and not normalize_name(rest):
        return text, set()
    return rest, forms


@lru_cache(maxsize=300_000)
def prepare_name(name: str, kind: NameKind = "org") -> PreparedName:
    """Prepare a name for comparison (cached; pure; never raises).

    Args:
        name: the name as published or queried, any script.
        kind: ``person``, ``org`` or ``object`` (see :func:`name_kind`).

    Returns:
        A :class:`PreparedName`; its ``parts`` are empty when nothing comparable is left.

    Example:
        ``prepare_name("OOO Gazprom Neft", "org")`` has parts ``gazprom``, ``neft`` and
        legal forms ``{"llc"}``.
    """
    titles, ambiguous, particles, common, legal_table, _ = _tables()
    text = unicodedata.normalize("NFKC", name).casefold() if isinstance(name, str) else ""
    script = detect_script(text)
    if kind != "person" and script == "Han":
        text = han_ordinals_to_digits(text)
    legal: set[str] = set()
    qualifiers: set[str] = set()
    if kind == "org":
        text, legal = _strip_legal_forms(text)
        for inner in _PARENS.findall(text):
            if _is_country_phrase(inner):
                qualifiers.update(tokenize_name(inner))
    normalized = normalize_name(text) or ""
    if kind == "org" and normalized:
        normalized = _registration_labels().sub(" ", normalized).strip() or normalized
        pattern, phrases = _legal_phrases()
        for found in pattern.findall(normalized):
            legal.add(phrases[found])
        stripped = pattern.sub(" ", normalized).strip()
        if stripped:
            normalized = stripped
    tokens = normalized.split() if normalized else []
    if kind == "org" and len(tokens) == 1 and len(tokens[0]) >= 7:
        # A legal form glued to a one-word name (``JSCARGUMENT``, ``SIEMENSAG``).
        for prefix in _GLUED_LEGAL_PREFIXES:
            if tokens[0].startswith(prefix) and len(tokens[0]) - len(prefix) >= 4:
                tokens = [prefix, tokens[0][len(prefix) :]]
                break
        else:
            for suffix in _GLUED_LEGAL_SUFFIXES:
                if tokens[0].endswith(suffix) and len(tokens[0]) - len(suffix) >= 5:
                    tokens = [tokens[0][: -len(suffix)], suffix]
                    break
    if kind == "org":
        # Abbreviated legal forms at either edge of the name (``... CO LTD``, ``JSC ...``).
        while len(tokens) > 1 and tokens[-1] in legal_table:
            legal.add(legal_table[tokens.pop()])
        while len(tokens) > 1 and tokens[0] in legal_table:
            legal.add(legal_table[tokens.pop(0)])
    if kind != "person":
        # Craft prefixes (MV, M/V, T/B), roman numerals and "No." before a number.
        while (
            len(tokens) > 1
            and tokens[0] in _object_prefixes()
            and (kind == "object" or len(tokens[0]) > 2)
        ):
            tokens.pop(0)
        if (
            kind == "object"
            and len(tokens) > 2
            and len(tokens[0]) == 1
            and len(tokens[1]) == 1
            and tokens[0] + tokens[1] in _object_prefixes()
        ):
            tokens = tokens[2:]
        tokens = [_ROMAN.get(t, t) if i > 0 else t for i, t in enumerate(tokens)]
        if len(tokens) > 1 and tokens[-1] == "i" and kind in ("object", "org"):
            tokens[-1] = "1"
        tokens = [
            t
            for i, t in enumerate(tokens)
            if not (t == "no" and i + 1 < len(tokens) and tokens[i + 1].isdigit())
        ]
    if kind == "person":
        # Titles go; one that is also a name part (Amir, Sheikh, Don) only at either edge
        # and only while two other name parts are left.
        kept = [t for t in tokens if t not in titles or t in ambiguous]
        if any(t not in particles for t in kept):
            while kept and kept[0] in titles and _significant(kept[1:], particles) >= 2:
                kept.pop(0)
            while kept and kept[-1] in titles and _significant(kept[:-1], particles) >= 2:
                kept.pop()
            tokens = kept
    if kind == "person" and script == "Latin":
        # Glued initials (``JC Juncker``): a short Latin token without a vowel.
        split_initials: list[str] = []
        for token in tokens:
            if (
                2 <= len(token) <= 3
                and token.isalpha()
                and not _VOWELS & set(token)
                and token not in _NOT_INITIALS
            ):
                split_initials.extend(token)
                continue
            split_initials.append(token)
        tokens = split_initials
    if kind == "org":
        significant = [t for t in tokens if t not in particles]
        if len(significant) >= 3 and tokens[-1] in _country_words():
            qualifiers.add(tokens[-1])
        elif len(significant) == 2 and tokens[-1] in _region_words():
            # ``Faberlic Europe``: a brand and its region, even with one other word.
            qualifiers.add(tokens[-1])
    org_words = kind != "person"
    parts: list[Part] = []
    for token in tokens:
        part_kind: PartKind
        if token in qualifiers:
            part_kind = "qualifier"
        elif (
            kind == "person" and len(tokens) >= 3 and len(token) >= 7 and _PATRONYMIC.search(token)
        ):
            part_kind = "patronymic"
        elif token.isdigit():
            part_kind = "numeric"
        elif token in particles:
            part_kind = "particle"
        elif len(token) == 1:
            part_kind = "initial"
        elif kind != "person" and token in common:
            part_kind = "common"
        else:
            part_kind = "name"
        parts.append(make_part(token, part_kind, org_words=org_words))
    if parts and all(p.kind in ("particle", "common", "qualifier") for p in parts):
        # Nothing distinctive: the activity words are the name (``Bank of China``).
        promote = (
            {"common"}
            if any(p.kind == "common" for p in parts)
            else {
                "particle",
                "common",
                "qualifier",
            }
        )
        parts = [
            make_part(p.form, "name", org_words=org_words) if p.kind in promote else p
            for p in parts
        ]
    return PreparedName(
        original=name,
        kind=kind,
        normalized=" ".join(p.form for p in parts),
        parts=tuple(parts),
        legal_forms=frozenset(legal),
        compact="".join(p.form for p in parts),
        script=script,
        abjad=script in ABJAD_SCRIPTS,
        lossy=script in LOSSY_SCRIPTS,
        syllables=script == "Hangul"
        and len(parts) == sum(1 for char in text if "\uac00" <= char <= "\ud7a3"),
        significant=sum(1 for p in parts if p.kind != "particle"),
        legal_countries=_legal_countries(name) if kind == "org" else frozenset(),
    )


@lru_cache(maxsize=1)
def _jurisdiction_tables() -> tuple[
    dict[tuple[str, ...], frozenset[str]], dict[tuple[str, ...], frozenset[str]]
]:
    """Native legal forms (token tuples) -> jurisdictions: at a name's end, at its start."""
    data = load_word_lists()
    suffixes = {
        tuple(str(form).split()): frozenset(str(c) for c in countries)
        for form, countries in data["LEGAL_FORM_JURISDICTIONS"].items()
    }
    starts = {tuple(str(form).split()) for form in data["LEGAL_FORM_PREFIXES"]}
    prefixes = {form: countries for form, countries in suffixes.items() if form in starts}
    return suffixes, prefixes


#: Longest native legal form, in tokens (``sp z o o``).
_EDGE_TOKENS = 4


def _legal_countries(name: str) -> frozenset[str]:
    """Jurisdictions of the native legal form ending (or starting) an organisation name.

    ``Korvessa Industrial Sdn. Bhd.`` -> ``{"my"}``; ``OOO Romashka`` -> the Russian-
    speaking jurisdictions; ``Acme Ltd`` -> empty (an English form says nothing about
    the jurisdiction). Source: ``data/names.yml::LEGAL_FORM_JURISDICTIONS``.
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text)
    tokens = tokenize_name(text)
    suffixes, prefixes = _jurisdiction_tables()
    found: set[str] = set()
    for size in range(1, min(_EDGE_TOKENS, len(tokens) - 1) + 1):
        found |= suffixes.get(tuple(tokens[-size:]), frozenset())
        found |= prefixes.get(tuple(tokens[:size]), frozenset())
    return frozenset(found)


def prepare_names(name: str, kind: NameKind = "org") -> tuple[PreparedName, ...]:
    """Prepare every variant of a name string (see :func:`split_name_variants`).

    Args:
        name: the name as given.
        kind: ``person``, ``org`` or ``object``.

    Returns:
        One :class:`PreparedName` per variant that has parts, the full name first; empty
        when nothing comparable is left.
    """
    out = [prepare_name(v, kind) for v in split_name_variants(name, kind)]
    return tuple(p for p in out if p.parts)


def name_loose_keys(name: PreparedName) -> frozenset[str]:
    """Return the loose retrieval keys of a prepared name (index side and query side).

    For candidate retrieval of names written in scripts whose Latin spellings are
    conventions (:data:`screenwise.names.scripts.LOSSY_SCRIPTS`): the loose key of every
    part with at least three consonant classes, and the loose key of the whole name
    without spaces (Burmese and Hebrew write several Latin words as one, or the reverse).
    The same function serves both sides; a retrieval index posts these keys for every
    listed name and looks them up for query names whose ``lossy`` flag is set.

    Args:
        name: a prepared name.

    Returns:
        Keys such as ``{"prtmr", "ptn", "prtmrptn"}`` for ``Vladimir Putin``; empty when
        no part has three consonant classes.
    """
    keys = {p.loose for p in name.parts if len(p.loose) >= 3 and p.kind != "numeric"}
    whole = loose_key(name.compact)
    if len(whole) >= 4:
        keys.add(whole)
    return frozenset(keys)
