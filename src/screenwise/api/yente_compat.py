"""``/match/{dataset}`` and ``/search/{dataset}`` in yente's request and response shapes.

Integrators that already call yente (OpenSanctions' matching API) point their client at
screenwise and keep their code. The models below mirror yente's ``yente/data/common.py``
(``EntityExample``, ``EntityMatchQuery``, ``EntityResponse``, ``ScoredEntityResponse``,
``EntityMatches``, ``EntityMatchResponse``, ``TotalSpec``, ``SearchResponse``) and
nomenklatura's ``FeatureResult`` / ``FeatureDoc`` (``nomenklatura/matching/types.py``):

* a scored result carries both ``features`` (feature name -> value, read by older
  clients) and ``explanations`` (feature name -> ``{score, detail, query, candidate}``, read
  by current ones); the response carries ``matcher`` (feature docs) and ``limit``;
* screenwise adds fields yente clients ignore: per result ``list_version``, ``programs``
  and the full ``explanation``; per query ``threshold`` and ``list_versions``; per search
  result a relevance ``score``.
* each query is answered on its own, as in yente's ``EntityMatches.status``: a query that
  cannot be screened (a schema that is not a party, no non-blank name) gets ``status`` 400
  with ``detail`` and ``errors`` in its own entry, and the other queries are answered.
* ``total.value`` counts the candidates that match (score at or above the threshold)
  after the exclusions and before ``limit``, as yente's ``score_results`` counts them.

The logic lives in :mod:`screenwise.search` (``match_query``, ``search_names``); the routes
parse, call it and serialise.

``dataset`` is ``default`` (every active list) or a list id (e.g. ``us_ofac_sdn``).

Source: https://github.com/opensanctions/yente (``yente/data/common.py``,
``yente/routers/match.py``, ``yente/routers/search.py``) and
https://www.opensanctions.org/docs/api/matching/.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query
from fastapi.responses import JSONResponse
from followthemoney import ValueEntity, model
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from starlette.concurrency import run_in_threadpool

from screenwise.api.app import AppState, FastJSONResponse, get_state, run_screening
from screenwise.api.bodies import require_json
from screenwise.api.security import (
    ERROR_RESPONSES,
    ErrorDetail,
    ErrorResponse,
    RequestTooLargeError,
)
from screenwise.entities import COUNTRY_PROPS, LIST_SCHEMATA, list_id_of
from screenwise.errors import NotFoundError, QueryError
from screenwise.results import Hit
from screenwise.results import Query as ScreenQuery
from screenwise.search import MatchOutcome, match_query, search_names

if TYPE_CHECKING:
    from screenwise.screening import Screener

__all__ = [
    "EntityExample",
    "EntityMatchQuery",
    "EntityMatchResponse",
    "EntityMatches",
    "EntityResponse",
    "FeatureDoc",
    "FeatureResult",
    "ScoredEntityResponse",
    "SearchResponse",
    "SearchResult",
    "TotalSpec",
    "entity_response",
    "router",
    "scored_entity",
]

router = APIRouter(tags=["yente-compatible"], responses=ERROR_RESPONSES)

#: Names the ``algorithm`` parameter accepts besides the engine's own algorithm name.
ALGORITHM_ALIASES = frozenset({"best", "default"})
#: Most values per property and characters per value in one query.
MAX_VALUES = 20
MAX_VALUE_CHARS = 500
MAX_PROPERTIES = 40
#: Most results per query (``limit``) and deepest search offset.
MAX_LIMIT = 500
MAX_OFFSET = 10_000
#: Most entity ids in ``exclude_entity_ids`` (yente's limit).
MAX_EXCLUDED_IDS = 50

def _as_list(value: Any) -> Any:
    """Accept one string where a list of strings is expected (yente does)."""
    return [value] if isinstance(value, str) else value


_VALUE_SCHEMA: dict[str, Any] = {"type": "string", "maxLength": MAX_VALUE_CHARS}

#: One value or a list of values. A single string is read as a one-item list before the
#: length limits apply, so a value over the limit is reported as too long (not as "not a
#: string" from the other branch of a union).
PropertyValues = Annotated[
    list[Annotated[str, Field(max_length=MAX_VALUE_CHARS)]],
    BeforeValidator(_as_list),
    Field(max_length=MAX_VALUES),
    WithJsonSchema(
        {
            "anyOf": [
                _VALUE_SCHEMA,
                {"type": "array", "items": _VALUE_SCHEMA, "maxItems": MAX_VALUES},
            ],
            "description": "One value or a list of values (strings).",
        }
    ),
]


class EntityExample(BaseModel):
    """One query entity (yente ``EntityExample``): a schema and FtM properties."""

    model_config = ConfigDict(populate_by_name=True, strict=True)

    id: str | None = Field(None, max_length=200, examples=["my-entity-id"])
    schema_: str = Field(..., alias="schema", max_length=50, examples=["Person"])
    properties: dict[Annotated[str, Field(max_length=50)], PropertyValues] = Field(
        ...,
        max_length=MAX_PROPERTIES,
        examples=[{"name": ["John Doe"], "birthDate": ["1975-04-21"], "nationality": ["us"]}],
    )


class EntityMatchQuery(BaseModel):
    """The body of ``POST /match/{dataset}`` (yente ``EntityMatchQuery``).

    ``weights`` and ``config`` are accepted for compatibility and must be empty: screenwise
    scores with its calibrated algorithm only.
    """

    model_config = ConfigDict(strict=True)

    weights: dict[str, float] = Field(default_factory=dict, examples=[{}])
    config: dict[str, str | int | float | bool | None] = Field(default_factory=dict, examples=[{}])
    queries: dict[Annotated[str, Field(max_length=100)], EntityExample]


class TotalSpec(BaseModel):
    """Result count (yente ``TotalSpec``)."""

    value: int = Field(..., examples=[42])
    relation: str = Field("eq", examples=["eq"])


class FeatureResult(BaseModel):
    """One feature's contribution to a score (nomenklatura ``FeatureResult``)."""

    score: float = Field(..., examples=[1.0])
    detail: str | None = Field(None, examples=["Vladimir Putin ~ Vladimir Vladimirovich PUTIN"])
    query: str | None = Field(None, examples=["Vladimir Putin"])
    candidate: str | None = Field(None, examples=["Vladimir Vladimirovich PUTIN"])


class FeatureDoc(BaseModel):
    """Documentation of one scoring feature (nomenklatura ``FeatureDoc``)."""

    description: str | None = None
    coefficient: float
    url: str = ""


class EntityResponse(BaseModel):
    """A listed entity (yente ``EntityResponse``), with screenwise's provenance fields."""

    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(..., examples=["us_ofac_sdn-35096"])
    caption: str = Field(..., examples=["Vladimir Vladimirovich PUTIN"])
    schema_: str = Field(..., alias="schema", examples=["Person"])
    properties: dict[str, list[str]] = Field(
        ..., examples=[{"name": ["Vladimir Vladimirovich PUTIN"], "birthDate": ["1952-10-07"]}]
    )
    datasets: list[str] = Field(default_factory=list, examples=[["us_ofac_sdn"]])
    referents: list[str] = Field(default_factory=list, examples=[[]])
    target: bool = Field(True)
    first_seen: str | None = Field(None, examples=[None])
    last_seen: str | None = Field(None, examples=[None])
    last_change: str | None = Field(None, examples=[None])
    list_version: str | None = Field(None, examples=["us_ofac_sdn@2023-12-28#d768d28e"])
    programs: list[str] = Field(default_factory=list, examples=[["RUSSIA-EO14024"]])


class ScoredEntityResponse(EntityResponse):
    """A scored candidate (yente ``ScoredEntityResponse``) plus screenwise's explanation."""

    score: float = Field(..., ge=0.0, le=1.0, examples=[0.93])
    match: bool = Field(..., description="Whether the score is at or above the threshold.")
    features: dict[str, float] = Field(default_factory=dict, examples=[{"name_match": 0.95}])
    explanations: dict[str, FeatureResult] = Field(default_factory=dict)
    explanation: dict[str, Any] = Field(
        default_factory=dict,
        description="screenwise's explanation: matched names, name parts, qualifiers.",
    )


class EntityMatches(BaseModel):
    """The answer to one query (yente ``EntityMatches``).

    ``status`` is 200, or 400 for a query that cannot be screened; then ``detail`` says why,
    ``errors`` names the field, ``results`` is empty and the other queries are answered.
    """

    status: int = Field(200, examples=[200])
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: dict[str, Any] = Field(..., examples=[{"schema": "Person",
                                                  "properties": {"name": ["John Doe"]}}])
    detail: str | None = Field(None, examples=[None])
    errors: list[ErrorDetail] = Field(default_factory=list)
    threshold: float = Field(..., examples=[0.7])
    list_versions: dict[str, str] = Field(
        default_factory=dict, examples=[{"us_ofac_sdn": "us_ofac_sdn@2023-12-28#d768d28e"}]
    )


class EntityMatchResponse(BaseModel):
    """The body answered by ``POST /match/{dataset}`` (yente ``EntityMatchResponse``)."""

    responses: dict[str, EntityMatches]
    matcher: dict[str, FeatureDoc] = Field(default_factory=dict)
    limit: int = Field(..., examples=[5])


class SearchFacetItem(BaseModel):
    """One facet value and its count (yente ``SearchFacetItem``)."""

    name: str = Field(..., examples=["ru"])
    label: str = Field(..., examples=["ru"])
    count: int = Field(1, examples=[42])


class SearchFacet(BaseModel):
    """One facet (yente ``SearchFacet``)."""

    label: str = Field(..., examples=["Countries"])
    values: list[SearchFacetItem]


class SearchResult(EntityResponse):
    """A search result: a listed entity with its relevance (``score``, None when browsing)."""

    score: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        examples=[0.945],
        description="Relevance in [0, 1]: 1.0 the name itself, 0.9-0.99 every word of `q` "
        "in one name, below 0.9 a similar name (0.9 x matching score).",
    )


class SearchResponse(BaseModel):
    """The body answered by ``GET /search/{dataset}`` (yente ``SearchResponse``)."""

    limit: int = Field(..., examples=[10])
    offset: int = Field(0, examples=[0])
    total: TotalSpec
    results: list[SearchResult]
    facets: dict[str, SearchFacet] = Field(default_factory=dict)


MATCH_EXAMPLE: dict[str, Any] = {
    "queries": {
        "entity1": {
            "schema": "Person",
            "properties": {
                "name": ["Vladimir Putin"],
                "birthDate": ["1952-10-07"],
                "nationality": ["ru"],
            },
        },
        "entity2": {
            "schema": "Company",
            "properties": {
                "name": ["Brilliant Amazing Limited"],
                "jurisdiction": ["hk"],
                "registrationNumber": ["84BA99810"],
            },
        },
    }
}

MATCH_RESPONSE_EXAMPLE: dict[str, Any] = {
    "responses": {
        "entity1": {
            "status": 200,
            "results": [
                {
                    "id": "us_ofac_sdn-35096",
                    "caption": "Vladimir Vladimirovich PUTIN",
                    "schema": "Person",
                    "properties": {
                        "name": ["Vladimir Vladimirovich PUTIN"],
                        "birthDate": ["1952-10-07"],
                    },
                    "datasets": ["us_ofac_sdn"],
                    "referents": [],
                    "target": True,
                    "first_seen": None,
                    "last_seen": None,
                    "last_change": None,
                    "list_version": "us_ofac_sdn@2023-12-28#d768d28e",
                    "programs": ["RUSSIA-EO14024"],
                    "score": 0.96,
                    "match": True,
                    "features": {"name_match": 0.93, "dob_match": 1.0},
                    "explanations": {
                        "name_match": {
                            "score": 0.93,
                            "detail": "2 of 3 name parts exact, 1 missing",
                            "query": "Vladimir Putin",
                            "candidate": "Vladimir Vladimirovich PUTIN",
                        }
                    },
                    "explanation": {"summary": "name 2/3 parts exact; DOB agrees"},
                }
            ],
            "total": {"value": 1, "relation": "eq"},
            "query": {
                "id": None,
                "schema": "Person",
                "properties": {"name": ["Vladimir Putin"], "birthDate": ["1952-10-07"]},
            },
            "threshold": 0.7,
            "list_versions": {"us_ofac_sdn": "us_ofac_sdn@2023-12-28#d768d28e"},
        }
    },
    "matcher": {
        "name_match": {"description": "Names match", "coefficient": 0.9, "url": ""}
    },
    "limit": 5,
}


# --------------------------------------------------------------------------- helpers


def entity_response(
    entity: ValueEntity, *, list_version: str | None = None
) -> dict[str, Any]:
    """Serialise a list entity as a yente ``EntityResponse`` dict.

    Args:
        entity: the FtM entity.
        list_version: the version id it was read from, when known.

    Returns:
        ``{"id", "caption", "schema", "properties", "datasets", "referents", "target",
        "first_seen", "last_seen", "last_change", "list_version", "programs"}``.
    """
    props = {k: list(v) for k, v in entity.properties.items()}
    return {
        "id": entity.id,
        "caption": entity.caption,
        "schema": entity.schema.name,
        "properties": props,
        "datasets": sorted(entity.datasets),
        "referents": [],
        "target": True,
        "first_seen": None,
        "last_seen": None,
        "last_change": None,
        "list_version": list_version,
        "programs": list(props.get("program", [])),
    }


def scored_entity(hit: Hit) -> dict[str, Any]:
    """Serialise a hit as a yente ``ScoredEntityResponse`` dict (plus screenwise fields)."""
    features: dict[str, float] = {}
    explanations: dict[str, dict[str, Any]] = {}
    for feature in hit.explanation.features:
        features[feature.name] = feature.score
        explanations[feature.name] = {
            "score": feature.score,
            "detail": feature.detail or feature.description or None,
            "query": feature.query_value,
            "candidate": feature.candidate_value,
        }
    return {
        "id": hit.entity_id,
        "caption": hit.caption,
        "schema": hit.schema_name,
        "properties": hit.properties,
        "datasets": [hit.list_id],
        "referents": [],
        "target": True,
        "first_seen": None,
        "last_seen": None,
        "last_change": None,
        "list_version": hit.list_version,
        "programs": hit.programs,
        "score": hit.score,
        "match": hit.match,
        "features": features,
        "explanations": explanations,
        "explanation": hit.explanation.model_dump(mode="json"),
    }


def _matcher_docs(hits: Iterable[Hit]) -> dict[str, dict[str, Any]]:
    """The ``matcher`` of a ``/match`` response: the features of the returned hits."""
    docs: dict[str, dict[str, Any]] = {}
    for hit in hits:
        for feature in hit.explanation.features:
            if feature.name not in docs:
                docs[feature.name] = {
                    "description": feature.description or None,
                    "coefficient": feature.weight,
                    "url": "",
                }
    return docs


def resolve_lists(
    screener: Screener,
    dataset: str,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> list[str]:
    """Return the list ids a request screens against.

    Args:
        screener: the screener (its ``list_versions`` are the active lists).
        dataset: ``default`` or an active list id.
        include: ``include_dataset`` values (only these lists).
        exclude: ``exclude_dataset`` values (not these lists).

    Raises:
        NotFoundError: ``dataset`` is neither ``default`` nor a served list id.
    """
    active = sorted(screener.list_versions)
    if dataset == "default":
        lists = active
    elif dataset in screener.list_versions:
        lists = [dataset]
    else:
        raise NotFoundError(
            f"dataset {dataset!r} not found; use 'default' or one of: {', '.join(active)}"
        )
    if include:
        lists = [x for x in lists if x in include]
    return [x for x in lists if x not in exclude]


def example_to_query(key: str, example: EntityExample, *, where: str = "queries") -> ScreenQuery:
    """Convert a yente query entity to a screening :class:`~screenwise.results.Query`.

    Args:
        key: the query's key (``/match``) or position (``/screen/batch``).
        example: the query entity.
        where: the body field holding the queries, for error locations.

    Raises:
        QueryError: the schema is not a list schema, or the query has no non-blank name
            (``field`` is e.g. ``queries.q1.schema``).
    """
    schema = example.schema_
    ftm_schema = model.get(schema)
    if ftm_schema is None or not any(
        ftm_schema.name == s or ftm_schema.is_a(s) or model.get(s).is_a(schema)  # type: ignore[union-attr]
        for s in LIST_SCHEMATA
    ):
        raise QueryError(
            f"{where}.{key}.schema: {schema!r} is not a screenable schema "
            f"(use one of {', '.join(LIST_SCHEMATA)}, or Thing)",
            field=f"{where}.{key}.schema",
        )
    props: dict[str, list[str]] = {}
    for prop, values in example.properties.items():
        items = [values] if isinstance(values, str) else list(values)
        cleaned = [v for v in items if v.strip()]
        if cleaned:
            props[prop] = cleaned
    query = ScreenQuery(id=example.id or key, schema=schema, properties=props)
    if not query.names:
        raise QueryError(
            f"{where}.{key}.properties.name: at least one non-blank name is needed",
            field=f"{where}.{key}.properties.name",
        )
    return query


def _query_echo(example: EntityExample) -> dict[str, Any]:
    return {"id": example.id, "schema": example.schema_, "properties": example.properties}


def _failed_entry(
    example: EntityExample, exc: QueryError, threshold: float, versions: dict[str, str]
) -> dict[str, Any]:
    """The ``responses`` entry of a query that cannot be screened (status 400)."""
    loc = (exc.field or "queries").split(".")
    return {
        "status": 400,
        "results": [],
        "total": {"value": 0, "relation": "eq"},
        "query": _query_echo(example),
        "threshold": threshold,
        "list_versions": versions,
        "detail": str(exc),
        "errors": [{"loc": loc, "msg": str(exc), "type": "bad_request"}],
    }


# --------------------------------------------------------------------------- /match


@router.post(
    "/match/{dataset}",
    summary="Query-by-example matcher (yente-compatible)",
    response_model=EntityMatchResponse,
    responses={
        200: {"content": {"application/json": {"example": MATCH_RESPONSE_EXAMPLE}}},
        404: {"model": ErrorResponse, "description": "Unknown dataset"},
        400: {"model": ErrorResponse, "description": "Malformed JSON or invalid request "
              "parameters (a query that cannot be screened is answered in its own entry)"},
        503: {"model": ErrorResponse, "description": "Lists not loaded yet"},
    },
    dependencies=[Depends(require_json)],
)
async def match(
    body: Annotated[EntityMatchQuery, Body(openapi_examples={"yente": {"value": MATCH_EXAMPLE}})],
    dataset: Annotated[
        str, Path(max_length=100, description="`default` (all active lists) or a list id.")
    ],
    state: Annotated[AppState, Depends(get_state)],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Results per query.")] = 5,
    threshold: Annotated[
        float | None,
        Query(ge=0.0, le=1.0, description="Score at or above which a result is a match."),
    ] = None,
    cutoff: Annotated[
        float | None,
        Query(
            ge=0.0,
            le=1.0,
            deprecated=True,
            description="Lowest score returned at all (default: the threshold).",
        ),
    ] = None,
    algorithm: Annotated[
        str, Query(max_length=50, description="`best`, `default` or the engine's algorithm name.")
    ] = "best",
    include_dataset: Annotated[list[str], Query(max_length=50)] = [],  # noqa: B006
    exclude_dataset: Annotated[list[str], Query(max_length=50)] = [],  # noqa: B006
    exclude_schema: Annotated[list[str], Query(max_length=10)] = [],  # noqa: B006
    exclude_entity_ids: Annotated[
        list[str], Query(max_length=MAX_EXCLUDED_IDS, description="Entity ids never returned.")
    ] = [],  # noqa: B006
    topics: Annotated[
        list[str], Query(max_length=10, description="Accepted; every listed entity qualifies.")
    ] = [],  # noqa: B006
    changed_since: Annotated[
        str | None,
        Query(max_length=40, description="Not supported: screenwise keeps list versions, "
              "use their delta instead (400 when given)."),
    ] = None,
) -> JSONResponse:
    """Match entities by example (name, birth date, nationality, identifiers).

    Works like yente's `/match`: submit a batch of example entities; the keys of
    `queries` are yours and come back in `responses`. Each result has `score` in [0, 1],
    `match` (score ≥ threshold), `features`/`explanations` and screenwise's `explanation`
    (which query name matched which listed name, part by part, and which qualifiers agreed).
    `total.value` is the number of candidates that match (before `limit`). Each query has
    its own `status`: a query that cannot be screened (blank name, a schema that is not a
    party) gets 400 with `detail` and `errors` in its entry, and the others are answered.

    Example request (`POST /match/default?limit=5`):

    ```json
    {"queries": {"entity1": {"schema": "Person", "properties": {
        "name": ["Vladimir Putin"], "birthDate": ["1952-10-07"], "nationality": ["ru"]}}}}
    ```

    Most helpful properties: **Person** `name`, `birthDate`, `nationality`, `idNumber`,
    `passportNumber`; **Organization/Company** `name`, `country`/`jurisdiction`,
    `registrationNumber`; **Vessel** `name`, `imoNumber`, `flag`.
    """
    screener = state.screener()
    if changed_since is not None:
        raise QueryError(
            "changed_since: not supported; screenwise serves whole list versions "
            "(compare them with `screenwise lists delta`)",
            field="query.changed_since",
        )
    if body.weights or body.config:
        raise QueryError(
            "weights/config: per-request scoring configuration is not supported",
            field="body.weights" if body.weights else "body.config",
        )
    if algorithm not in ALGORITHM_ALIASES and algorithm != screener.algorithm:
        raise QueryError(
            f"algorithm: {algorithm!r} is not available; use 'best' or {screener.algorithm!r}",
            field="query.algorithm",
        )
    if not body.queries:
        raise QueryError("queries: no queries provided", field="body.queries")
    max_queries = state.settings.max_batch_queries
    if len(body.queries) > max_queries:
        raise RequestTooLargeError(
            f"queries: {len(body.queries)} queries is over the limit of {max_queries}"
        )
    lists = resolve_lists(screener, dataset, include_dataset, exclude_dataset)
    threshold = screener.threshold if threshold is None else threshold
    versions = dict(screener.list_versions)
    parsed: dict[str, ScreenQuery | QueryError] = {}
    for key, example in body.queries.items():
        try:
            parsed[key] = example_to_query(key, example)
        except QueryError as exc:  # answered in this query's own entry (status 400)
            parsed[key] = exc

    def run() -> dict[str, MatchOutcome | QueryError]:
        done: dict[str, MatchOutcome | QueryError] = {}
        for key, query in parsed.items():
            if not isinstance(query, ScreenQuery):
                continue
            try:
                done[key] = match_query(
                    screener,
                    query,
                    threshold=threshold,
                    cutoff=cutoff,
                    limit=limit,
                    lists=lists,
                    exclude_entity_ids=exclude_entity_ids,
                    exclude_schemata=exclude_schema,
                )
            except QueryError as exc:  # e.g. a name with nothing to compare
                done[key] = exc
        return done

    ran = await run_screening(run, queries=len(parsed))
    outcomes = {key: o for key, o in ran.items() if not isinstance(o, QueryError)}
    responses: dict[str, Any] = {}
    for key, example in body.queries.items():
        given = parsed[key]
        failed = given if isinstance(given, QueryError) else ran[key]
        if isinstance(failed, QueryError):
            responses[key] = _failed_entry(example, failed, threshold, versions)
            continue
        outcome = outcomes[key]
        responses[key] = {
            "status": 200,
            "results": [scored_entity(h) for h in outcome.hits],
            "total": {"value": outcome.total, "relation": "eq"},
            "query": {
                "id": example.id,
                "schema": outcome.result.query.schema_name,
                "properties": outcome.result.query.properties,
            },
            "threshold": threshold,
            "list_versions": outcome.result.list_versions,
        }
    matcher = _matcher_docs(h for o in outcomes.values() for h in o.hits)
    payload = {"responses": responses, "matcher": matcher, "limit": limit}
    return FastJSONResponse(payload, headers={"x-batch-size": str(len(responses))})


# --------------------------------------------------------------------------- /search


def _entity_countries(entity: ValueEntity) -> set[str]:
    found: set[str] = set()
    for prop in COUNTRY_PROPS:
        if prop in entity.schema.properties:
            found.update(v.lower() for v in entity.get(prop, quiet=True))
    return found


def _entity_topics(entity: ValueEntity) -> set[str]:
    if "topics" not in entity.schema.properties:
        return set()
    return set(entity.get("topics", quiet=True))


def _facets(entities: Sequence[ValueEntity]) -> dict[str, dict[str, Any]]:
    counters: dict[str, Counter[str]] = {
        "countries": Counter(),
        "topics": Counter(),
        "datasets": Counter(),
    }
    for entity in entities:
        counters["countries"].update(_entity_countries(entity))
        counters["topics"].update(_entity_topics(entity))
        counters["datasets"].update(entity.datasets)
    labels = {"countries": "Countries", "topics": "Topics", "datasets": "Data sources"}
    return {
        name: {
            "label": labels[name],
            "values": [
                {"name": value, "label": value, "count": count}
                for value, count in counter.most_common(30)
            ],
        }
        for name, counter in counters.items()
    }


@router.get(
    "/search/{dataset}",
    summary="Simple entity search (yente-compatible)",
    response_model=SearchResponse,
    responses={
        400: {"model": ErrorResponse, "description": "Invalid query"},
        404: {"model": ErrorResponse, "description": "Unknown dataset"},
        503: {"model": ErrorResponse, "description": "Lists not loaded yet"},
    },
)
async def search(
    dataset: Annotated[
        str, Path(max_length=100, description="`default` (all active lists) or a list id.")
    ],
    state: Annotated[AppState, Depends(get_state)],
    q: Annotated[
        str,
        Query(max_length=MAX_VALUE_CHARS, description="Name to search for (empty: browse)."),
    ] = "",
    schema: Annotated[
        str, Query(max_length=50, description="Only entities of this FtM schema (or its children).")
    ] = "Thing",
    countries: Annotated[
        list[str], Query(max_length=20, description="ISO alpha-2 country codes.")
    ] = [],  # noqa: B006
    topics: Annotated[list[str], Query(max_length=20)] = [],  # noqa: B006
    datasets: Annotated[list[str], Query(max_length=20)] = [],  # noqa: B006
    limit: Annotated[int, Query(ge=0, le=MAX_LIMIT)] = 10,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> JSONResponse:
    """Search listed entities by name, like yente's `/search`.

    Free text is screened as a name (the same matching as `/match`), so transliterations
    and misspellings are found. Each result has a relevance `score` in [0, 1] and results
    are sorted by it: entities with a name equal to `q` (after name normalisation) first
    (1.0), then entities with a name containing every word of `q` (0.9 to 0.99), then
    similar names (0.9 × the matching score). With an empty `q`, entities are listed in id
    order without a score (filters still apply). Filters: `schema`, `countries`, `topics`,
    `datasets`; paging: `limit`, `offset`.

    Example: `GET /search/default?q=Kim%20Jong%20Un&schema=Person&limit=5`.
    """
    screener = state.screener()
    ftm_schema = model.get(schema)
    if ftm_schema is None:
        raise QueryError(f"schema: {schema!r} is not an FtM schema", field="query.schema")
    lists = resolve_lists(screener, dataset, datasets)
    wanted_countries = {c.lower() for c in countries}
    wanted_topics = set(topics)

    def keep(entity: ValueEntity) -> bool:
        if not entity.schema.is_a(ftm_schema.name):
            return False
        if list_id_of(entity) not in lists:
            return False
        if wanted_countries and not wanted_countries & _entity_countries(entity):
            return False
        return not (wanted_topics and not wanted_topics & _entity_topics(entity))

    def run() -> list[tuple[ValueEntity, float | None]]:
        if not q.strip():
            return sorted(
                ((e, None) for e in screener.entities.values() if keep(e)),
                key=lambda pair: pair[0].id or "",
            )
        query_schema = (
            "LegalEntity" if ftm_schema.name in ("Thing", "LegalEntity") else ftm_schema.name
        )
        found = search_names(screener, q, schema=query_schema, lists=lists, keep=keep)
        return [(h.entity, h.score) for h in found]

    matches = await run_in_threadpool(run)
    page = matches[offset : offset + limit]
    results = []
    for entity, score in page:
        data = entity_response(entity, list_version=screener.list_versions.get(list_id_of(entity)))
        data["score"] = score
        results.append(data)
    payload = {
        "limit": limit,
        "offset": offset,
        "total": {"value": len(matches), "relation": "eq"},
        "results": results,
        "facets": _facets([e for e, _ in matches]),
    }
    return FastJSONResponse(payload)
