"""Phrase index of list names for scanning text: normalised token sequences -> entities.

Every strong name (``name``, ``alias``, ``previousName``; never ``weakAlias``) of every
entity is normalised with :func:`screenwise.names.tokenize_name` and stored in the orders
and forms a text may use:

* ``full``: the tokens as listed (``PUTIN, Vladimir Vladimirovich`` -> putin vladimir
  vladimirovich; ``KIM, Jong Un`` -> kim jong un, the Korean order).
* ``reordered``: a person's given names before the surname (vladimir vladimirovich putin).
* ``short``: a person's first given name and surname, middle names and patronymics of five
  letters or more dropped (vladimir putin). Short Korean or Chinese given-name syllables are
  never dropped, so ``Kim Jong`` is not a form of ``KIM, Jong Un``.
* ``core``: an organisation's name without its legal form (rigour ``remove_org_types``:
  ``PUBLIC JOINT STOCK COMPANY ROSNEFT`` -> rosneft), without a leading Arabic article
  (``AL-NUSRAH FRONT`` -> nusrah front), without a trailing place after a comma
  (``LA RIVIERA, PANAMA, S.A.`` -> la riviera), with a reorderable head noun moved to the
  end (``MINISTRY OF DEFENCE`` -> defence ministry), and in British and American spelling
  (``text_words.yml::REORDERABLE_HEADS``, ``SPELLING_VARIANTS``).
* ``head``: the distinctive head words of a longer organisation name, which the press uses
  as its short name: the name before ``of ... of the <country>`` (``STATE DUMA OF THE
  FEDERAL ASSEMBLY OF THE RUSSIAN FEDERATION`` -> state duma), the name before a trailing
  country (``VEB.RF`` -> veb), the first one or two words of a company name whose first
  word is not an ordinary word (``HUAWEI TECHNOLOGIES CO., LTD.`` -> huawei; ``SEPEHR
  ENERGY JAHAN NAMA PARS COMPANY`` -> sepehr energy), and the stem of a glued one-word bank
  name (``SOVCOMBANK`` -> sovcom; ``GLUED_ORG_SUFFIXES``). A head form is dropped where it
  equals another entity's name, and where several entities share it only those with the
  shortest name keep it (the parent company, not its subsidiaries). The text screener
  accepts a head form only in context (:mod:`screenwise.text.mentions`).

Person names with Arabic articles are also kept *glued* (``glued``): articles dropped and
``Abd``/``Abu`` joined to the next word, so ``Abd ar-Rahman al-Qaduli`` and ``AL-QADULI, Abd
Al-Rahman`` meet (``text_words.yml::ARABIC_ARTICLES``, ``GLUED_PREFIXES``).

For misspellings the index also keeps, for names of two to four tokens, every form with
one token replaced by a wildcard (one token may differ by a small edit distance), and for
one-token organisation names of eight letters or more a deletion neighbourhood (SymSpell,
W. Garbe 2012) to find words within two edits.

Facts used for disambiguation (surnames, birth years, countries, positions) are kept per
entity in :class:`EntityFacts`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from followthemoney import ValueEntity
from rigour.names import remove_org_types

from screenwise.entities import COUNTRY_PROPS, STRONG_NAME_PROPS, list_id_of
from screenwise.names import tokenize_name
from screenwise.text.countries import is_country_phrase, qualifier_phrases
from screenwise.text.guards import is_stopword, zipf_en
from screenwise.text.wordlists import load_wordlist, phrase_list

__all__ = [
    "KIND_SCORES",
    "EntityFacts",
    "NameVariant",
    "PhraseIndex",
    "build_phrase_index",
    "glue_tokens",
    "wildcard_key",
]

log = logging.getLogger(__name__)

#: Name score of an exact token match, by the form of the listed name matched.
KIND_SCORES: dict[str, float] = {
    "full": 1.0,
    "reordered": 0.97,
    "core": 0.95,
    "short": 0.92,
    "glued": 0.92,
    "head": 0.9,
}
#: A company name's first word is distinctive enough to head a two-word short name below
#: this English Zipf frequency ...
HEAD_MAX_ZIPF = 3.5
#: ... and to be the short name on its own below this one (place names and demonyms such
#: as "Crimean", "Urals" or "Homs", which head many company names, are more frequent).
HEAD_WORD_MAX_ZIPF = 2.5

#: Surname particles that are not a surname on their own.
_PARTICLES = frozenset(
    {"al", "el", "bin", "ibn", "abu", "abd", "de", "da", "van", "von", "der", "ul"}
)
_PERSON = "Person"
_CRAFT_SCHEMAS = frozenset({"Vessel", "Airplane"})
_MIN_DROP_LEN = 5
_MIN_DELETION_LEN = 8


class NameVariant(NamedTuple):
    """One form of one listed name, as a sequence of normalised tokens.

    A named tuple rather than a dataclass: the index holds hundreds of thousands of
    them and loads them from its disk cache, where tuples unpickle fastest.

    Attributes:
        entity_id: the listed entity.
        name: the listed name as published.
        prop: the name property (``name``, ``alias`` or ``previousName``).
        kind: ``full``, ``reordered``, ``short`` or ``core`` (see the module docstring).
        tokens: the normalised tokens.
        country: for a ``head`` form taken from a name that ends with a country, that
            country's code (context the text must give); else empty.
    """

    entity_id: str
    name: str
    prop: str
    kind: str
    tokens: tuple[str, ...]
    country: str = ""


class EntityFacts(NamedTuple):
    """What the text screener needs to know about one listed entity.

    Attributes:
        entity_id, list_id, schema, caption: identity and display name.
        surnames: normalised surname tokens of a person (three letters or more).
        birth_years: years of the entity's birth dates.
        countries: ISO codes of its nationality, citizenship, country and similar.
        positions: the positions and titles the list gives.
        programs: sanctions programmes.
        name_keys: sorted token tuples of its names (to group list entries into parties).
    """

    entity_id: str
    list_id: str
    schema: str
    caption: str
    surnames: frozenset[str]
    birth_years: frozenset[int]
    countries: frozenset[str]
    positions: tuple[str, ...]
    programs: tuple[str, ...]
    name_keys: frozenset[tuple[str, ...]]


@dataclass
class PhraseIndex:
    """The phrase index over a set of entities.

    Attributes:
        phrases: token tuple -> variants with exactly these tokens.
        lengths: first token -> the lengths of phrases starting with it, longest first.
        wildcards: :func:`wildcard_key` (the tokens with one replaced by ``*``, joined by
            spaces) -> the phrases (keys of ``phrases``) it stands for.
        deletions: deletion key -> one-token organisation variants (SymSpell, distance 2).
        facts: entity id -> :class:`EntityFacts`.
        surnames: person surname token -> entity ids.
        pairs: the first two tokens of every phrase of two tokens or more -> the lengths
            of those phrases (a fast filter).
        name_tokens: every token of the phrases of two to four tokens (fuzzy filter).
        glued: glued person-name key (:func:`glue_tokens`) -> variants.
        acronym_lists: one-token strong name -> number of lists that give it as a name
            (not derived from a longer name).
        near_cache: text word -> one-word names within two edits (filled while screening).
    """

    phrases: dict[tuple[str, ...], list[NameVariant]]
    lengths: dict[str, tuple[int, ...]]
    wildcards: dict[str, list[tuple[str, ...]]]
    deletions: dict[str, list[NameVariant]]
    facts: dict[str, EntityFacts]
    surnames: dict[str, list[str]]
    pairs: dict[tuple[str, str], frozenset[int]]
    name_tokens: set[str]
    glued: dict[tuple[str, ...], list[NameVariant]] = field(default_factory=dict)
    acronym_lists: dict[str, int] = field(default_factory=dict)
    near_cache: dict[str, tuple[list[NameVariant], int]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __len__(self) -> int:
        return len(self.phrases)


def _person_forms(name: str) -> tuple[list[tuple[tuple[str, ...], str]], set[str]]:
    """Return ``[(tokens, kind)]`` forms of a person name and its surname tokens."""
    forms: list[tuple[tuple[str, ...], str]] = []
    surnames: set[str] = set()
    if "," in name:
        surname_part, given_part = name.split(",", 1)
        surname = tuple(tokenize_name(surname_part))
        given = tuple(tokenize_name(given_part))
        if surname and given:
            forms.append((surname + given, "full"))
            forms.append((given + surname, "reordered"))
            if len(given) >= 2 and all(len(t) >= _MIN_DROP_LEN for t in given[1:]):
                forms.append(((given[0], *surname), "short"))
                forms.append(((*surname, given[0]), "short"))
            surnames.update(t for t in surname if t not in _PARTICLES)
            return forms, surnames
    tokens = tuple(tokenize_name(name))
    if not tokens:
        return forms, surnames
    forms.append((tokens, "full"))
    if len(tokens) >= 2:
        forms.append(((tokens[-1], *tokens[:-1]), "reordered"))
        surnames.add(tokens[-1])
    if len(tokens) >= 3 and all(len(t) >= _MIN_DROP_LEN for t in tokens[1:-1]):
        forms.append(((tokens[0], tokens[-1]), "short"))
    return forms, surnames


_Form = tuple[tuple[str, ...], str, str]
_PARENTHESES = re.compile(r"\(([^()]{1,60})\)")


@cache
def _words(key: str) -> frozenset[str]:
    return frozenset(phrase_list("text_words.yml", key))


@cache
def _word_map(key: str) -> dict[str, str]:
    data = load_wordlist("text_words.yml", key)
    return {str(k).lower(): str(v).lower() for k, v in data.items()}


def glue_tokens(tokens: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Return the glued key of a person name's tokens: Arabic articles dropped, ``Abd``/``Abu`` joined.

    ``("abd", "ar", "rahman", "al", "qaduli")`` -> ``("abdrahman", "qaduli")``. Idempotent.

    Data: ``text_words.yml::ARABIC_ARTICLES``, ``GLUED_PREFIXES``.
    """
    articles = _words("ARABIC_ARTICLES")
    prefixes = _word_map("GLUED_PREFIXES")
    kept = [t for t in tokens if t not in articles]
    out: list[str] = []
    k = 0
    while k < len(kept):
        token = kept[k]
        glued = prefixes.get(token)
        if glued is not None and k + 1 < len(kept):
            out.append(glued + kept[k + 1])
            k += 2
            continue
        out.append(token)
        k += 1
    return tuple(out)


def _has_article(tokens: tuple[str, ...]) -> bool:
    articles = _words("ARABIC_ARTICLES")
    prefixes = _word_map("GLUED_PREFIXES")
    return any(t in articles or t in prefixes for t in tokens)


def _glued_forms(name: str) -> list[tuple[str, ...]]:
    """Return glued keys of a person name: as listed, reordered, and first given + surname."""
    if "," in name:
        surname_part, given_part = name.split(",", 1)
        surname = tuple(tokenize_name(surname_part))
        given = tuple(tokenize_name(given_part))
    else:
        tokens = tuple(tokenize_name(name))
        surname, given = tokens[-1:], tokens[:-1]
    if not surname or not given or not _has_article(surname + given):
        return []
    glued_surname = glue_tokens(surname)
    glued_given = glue_tokens(given)
    if not glued_surname or not glued_given:
        return []
    keys = {glued_surname + glued_given, glued_given + glued_surname}
    if len(glued_given) >= 2:
        keys.add((glued_given[0], *glued_surname))
    return [k for k in keys if len(k) >= 2]


def _country_code(tokens: tuple[str, ...]) -> str | None:
    """Return the country a phrase names (qualifier table, then FtM's country names)."""
    rest = tokens[1:] if tokens[:1] == ("the",) else tokens
    if not rest:
        return None
    code = qualifier_phrases().get(rest)
    if code:
        return code
    if len(rest) == 1 and len(rest[0]) <= 3:
        return None  # "sa", "co", "ltd": legal forms, not country codes
    from followthemoney.types import registry

    found = registry.country.clean_text(" ".join(rest))
    return found.lower() if found else None


def _country_suffix(tokens: tuple[str, ...]) -> tuple[tuple[str, ...], str] | None:
    """Split ``<core> of (the) <country>`` into core and country code."""
    for k in range(len(tokens) - 2, 0, -1):
        if tokens[k] != "of":
            continue
        rest = tokens[k + 1 :]
        code = _country_code(rest)
        if code:
            return tokens[:k], code
    return None


def _is_government_of_country(tokens: tuple[str, ...]) -> bool:
    rest = tokens[1:] if tokens[:1] == ("the",) else tokens
    if is_country_phrase(rest):
        return True
    if rest[:1] == ("government",) and len(rest) > 2 and rest[1] == "of":
        tail = rest[2:]
        return is_country_phrase(tail[1:] if tail[:1] == ("the",) else tail)
    return False


def _comma_core(name: str) -> str | None:
    """Return the part of an organisation name before a comma that only adds a place or gloss.

    ``LA RIVIERA, PANAMA, S.A.`` -> ``LA RIVIERA``; ``MINISTRY OF DEFENCE OF THE RUSSIAN
    FEDERATION, including the Armed Forces ...`` -> the part before the comma.
    """
    if "," not in name:
        return None
    head, rest = name.split(",", 1)
    rest_tokens = tuple(tokenize_name(remove_org_types(rest)))
    if not tokenize_name(head):
        return None
    if not rest_tokens or rest_tokens[0] in ("including", "aka", "formerly", "also", "a"):
        return head
    if _country_code(rest_tokens):
        return head
    return None


def _head_forms(core: tuple[str, ...], full: tuple[str, ...]) -> list[_Form]:
    """Return the ``head`` forms of an organisation name (see the module docstring)."""
    forms: list[_Form] = []
    suffix = _country_suffix(full)
    if suffix:
        head, code = suffix
        if len(head) >= 2 or (head and zipf_en(head[0]) < HEAD_MAX_ZIPF):
            forms.append((head, "head", code))
        # "state duma of the federal assembly" -> "state duma"
        while True:
            cut = [k for k in range(1, len(head) - 1) if head[k] == "of"]
            if not cut:
                break
            head = head[: cut[-1]]
            if len(head) < 2 or is_stopword(head[-1]):
                break
            forms.append((head, "head", code))
    elif len(full) >= 2:
        trailing = _country_code(full[-1:])
        if trailing and not is_stopword(full[-2]):
            forms.append((full[:-1], "head", trailing))
    if len(core) >= 2:
        first = core[0]
        if (
            len(first) >= 4
            and not is_stopword(first)
            and not first.isdigit()
            and zipf_en(first) < HEAD_MAX_ZIPF
            and not is_country_phrase((first,))
        ):
            if zipf_en(first) < HEAD_WORD_MAX_ZIPF:
                forms.append(((first,), "head", ""))
            if len(core) >= 3 and not is_stopword(core[1]):
                forms.append((core[:2], "head", ""))
    if len(core) == 1:
        for suffix_word in _words("GLUED_ORG_SUFFIXES"):
            word = core[0]
            if word.endswith(suffix_word) and len(word) - len(suffix_word) >= 4:
                forms.append(((word[: -len(suffix_word)],), "head", ""))
    return forms


def _reordered_heads(tokens: tuple[str, ...]) -> tuple[str, ...] | None:
    """``ministry of defence`` -> ``defence ministry`` (``REORDERABLE_HEADS``)."""
    heads = _words("REORDERABLE_HEADS")
    for k in range(len(tokens) - 2):
        if tokens[k] in heads and tokens[k + 1] == "of":
            rest = tokens[k + 2 :]
            if rest[:1] == ("the",):
                rest = rest[1:]
            if 1 <= len(rest) <= 3:
                return (*tokens[:k], *rest, tokens[k])
    return None


def _spelling_variant(tokens: tuple[str, ...]) -> tuple[str, ...] | None:
    variants = _word_map("SPELLING_VARIANTS")
    if not any(t in variants for t in tokens):
        return None
    return tuple(variants.get(t, t) for t in tokens)


def _org_forms(name: str) -> list[_Form]:
    tokens = tuple(tokenize_name(name))
    if not tokens or _is_government_of_country(tokens):
        return []
    forms: list[_Form] = [(tokens, "full", "")]
    bases = [tokens]
    inner = _PARENTHESES.search(name)
    if inner and _country_code(tuple(tokenize_name(inner.group(1)))):
        inner = None  # "SBERBANK (SWITZERLAND) AG" is a subsidiary, not Sberbank
    if inner:
        # "Huawei Technologies Co., Ltd. (Huawei)": the list gives the short form itself.
        short = tuple(tokenize_name(inner.group(1)))
        outer = tuple(tokenize_name(_PARENTHESES.sub(" ", name)))
        if short and len(short) <= 4 and not _is_government_of_country(short):
            forms.append((short, "head", ""))
        if outer and outer != tokens:
            forms.append((outer, "core", ""))
            bases.append(outer)
            name = _PARENTHESES.sub(" ", name)
    comma = _comma_core(name)
    if comma:
        base = tuple(tokenize_name(comma))
        if base and not _is_government_of_country(base):
            forms.append((base, "core", ""))
            bases.append(base)
    for base in list(bases):
        suffix = _country_suffix(base)
        if suffix:
            core, code = suffix
            for qualifier, q_code in qualifier_phrases().items():
                if q_code == code and len(qualifier) == 1:
                    forms.append(((*qualifier, *core), "core", ""))
        if base[0] == "the" and len(base) > 1:
            forms.append((base[1:], "core", ""))
        if base[0] == "al" and len(base) >= 3:
            forms.append((base[1:], "core", ""))
    core = tuple(tokenize_name(remove_org_types(comma or name)))
    if core and core != tokens:
        forms.append((core, "core", ""))
    forms.extend(_head_forms(core or bases[-1], bases[-1]))
    extra: list[_Form] = []
    for form, kind, code in forms:
        reordered = _reordered_heads(form)
        if reordered:
            extra.append((reordered, kind if kind == "head" else "core", code))
    forms.extend(extra)
    spelled: list[_Form] = []
    for form, kind, code in forms:
        variant = _spelling_variant(form)
        if variant:
            spelled.append((variant, kind, code))
    forms.extend(spelled)
    out: list[_Form] = []
    for form, kind, code in forms:
        if kind == "head" and form[:1] == ("the",):
            form = form[1:]
        if form:
            out.append((form, kind, code))
    return out


def _birth_years(entity: ValueEntity) -> frozenset[int]:
    years: set[int] = set()
    for value in entity.get("birthDate", quiet=True):
        if len(value) >= 4 and value[:4].isdigit():
            years.add(int(value[:4]))
    return frozenset(years)


def wildcard_key(tokens: tuple[str, ...] | list[str], position: int) -> str:
    """Return the fuzzy look-up key of ``tokens`` with the token at ``position`` unknown.

    ``(("hasan", "nasrallah"), 0)`` -> ``"* nasrallah"``.
    """
    return " ".join([*tokens[:position], "*", *tokens[position + 1 :]])


def _deletion_keys(word: str) -> set[str]:
    keys = {word}
    for i in range(len(word)):
        one = word[:i] + word[i + 1 :]
        keys.add(one)
        for k in range(i, len(one)):
            keys.add(one[:k] + one[k + 1 :])
    return keys


def build_phrase_index(entities: Mapping[str, ValueEntity] | Iterable[ValueEntity]) -> PhraseIndex:
    """Build the phrase index of every strong name of every entity.

    Args:
        entities: entities by id (``Screener.entities``), or an iterable of entities.

    Returns:
        A :class:`PhraseIndex`. Building costs a few seconds for the five lists of the
        evaluation configuration (about 34,000 entities); callers cache it.
    """
    values = entities.values() if isinstance(entities, Mapping) else entities
    phrases: dict[tuple[str, ...], list[NameVariant]] = {}
    glued: dict[tuple[str, ...], list[NameVariant]] = {}
    facts: dict[str, EntityFacts] = {}
    surnames: dict[str, list[str]] = {}
    for entity in values:
        if entity.id is None:
            continue
        schema = entity.schema.name
        entity_surnames: set[str] = set()
        keys: set[tuple[str, ...]] = set()
        seen: set[tuple[tuple[str, ...], str]] = set()
        for prop in STRONG_NAME_PROPS:
            if prop not in entity.schema.properties:
                continue
            for name in entity.get(prop, quiet=True):
                forms: list[_Form]
                if schema == _PERSON:
                    person_forms, found = _person_forms(name)
                    forms = [(tokens, kind, "") for tokens, kind in person_forms]
                    entity_surnames.update(found)
                    for key in _glued_forms(name):
                        glued.setdefault(key, []).append(
                            NameVariant(entity.id, name, prop, "glued", key)
                        )
                elif schema in _CRAFT_SCHEMAS:
                    forms = [(t, k, c) for t, k, c in _org_forms(name) if k != "head"]
                else:
                    forms = _org_forms(name)
                for tokens, kind, code in forms:
                    if kind == "full" or (kind == "core" and schema != _PERSON):
                        keys.add(tuple(sorted(tokens)))
                    if (tokens, kind) in seen:
                        continue
                    seen.add((tokens, kind))
                    phrases.setdefault(tokens, []).append(
                        NameVariant(entity.id, name, prop, kind, tokens, code)
                    )
        if "lastName" in entity.schema.properties:
            for last in entity.get("lastName", quiet=True):
                entity_surnames.update(t for t in tokenize_name(last) if t not in _PARTICLES)
        entity_surnames = {t for t in entity_surnames if len(t) >= 3}
        for surname in entity_surnames:
            surnames.setdefault(surname, []).append(entity.id)
        countries: set[str] = set()
        for prop in COUNTRY_PROPS:
            if prop in entity.schema.properties:
                countries.update(v.lower() for v in entity.get(prop, quiet=True))
        positions: list[str] = []
        for prop in ("position", "title"):
            if prop in entity.schema.properties:
                positions.extend(entity.get(prop, quiet=True))
        facts[entity.id] = EntityFacts(
            entity_id=entity.id,
            list_id=list_id_of(entity),
            schema=schema,
            caption=entity.caption,
            surnames=frozenset(entity_surnames),
            birth_years=_birth_years(entity),
            countries=frozenset(countries),
            positions=tuple(dict.fromkeys(positions)),
            programs=tuple(entity.get("program", quiet=True)),
            name_keys=frozenset(keys),
        )
    _prune_heads(phrases, facts)
    acronym_lists: dict[str, int] = {}
    for tokens, variants in phrases.items():
        if len(tokens) == 1:
            acronym_lists[tokens[0]] = len(
                {facts[v.entity_id].list_id for v in variants if v.kind == "full"}
            )
    lengths_sets: dict[str, set[int]] = {}
    wildcards: dict[str, list[tuple[str, ...]]] = {}
    deletions: dict[str, list[NameVariant]] = {}
    for tokens, variants in phrases.items():
        lengths_sets.setdefault(tokens[0], set()).add(len(tokens))
        if 2 <= len(tokens) <= 4:
            if all(v.kind == "head" for v in variants):
                continue
            for k, token in enumerate(tokens):
                if len(token) < 4:
                    continue
                wildcards.setdefault(wildcard_key(tokens, k), []).append(tokens)
        elif len(tokens) == 1 and len(tokens[0]) >= _MIN_DELETION_LEN:
            org_variants = [
                v for v in variants if facts[v.entity_id].schema != _PERSON and v.kind != "head"
            ]
            if org_variants:
                for key1 in _deletion_keys(tokens[0]):
                    deletions.setdefault(key1, []).extend(org_variants)
    lengths = {first: tuple(sorted(s, reverse=True)) for first, s in lengths_sets.items()}
    pair_sets: dict[tuple[str, str], set[int]] = {}
    for tokens in phrases:
        if len(tokens) >= 2:
            pair_sets.setdefault((tokens[0], tokens[1]), set()).add(len(tokens))
    pairs = {pair: frozenset(sizes) for pair, sizes in pair_sets.items()}
    name_tokens = {tok for tokens in phrases if 2 <= len(tokens) <= 4 for tok in tokens}
    log.info("phrase index: %d phrases over %d entities", len(phrases), len(facts))
    return PhraseIndex(
        phrases,
        lengths,
        wildcards,
        deletions,
        facts,
        surnames,
        pairs,
        name_tokens,
        glued,
        acronym_lists,
    )


def _other_countries(code: str, named: list[NameVariant], facts: dict[str, EntityFacts]) -> bool:
    """True when every entity that carries the name belongs to countries other than ``code``."""
    for variant in named:
        countries = facts[variant.entity_id].countries
        if not countries or code in countries:
            return False
    return True


@cache
def _name_length(name: str) -> int:
    return len(tokenize_name(remove_org_types(name)))


@cache
def _name_key(name: str) -> tuple[str, ...]:
    return tuple(tokenize_name(remove_org_types(name)))


def _source_length(variant: NameVariant) -> int:
    """Length in tokens of the listed name a head form was taken from (legal form dropped)."""
    return _name_length(variant.name)


def _prune_heads(
    phrases: dict[tuple[str, ...], list[NameVariant]],
    facts: dict[str, EntityFacts],
) -> None:
    """Keep the head forms that name one party.

    A head form is dropped where it equals another entity's name (``GAZPROM`` is not
    ``GAZPROM NEFT``), unless it comes from a name ending in a country and every entity
    of that name belongs to other countries (the Russian ``MINISTRY OF DEFENCE ... OF THE
    RUSSIAN FEDERATION`` beside the North Korean and Syrian ``MINISTRY OF DEFENCE``).
    Head forms from names ending in a country are all kept (each needs its own country
    in context: ``HUAWEI FRANCE``); of the others, only those whose source name is
    shortest keep it (the parent company, not "... Affiliated Entity: ..." entries), and
    only when they all carry the same name (one party listed several times).
    """
    empty: list[tuple[str, ...]] = []
    for tokens, variants in phrases.items():
        heads = [v for v in variants if v.kind == "head"]
        if not heads:
            continue
        named = [v for v in variants if v.kind != "head"]
        coded = [v for v in heads if v.country]
        uncoded = [v for v in heads if not v.country]
        if named:
            coded = [v for v in coded if _other_countries(v.country, named, facts)]
            uncoded = []
        elif uncoded:
            best = min(_source_length(v) for v in uncoded)
            uncoded = [v for v in uncoded if _source_length(v) == best]
            if len({_name_key(v.name) for v in uncoded}) > 1:
                uncoded = []  # "Ilyushin" heads two different companies: ambiguous
        variants[:] = named + coded + uncoded
        if not variants:
            empty.append(tokens)
    for tokens in empty:
        del phrases[tokens]
