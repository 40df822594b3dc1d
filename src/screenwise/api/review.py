"""The analysts' review pages: alert queue, alert detail with the hit explanation, decision form.

Server-rendered Jinja templates (``api/templates``) with plain CSS (``api/static``), no
JavaScript. Every page has a JSON twin holding exactly the data the page shows (the
datasette habit): ``/review`` and ``/review.json``, ``/review/alerts/{id}`` and
``/review/alerts/{id}.json``.

The decision form posts to ``/review/alerts/{id}/decision`` and goes through the same
:meth:`screenwise.store.alerts.AlertStore.decide` call as the JSON API. The form carries
an anti-forgery token bound to the alert and the API key (HMAC with a per-process secret),
and a cross-origin ``Origin`` header is refused, so another site cannot post decisions
with an analyst's browser credentials. In a browser, sign in with HTTP Basic: your user
name and the API key as password. Decisions are recorded under that authenticated
identity (the user name, or the key id when none is given); the form's optional display
name is kept next to it and cannot replace it.

Errors on these pages (a missing alert, a bad parameter, a refused form) are rendered as
an HTML page (:func:`render_error_page`); the JSON twins answer the API's JSON errors.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from screenwise.api.app import HERE, AppState, get_state
from screenwise.api.security import ERROR_RESPONSES, ErrorResponse, ForbiddenError, identity_of
from screenwise.store.alerts import STATUSES, Alert, parse_status

__all__ = ["csrf_token", "render_error_page", "router"]

router = APIRouter(tags=["review"], responses=ERROR_RESPONSES)
templates = Jinja2Templates(directory=str(HERE / "templates"))

#: Human labels of alert statuses and decisions.
STATUS_LABELS = {"open": "Open", "true_match": "True match", "false_positive": "False positive"}
#: Explanation words for name-part alignments (``NamePartMatch.how``).
HOW_LABELS = {
    "exact": "exact",
    "transliterated": "transliterated",
    "phonetic": "sounds alike",
    "fuzzy": "spelling differs",
    "initial": "initial",
    "missing": "only in listed name",
    "extra": "only in query",
    "contradicting": "contradicts",
}
PAGE_SIZE = 50

_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "No such alert"}
}
_BAD: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Invalid request"}
}


def csrf_token(secret: bytes, alert_id: int, key_id: str) -> str:
    """Return the anti-forgery token of the decision form of one alert for one API key."""
    message = f"{alert_id}:{key_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def _key_id(request: Request) -> str:
    kid = request.scope.get("state", {}).get("key_id")
    return str(kid) if kid else "anonymous"


def _identity(request: Request) -> tuple[str, str]:
    return identity_of(request.scope.get("state", {}))


#: Titles of error pages by status.
_ERROR_TITLES = {
    400: "Invalid request",
    401: "Sign in needed",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    413: "Too large",
    415: "Unsupported content type",
    422: "Invalid request",
    429: "Too many requests",
    500: "Server error",
    503: "Not ready",
}


def render_error_page(
    status: int,
    detail: str,
    request_id: str | None,
    errors: list[dict[str, Any]] | None = None,
) -> str:
    """Render the HTML error page of the review pages.

    Args:
        status: the HTTP status.
        detail: the error message (escaped by the template).
        request_id: the request id to quote, when known.
        errors: the field errors (``loc``, ``msg``), when any.

    Returns:
        A complete HTML document.
    """
    template = templates.env.get_template("error.html")
    return template.render(
        status=status,
        title=_ERROR_TITLES.get(status, "Error"),
        detail=detail,
        request_id=request_id,
        errors=errors or [],
        json_url=None,
    )


def queue_data(
    state: AppState, status: str | None, limit: int, offset: int
) -> dict[str, Any]:
    """Return the data of the queue page (and of ``/review.json``).

    Returns:
        ``{"status", "alerts": [Alert JSON], "total", "counts": {status: n}, "limit",
        "offset"}``.

    Raises:
        QueryError: unknown status.
    """
    wanted = None if status in (None, "", "all") else parse_status(status)
    alerts = state.alerts.list_alerts(status=wanted, limit=limit, offset=offset)
    counts = {s: state.alerts.count_alerts(status=s) for s in STATUSES}
    return {
        "status": wanted or "all",
        "alerts": [a.model_dump(mode="json", by_alias=True) for a in alerts],
        "total": state.alerts.count_alerts(status=wanted),
        "counts": counts,
        "limit": limit,
        "offset": offset,
    }


def alert_data(state: AppState, alert_id: int) -> dict[str, Any]:
    """Return the data of the alert page (and of its ``.json`` twin).

    Returns:
        ``{"alert": Alert JSON, "audit": [AuditEvent JSON], "decisions": [...options]}``.

    Raises:
        NotFoundError: no alert has this id.
    """
    alert: Alert = state.alerts.get_alert(alert_id)
    events = state.alerts.audit_trail(alert_id)
    return {
        "alert": alert.model_dump(mode="json", by_alias=True),
        "audit": [e.model_dump(mode="json") for e in events],
        "decision_options": ["true_match", "false_positive"],
    }


Status = Annotated[
    str,
    Query(
        pattern="^([Oo][Pp][Ee][Nn]|[Tt][Rr][Uu][Ee][_ -][Mm][Aa][Tt][Cc][Hh]|"
        "[Ff][Aa][Ll][Ss][Ee][_ -][Pp][Oo][Ss][Ii][Tt][Ii][Vv][Ee]|[Aa][Ll][Ll])$",
        description="`open`, `true_match`, `false_positive` or `all` (`true-match` and "
        "`false-positive` are accepted too).",
    ),
]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
AlertId = Annotated[int, Path(ge=1, le=2**62, examples=[1])]


@router.get("/review.json", summary="Alert queue (JSON twin of /review)", responses=_BAD)
async def review_queue_json(
    state: Annotated[AppState, Depends(get_state)],
    status: Status = "open",
    offset: Offset = 0,
) -> JSONResponse:
    """The data of the review queue page: alerts of one status, newest first, with counts
    per status. Example: `GET /review.json?status=open`."""
    data = await run_in_threadpool(queue_data, state, status, PAGE_SIZE, offset)
    return JSONResponse(data)


@router.get("/review", response_class=HTMLResponse, include_in_schema=False)
async def review_queue(
    request: Request,
    state: Annotated[AppState, Depends(get_state)],
    status: Status = "open",
    offset: Offset = 0,
) -> HTMLResponse:
    """The alert queue page."""
    data = await run_in_threadpool(queue_data, state, status, PAGE_SIZE, offset)
    return templates.TemplateResponse(
        request,
        "queue.html",
        {"data": data, "labels": STATUS_LABELS, "json_url": f"/review.json?status={data['status']}"
         f"&offset={offset}", "page_size": PAGE_SIZE},
    )


@router.get(
    "/review/alerts/{alert_id}.json",
    summary="One alert (JSON twin of its page)",
    responses=_NOT_FOUND,
)
async def review_alert_json(
    alert_id: AlertId, state: Annotated[AppState, Depends(get_state)]
) -> JSONResponse:
    """The data of one alert's review page: the alert (query, hit, explanation, list
    version, decisions) and its audit trail. Example: `GET /review/alerts/1.json`."""
    data = await run_in_threadpool(alert_data, state, alert_id)
    return JSONResponse(data)


@router.get("/review/alerts/{alert_id}", response_class=HTMLResponse, include_in_schema=False)
async def review_alert(
    request: Request,
    alert_id: AlertId,
    state: Annotated[AppState, Depends(get_state)],
) -> HTMLResponse:
    """One alert's page: query, hit, explanation, decisions, audit trail, decision form."""
    data = await run_in_threadpool(alert_data, state, alert_id)
    return templates.TemplateResponse(
        request,
        "alert.html",
        {
            "data": data,
            "alert": data["alert"],
            "labels": STATUS_LABELS,
            "how_labels": HOW_LABELS,
            "csrf": csrf_token(state.csrf_secret, alert_id, _key_id(request)),
            "identity": _identity(request)[0],
            "json_url": f"/review/alerts/{alert_id}.json",
        },
    )


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc == host


@router.post("/review/alerts/{alert_id}/decision", include_in_schema=False)
async def review_decide(
    request: Request,
    alert_id: AlertId,
    state: Annotated[AppState, Depends(get_state)],
    decision: Annotated[str, Form(max_length=20)],
    csrf: Annotated[str, Form(max_length=128)],
    comment: Annotated[str, Form(max_length=5000)] = "",
    display_name: Annotated[str, Form(max_length=200)] = "",
) -> RedirectResponse:
    """Record the form's decision under the signed-in identity, then show the alert again
    (303 redirect)."""
    expected = csrf_token(state.csrf_secret, alert_id, _key_id(request))
    if not hmac.compare_digest(expected, csrf) or not _same_origin(request):
        raise ForbiddenError("decision form: invalid or expired form token; reload the page")
    analyst, actor = _identity(request)
    await run_in_threadpool(
        lambda: state.alerts.decide(
            alert_id,
            decision,
            analyst=analyst,
            comment=comment,
            actor=f"{actor} (review page)",
            display_name=display_name or None,
        )
    )
    return RedirectResponse(f"/review/alerts/{alert_id}", status_code=303)

