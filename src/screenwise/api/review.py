"""The analysts' review pages: alert queue, alert detail with the hit explanation, decision form.

Server-rendered Jinja templates (``api/templates``) with plain CSS (``api/static``), no
JavaScript. Every page has a JSON twin holding exactly the data the page shows (the
datasette habit): ``/review`` and ``/review.json``, ``/review/alerts/{id}`` and
``/review/alerts/{id}.json``.

The decision form posts to ``/review/alerts/{id}/decision`` and goes through the same
:meth:`screenwise.store.alerts.AlertStore.decide` call as the JSON API. The form carries
an anti-forgery token bound to the alert and the API key (HMAC with a per-process secret),
and a cross-origin ``Origin`` header is refused, so another site cannot post decisions
with an analyst's browser credentials. In a browser, sign in with HTTP Basic: any user
name (it pre-fills the analyst field) and the API key as password.
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
from screenwise.api.security import ERROR_RESPONSES, ErrorResponse, ForbiddenError
from screenwise.store.alerts import STATUSES, Alert

__all__ = ["csrf_token", "router"]

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


def _user(request: Request) -> str:
    user = request.scope.get("state", {}).get("user")
    return str(user) if user else ""


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
    wanted = None if status in (None, "", "all") else status
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
        pattern="^(open|true_match|false_positive|all)$",
        description="`open`, `true_match`, `false_positive` or `all`.",
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
            "analyst": _user(request),
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
    analyst: Annotated[str, Form(max_length=200)],
    csrf: Annotated[str, Form(max_length=128)],
    comment: Annotated[str, Form(max_length=5000)] = "",
) -> RedirectResponse:
    """Record the form's decision, then show the alert again (303 redirect)."""
    expected = csrf_token(state.csrf_secret, alert_id, _key_id(request))
    if not hmac.compare_digest(expected, csrf) or not _same_origin(request):
        raise ForbiddenError("decision form: invalid or expired form token; reload the page")
    await run_in_threadpool(
        lambda: state.alerts.decide(
            alert_id,
            decision,
            analyst=analyst,
            comment=comment,
            actor=f"{analyst.strip()} via {_key_id(request)} (review page)",
        )
    )
    return RedirectResponse(f"/review/alerts/{alert_id}", status_code=303)

