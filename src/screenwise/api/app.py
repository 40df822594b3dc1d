"""The FastAPI application: routers, the one error shape, readiness and list loading.

:func:`create_app` builds the service from :class:`~screenwise.settings.Settings`:

* ``/match/{dataset}`` and ``/search/{dataset}`` speak yente's request and response shapes
  (:mod:`screenwise.api.yente_compat`);
* ``/screen/*``, ``/entities/{id}``, ``/lists``, ``/alerts*``, ``/audit``, ``/healthz`` and
  ``/readyz`` are screenwise's own routes (:mod:`screenwise.api.screen`);
* ``/review*`` are the analysts' pages, each with a ``.json`` twin
  (:mod:`screenwise.api.review`).

The lists served follow the store: a :class:`~screenwise.serving.LiveScreener` checks the
store's active list versions every few seconds, builds a screener over newly promoted ones
in the background while the current one keeps serving, and swaps it in atomically; a failed
build leaves the current one serving and is logged.

Errors are mapped once, here, by one rule:

* **415** a body in a content type the route does not read;
* **400** malformed JSON (``malformed JSON at line L column C``), and requests that are
  well-formed but semantically invalid (a schema that cannot be screened, a blank name, an
  unknown algorithm): a :class:`~screenwise.errors.ScreenwiseError` answers with its
  ``status``;
* **422** body or parameter validation (types, ranges, lengths), with every failing field;
* unknown routes 404, anything else (a bug) 500 (:mod:`screenwise.api.security`).

Every 4xx/5xx body has the same JSON shape (:func:`screenwise.api.security.error_body`),
never a stack trace, and for 400 and 422 a non-empty ``errors`` list naming the fields. On
the review pages (:func:`screenwise.api.security.is_html_path`) the same errors are
rendered as an HTML page instead.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from screenwise.api.security import (
    ERROR_RESPONSES,
    ApiKeys,
    GuardMiddleware,
    RateLimiter,
    error_body,
    is_html_path,
    load_api_keys,
)
from screenwise.errors import InputError, ScreenwiseError
from screenwise.serving import CHECK_INTERVAL_S, LiveScreener, freeze_heap
from screenwise.settings import Settings
from screenwise.store.alerts import AlertStore

if TYPE_CHECKING:
    from screenwise.screening import Screener
    from screenwise.store.versions import ListStore

__all__ = [
    "INLINE_MAX_QUERIES",
    "AppState",
    "FastJSONResponse",
    "app_from_env",
    "create_app",
    "field_errors",
    "get_state",
    "review_secret",
    "run_screening",
]

log = logging.getLogger("screenwise.api")

HERE = Path(__file__).resolve().parent

#: Requests screening at most this many queries run on the event loop itself; larger ones
#: in a worker thread (see :func:`run_screening`).
INLINE_MAX_QUERIES = 4

T = TypeVar("T")


class FastJSONResponse(JSONResponse):
    """A JSON response rendered with orjson (UTF-8, compact), several times faster than
    the standard library's encoder on screening results.

    NaN and infinities are written as ``null`` (the API's scores are finite floats in
    [0, 1]); keys must be strings. Source: https://github.com/ijl/orjson#serialize.
    """

    def render(self, content: Any) -> bytes:
        """Return ``content`` as compact UTF-8 JSON bytes.

        Raises:
            TypeError: ``content`` holds a value orjson cannot serialise
                (``orjson.JSONEncodeError`` is a ``TypeError``).
        """
        return orjson.dumps(content)


async def run_screening(work: Callable[[], T], *, queries: int) -> T:
    """Run CPU-bound screening work for a request: small work inline, large in a thread.

    Screening is pure Python and holds the GIL, so a worker thread cannot run it alongside
    the event loop; handing it over only adds thread switches (each up to the interpreter's
    5 ms switch interval) and GIL contention, which under load cost more than the screening
    itself. A request with at most :data:`INLINE_MAX_QUERIES` queries (a few milliseconds)
    therefore runs on the event loop; a larger batch runs in the thread pool so that health
    checks and small requests are still answered while it is screened.

    Args:
        work: the screening to run (no arguments).
        queries: how many queries ``work`` screens.

    Returns:
        What ``work`` returns.
    """
    if queries <= INLINE_MAX_QUERIES:
        return work()
    return await run_in_threadpool(work)


@dataclass
class AppState:
    """Everything the routes need, kept on ``app.state.screenwise``.

    Attributes:
        settings: the service settings.
        store: the list-version store (None when the screener was given without one).
        alerts: the alert store.
        keys: the accepted API keys.
        csrf_secret: secret for the review form's anti-forgery tokens.
        live: the screener being served, following the store's active list versions.
    """

    settings: Settings
    store: ListStore | None
    alerts: AlertStore
    keys: ApiKeys
    csrf_secret: bytes
    live: LiveScreener

    @property
    def ready(self) -> bool:
        """True once a screener over loaded lists is in place."""
        return self.live.ready

    def screener(self) -> Screener:
        """Return the screener being served (call once per request and keep it).

        Raises:
            NotReadyError: no list version is loaded yet.
        """
        return self.live.current()


async def get_state(request: Request) -> AppState:
    """Return the :class:`AppState` of the application serving ``request``.

    A coroutine, so FastAPI resolves it on the event loop instead of a worker thread.
    """
    state: AppState = request.app.state.screenwise
    return state


def _request_id(request: Request) -> str | None:
    value = request.scope.get("state", {}).get("request_id")
    return value if isinstance(value, str) else None


def _error(
    request: Request, status: int, detail: str, errors: list[dict[str, Any]] | None = None
) -> Response:
    headers = {"WWW-Authenticate": 'Bearer, Basic realm="screenwise"'} if status == 401 else None
    if is_html_path(request.url.path):
        from screenwise.api.review import render_error_page

        page = render_error_page(status, detail, _request_id(request), errors)
        return HTMLResponse(page, status_code=status, headers=headers)
    body = error_body(status, detail, request_id=_request_id(request), errors=errors)
    return JSONResponse(body, status_code=status, headers=headers)


#: ``field: reason`` at the start of an error message names the field at fault.
_FIELD_PREFIX = re.compile(r"^(?:field )?([A-Za-z_][\w.\-]*(?:/[A-Za-z_][\w.\-]*)*): ")


def field_errors(exc: ScreenwiseError) -> list[dict[str, Any]]:
    """Return the ``errors`` list of a 400 or 415 answer: the field the error names.

    The field is the error's ``field`` attribute (:class:`~screenwise.errors.QueryError`),
    else the ``field:`` its message starts with, else ``body`` for an unreadable input
    document (:class:`~screenwise.errors.InputError`) and ``request`` otherwise.
    """
    field = getattr(exc, "field", None)
    found = _FIELD_PREFIX.match(str(exc))
    if not field and found:
        field = found.group(1)
    if not field:
        field = "body" if isinstance(exc, InputError) else "request"
    return [{"loc": str(field).split("."), "msg": str(exc), "type": "bad_request"}]


async def _screenwise_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ScreenwiseError)
    if exc.status >= 500:
        log.warning("request %s failed: %s", _request_id(request), exc)
    errors = field_errors(exc) if exc.status in (400, 415) else None
    response = _error(request, exc.status, str(exc), errors)
    retry = getattr(exc, "retry_after_s", None)
    if retry is not None:
        response.headers["Retry-After"] = str(retry)
    return response


async def _validation_error(request: Request, exc: Exception) -> Response:
    from screenwise.api.bodies import malformed_json_message

    assert isinstance(exc, RequestValidationError)
    raw = list(exc.errors())
    broken = next((e for e in raw if e.get("type") == "json_invalid"), None)
    if broken is not None:
        loc = list(broken.get("loc", ()))
        pos = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else 0
        reason = str((broken.get("ctx") or {}).get("error", "invalid JSON"))
        doc = exc.body if isinstance(exc.body, str | bytes) else ""
        message = malformed_json_message(doc, pos, reason)
        return _error(
            request, 400, message, [{"loc": ["body"], "msg": message, "type": "json_invalid"}]
        )
    errors = [
        {
            "loc": [str(part) for part in err.get("loc", ())],
            "msg": str(err.get("msg", "")),
            "type": str(err.get("type", "")),
        }
        for err in raw
    ] or [{"loc": ["request"], "msg": "invalid request", "type": "value_error"}]
    first = errors[0]
    where = ".".join(first["loc"])
    detail = f"invalid request: {where}: {first['msg']}" if where else f"invalid request: {first['msg']}"
    return _error(request, 422, detail, errors)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else "request failed"
    response = _error(request, exc.status_code, detail)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


def create_app(
    settings: Settings,
    *,
    screener: Screener | None = None,
    store: ListStore | None = None,
    alerts: AlertStore | None = None,
    check_interval_s: float = CHECK_INTERVAL_S,
    settle_heap: bool = False,
) -> FastAPI:
    """Build the screenwise HTTP application.

    Args:
        settings: service settings (API keys, limits, threshold, store URL).
        screener: a ready screener; when None, the lists are loaded from ``store`` in a
            background thread at start-up and ``/readyz`` answers 503 until they are.
        store: the list-version store; default ``ListStore(settings.db_url)`` when no
            screener is given. While the application runs, a background thread checks its
            active list versions every ``check_interval_s`` seconds and rolls the served
            screener over to newly promoted ones.
        alerts: the alert store; default on the list store's database (or on
            ``settings.db_url``).
        check_interval_s: seconds between two checks of the store's active list versions.
        settle_heap: after the lists are in place (at start-up for a given screener, after
            each load or rollover otherwise), collect garbage once and move every object
            left to the collector's permanent generation
            (:func:`screenwise.serving.freeze_heap`), so later collections never scan the
            millions of objects of the index. For a serving process (``screenwise serve``
            sets it); tests leave it off.

    Returns:
        The FastAPI application (serve it with uvicorn).

    Raises:
        InputError: when the API keys file cannot be read or a key is too short.
    """
    from screenwise.api import docs, review, screen, yente_compat

    if store is None and screener is None:
        from screenwise.store.versions import ListStore

        store = ListStore(settings.db_url)
    if alerts is None:
        alerts = AlertStore(store.engine if store is not None else settings.db_url)
    state = AppState(
        settings=settings,
        store=store,
        alerts=alerts,
        keys=ApiKeys(load_api_keys(settings)),
        csrf_secret=review_secret(settings),
        live=LiveScreener(
            store,
            settings,
            screener=screener,
            check_interval_s=check_interval_s,
            settle_heap=settle_heap,
        ),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settle_heap and state.live.ready:
            freeze_heap()
        state.live.start()
        try:
            yield
        finally:
            state.live.stop()

    app = FastAPI(
        title="screenwise",
        summary="Screen names and texts against official sanctions lists, with explained hits.",
        description=(
            "`/match/{dataset}` and `/search/{dataset}` accept and return the shapes of "
            "yente (OpenSanctions' API), so existing yente clients work unchanged. The "
            "other routes are screenwise's own: batch and text screening, entities with "
            "provenance, the active list versions, and alerts with analysts' decisions and "
            "an audit trail. Send the API key as `Authorization: Bearer <key>` or "
            "`X-API-Key: <key>`, or use HTTP Basic authentication with the key as the "
            "password. Every error has the body "
            '`{"detail", "status", "type", "request_id", "errors"}`: 415 for a content type '
            "the route does not read, 400 for malformed JSON or a semantically invalid "
            "request, 422 for body or parameter validation; `errors` names the fields. "
            "The per-key rate limit (429 with `Retry-After`) is kept by each worker "
            "process: with N workers it applies per worker, so a client spreading its "
            "requests over many connections can reach up to N times the configured rate."
        ),
        version=_version(),
        lifespan=lifespan,
        responses=ERROR_RESPONSES,
        default_response_class=FastJSONResponse,
        # the reference page is served by screenwise itself, without external assets
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    app.state.screenwise = state
    app.add_exception_handler(ScreenwiseError, _screenwise_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.include_router(yente_compat.router)
    app.include_router(screen.router)
    app.include_router(review.router)
    app.include_router(docs.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(
        GuardMiddleware,
        keys=state.keys,
        limiter=RateLimiter(settings.rate_limit_per_minute),
        max_body_bytes=settings.max_text_bytes,
        html_error=review.render_error_page,
    )
    return app


def review_secret(settings: Settings) -> bytes:
    """Return the secret signing the review forms, shared by every worker process.

    Kept in ``<data_dir>/review-secret`` (32 random bytes, mode 0600), created on first
    use; when the data directory is not writable, a per-process secret is used (forms then
    only work against the process that served them).
    """
    import os
    import secrets

    path = Path(settings.data_dir) / "review-secret"
    try:
        data = path.read_bytes()
        if len(data) >= 32:
            return data
    except OSError:
        pass
    fresh = secrets.token_bytes(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(fresh)
        return fresh
    except FileExistsError:
        return path.read_bytes()
    except OSError as exc:
        log.warning("cannot keep the review form secret in %s (%s); using a per-process one",
                    path, exc)
        return fresh


def app_from_env() -> FastAPI:
    """Build the app from ``SCREENWISE_*`` environment variables (uvicorn factory).

    Used by ``screenwise serve --workers N``: each worker process builds its own app
    and loads the lists from the store.
    """
    from_env: dict[str, Any] = {}
    return create_app(Settings(**from_env), settle_heap=True)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("screenwise")
    except PackageNotFoundError:
        return "0"
