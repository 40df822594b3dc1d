"""screenwise's own routes: batch and text screening, entities, lists, health, alerts.

* ``POST /screen/batch``: up to ``max_batch_queries`` queries in one request; optionally
  opens alerts for the matches (``open_alerts``), which then show in the review queue.
* ``POST /screen/text``: an article as ``text/plain``, ``text/html`` or JSON
  ``{"text": ...}`` / ``{"url": ...}``; answers the text screening result (mentions with
  character offsets into the input). Text bodies are decoded by their declared charset
  (:mod:`screenwise.api.bodies`).
* ``GET /entities/{id}``: one listed entity with its provenance (list, version, programs).
* ``GET /lists``: the list versions being served, and newer active versions still loading.
  ``GET /healthz``: the process is up. ``GET /readyz``: 503 until lists are loaded; the
  versions only for an authenticated caller when API keys are configured.
* ``GET /alerts``, ``GET /alerts/{id}``, ``POST /alerts/{id}/decisions``,
  ``GET /alerts/{id}/audit``, ``GET /audit``: the alert queue, analysts' decisions and
  the audit trail (:mod:`screenwise.store.alerts`).

Decisions are attributed to the authenticated identity (HTTP Basic user name, else the API
key id: :func:`screenwise.api.security.identity_of`); the body's optional ``analyst`` is
only a display name kept next to it.

Routes parse input, make one library call and serialise the result models of
:mod:`screenwise.results` and :mod:`screenwise.store.alerts`.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Annotated, Any, Literal
from urllib.parse import urljoin, urlsplit

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SkipValidation,
    ValidationError,
    WithJsonSchema,
)
from starlette.concurrency import run_in_threadpool

from screenwise.api.app import AppState, FastJSONResponse, get_state, run_screening
from screenwise.api.bodies import (
    decode_text_body,
    is_json_media,
    media_type_of,
    parse_json_body,
    require_json,
)
from screenwise.api.security import (
    ERROR_RESPONSES,
    ErrorDetail,
    ErrorResponse,
    RequestTooLargeError,
    UnsupportedMediaTypeError,
    identity_of,
)
from screenwise.api.yente_compat import (
    EntityExample,
    EntityResponse,
    entity_response,
    example_to_query,
    resolve_lists,
)
from screenwise.entities import list_id_of
from screenwise.errors import InputError, QueryError
from screenwise.results import Query as ScreenQuery
from screenwise.results import ScreeningResult, TextScreeningResult
from screenwise.store.alerts import Alert, AuditEvent, Decision, HitOutcome, parse_status

__all__ = ["router"]

router = APIRouter(responses=ERROR_RESPONSES)

Responses = dict[int | str, dict[str, Any]]

_NOT_READY: Responses = {503: {"model": ErrorResponse, "description": "Lists not loaded yet"}}
_NOT_FOUND: Responses = {404: {"model": ErrorResponse, "description": "Not found"}}
_BAD: Responses = {400: {"model": ErrorResponse, "description": "Invalid request"}}
_MEDIA: Responses = {
    415: {"model": ErrorResponse, "description": "Unsupported content type"}
}
#: Threshold query parameter of the screening routes.
Threshold = Annotated[
    float | None,
    Query(ge=0.0, le=1.0, description="Score in [0, 1] at or above which a mention is an alert."),
]


# --------------------------------------------------------------------------- models


#: Any other value in ``queries``: accepted in the request and answered in that query's own
#: status 400 entry (the request is not refused for one bad query).
BatchItem = Annotated[
    Any,
    WithJsonSchema(
        {"description": "Any other value: answered with a status 400 entry for that query."}
    ),
]


class BatchRequest(BaseModel):
    """Body of ``POST /screen/batch``."""

    queries: list[SkipValidation[EntityExample | BatchItem]] = Field(
        ...,
        min_length=1,
        description="Queries (yente query entities); at most `max_batch_queries` (1,000). "
        "Each is checked on its own: an invalid query gets an error entry in `results` "
        "and the others are screened.",
    )
    threshold: float | None = Field(None, ge=0.0, le=1.0, description="Default: the engine's.")
    limit: int = Field(5, ge=1, le=100, description="Hits per query.")
    lists: list[Annotated[str, Field(max_length=100)]] | None = Field(
        None, max_length=50, description="List ids to screen against (default: all active)."
    )
    include_below: bool = Field(False, description="Also return hits below the threshold.")
    open_alerts: bool = Field(
        False, description="Open alerts for matches (de-duplicated, prior decisions honoured)."
    )

    model_config = ConfigDict(
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "queries": [
                        {"id": "cust-1", "schema": "Person",
                         "properties": {"name": ["Kim Jong Un"], "birthDate": ["1984-01-08"]}},
                        {"id": "cust-2", "schema": "Company",
                         "properties": {"name": ["Acme Trading LLC"], "country": ["ae"]}},
                    ],
                    "limit": 3,
                    "open_alerts": True,
                }
            ]
        }
    )


class BatchResult(ScreeningResult):
    """One query's entry in a ``POST /screen/batch`` answer.

    ``status`` 200: the query was screened (``query`` as screened, ``hits``...). ``status``
    400: it could not be (``query`` null, ``hits`` empty, ``detail`` says why and
    ``errors`` names the field, e.g. ``["queries", "3", "properties", "name"]``).
    """

    index: int = Field(..., ge=0, description="Position of the query in the request.")
    query_id: str = Field(
        ..., description="The query's `id`, or its position when it has none.",
        examples=["cust-1"],
    )
    status: int = Field(200, examples=[200])
    query: ScreenQuery | None = None  # type: ignore[assignment]
    detail: str | None = Field(None, examples=[None])
    errors: list[ErrorDetail] = Field(default_factory=list)


class BatchResponse(BaseModel):
    """Answer of ``POST /screen/batch``: one entry per query, in query order."""

    results: list[BatchResult]
    failed: int = Field(0, ge=0, description="Queries answered with status 400.")
    alerts: list[list[HitOutcome]] = Field(
        default_factory=list,
        description="Per query, what happened to each match (when `open_alerts`).",
    )
    threshold: float
    algorithm: str
    list_versions: dict[str, str]


class TextRequest(BaseModel):
    """JSON body of ``POST /screen/text``: the text itself, or a public http(s) URL."""

    model_config = ConfigDict(strict=True)

    text: str | None = Field(None, description="Plain text or HTML of the article.")
    url: str | None = Field(None, max_length=2000, description="http(s) URL to fetch.")
    content_type: Literal["text/plain", "text/html"] | None = Field(
        None, description="How to read `text` (default: sniffed)."
    )
    threshold: float | None = Field(None, ge=0.0, le=1.0)


class ProvenanceResponse(BaseModel):
    """Where an entity comes from."""

    list_id: str = Field(..., examples=["us_ofac_sdn"])
    list_version: str | None = Field(None, examples=["us_ofac_sdn@2023-12-28#d768d28e"])
    programs: list[str] = Field(default_factory=list, examples=[["DPRK3"]])


class EntityWithProvenance(EntityResponse):
    """A listed entity (yente ``EntityResponse`` shape) with its provenance."""

    provenance: ProvenanceResponse


class ListVersionResponse(BaseModel):
    """One list version (``source``: the input file names, never server paths)."""

    list_id: str = Field(..., examples=["us_ofac_sdn"])
    version_id: str = Field(..., examples=["us_ofac_sdn@2023-12-28#d768d28e"])
    published: str | None = Field(None, examples=["2023-12-28"])
    loaded_at: str | None = Field(None, examples=["2026-03-01T10:00:00+00:00"])
    entity_count: int | None = Field(None, examples=[13821])
    content_hash: str | None = Field(None, examples=["d768d28e..."])
    source: str | None = None
    format: str | None = Field(None, examples=["ofac-legacy-csv"])


class ListsResponse(BaseModel):
    """Answer of ``GET /lists``: the versions being served, and newer ones still loading."""

    lists: list[ListVersionResponse]
    loading: list[ListVersionResponse] = Field(
        default_factory=list,
        description="Active list versions promoted in the store that the server is still "
        "loading (screening uses `lists` until they are in place).",
    )


class HealthResponse(BaseModel):
    """Answer of ``GET /healthz``."""

    status: str = Field("ok", examples=["ok"])


class ReadyResponse(BaseModel):
    """Answer of ``GET /readyz`` when the service can screen.

    Without API keys configured, or with a valid key, it also says what is served:
    ``lists`` (list id -> version id being screened against), ``loading`` (newer active
    versions still loading), ``entities``, ``algorithm``, ``threshold`` and
    ``reload_error`` (why the last load of new versions failed, if it did). Otherwise only
    ``status``.
    """

    status: str = Field("ready", examples=["ready"])
    lists: dict[str, str] | None = Field(
        None, examples=[{"us_ofac_sdn": "us_ofac_sdn@2023-12-28#d768d28e"}]
    )
    loading: dict[str, str] | None = Field(None, examples=[{}])
    entities: int | None = Field(None, examples=[13821])
    algorithm: str | None = None
    threshold: float | None = None
    reload_error: str | None = None


class AlertsResponse(BaseModel):
    """Answer of ``GET /alerts``."""

    alerts: list[Alert]
    total: int
    limit: int
    offset: int


class DecisionRequest(BaseModel):
    """Body of ``POST /alerts/{id}/decisions``.

    The decision is recorded under the authenticated identity (HTTP Basic user name, else
    the API key id); ``analyst`` is an optional display name kept next to it, never
    instead of it.
    """

    model_config = ConfigDict(strict=True)

    decision: Literal["true_match", "false_positive", "true-match", "false-positive"] = Field(
        ..., examples=["false_positive"]
    )
    analyst: str | None = Field(
        None,
        max_length=200,
        examples=["Ana Analyst"],
        description="Optional display name; the decision is attributed to the "
        "authenticated identity whatever this says.",
    )
    comment: str = Field("", max_length=5000, examples=["Birth date 1975 differs from 1967."])


class AuditResponse(BaseModel):
    """Answer of ``GET /audit`` and ``GET /alerts/{id}/audit``."""

    events: list[AuditEvent]


def _actor(request: Request) -> str:
    return identity_of(request.scope.get("state", {}))[1]


def _public_source(source: str | None) -> str | None:
    """Return a version's source with file names only: local paths never leave the server.

    ``http(s)`` URLs (public download addresses) are kept as they are.
    """
    if not source:
        return source
    parts = []
    for item in source.split(";"):
        item = item.strip()
        if item.lower().startswith(("http://", "https://")):
            parts.append(item)
        elif item:
            parts.append(item.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1])
    return ";".join(parts)


# --------------------------------------------------------------------------- screening


@router.post(
    "/screen/batch",
    tags=["screening"],
    summary="Screen up to 1,000 queries",
    response_model=BatchResponse,
    responses={**_BAD, **_NOT_FOUND, **_NOT_READY, **_MEDIA},
    dependencies=[Depends(require_json)],
)
async def screen_batch(
    request: Request,
    body: BatchRequest,
    state: Annotated[AppState, Depends(get_state)],
) -> JSONResponse:
    """Screen a batch of queries and, optionally, open alerts for the matches.

    Each query is a yente query entity (`schema`, `properties`, optional `id` echoed
    back). `results` has one entry per query, in query order, with its `index` and
    `query_id` (the `id`, else the position). A screened query has `status` 200 and its
    hits, best first, each with `score` in [0, 1], `match` (score ≥ threshold) and the
    explanation.

    **Invalid queries do not fail the batch.** A query that cannot be screened (not an
    object, a missing or unknown `schema`, a property value too long, no non-blank
    `name`, a birth date that is not a date...) gets `status` 400, `query` null, no hits,
    a `detail` naming the query and the field, and `errors` with the field's location
    (e.g. `["queries", "3", "properties", "name"]`); every other query is screened as
    usual, and `failed` counts the 400 entries. Only faults of the request as a whole
    answer an error status: malformed JSON or a bad `limit`/`threshold` (400/422), an
    unknown list id (404), more than `max_batch_queries` queries (413; larger files go
    through `screenwise screen-file`).

    Example: `{"queries": [{"id": "cust-1", "schema": "Person", "properties":
    {"name": ["Kim Jong Un"]}}, {"id": "cust-2", "schema": "Person", "properties":
    {"name": [" "]}}], "open_alerts": true}` answers `cust-1` with its hits and `cust-2`
    with `status` 400, `detail` "query 'cust-2' (queries.1): properties.name: at least
    one non-blank name is needed".
    """
    screener = state.screener()
    max_queries = state.settings.max_batch_queries
    if len(body.queries) > max_queries:
        raise RequestTooLargeError(
            f"queries: {len(body.queries)} queries is over the limit of {max_queries}"
        )
    lists = None
    if body.lists is not None:
        unknown = sorted(set(body.lists) - set(screener.list_versions))
        if unknown:
            resolve_lists(screener, unknown[0])
        lists = list(body.lists)
    parsed = [_batch_query(i, item) for i, item in enumerate(body.queries)]
    threshold = screener.threshold if body.threshold is None else body.threshold
    actor = _actor(request)
    def screen(index: int, query: ScreenQuery) -> ScreeningResult | _BatchFailure:
        try:
            return screener.screen(
                query,
                threshold=threshold,
                limit=body.limit,
                lists=lists,
                include_below=body.include_below,
            )
        except QueryError as exc:  # e.g. a name with nothing to compare
            field = (exc.field or "properties.name").split(".")
            loc = ["queries", str(index), *field]
            error = {"loc": loc, "msg": str(exc), "type": "bad_request"}
            return _BatchFailure(index, _query_id(index, query.id), [error])

    def run() -> tuple[list[ScreeningResult | _BatchFailure], list[list[HitOutcome]]]:
        screened = [
            screen(index, item) if isinstance(item, ScreenQuery) else item
            for index, item in enumerate(parsed)
        ]
        results = [r for r in screened if isinstance(r, ScreeningResult)]
        outcomes = (
            [state.alerts.record_result(r, actor=actor) for r in results]
            if body.open_alerts
            else []
        )
        return screened, outcomes

    if body.open_alerts:  # alerts are written to the database: never on the event loop
        screened, outcomes = await run_in_threadpool(run)
    else:
        screened, outcomes = await run_screening(run, queries=len(parsed))
    versions = dict(screener.list_versions)
    entries: list[dict[str, Any]] = []
    alerts: list[list[dict[str, Any]]] = []
    done = iter(outcomes) if outcomes else None
    for index, item in enumerate(screened):
        if isinstance(item, _BatchFailure):
            entries.append(item.entry(threshold, screener.algorithm, versions))
            alerts.append([])
            continue
        outcome = next(done) if done is not None else []
        entry = item.model_dump(mode="json", by_alias=True)
        entry.update(index=index, query_id=_query_id(index, item.query.id), status=200,
                     detail=None, errors=[])
        entries.append(entry)
        alerts.append([o.model_dump(mode="json") for o in outcome])
    payload = {
        "results": entries,
        "failed": sum(1 for item in screened if isinstance(item, _BatchFailure)),
        "alerts": alerts if body.open_alerts else [],
        "threshold": threshold,
        "algorithm": screener.algorithm,
        "list_versions": versions,
    }
    return FastJSONResponse(payload)


def _query_id(index: int, given: object) -> str:
    """The id a batch entry is known by: the query's ``id``, else its position."""
    return given if isinstance(given, str) and given else str(index)


class _BatchFailure:
    """Why one query of a batch cannot be screened (answered as its status 400 entry)."""

    def __init__(self, index: int, query_id: str, errors: list[dict[str, Any]]) -> None:
        self.index = index
        self.query_id = query_id
        self.errors = errors

    def entry(self, threshold: float, algorithm: str, versions: dict[str, str]) -> dict[str, Any]:
        """The query's ``results`` entry (a :class:`BatchResult` with status 400)."""
        first = self.errors[0]
        where = ".".join(first["loc"][2:])
        field = f"{where}: " if where else ""
        detail = f"query {self.query_id!r} (queries.{self.index}): {field}{first['msg']}"
        return {
            "index": self.index,
            "query_id": self.query_id,
            "status": 400,
            "query": None,
            "hits": [],
            "threshold": threshold,
            "algorithm": algorithm,
            "total_candidates": 0,
            "list_versions": versions,
            "detail": detail,
            "errors": self.errors,
        }


#: ``queries.<key>.`` at the start of a field path :func:`example_to_query` reports.
_QUERIES_PREFIX = "queries."


def _batch_query(index: int, item: object) -> ScreenQuery | _BatchFailure:
    """Validate one query of a batch: the screening query, or why it cannot be screened.

    The item is checked against :class:`EntityExample` (type, lengths) and then converted
    by :func:`example_to_query` (screenable schema, a non-blank name, dates, countries).
    Error locations are ``["queries", "<index>", <field>...]``.
    """
    given = item.get("id") if isinstance(item, dict) else None
    query_id = _query_id(index, given)
    base = ["queries", str(index)]
    try:
        example = EntityExample.model_validate(item)
    except ValidationError as exc:
        errors = [
            {
                "loc": [*base, *(str(part) for part in err.get("loc", ()))],
                "msg": str(err.get("msg", "invalid query")),
                "type": str(err.get("type", "value_error")),
            }
            for err in exc.errors()
        ]
        return _BatchFailure(index, query_id, errors)
    try:
        query = example_to_query(str(index), example)
    except QueryError as exc:
        field = exc.field or "properties"
        prefix = f"{_QUERIES_PREFIX}{index}."
        field = field[len(prefix):] if field.startswith(prefix) else field
        message = str(exc)
        for start in (f"{prefix}{field}: ", f"{field}: "):
            if message.startswith(start):
                message = message[len(start):]
                break
        loc = [*base, *field.split(".")]
        return _BatchFailure(index, query_id, [{"loc": loc, "msg": message, "type": "bad_request"}])
    return query


_TEXT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/plain": {
                "schema": {"type": "string"},
                "example": "Kim Jong Un met Vladimir Putin in Vladivostok.",
            },
            "text/html": {
                "schema": {"type": "string"},
                "example": "<html><body><p>Kim Jong Un met Vladimir Putin.</p></body></html>",
            },
            "application/json": {
                "schema": TextRequest.model_json_schema(ref_template="#/components/schemas/{model}"),
                "example": {"text": "Kim Jong Un met Vladimir Putin in Vladivostok."},
            },
        },
    }
}


_PRIVATE_HINT = "only public http(s) addresses can be fetched"


def _check_public_url(url: str) -> None:
    """Refuse URLs that are not http(s) or resolve to non-public addresses (SSRF guard).

    Raises:
        InputError: bad scheme, missing host, unresolvable host, or a loopback, private,
            link-local, multicast or reserved address.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InputError(f"url: {url!r} is not an http(s) URL")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(f"url: host {parts.hostname!r} cannot be resolved") from exc
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global:
            raise InputError(f"url: {parts.hostname!r} is not a public address; {_PRIVATE_HINT}")


def _fetch_public(url: str, *, max_bytes: int, timeout_s: float) -> tuple[str, str | None, list[str]]:
    """Fetch a public URL, checking every redirect hop, within the size limit.

    Returns:
        ``(text, content_type, warnings)``.

    Raises:
        InputError: refused address, HTTP error, too many redirects, over the limit.
    """
    import httpx

    from screenwise.text.inputs import decode_bytes

    current = url
    with httpx.Client(timeout=timeout_s, follow_redirects=False) as client:
        for _ in range(4):
            _check_public_url(current)
            try:
                with client.stream("GET", current, headers={"User-Agent": "screenwise"}) as resp:
                    if resp.is_redirect and resp.headers.get("location"):
                        current = urljoin(current, resp.headers["location"])
                        continue
                    if resp.status_code >= 400:
                        raise InputError(f"{current}: HTTP {resp.status_code}; nothing screened")
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in resp.iter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise RequestTooLargeError(
                                f"{current}: larger than the limit of {max_bytes} bytes"
                            )
                        chunks.append(chunk)
                    media = resp.headers.get("content-type", "").split(";")[0].strip().lower()
            except httpx.HTTPError as exc:
                raise InputError(f"{current}: could not be fetched ({type(exc).__name__})") from exc
            text, _encoding, warnings = decode_bytes(b"".join(chunks), name=current)
            return text, (media or None), warnings
    raise InputError(f"{url}: too many redirects")


@router.post(
    "/screen/text",
    tags=["screening"],
    summary="Screen an article (text, HTML or URL)",
    response_model=TextScreeningResult,
    openapi_extra=_TEXT_BODY,
    responses={**_BAD, **_NOT_READY, **_MEDIA},
)
async def screen_text(
    request: Request,
    state: Annotated[AppState, Depends(get_state)],
    threshold: Threshold = None,
) -> JSONResponse:
    """Find mentions of listed parties in an article.

    Send the article as `text/plain` or `text/html`, or JSON `{"text": "..."}` or
    `{"url": "https://..."}` (public http(s) addresses only). A text body is decoded with
    the `charset` of its `Content-Type` (for HTML, else its `<meta charset>`), else as
    UTF-8; bytes not valid in that charset answer 400 with their byte offset. Bodies over
    `max_text_bytes` (2 MB) answer 413, other content types 415. `threshold` (query
    parameter, or `threshold` in the JSON body) sets the alert threshold in [0, 1].

    Each mention has the matched text, its character offsets `start`/`end` into the
    input, the sentence, `score` in [0, 1] and `region` (`body` or `boilerplate`).

    Example: `curl -H 'Content-Type: text/plain; charset=utf-8' --data 'Kim Jong Un met
    Vladimir Putin.' http://127.0.0.1:8000/screen/text`.
    """
    screener = state.screener()
    header = request.headers.get("content-type", "")
    media = media_type_of(header)
    if media not in ("text/plain", "text/html") and not is_json_media(media):
        raise UnsupportedMediaTypeError(
            f"content type {media or '(none)'!r} not supported; send text/plain, text/html "
            "or application/json"
        )
    raw = await request.body()
    warnings: list[str] = []
    source = "-"
    if media in ("text/plain", "text/html"):
        text = decode_text_body(raw, header)
        content_type: str | None = media
    else:
        data = parse_json_body(raw)
        try:
            parsed = TextRequest.model_validate(data)
        except ValidationError as exc:
            raise RequestValidationError(
                [{**err, "loc": ("body", *err.get("loc", ()))} for err in exc.errors()]
            ) from None
        if (parsed.text is None) == (parsed.url is None):
            raise QueryError("body: give exactly one of 'text' or 'url'", field="body.text")
        if threshold is not None and parsed.threshold is not None and (
            threshold != parsed.threshold
        ):
            raise QueryError(
                f"threshold: the query parameter ({threshold}) and the body "
                f"({parsed.threshold}) disagree; give one",
                field="query.threshold",
            )
        threshold = parsed.threshold if parsed.threshold is not None else threshold
        if parsed.url is not None:
            url = parsed.url
            settings = state.settings
            text, content_type, warnings = await run_in_threadpool(
                _fetch_public, url, max_bytes=settings.max_text_bytes,
                timeout_s=settings.fetch_timeout_s,
            )
            source = url
        else:
            text = parsed.text or ""
            content_type = parsed.content_type
    if not text.strip():
        raise QueryError("body: the text is empty", field="body")
    result = await run_in_threadpool(
        lambda: screener.screen_text(
            text,
            content_type=content_type,
            threshold=threshold,
            source=source,
        )
    )
    if warnings:
        result.warnings = [*warnings, *result.warnings]
    return FastJSONResponse(result.model_dump(mode="json", by_alias=True))


# --------------------------------------------------------------------------- data


@router.get(
    "/entities/{entity_id}",
    tags=["data"],
    summary="One listed entity with provenance",
    response_model=EntityWithProvenance,
    responses={**_NOT_FOUND, **_NOT_READY},
)
async def get_entity(
    entity_id: Annotated[str, Path(max_length=300, examples=["us_ofac_sdn-35096"])],
    state: Annotated[AppState, Depends(get_state)],
) -> JSONResponse:
    """Return one entity in yente's `EntityResponse` shape plus `provenance`.

    `provenance` names the list, the list version it was read from and its programs.
    Example: `GET /entities/us_ofac_sdn-35096`.
    """
    screener = state.screener()
    entity = screener.get_entity(entity_id)
    list_id = list_id_of(entity)
    version = screener.list_versions.get(list_id)
    data = entity_response(entity, list_version=version)
    data["provenance"] = {
        "list_id": list_id,
        "list_version": version,
        "programs": data["programs"],
    }
    return FastJSONResponse(data)


def _version_info(state: AppState, list_id: str, version_id: str) -> dict[str, Any]:
    """One list version for ``/lists``: the store's record when there is one."""
    from screenwise.errors import NotFoundError

    info: dict[str, Any] = {"list_id": list_id, "version_id": version_id}
    if state.store is None:
        return info
    try:
        v = state.store.get_version(version_id)
    except NotFoundError:
        return info
    info.update(
        published=v.published.isoformat() if v.published else None,
        loaded_at=v.loaded_at.isoformat(),
        entity_count=v.entity_count,
        content_hash=v.content_hash,
        source=_public_source(v.source),
        format=v.format,
    )
    return info


@router.get(
    "/lists",
    tags=["data"],
    summary="List versions being served",
    response_model=ListsResponse,
)
async def get_lists(state: Annotated[AppState, Depends(get_state)]) -> JSONResponse:
    """List the list versions screening runs against, and newer ones still loading.

    `lists` are the versions being served; `loading` the versions promoted in the store
    since that the server is still loading (it swaps them in without a restart). Each has
    its list id, version id, publication date, load time, entity count, content hash and
    source file names. Example: `GET /lists`.
    """
    live = state.live

    def run() -> dict[str, Any]:
        return {
            "lists": [
                _version_info(state, lid, vid)
                for lid, vid in sorted(live.served_versions().items())
            ],
            "loading": [
                _version_info(state, lid, vid)
                for lid, vid in sorted(live.pending_versions().items())
            ],
        }

    return FastJSONResponse(await run_in_threadpool(run))


@router.get(
    "/healthz",
    tags=["service"],
    summary="Liveness",
    response_model=HealthResponse,
)
async def healthz() -> JSONResponse:
    """Answer 200 while the process serves requests (no API key needed)."""
    return FastJSONResponse({"status": "ok"})


@router.get(
    "/readyz",
    tags=["service"],
    summary="Readiness (503 until lists are loaded)",
    response_model=ReadyResponse,
    responses=_NOT_READY,
)
async def readyz(
    request: Request, state: Annotated[AppState, Depends(get_state)]
) -> JSONResponse:
    """Answer 200 once screening works, 503 before.

    No API key needed; use it as the load balancer's readiness probe. When API keys are
    configured, only a caller sending a valid key also gets what is served: `lists` (the
    versions screened against), `loading` (newer active versions still loading),
    `entities`, `algorithm`, `threshold` and `reload_error`. Without keys configured
    (loopback only) everyone gets them.
    """
    screener = state.screener()
    if not request.scope.get("state", {}).get("authenticated"):
        return FastJSONResponse({"status": "ready"})
    live = state.live
    return FastJSONResponse(
        {
            "status": "ready",
            "lists": dict(screener.list_versions),
            "loading": live.pending_versions(),
            "entities": len(screener.entities),
            "algorithm": screener.algorithm,
            "threshold": screener.threshold,
            "reload_error": live.reload_error,
        }
    )


# --------------------------------------------------------------------------- alerts

AlertId = Annotated[int, Path(ge=1, le=2**62, description="Alert id.", examples=[1])]


@router.get(
    "/alerts",
    tags=["alerts"],
    summary="The alert queue",
    response_model=AlertsResponse,
    responses=_BAD,
)
async def list_alerts(
    state: Annotated[AppState, Depends(get_state)],
    status: Annotated[
        str,
        Query(
            pattern="^([Oo][Pp][Ee][Nn]|[Tt][Rr][Uu][Ee][_ -][Mm][Aa][Tt][Cc][Hh]|"
            "[Ff][Aa][Ll][Ss][Ee][_ -][Pp][Oo][Ss][Ii][Tt][Ii][Vv][Ee]|[Aa][Ll][Ll])$",
            description="`open` (default), `true_match`, `false_positive` or `all` "
            "(`true-match` and `false-positive` are accepted too).",
        ),
    ] = "open",
    list_id: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> JSONResponse:
    """List alerts, newest first (default: the open ones).

    Example: `GET /alerts?status=open&limit=50`.
    """

    wanted = None if status.lower() == "all" else parse_status(status)

    def run() -> tuple[list[Alert], int]:
        alerts = state.alerts.list_alerts(status=wanted, list_id=list_id, limit=limit, offset=offset)
        return alerts, state.alerts.count_alerts(status=wanted, list_id=list_id)

    alerts, total = await run_in_threadpool(run)
    return FastJSONResponse(
        {
            "alerts": [a.model_dump(mode="json", by_alias=True) for a in alerts],
            "total": total,
            "limit": limit,
            "offset": offset,
        }
    )


@router.get(
    "/alerts/{alert_id}",
    tags=["alerts"],
    summary="One alert with its decisions",
    response_model=Alert,
    responses=_NOT_FOUND,
)
async def get_alert(
    alert_id: AlertId, state: Annotated[AppState, Depends(get_state)]
) -> JSONResponse:
    """Return one alert: the query, the hit with its explanation, the list version and
    every decision so far. Example: `GET /alerts/1`."""
    alert = await run_in_threadpool(state.alerts.get_alert, alert_id)
    return FastJSONResponse(alert.model_dump(mode="json", by_alias=True))


@router.post(
    "/alerts/{alert_id}/decisions",
    tags=["alerts"],
    summary="Record a decision (true match / false positive)",
    status_code=201,
    response_model=Decision,
    responses={**_NOT_FOUND, **_BAD, **_MEDIA},
    dependencies=[Depends(require_json)],
)
async def decide(
    request: Request,
    alert_id: AlertId,
    body: Annotated[
        DecisionRequest,
        Body(
            openapi_examples={
                "false positive": {
                    "value": {
                        "decision": "false_positive",
                        "comment": "Birth date 1975 differs from the listed 1967.",
                    }
                }
            }
        ),
    ],
    state: Annotated[AppState, Depends(get_state)],
) -> JSONResponse:
    """Record a decision; the alert's status becomes the decision.

    The decision is attributed to the authenticated identity: the HTTP Basic user name
    (`curl -u alice:<key>`), else the API key id. An `analyst` in the body is kept only as
    a display name next to it. A false positive is not raised again for the same query
    while the entity is unchanged in later list versions; a confirmed true match is
    reported as `known_true_match`. The decision and the audit event are append-only.
    """
    analyst, actor = identity_of(request.scope.get("state", {}))
    decision = await run_in_threadpool(
        lambda: state.alerts.decide(
            alert_id,
            body.decision,
            analyst=analyst,
            comment=body.comment,
            actor=actor,
            display_name=body.analyst,
        )
    )
    return FastJSONResponse(decision.model_dump(mode="json"), status_code=201)


@router.get(
    "/alerts/{alert_id}/audit",
    tags=["alerts"],
    summary="Audit trail of one alert",
    response_model=AuditResponse,
    responses=_NOT_FOUND,
)
async def alert_audit(
    alert_id: AlertId, state: Annotated[AppState, Depends(get_state)]
) -> JSONResponse:
    """Return every event of one alert, oldest first, each tied to its list version."""
    events = await run_in_threadpool(state.alerts.audit_trail, alert_id)
    return FastJSONResponse({"events": [e.model_dump(mode="json") for e in events]})


@router.get(
    "/audit",
    tags=["alerts"],
    summary="Audit trail",
    response_model=AuditResponse,
    responses=_NOT_FOUND,
)
async def audit(
    state: Annotated[AppState, Depends(get_state)],
    list_version_id: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> JSONResponse:
    """Return audit events oldest first, all or those under one list version.

    A `list_version_id` that is neither a stored list version nor the version of any event
    answers 404. Example: `GET /audit?list_version_id=us_ofac_sdn@2023-12-28%23d768d28e`.
    """
    events = await run_in_threadpool(
        lambda: state.alerts.audit_trail(list_version_id=list_version_id, limit=limit)
    )
    return FastJSONResponse({"events": [e.model_dump(mode="json") for e in events]})
