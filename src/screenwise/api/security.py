"""What makes the HTTP API safe to expose: API keys, rate limit, body limit, access log.

One pure-ASGI middleware (:class:`GuardMiddleware`) wraps the whole application and, for
every request, in this order:

1. gives the request an id (a sane ``X-Request-ID`` from the caller, else a new one: a
   random per-process prefix and a counter, unique without a system call per request) and
   echoes it in the response header;
2. authenticates it (``Authorization: Bearer <key>``, ``X-API-Key: <key>``, or HTTP Basic
   with the key as password, for the review pages in a browser) when API keys are
   configured; health, readiness and the API docs stay open, and a valid key sent to them
   marks the request as authenticated (``/readyz`` then shows the list versions);
3. applies the per-key rate limit (token bucket, ``rate_limit_per_minute``; 429 with
   ``Retry-After``). The buckets live in the worker process: with ``--workers N`` each
   worker enforces the limit on the requests it serves (see :class:`RateLimiter`);
4. refuses bodies over the limit (``max_text_bytes``): at once from ``Content-Length``, or
   while streaming (413);
5. turns an unexpected exception into a 500 with the common error shape and the request
   id, logging the traceback server-side only (the review pages get an HTML page);
6. writes one JSON line to the ``screenwise.access`` logger: request id, key id, method,
   route template, status, latency in ms. The path's values, query strings and bodies
   (names of screened people) are never logged; nor are keys: a key is known by its key
   id, the first 12 hex of its sha256. The line is only built when the logger is enabled
   for INFO (``screenwise serve --no-access-log`` skips the work entirely).

Keys are compared in constant time (``hmac.compare_digest`` over sha256 digests).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import itertools
import json
import logging
import math
import re
import secrets
import threading
import time
import traceback
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from screenwise.errors import AuthError, InputError, RateLimitError, ScreenwiseError
from screenwise.settings import Settings

__all__ = [
    "ANONYMOUS",
    "ERROR_RESPONSES",
    "OPEN_PATHS",
    "ApiKeys",
    "ErrorDetail",
    "ErrorResponse",
    "ForbiddenError",
    "GuardMiddleware",
    "RateLimiter",
    "RequestTooLargeError",
    "UnsupportedMediaTypeError",
    "error_body",
    "identity_of",
    "is_html_path",
    "is_loopback",
    "key_id",
    "load_api_keys",
]

log = logging.getLogger("screenwise.api")
access_log = logging.getLogger("screenwise.access")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Key id used when no API keys are configured (loopback-only service).
ANONYMOUS = "anonymous"
#: Paths served without an API key (exact paths; ``/static/`` as a prefix).
OPEN_PATHS: frozenset[str] = frozenset({"/healthz", "/readyz", "/openapi.json", "/docs"})
#: What a 401 tells the caller to send.
KEY_HINT = (
    "send 'Authorization: Bearer <key>' or 'X-API-Key: <key>', or use HTTP Basic "
    "authentication with the key as the password (any user name)"
)


def is_html_path(path: str) -> bool:
    """Return True for the review pages a browser opens (errors there are HTML pages).

    ``/review`` and ``/review/...``, except the JSON twins (``... .json``).
    """
    return (path == "/review" or path.startswith("/review/")) and not path.endswith(".json")


def identity_of(state: dict[str, Any]) -> tuple[str, str]:
    """Return ``(analyst, actor)`` of an authenticated request, from its scope state.

    The analyst is the HTTP Basic user name when one was given, else the API key id
    (``anonymous`` without keys); the actor adds the key id: ``alice via k_0123456789ab``.
    Nothing from the request body enters either.
    """
    kid = str(state.get("key_id") or ANONYMOUS)
    user = state.get("user")
    if isinstance(user, str) and user.strip():
        name = user.strip()
        return name, f"{name} via {kid}"
    return kid, kid
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestTooLargeError(ScreenwiseError):
    """A request body, batch or text is over its configured limit."""

    status = 413
    exit_code = 2


class UnsupportedMediaTypeError(ScreenwiseError):
    """A request body has a content type the route does not read (field: the header)."""

    status = 415
    exit_code = 2
    field = "header.content-type"


class ForbiddenError(ScreenwiseError):
    """An authenticated request that is not allowed (e.g. a forged review form)."""

    status = 403
    exit_code = 2


def key_id(key: str) -> str:
    """Return the loggable id of an API key: ``k_`` + the first 12 hex of its sha256."""
    return "k_" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def load_api_keys(settings: Settings) -> list[str]:
    """Return the configured API keys: ``api_keys`` (comma-separated) plus ``api_keys_file``.

    The file holds one key per line; blank lines and lines starting with ``#`` are skipped.

    Raises:
        InputError: when ``api_keys_file`` is set but cannot be read, or a key is shorter
            than 16 characters (names the file and line, or the variable).
    """
    keys: list[str] = []
    for position, raw in enumerate(settings.api_keys.split(","), start=1):
        key = raw.strip()
        if key:
            if len(key) < 16:
                raise InputError(
                    f"SCREENWISE_API_KEYS key {position}: shorter than 16 characters"
                )
            keys.append(key)
    path = settings.api_keys_file
    if path is not None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: cannot read API keys file ({exc})") from exc
        for line_no, line in enumerate(text.splitlines(), start=1):
            key = line.strip()
            if not key or key.startswith("#"):
                continue
            if len(key) < 16:
                raise InputError(f"{path} line {line_no}: key shorter than 16 characters")
            keys.append(key)
    return keys


def is_loopback(host: str) -> bool:
    """Return True when ``host`` (an address or ``localhost``) is a loopback address."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class _Principal:
    key_id: str
    user: str | None = None


class ApiKeys:
    """The set of accepted API keys, compared in constant time.

    Args:
        keys: the accepted keys; empty = authentication off (loopback only).
    """

    def __init__(self, keys: list[str]) -> None:
        self._digests = [(hashlib.sha256(k.encode("utf-8")).digest(), key_id(k)) for k in keys]

    @property
    def enabled(self) -> bool:
        """True when at least one key is configured."""
        return bool(self._digests)

    def check(self, presented: str | None) -> str:
        """Return the key id of a presented key.

        Every configured key is compared (no early exit), so timing does not reveal which
        or how many keys exist.

        Raises:
            AuthError: the key is missing or matches no configured key.
        """
        if not self.enabled:
            return ANONYMOUS
        if not presented:
            raise AuthError(f"missing API key: {KEY_HINT}")
        digest = hashlib.sha256(presented.encode("utf-8")).digest()
        found: str | None = None
        for known, kid in self._digests:
            if hmac.compare_digest(digest, known):
                found = kid
        if found is None:
            raise AuthError(f"invalid API key: {KEY_HINT}")
        return found

    def authenticate(self, headers: dict[str, str]) -> _Principal:
        """Authenticate request headers (lower-case names).

        Accepts ``Authorization: Bearer <key>``, ``X-API-Key: <key>`` and
        ``Authorization: Basic base64(user:key)`` (the user name is who decides alerts).

        Raises:
            AuthError: missing, malformed or unknown key.
        """
        if not self.enabled:
            return _Principal(ANONYMOUS, _basic_user(headers.get("authorization")))
        auth = headers.get("authorization", "")
        scheme, _, value = auth.partition(" ")
        if scheme.lower() == "bearer":
            return _Principal(self.check(value.strip()))
        if scheme.lower() == "basic":
            user, password = _decode_basic(value)
            return _Principal(self.check(password), user or None)
        return _Principal(self.check(headers.get("x-api-key")))


def _decode_basic(value: str) -> tuple[str, str]:
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise AuthError("malformed Basic authorization header") from exc
    user, sep, password = decoded.partition(":")
    if not sep:
        raise AuthError("malformed Basic authorization header")
    return user, password


def _basic_user(auth: str | None) -> str | None:
    if not auth or not auth.lower().startswith("basic "):
        return None
    try:
        return _decode_basic(auth[6:])[0] or None
    except AuthError:
        return None


@dataclass
class _Bucket:
    tokens: float
    stamp: float


@dataclass
class RateLimiter:
    """Per-key token bucket: ``per_minute`` requests a minute, bursts up to ``per_minute``.

    The buckets are kept in the process, so with several worker processes
    (``screenwise serve --workers N``) each worker applies the limit to the requests it
    receives: a client's keep-alive connection stays on one worker and sees the configured
    limit, while a client spreading requests over many connections can reach up to N times
    it. Sharing the buckets across processes would put a lock on shared memory or a
    database round trip on every request; a hard global limit belongs in the reverse proxy
    or API gateway in front of the workers.

    Args:
        per_minute: requests per minute per key id; 0 = unlimited.
    """

    per_minute: int
    _buckets: dict[str, _Bucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def hit(self, key: str, now: float | None = None) -> None:
        """Take one token for ``key``.

        Args:
            key: the key id (or client address when keys are off).
            now: monotonic time in seconds (for tests); default ``time.monotonic()``.

        Raises:
            RateLimitError: the bucket is empty; ``retry_after_s`` says when to retry.
        """
        if self.per_minute <= 0:
            return
        now = time.monotonic() if now is None else now
        rate = self.per_minute / 60.0
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(float(self.per_minute), now)
            bucket.tokens = min(float(self.per_minute), bucket.tokens + (now - bucket.stamp) * rate)
            bucket.stamp = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return
            wait = (1.0 - bucket.tokens) / rate
        error = RateLimitError(
            f"rate limit of {self.per_minute} requests per minute exceeded; "
            f"retry in {math.ceil(wait)} s"
        )
        error.retry_after_s = math.ceil(wait)  # type: ignore[attr-defined]
        raise error


class ErrorDetail(BaseModel):
    """One field error of a 400 or 422 answer: where (``loc``), what (``msg``) and its kind."""

    loc: list[str] = Field(examples=[["query", "limit"]])
    msg: str = Field(examples=["Input should be less than or equal to 500"])
    type: str = Field(examples=["less_than_equal"])


class ErrorResponse(BaseModel):
    """The body of every 4xx/5xx answer (``detail`` is what yente clients read)."""

    detail: str = Field(examples=["entity 'us_ofac_sdn-1' not found"])
    status: int = Field(examples=[404])
    type: str = Field(examples=["not_found"])
    request_id: str | None = Field(examples=["5f0c2a9e1b7d4c3a"])
    errors: list[ErrorDetail] = Field(default_factory=list)


#: ``responses=`` entries documenting the error shape for the usual error statuses.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": text}
    for status, text in (
        (400, "Invalid request: malformed JSON or a semantically invalid value (field in `errors`)"),
        (401, "Missing or invalid API key"),
        (413, "Request body over the limit"),
        (415, "Unsupported content type"),
        (422, "Request validation failed (field errors in `errors`)"),
        (429, "Rate limit exceeded (see `Retry-After`)"),
        (500, "Server error (no details; quote the request id)"),
    )
}


def error_body(
    status: int,
    detail: str,
    *,
    request_id: str | None,
    kind: str | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Build the one JSON error shape of the API.

    ``{"detail": str, "status": int, "type": str, "request_id": str | null,
    "errors": [{"loc": [...], "msg": str, "type": str}]}``. ``detail`` is what yente
    clients read (yente's ``ErrorResponse``); ``errors`` lists the fields at fault (never
    empty for 400 and 422).
    """
    return {
        "detail": detail,
        "status": status,
        "type": kind or _STATUS_TYPES.get(status, "error"),
        "request_id": request_id,
        "errors": errors or [],
    }


_STATUS_TYPES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    500: "server_error",
    502: "bad_gateway",
    503: "not_ready",
}


class _BodyTooLarge(Exception):
    """Raised from the wrapped ``receive`` when a streamed body passes the limit."""


class GuardMiddleware:
    """Request id, authentication, rate limit, body limit, 500 mapping and access log.

    Args:
        app: the ASGI application to guard.
        keys: accepted API keys.
        limiter: the per-key rate limiter.
        max_body_bytes: the largest request body accepted, in bytes.
        html_error: renders an error page ``(status, detail, request_id) -> HTML`` for the
            review pages (:func:`is_html_path`); None answers JSON everywhere.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        keys: ApiKeys,
        limiter: RateLimiter,
        max_body_bytes: int,
        html_error: Callable[[int, str, str | None], str] | None = None,
    ) -> None:
        self.app = app
        self.keys = keys
        self.limiter = limiter
        self.max_body_bytes = max_body_bytes
        self.html_error = html_error
        self._id_prefix = secrets.token_hex(4)
        self._ids = itertools.count(1)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        supplied = headers.get("x-request-id", "")
        request_id = (
            supplied
            if supplied and _REQUEST_ID.match(supplied)
            else f"{self._id_prefix}{next(self._ids):08x}"
        )
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        info: dict[str, Any] = {"status": 500, "started": False, "key_id": None}

        async def send_wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                info["status"] = message["status"]
                info["started"] = True
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", request_id.encode("ascii")),
                ]
            await send(message)

        path = scope.get("path", "")
        info["html"] = self.html_error is not None and is_html_path(path)
        try:
            if path in OPEN_PATHS or path.startswith("/static/"):
                state["authenticated"] = self._optional_auth(headers, state)
            else:
                principal = self.keys.authenticate(headers)
                info["key_id"] = principal.key_id
                state["key_id"] = principal.key_id
                state["user"] = principal.user
                state["authenticated"] = True
                client = scope.get("client") or ("local", 0)
                self.limiter.hit(
                    principal.key_id if self.keys.enabled else f"ip:{client[0]}"
                )
            length = headers.get("content-length")
            if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
                raise RequestTooLargeError(
                    f"request body of {int(length)} bytes is over the limit of "
                    f"{self.max_body_bytes} bytes"
                )
            await self.app(scope, self._limited(receive), send_wrapped)
        except ScreenwiseError as exc:
            await self._fail(send_wrapped, info, exc.status, str(exc), request_id, exc)
        except _BodyTooLarge:
            await self._fail(
                send_wrapped,
                info,
                413,
                f"request body is over the limit of {self.max_body_bytes} bytes",
                request_id,
                None,
            )
        except Exception:  # the HTTP boundary: any bug becomes a 500 without a stack trace
            log.error(
                "unhandled error in request %s %s %s\n%s",
                request_id,
                scope.get("method"),
                _route_of(scope),
                traceback.format_exc(),
            )
            await self._fail(
                send_wrapped, info, 500, "internal server error", request_id, None
            )
        finally:
            if access_log.isEnabledFor(logging.INFO):
                self._log_access(scope, request_id, info, started)

    @staticmethod
    def _log_access(scope: Scope, request_id: str, info: dict[str, Any], started: float) -> None:
        """Write the request's JSON access-log line (no path values, bodies or keys)."""
        latency_ms = (time.perf_counter() - started) * 1000.0
        line = {
            "request_id": request_id,
            "key_id": info["key_id"],
            "method": scope.get("method"),
            "route": _route_of(scope),
            "status": info["status"],
            "latency_ms": round(latency_ms, 2),
        }
        access_log.info(json.dumps(line, separators=(",", ":")))

    def _optional_auth(self, headers: dict[str, str], state: dict[str, Any]) -> bool:
        """Authenticate an open path's request when it brings credentials; never refuse it."""
        if not self.keys.enabled:
            return True
        if not headers.get("authorization") and not headers.get("x-api-key"):
            return False
        try:
            principal = self.keys.authenticate(headers)
        except AuthError:
            return False
        state["key_id"] = principal.key_id
        return True

    def _limited(self, receive: Receive) -> Receive:
        seen = 0
        limit = self.max_body_bytes

        async def wrapped() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _BodyTooLarge()
            return message

        return wrapped

    async def _fail(
        self,
        send: Send,
        info: dict[str, Any],
        status: int,
        detail: str,
        request_id: str,
        exc: ScreenwiseError | None,
    ) -> None:
        if info["started"]:
            return
        if info.get("html") and self.html_error is not None:
            body = self.html_error(status, detail, request_id).encode("utf-8")
            media = b"text/html; charset=utf-8"
        else:
            body = json.dumps(
                error_body(status, detail, request_id=request_id), ensure_ascii=False
            ).encode("utf-8")
            media = b"application/json"
        headers = [
            (b"content-type", media),
            (b"content-length", str(len(body)).encode("ascii")),
        ]
        if isinstance(exc, AuthError):
            headers.append((b"www-authenticate", b'Bearer, Basic realm="screenwise"'))
        retry = getattr(exc, "retry_after_s", None)
        if retry is not None:
            headers.append((b"retry-after", str(retry).encode("ascii")))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _route_of(scope: Scope) -> str:
    """Return the matched route template (``/match/{dataset}``), never the raw path."""
    route = scope.get("route")
    template = getattr(route, "path", None)
    if isinstance(template, str):
        return template
    return "<unmatched>"
