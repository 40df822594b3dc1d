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
  ``PUBLIC JOINT STOCK COMPANY ROSNEFT`` -> rosneft).

For misspellings the index also keeps, for names of two to four tokens, every form with
one token replaced by a wildcard (one token may differ by a small edit distance), and for
one-token organisation names of eight letters or more a deletion neighbourhood (SymSpell,
W. Garbe 2012) to find words within two edits.

Facts used for disambiguation (surnames, birth years, countries, positions) are kept per
entity in :class:`EntityFacts`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from followthemoney import ValueEntity
from rigour.names import remove_org_types

from screenwise.entities import COUNTRY_PROPS, STRONG_NAME_PROPS, list_id_of
from screenwise.names import tokenize_name
from screenwise.text.countries import is_country_phrase, qualifier_phrases

__all__ = ["KIND_SCORES", "EntityFacts", "NameVariant", "PhraseIndex", "build_phrase_index"]

log = logging.getLogger(__name__)

#: Name score of an exact token match, by the form of the listed name matched.
KIND_SCORES: dict[str, float] = {"full": 1.0, "reordered": 0.97, "core": 0.95, "short": 0.92}

#: Surname particles that are not a surname on their own.
_PARTICLES = frozenset(
    {"al", "el", "bin", "ibn", "abu", "abd", "de", "da", "van", "von", "der", "ul"}
)
_PERSON = "Person"
_MIN_DROP_LEN = 5
_MIN_DELETION_LEN = 8


@dataclass(frozen=True)
class NameVariant:
    """One form of one listed name, as a sequence of normalised tokens.

    Attributes:
        entity_id: the listed entity.
        name: the listed name as published.
        prop: the name property (``name``, ``alias`` or ``previousName``).
        kind: ``full``, ``reordered``, ``short`` or ``core`` (see the module docstring).
        tokens: the normalised tokens.
    """

    entity_id: str
    name: str
    prop: str
    kind: str
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class EntityFacts:
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
        wildcards: token tuple with one ``*`` -> ``(variant, wildcard position)``.
        deletions: deletion key -> one-token organisation variants (SymSpell, distance 2).
        facts: entity id -> :class:`EntityFacts`.
        surnames: person surname token -> entity ids.
        pairs: the first two tokens of every phrase of two tokens or more (a fast filter).
        name_tokens: every token of the phrases of two to four tokens (fuzzy filter).
    """

    phrases: dict[tuple[str, ...], list[NameVariant]]
    lengths: dict[str, tuple[int, ...]]
    wildcards: dict[tuple[str, ...], list[tuple[NameVariant, int]]]
    deletions: dict[str, list[NameVariant]]
    facts: dict[str, EntityFacts]
    surnames: dict[str, list[str]]
    pairs: set[tuple[str, str]]
    name_tokens: set[str]

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


def _country_suffix(tokens: tuple[str, ...]) -> tuple[tuple[str, ...], str] | None:
    """Split ``<core> of (the) <country>`` into core and country code."""
    table = qualifier_phrases()
    for k in range(len(tokens) - 2, 0, -1):
        if tokens[k] != "of":
            continue
        rest = tokens[k + 1 :]
        if rest and rest[0] == "the":
            rest = rest[1:]
        code = table.get(rest)
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


def _org_forms(name: str) -> list[tuple[tuple[str, ...], str]]:
    tokens = tuple(tokenize_name(name))
    if not tokens or _is_government_of_country(tokens):
        return []
    forms = [(tokens, "full")]
    suffix = _country_suffix(tokens)
    if suffix:
        core, code = suffix
        for qualifier, q_code in qualifier_phrases().items():
            if q_code == code and len(qualifier) == 1:
                forms.append(((*qualifier, *core), "core"))
    if tokens[0] == "the" and len(tokens) > 1:
        forms.append((tokens[1:], "core"))
    core = tuple(tokenize_name(remove_org_types(name)))
    if core and core != tokens:
        forms.append((core, "core"))
    return forms


def _birth_years(entity: ValueEntity) -> frozenset[int]:
    years: set[int] = set()
    for value in entity.get("birthDate", quiet=True):
        if len(value) >= 4 and value[:4].isdigit():
            years.add(int(value[:4]))
    return frozenset(years)


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
                if schema == _PERSON:
                    forms, found = _person_forms(name)
                    entity_surnames.update(found)
                else:
                    forms = _org_forms(name)
                for tokens, kind in forms:
                    if kind == "full":
                        keys.add(tuple(sorted(tokens)))
                    if (tokens, kind) in seen:
                        continue
                    seen.add((tokens, kind))
                    phrases.setdefault(tokens, []).append(
                        NameVariant(entity.id, name, prop, kind, tokens)
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
    lengths_sets: dict[str, set[int]] = {}
    wildcards: dict[tuple[str, ...], list[tuple[NameVariant, int]]] = {}
    deletions: dict[str, list[NameVariant]] = {}
    for tokens, variants in phrases.items():
        lengths_sets.setdefault(tokens[0], set()).add(len(tokens))
        if 2 <= len(tokens) <= 4:
            for k, token in enumerate(tokens):
                if len(token) < 4:
                    continue
                key = (*tokens[:k], "*", *tokens[k + 1 :])
                for variant in variants:
                    wildcards.setdefault(key, []).append((variant, k))
        elif len(tokens) == 1 and len(tokens[0]) >= _MIN_DELETION_LEN:
            org_variants = [v for v in variants if facts[v.entity_id].schema != _PERSON]
            if org_variants:
                for key1 in _deletion_keys(tokens[0]):
                    deletions.setdefault(key1, []).extend(org_variants)
    lengths = {first: tuple(sorted(s, reverse=True)) for first, s in lengths_sets.items()}
    pairs = {(tokens[0], tokens[1]) for tokens in phrases if len(tokens) >= 2}
    name_tokens = {tok for tokens in phrases if 2 <= len(tokens) <= 4 for tok in tokens}
    log.info("phrase index: %d phrases over %d entities", len(phrases), len(facts))
    return PhraseIndex(phrases, lengths, wildcards, deletions, facts, surnames, pairs, name_tokens)
