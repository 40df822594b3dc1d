"""Context disambiguation: score a found span against each candidate entity.

A mention's score starts from its name score (:mod:`screenwise.text.mentions`) and is
moved by what the text says around it, compared with what the list says about the entity:

* **role**: role words near the name (``text_words.yml::ROLE_GROUPS``: "spokesman",
  "President", "foreign minister") against the entity's ``position``/``title``: agreeing
  adds :data:`AGREE_BONUS`, a listed position of another kind subtracts :data:`DISAGREE_PENALTY`
  (enough to bring an exact name below the default threshold of 0.7);
* **country**: a demonym or country directly before the name ("Russian President ...",
  "Russia's Ministry of Defense"; ``text_countries.yml::QUALIFIERS``) against the entity's
  nationality and countries;
* **age**: "45-year-old", "aged 45", "(45)" against the birth year, with the article date;
* **namesakes**: when several parties share the span and the context agrees with some of
  them, the others lose :data:`PREFERENCE_PENALTY`;
* **common names**: a two-word person name whose words are both frequent given names and
  surnames (``Mark Taylor``) is capped at :data:`COMMON_NAME_CAP` unless the text uses the
  vocabulary of sanctions reporting (``DOMAIN_TERMS``).

Scores stay in [0, 1]; lower-scored namesakes are reported, not dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from screenwise.names import tokenize_name
from screenwise.text.countries import match_phrase_at, qualifier_phrases
from screenwise.text.guards import NAME_COMMON_ZIPF, is_stopword, is_title_word, zipf
from screenwise.text.mentions import Found
from screenwise.text.phrases import EntityFacts
from screenwise.text.tokens import Tokens
from screenwise.text.wordlists import load_wordlist, phrase_list

__all__ = [
    "ScoredCandidate",
    "has_domain_vocabulary",
    "position_groups",
    "qualifier_window",
    "role_groups_of",
    "same_party",
    "score_span",
]

AGREE_BONUS = 0.06
DISAGREE_PENALTY = 0.35
PREFERENCE_PENALTY = 0.35
COMMON_NAME_CAP = 0.6
_WINDOW_BEFORE = 6
_WINDOW_AFTER = 8
_AGE = re.compile(r"\b(\d{2})-year-old\b|\baged (\d{2})\b|^\s*,?\s*\((\d{2})\)|^\s*,\s*(\d{2}),")
_SENTENCE_END = re.compile(r"[.!?]\s|\n")


@dataclass
class ScoredCandidate:
    """One candidate entity of a span after context scoring.

    Attributes:
        entity_id: the entity.
        score: final score in [0, 1].
        name_score: the name score before context.
        matched_name: the listed name matched.
        explanation: human-readable reasons.
    """

    entity_id: str
    score: float
    name_score: float
    matched_name: str
    explanation: str


@cache
def _role_groups() -> dict[str, list[tuple[str, ...]]]:
    data = load_wordlist("text_words.yml", "ROLE_GROUPS")
    return {
        group: [tuple(tokenize_name(str(term))) for term in terms] for group, terms in data.items()
    }


def _contains(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(tokens[i : i + n]) == phrase for i in range(len(tokens) - n + 1))


@cache
def _role_starts() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    starts: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for group, phrases in _role_groups().items():
        for phrase in phrases:
            if phrase:
                starts.setdefault(phrase[0], []).append((phrase, group))
    return starts


def _groups_in(tokens: list[str]) -> set[str]:
    starts = _role_starts()
    found: set[str] = set()
    for i, token in enumerate(tokens):
        for phrase, group in starts.get(token, ()):
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                found.add(group)
    return found


#: Words before a name that may be its title ("Kremlin spokesman Dmitry Peskov").
_TITLE_RUN_MAX = 4


def qualifier_window(spans: list[Found], position: int, tokens: Tokens) -> tuple[int, int]:
    """Token range whose qualifiers (role, age, nationality) belong to ``spans[position]``.

    A qualifier belongs to the name it stands next to: the title right before a name
    ("Kremlin spokesman Dmitry Peskov") or an appositive clause right after it ("Dmitry
    Peskov, the Kremlin spokesman, said ..."). So the window of a name starts after the
    previous name and its appositive clause (up to the comma that closes it), and ends
    before the next name and the title run in front of it (capitalised, title or role
    words joined by spaces). A possessive name ("Putin's spokesman") does not end the
    window of the name before it: the noun after it is that name's role.

    Args:
        spans: the spans of one text in text order.
        position: index of the span in ``spans``.
        tokens: the text's tokens.

    Returns:
        ``(first, last)``, last exclusive, token indexes.
    """
    found = spans[position]
    gaps = tokens.gaps
    low = 0
    for other in reversed(spans[:position]):
        if other.last <= found.first:
            low = other.last
            if 0 < low < found.first and "," in gaps[low - 1]:
                # The previous name's appositive clause, closed by a comma before this name.
                for k in range(low + 1, found.first):
                    if "," in gaps[k - 1]:
                        low = k
                        break
            break
    high = len(tokens)
    for other in spans[position + 1 :]:
        if other.first >= found.last and tokens.possessive[other.last - 1]:
            continue  # "Dmitry Peskov, who as Putin's spokesman ...": Peskov's role
        if other.first >= found.last:
            high = other.first
            steps = 0
            while high > found.last and steps < _TITLE_RUN_MAX:
                k = high - 1
                if gaps[k].strip(" \t\u00a0"):
                    break
                word = tokens.core[k]
                if not (tokens.cap[k] or is_title_word(word) or _groups_in([word])):
                    break
                high = k
                steps += 1
            break
    return low, high


def role_groups_of(tokens: list[str]) -> set[str]:
    """Return the role groups (``text_words.yml::ROLE_GROUPS``) named in normalised tokens."""
    return _groups_in(tokens)


@cache
def position_groups(position: str) -> frozenset[str]:
    """Return the role groups a listed position or title belongs to.

    A position that states a relation to the office holder ("Wife of President ...",
    "Assistant to ...") belongs to no group (``text_words.yml::RELATION_WORDS``).
    """
    tokens = tokenize_name(position)
    if tokens and tokens[0] in _relation_words():
        return frozenset()
    return frozenset(_groups_in(tokens))


@cache
def _relation_words() -> frozenset[str]:
    return frozenset(phrase_list("text_words.yml", "RELATION_WORDS"))


_position_groups = position_groups


def has_domain_vocabulary(tokens: Tokens) -> bool:
    """Return True when the text uses sanctions-reporting words (``text_words.yml::DOMAIN_TERMS``)."""
    singles, phrases = _domain_terms()
    words = set(tokens.core)
    if not singles.isdisjoint(words):
        return True
    return any(term[0] in words and _contains(tokens.core, term) for term in phrases)


@cache
def _domain_terms() -> tuple[frozenset[str], tuple[tuple[str, ...], ...]]:
    terms = [tuple(tokenize_name(term)) for term in phrase_list("text_words.yml", "DOMAIN_TERMS")]
    singles = frozenset(term[0] for term in terms if len(term) == 1)
    return singles, tuple(term for term in terms if len(term) > 1)


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), -1)
    match = _SENTENCE_END.search(text, end)
    right = match.start() + 1 if match else len(text)
    return left + 1, right


@cache
def _qualifier_max_len() -> int:
    return max(len(p) for p in qualifier_phrases())


def _qualifier_countries(text: str, tokens: Tokens, first: int) -> set[str]:
    """Countries named directly before token ``first`` ("Russian President", "Iran's").

    Only words joined to the name by spaces count: a comma or other punctuation ends the
    qualifier ("trade with India, Pavel Sorokin" does not make him Indian).
    """
    table = qualifier_phrases()
    max_len = _qualifier_max_len()
    found: set[str] = set()
    k = first - 1
    steps = 0
    while k >= 0 and steps < 4:
        gap = text[tokens.end[k] : tokens.start[k + 1]]
        if gap.strip(" \t\u00a0-"):
            break
        word = tokens.core[k]
        if is_title_word(word) or is_stopword(word) or not tokens.cap[k]:
            k -= 1
            steps += 1
            continue
        for length in range(min(max_len, k + 1), 0, -1):
            hit = match_phrase_at(tokens, k - length + 1, table, max_len)
            if hit and hit[1] == length:
                found.add(hit[0])
                break
        break
    return found


def _age(text: str, start: int, end: int) -> int | None:
    window = text[max(0, start - 40) : end + 20]
    after = text[end : end + 12]
    for chunk in (after, window):
        match = _AGE.search(chunk)
        if match:
            value = next(g for g in match.groups() if g)
            return int(value)
    return None


def _article_year(article_date: str | None) -> int:
    if article_date and article_date[:4].isdigit():
        return int(article_date[:4])
    return date.today().year


def score_span(
    found: Found,
    text: str,
    tokens: Tokens,
    facts: dict[str, EntityFacts],
    *,
    article_date: str | None,
    domain_text: bool,
    prior: dict[str, float],
    window: tuple[int, int] | None = None,
) -> list[ScoredCandidate]:
    """Score every candidate entity of one span in its context.

    Args:
        found: the span and its candidates with name scores.
        text: the screened text.
        tokens: its tokens.
        facts: entity facts of the phrase index.
        article_date: the article's date (ISO), for ages; today when None.
        domain_text: whether the text uses sanctions vocabulary (:func:`has_domain_vocabulary`).
        prior: entity id -> best score of its earlier mentions in the text; a back-reference
            takes over that score.
        window: token range ``(first, last)`` (last exclusive) the span's qualifiers may
            come from: the tokens after the previous name and before the next one. A
            role word qualifies the name it stands next to ("Kremlin spokesman Dmitry
            Peskov said Vladimir Putin ...": the spokesman is Peskov, not Putin), so
            another name in between ends the window. None: the whole sentence window.

    Returns:
        Candidates sorted by score, best first; scores in [0, 1].
    """
    s_start, s_end = _sentence_bounds(text, found.start, found.end)
    low, high = window if window is not None else (0, len(tokens))
    before = [
        tokens.core[k]
        for k in range(max(0, low, found.first - _WINDOW_BEFORE), found.first)
        if tokens.start[k] >= s_start
    ]
    after = [
        tokens.core[k]
        for k in range(found.last, min(len(tokens), high, found.last + _WINDOW_AFTER))
        if tokens.end[k] <= s_end
    ]
    text_roles = _groups_in(before) | _groups_in(after)
    text_countries = found.qualifiers or _qualifier_countries(text, tokens, found.first)
    age = _age(text, found.start, found.end)
    year = _article_year(article_date)
    results: list[ScoredCandidate] = []
    evidence: dict[str, int] = {}
    for entity_id, (name_score, variant) in found.candidates.items():
        fact = facts[entity_id]
        score = prior.get(entity_id, name_score) if found.inherit else name_score
        score = min(score, found.score_cap)
        reasons = [f"{found.how} match of '{variant.name}' ({variant.prop})"]
        agree = 0
        if text_roles and fact.positions and fact.schema == "Person":
            listed = set().union(*(_position_groups(p) for p in fact.positions))
            if listed & text_roles:
                score += AGREE_BONUS
                agree += 1
                reasons.append(
                    f"role {sorted(text_roles & listed)} agrees with '{fact.positions[0]}'"
                )
            elif listed:
                score -= DISAGREE_PENALTY
                agree -= 1
                reasons.append(f"role {sorted(text_roles)} differs from '{fact.positions[0]}'")
        if text_countries and fact.countries:
            if text_countries & fact.countries:
                score += AGREE_BONUS
                agree += 1
                reasons.append(f"country {sorted(text_countries)} agrees")
            else:
                score -= DISAGREE_PENALTY
                agree -= 1
                reasons.append(
                    f"country {sorted(text_countries)} differs from {sorted(fact.countries)}"
                )
        if (
            not text_countries
            and found.context
            and fact.schema != "Person"
            and fact.countries & found.context
        ):
            # Not a score change: the sentence (or the article) is about the party's
            # country, which prefers it over namesakes of other countries.
            agree += 1
            reasons.append(f"the text is about {sorted(fact.countries & found.context)}")
        if age is not None and fact.birth_years:
            born = year - age
            if any(abs(born - y) <= 2 for y in fact.birth_years):
                score += AGREE_BONUS
                agree += 1
                reasons.append(f"age {age} agrees with birth year")
            else:
                score -= DISAGREE_PENALTY
                agree -= 1
                reasons.append(f"age {age} differs from birth years {sorted(fact.birth_years)}")
        if (
            fact.schema == "Person"
            and not domain_text
            and len(variant.tokens) == 2
            and all(zipf(tok) >= NAME_COMMON_ZIPF for tok in variant.tokens)
            and agree <= 0
            and not _office_holder(fact)
        ):
            score = min(score, COMMON_NAME_CAP)
            reasons.append("common given name and surname, text not about sanctions")
        evidence[entity_id] = agree
        results.append(
            ScoredCandidate(entity_id, score, name_score, variant.name, "; ".join(reasons))
        )
    _prefer_supported(results, evidence, facts)
    for candidate in results:
        candidate.score = round(min(1.0, max(0.0, candidate.score)), 4)
    results.sort(key=lambda c: -c.score)
    return results


def _office_holder(fact: EntityFacts) -> bool:
    """True for a person the list gives a public office (a position in a role group).

    Such a name is frequent in text because the office holder is written about (``Putin``
    is a frequent word through one man), not because many people carry it: the
    common-name cap is for names many people share (``Mark Taylor``), and a full mention
    of a listed office holder's name stands in any text.
    """
    return any(_position_groups(p) for p in fact.positions)


def same_party(a: EntityFacts, b: EntityFacts) -> bool:
    """Return True when two list entries plausibly describe one party.

    Persons: a shared name (or surname) and close birth years. Organisations: a shared
    name or name without legal form, and no disagreeing countries.
    """
    if a.schema != b.schema and "Person" in (a.schema, b.schema):
        return False
    if a.birth_years and b.birth_years and not _years_close(a.birth_years, b.birth_years):
        return False
    if a.schema != "Person" and a.countries and b.countries and not a.countries & b.countries:
        return False
    return bool(a.name_keys & b.name_keys) or _surname_given_overlap(a, b)


def _years_close(a: frozenset[int], b: frozenset[int]) -> bool:
    return any(abs(x - y) <= 1 for x in a for y in b)


def _surname_given_overlap(a: EntityFacts, b: EntityFacts) -> bool:
    if a.schema != "Person":
        return False
    if not a.surnames & b.surnames:
        return False
    return bool(a.birth_years and b.birth_years)


def _prefer_supported(
    results: list[ScoredCandidate], evidence: dict[str, int], facts: dict[str, EntityFacts]
) -> None:
    supported = [c for c in results if evidence[c.entity_id] > 0]
    if not supported:
        return
    for candidate in results:
        if evidence[candidate.entity_id] > 0:
            continue
        fact = facts[candidate.entity_id]
        if any(same_party(fact, facts[s.entity_id]) for s in supported):
            continue
        candidate.score -= PREFERENCE_PENALTY
        candidate.explanation += "; the context fits another listed party better"
