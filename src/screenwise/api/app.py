"""The FastAPI application: routers, the one error shape, readiness and list loading.

:func:`create_app` builds the service from :class:`~screenwise.settings.Settings`:

* ``/match/{dataset}`` and ``/search/{dataset}`` speak yente's request and response shapes
  (:mod:`screenwise.api.yente_compat`);
* ``/screen/*``, ``/entities/{id}``, ``/lists``, ``/alerts*``, ``/audit``, ``/healthz`` and
  ``/readyz`` are screenwise's own routes (:mod:`screenwise.api.screen`);
* ``/review*`` are the analysts' pages, each with a ``.json`` twin
  (:mod:`screenwise.api.review`).

Errors are mapped once, here: a :class:`~screenwise.errors.ScreenwiseError` answers with
its ``status`` attribute, request validation with 422, unknown routes with 404, and
anything else (a bug) with 500 (:mod:`screenwise.api.security`). Every 4xx/5xx body has the
same JSON shape (:func:`screenwise.api.security.error_body`) and never a stack trace.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from screenwise.api.security import (
    ERROR_RESPONSES,
    ApiKeys,
    GuardMiddleware,
    RateLimiter,
    error_body,
    load_api_keys,
)
from screenwise.errors import NotReadyError, ScreenwiseError
from screenwise.settings import Settings
from screenwise.store.alerts import AlertStore

if TYPE_CHECKING:
    from screenwise.screening import Screener
    from screenwise.store.versions import ListStore

__all__ = ["AppState", "app_from_env", "create_app", "get_state", "review_secret"]

log = logging.getLogger("screenwise.api")

HERE = Path(__file__).resolve().parent
#: Seconds between attempts to load the lists while none is active yet.
LOAD_RETRY_S = 10.0


@dataclass
class AppState:
    """Everything the routes need, kept on ``app.state.screenwise``.

    Attributes:
        settings: the service settings.
        store: the list-version store (None when the screener was given without one).
        alerts: the alert store.
        keys: the accepted API keys.
        csrf_secret: secret for the review form's anti-forgery tokens.
        load_error: why the lists are not loaded yet, for ``/readyz``.
    """

    settings: Settings
    store: ListStore | None
    alerts: AlertStore
    keys: ApiKeys
    csrf_secret: bytes
    load_error: str = "lists are loading"
    _screener: Screener | None = None
    _stop: threading.Event = field(default_factory=threading.Event)

    @property
    def ready(self) -> bool:
        """True once a screener over loaded lists is in place."""
        return self._screener is not None

    def screener(self) -> Screener:
        """Return the screener.

        Raises:
            NotReadyError: no list version is loaded yet.
        """
        screener = self._screener
        if screener is None:
            raise NotReadyError(f"not ready: {self.load_error}")
        return screener

    def set_screener(self, screener: Screener) -> None:
        """Install a screener (atomically replaces the previous one)."""
        self._screener = screener

    def load_lists(self) -> None:
        """Build the screener from the store's active list versions, retrying until loaded.

        Runs in a background thread; stops when the application shuts down.
        """
        from screenwise.screening import Screener

        store = self.store
        if store is None:
            self.load_error = "no list store configured"
            return
        while not self._stop.is_set():
            try:
                self.set_screener(Screener.from_store(store, settings=self.settings))
                log.info("lists loaded: %s", sorted(self.screener().list_versions))
                return
            except NotReadyError as exc:
                self.load_error = str(exc)
                log.warning("lists not loaded yet (%s); retrying in %.0f s", exc, LOAD_RETRY_S)
            self._stop.wait(LOAD_RETRY_S)


async def get_state(request: Request) -> AppState:
    """Return the :class:`AppState` of the application serving ``request``.

    A coroutine, so FastAPI resolves it on the event loop instead of a worker thread.
    """
    state: AppState = request.app.state.screenwise
    return state


def _request_id(request: Request) -> str | None:
    value = request.scope.get("state", {}).get("request_id")
    return value if isinstance(value, str) else None


def _error(request: Request, status: int, detail: str, **extra: Any) -> JSONResponse:
    body = error_body(status, detail, request_id=_request_id(request), **extra)
    headers = {"WWW-Authenticate": 'Bearer, Basic realm="screenwise"'} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


async def _screenwise_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ScreenwiseError)
    if exc.status >= 500:
        log.warning("request %s failed: %s", _request_id(request), exc)
    response = _error(request, exc.status, str(exc))
    retry = getattr(exc, "retry_after_s", None)
    if retry is not None:
        response.headers["Retry-After"] = str(retry)
    return response


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "loc": [str(part) for part in err.get("loc", ())],
            "msg": str(err.get("msg", "")),
            "type": str(err.get("type", "")),
        }
        for err in exc.errors()
    ]
    first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    where = ".".join(first["loc"])
    detail = f"invalid request: {where}: {first['msg']}" if where else f"invalid request: {first['msg']}"
    return _error(request, 422, detail, errors=errors)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
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
) -> FastAPI:
    """Build the screenwise HTTP application.

    Args:
        settings: service settings (API keys, limits, threshold, store URL).
        screener: a ready screener; when None, the lists are loaded from ``store`` in a
            background thread at start-up and ``/readyz`` answers 503 until they are.
        store: the list-version store; default ``ListStore(settings.db_url)`` when no
            screener is given.
        alerts: the alert store; default on the list store's database (or on
            ``settings.db_url``).

    Returns:
        The FastAPI application (serve it with uvicorn).

    Raises:
        InputError: when the API keys file cannot be read or a key is too short.
    """
    from screenwise.api import review, screen, yente_compat

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
    )
    if screener is not None:
        state.set_screener(screener)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        loader: threading.Thread | None = None
        if not state.ready:
            loader = threading.Thread(target=state.load_lists, name="screenwise-load", daemon=True)
            loader.start()
        try:
            yield
        finally:
            state._stop.set()

    app = FastAPI(
        title="screenwise",
        summary="Screen names and texts against official sanctions lists, with explained hits.",
        description=(
            "`/match/{dataset}` and `/search/{dataset}` accept and return the shapes of "
            "yente (OpenSanctions' API), so existing yente clients work unchanged. The "
            "other routes are screenwise's own: batch and text screening, entities with "
            "provenance, the active list versions, and alerts with analysts' decisions and "
            "an audit trail. Send the API key as `Authorization: Bearer <key>` or "
            "`X-API-Key: <key>`. Every error has the body "
            '`{"detail", "status", "type", "request_id", "errors"}`.'
        ),
        version=_version(),
        lifespan=lifespan,
        responses=ERROR_RESPONSES,
    )
    app.state.screenwise = state
    app.add_exception_handler(ScreenwiseError, _screenwise_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.include_router(yente_compat.router)
    app.include_router(screen.router)
    app.include_router(review.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(
        GuardMiddleware,
        keys=state.keys,
        limiter=RateLimiter(settings.rate_limit_per_minute),
        max_body_bytes=settings.max_text_bytes,
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
    return create_app(Settings(**from_env))


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("screenwise")
    except PackageNotFoundError:
        return "0"
