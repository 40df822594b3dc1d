"""Query-by-example matching and free-text name search over a :class:`~screenwise.screening.Screener`.

Two library calls behind the yente-compatible routes (and usable without HTTP):

* :func:`match_query` screens one query the way yente's ``/match`` answers it: every
  candidate scored, results at or above a ``cutoff``, entity-id and schema exclusions
  applied, best first, cut to ``limit``; ``total`` counts the candidates that match (score
  at or above the threshold) before the cut, as yente's ``score_results`` does.
* :func:`search_names` ranks listed entities for a free-text name: entities with a name
  equal to the text after name normalisation first, then entities with a name containing
  every word of the text, then the other candidates by their matching score. Each result
  carries a relevance score in [0, 1] that follows that order.

Source: yente ``yente/scoring.py`` (``score_results``: the count of matches among the
scored candidates is the response's ``total``) and ``yente/routers/match.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from followthemoney import ValueEntity

from screenwise.names.normalize import normalize_name, tokenize_name
from screenwise.results import Hit, Query, ScreeningResult
from screenwise.screening import CANDIDATE_LIMIT, Screener

__all__ = [
    "NAME_PROPERTIES",
    "MatchOutcome",
    "SearchHit",
    "match_query",
    "name_relevance",
    "search_names",
]

#: Entity properties whose values are names (compared by :func:`name_relevance`).
NAME_PROPERTIES: tuple[str, ...] = ("name", "alias", "previousName", "weakAlias", "abbreviation")
#: Relevance of a candidate whose listed name contains every word of the text, at least;
#: candidates that only match fuzzily score below it (``FUZZY_SHARE`` x matching score).
WORDS_RELEVANCE = 0.9
FUZZY_SHARE = 0.9


@dataclass
class MatchOutcome:
    """The answer to one query in yente's ``/match`` semantics.

    Attributes:
        result: the screening result (query, threshold, algorithm, list versions).
        hits: the returned hits, best first, at most ``limit``.
        total: number of matching candidates (score >= threshold) after the exclusions,
            before ``limit`` is applied.
    """

    result: ScreeningResult
    hits: list[Hit] = field(default_factory=list)
    total: int = 0


def match_query(
    screener: Screener,
    query: Query,
    *,
    threshold: float,
    cutoff: float | None = None,
    limit: int = 5,
    lists: Sequence[str] | None = None,
    exclude_entity_ids: Iterable[str] = (),
    exclude_schemata: Iterable[str] = (),
) -> MatchOutcome:
    """Screen one query and count its matches the way yente's ``/match`` does.

    Args:
        screener: the screener over the served list versions.
        query: the query (at least one name).
        threshold: score in [0, 1] at or above which a hit is a match.
        cutoff: lowest score in [0, 1] returned at all (default and maximum: ``threshold``).
        limit: most hits returned (>= 1).
        lists: list ids screened against (None = every list of the screener).
        exclude_entity_ids: entity ids never returned nor counted.
        exclude_schemata: FtM schema names never returned nor counted (exact names).

    Returns:
        The :class:`MatchOutcome`; ``total`` counts the matches among all candidates
        retrieved for the query (at most :data:`screenwise.screening.CANDIDATE_LIMIT`).

    Raises:
        QueryError: the query has no name.
    """
    floor = threshold if cutoff is None else min(cutoff, threshold)
    result = screener.screen(
        query,
        threshold=threshold,
        limit=CANDIDATE_LIMIT,
        lists=lists,
        include_below=floor < threshold,
    )
    excluded_ids = set(exclude_entity_ids)
    excluded_schemata = set(exclude_schemata)
    kept = [
        h
        for h in result.hits
        if h.score >= floor
        and h.entity_id not in excluded_ids
        and h.schema_name not in excluded_schemata
    ]
    return MatchOutcome(result=result, hits=kept[:limit], total=sum(1 for h in kept if h.match))


@dataclass(frozen=True)
class SearchHit:
    """One entity found by :func:`search_names`.

    Attributes:
        entity: the listed entity.
        score: relevance in [0, 1] (see :func:`name_relevance`); results are sorted by it.
        match_score: the matching engine's score of the best name, in [0, 1].
    """

    entity: ValueEntity
    score: float
    match_score: float


def _entity_names(entity: ValueEntity) -> list[str]:
    names: list[str] = []
    for prop in NAME_PROPERTIES:
        if prop in entity.schema.properties:
            names.extend(entity.get(prop, quiet=True))
    return names


def name_relevance(text: str, names: Iterable[str], match_score: float) -> float:
    """Return the search relevance in [0, 1] of an entity with ``names`` for ``text``.

    Names are compared after :func:`screenwise.names.normalize_name`, the normalisation
    screening uses (case, punctuation, accents and script do not matter):

    * 1.0 when ``text`` equals one of the names;
    * 0.9 to 0.99 when every word of ``text`` is a word of one name, more when ``text``
      covers more of that name's words (``putin`` in ``PUTIN, Vladimir``: 0.945);
    * otherwise 0.9 x ``match_score`` (a fuzzy or phonetic match ranks below any of the
      above).

    Args:
        text: the searched text.
        names: the entity's names, aliases, previous names and weak aliases.
        match_score: the matching engine's score of the entity for ``text``, in [0, 1].

    Returns:
        The relevance, rounded to 4 decimals.
    """
    wanted = normalize_name(text)
    fuzzy = round(FUZZY_SHARE * max(0.0, min(1.0, match_score)), 4)
    if wanted is None:
        return fuzzy
    words = set(wanted.split(" "))
    best = fuzzy
    for name in names:
        form = normalize_name(name)
        if form is None:
            continue
        if form == wanted:
            return 1.0
        tokens = tokenize_name(name)
        if words <= set(tokens):
            coverage = len(words) / max(len(set(tokens)), 1)
            best = max(best, round(WORDS_RELEVANCE + (0.99 - WORDS_RELEVANCE) * coverage, 4))
    return best


def search_names(
    screener: Screener,
    text: str,
    *,
    schema: str = "LegalEntity",
    lists: Sequence[str] | None = None,
    keep: Callable[[ValueEntity], bool] | None = None,
) -> list[SearchHit]:
    """Find listed entities by a free-text name, most relevant first.

    The text is screened as a name (the same retrieval and matching as ``/match``, so
    spelling variants and other scripts are found), candidates below the threshold
    included; each candidate then gets the relevance of :func:`name_relevance`, so an
    entity whose name is the text itself, or contains every word of it, comes before a
    merely similar name (``putin`` finds ``PUTIN, Vladimir`` before the vessel
    ``PETION``).

    Args:
        screener: the screener over the served list versions.
        text: the searched name (not blank).
        schema: FtM schema of the query (``LegalEntity`` when any kind of party will do).
        lists: list ids searched (None = every list of the screener).
        keep: filter applied to each candidate entity (schema, countries, topics...).

    Returns:
        At most :data:`screenwise.screening.CANDIDATE_LIMIT` hits sorted by relevance,
        then matching score, then entity id.

    Raises:
        QueryError: the text has no name in it.
    """
    query = Query(schema=schema, properties={"name": [text]})
    result = screener.screen(
        query, threshold=screener.threshold, limit=CANDIDATE_LIMIT, lists=lists,
        include_below=True,
    )
    found: list[SearchHit] = []
    for hit in result.hits:
        entity = screener.get_entity(hit.entity_id)
        if keep is not None and not keep(entity):
            continue
        relevance = name_relevance(text, _entity_names(entity), hit.score)
        found.append(SearchHit(entity=entity, score=relevance, match_score=hit.score))
    found.sort(key=lambda h: (-h.score, -h.match_score, h.entity.id or ""))
    return found
