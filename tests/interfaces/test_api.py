"""Native routes, readiness, alerts over HTTP, the error shape and what makes the API safe."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_api_support import SDN_VERSION, make_app, make_client, make_screener

from screenwise.api.app import create_app
from screenwise.api.security import (
    ApiKeys,
    RateLimiter,
    is_loopback,
    key_id,
    load_api_keys,
)
from screenwise.errors import AuthError, InputError, RateLimitError
from screenwise.settings import Settings
from screenwise.store.alerts import AlertStore
from screenwise.store.versions import ListStore

KEY = "test-key-0123456789abcdef"
ERROR_KEYS = {"detail", "status", "type", "request_id", "errors"}


@pytest.fixture()
def client() -> TestClient:
    return make_client()


def _batch(*names: str, **extra: Any) -> dict[str, Any]:
    queries = [
        {"id": f"cust-{i}", "schema": "Person", "properties": {"name": [name]}}
        for i, name in enumerate(names, start=1)
    ]
    return {"queries": queries, **extra}


# --------------------------------------------------------------------------- service


def test_healthz_and_readyz_when_ready(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ready"
    assert body["lists"]["us_ofac_sdn"] == SDN_VERSION
    assert body["entities"] == 6


def test_readyz_is_503_until_lists_are_loaded() -> None:
    store = ListStore("sqlite://")
    app = create_app(Settings(rate_limit_per_minute=0), store=store)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert set(response.json()) == ERROR_KEYS
        assert "no active list version" in response.json()["detail"]
        assert client.post("/match/default", json={"queries": {}}).status_code == 503
        assert client.get("/healthz").status_code == 200
        # the alert queue works without lists
        assert client.get("/alerts").status_code == 200


def test_entity_with_provenance(client: TestClient) -> None:
    data = client.get("/entities/us_ofac_sdn-2").json()
    assert data["id"] == "us_ofac_sdn-2"
    assert data["caption"] == "KIM Jong Un"
    assert data["schema"] == "Person"
    assert data["provenance"] == {
        "list_id": "us_ofac_sdn",
        "list_version": SDN_VERSION,
        "programs": ["DPRK3"],
    }
    missing = client.get("/entities/us_ofac_sdn-999")
    assert missing.status_code == 404
    assert "us_ofac_sdn-999" in missing.json()["detail"]


def test_lists_from_screener(client: TestClient) -> None:
    lists = client.get("/lists").json()["lists"]
    assert {x["list_id"]: x["version_id"] for x in lists} == {
        "gb_hmt_sanctions": "gb_hmt_sanctions@2025-04-14#bbbb0002",
        "us_ofac_sdn": SDN_VERSION,
    }


# --------------------------------------------------------------------------- batch


def test_batch_keeps_query_order(client: TestClient) -> None:
    response = client.post("/screen/batch", json=_batch("Kim Jong Un", "Nobody Atall",
                                                          "Vladimir Putin"))
    assert response.status_code == 200
    data = response.json()
    assert [r["query"]["id"] for r in data["results"]] == ["cust-1", "cust-2", "cust-3"]
    assert data["results"][0]["hits"][0]["entity_id"] == "us_ofac_sdn-2"
    assert data["results"][1]["hits"] == []
    assert data["results"][2]["hits"][0]["entity_id"] == "us_ofac_sdn-1"
    assert data["alerts"] == []
    assert data["algorithm"] == "screenwise-v1"


def test_batch_lists_and_include_below(client: TestClient) -> None:
    body = _batch("Dmitry Peskov", lists=["gb_hmt_sanctions"], include_below=True)
    hits = client.post("/screen/batch", json=body).json()["results"][0]["hits"]
    assert [h["entity_id"] for h in hits] == ["gb_hmt_sanctions-10"]
    assert client.post("/screen/batch", json=_batch("x", lists=["eu_fsf"])).status_code == 404


def test_batch_limits() -> None:
    client = make_client(max_batch_queries=2)
    response = client.post("/screen/batch", json=_batch("a", "b", "c"))
    assert response.status_code == 413
    assert "3 queries is over the limit of 2" in response.json()["detail"]
    empty = client.post("/screen/batch", json={"queries": []})
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["loc"] == ["body", "queries"]


def test_batch_answers_invalid_queries_in_their_own_entries(client: TestClient) -> None:
    queries: list[Any] = [
        {"id": "cust-1", "schema": "Person", "properties": {"name": ["Kim Jong Un"]}},
        {"id": "cust-2", "schema": "Person", "properties": {"name": ["  "]}},
        {"id": "cust-3", "schema": "Banana", "properties": {"name": ["Vladimir Putin"]}},
        {"schema": "Person", "properties": {"name": ["x" * 501]}},
        "Vladimir Putin",
        {"id": "cust-6", "schema": "Person",
         "properties": {"name": ["Vladimir Putin"], "birthDate": ["19x"]}},
        {"id": "cust-7", "schema": "Person", "properties": {"name": ["Vladimir Putin"]}},
    ]
    response = client.post("/screen/batch", json={"queries": queries, "open_alerts": True})
    assert response.status_code == 200, response.text
    data = response.json()
    results = data["results"]
    assert [r["index"] for r in results] == list(range(7))
    assert [r["query_id"] for r in results] == [
        "cust-1", "cust-2", "cust-3", "3", "4", "cust-6", "cust-7"]
    assert [r["status"] for r in results] == [200, 400, 400, 400, 400, 400, 200]
    assert data["failed"] == 5
    # the valid queries are screened as usual
    assert results[0]["hits"][0]["entity_id"] == "us_ofac_sdn-2"
    assert results[0]["query"]["id"] == "cust-1"
    assert results[6]["hits"][0]["entity_id"] == "us_ofac_sdn-1"
    # each invalid one names the query and the field
    assert results[1]["detail"] == (
        "query 'cust-2' (queries.1): properties.name: at least one non-blank name is needed")
    assert results[1]["errors"][0]["loc"] == ["queries", "1", "properties", "name"]
    assert results[2]["errors"][0]["loc"] == ["queries", "2", "schema"]
    assert "'Banana' is not a screenable schema" in results[2]["detail"]
    assert results[3]["errors"][0]["loc"] == ["queries", "3", "properties", "name", "0"]
    assert results[3]["errors"][0]["type"] == "string_too_long"
    assert results[4]["errors"][0]["loc"] == ["queries", "4"]
    assert results[4]["detail"].startswith("query '4' (queries.4): ")
    assert results[5]["errors"][0]["loc"] == ["queries", "5", "properties", "birthDate"]
    assert "'19x' is not a date" in results[5]["detail"]
    for failed in results[1:6]:
        assert failed["query"] is None and failed["hits"] == []
    # alerts: one list per query, empty for the failed ones
    assert len(data["alerts"]) == 7
    assert data["alerts"][0][0]["outcome"] == "opened"
    assert all(per == [] for per in data["alerts"][1:6])


@pytest.mark.parametrize("name", ["!!! ??", "\u02bc"])
def test_a_name_with_nothing_to_compare_fails_only_its_own_query(
    client: TestClient, name: str
) -> None:
    # "!!! ??" fails validation; "\u02bc" (a modifier letter) passes it but has no part
    # to compare once normalised: both are answered in their own entry.
    queries = [
        {"id": "a", "schema": "Person", "properties": {"name": [name]}},
        {"id": "b", "schema": "Person", "properties": {"name": ["Kim Jong Un"]}},
    ]
    batch = client.post("/screen/batch", json={"queries": queries, "open_alerts": True})
    assert batch.status_code == 200, batch.text
    results = batch.json()["results"]
    assert [r["status"] for r in results] == [400, 200]
    assert results[0]["errors"][0]["loc"][:2] == ["queries", "0"]
    assert results[1]["hits"][0]["entity_id"] == "us_ofac_sdn-2"
    assert len(batch.json()["alerts"]) == 2 and batch.json()["alerts"][0] == []
    match = client.post(
        "/match/default",
        json={"queries": {"a": queries[0], "b": queries[1]}},
    )
    assert match.status_code == 200, match.text
    responses = match.json()["responses"]
    assert responses["a"]["status"] == 400 and responses["a"]["results"] == []
    assert responses["b"]["status"] == 200 and responses["b"]["results"]


# --------------------------------------------------------------------------- alerts


def test_batch_opens_alerts_and_decisions_go_through_the_api(client: TestClient) -> None:
    body = _batch("Kim Jong Un", "Nobody Atall", open_alerts=True)
    data = client.post("/screen/batch", json=body).json()
    assert [[o["outcome"] for o in per] for per in data["alerts"]] == [["opened"], []]
    alert_id = data["alerts"][0][0]["alert_id"]

    again = client.post("/screen/batch", json=body).json()
    assert again["alerts"][0][0] == {
        "outcome": "duplicate", "alert_id": alert_id, "entity_id": "us_ofac_sdn-2",
        "previous_alert_id": None,
    }
    queue = client.get("/alerts").json()
    assert queue["total"] == 1
    (alert,) = queue["alerts"]
    assert alert["entity_id"] == "us_ofac_sdn-2"
    assert alert["list_version_id"] == SDN_VERSION
    assert alert["query"]["id"] == "cust-1"
    assert alert["hit"]["explanation"]["matched_name"] == "KIM Jong Un"

    decided = client.post(
        f"/alerts/{alert_id}/decisions",
        json={"decision": "false_positive", "comment": "born 1990"},
        auth=("ana", "any-password-without-keys"),
    )
    assert decided.status_code == 201
    assert decided.json()["decision"] == "false_positive"
    assert decided.json()["analyst"] == "ana"
    assert client.get(f"/alerts/{alert_id}").json()["status"] == "false_positive"
    assert client.get("/alerts").json()["total"] == 0
    assert client.get("/alerts", params={"status": "false_positive"}).json()["total"] == 1

    # the same customer screened again: the decision stands, no new alert
    third = client.post("/screen/batch", json=body).json()
    assert third["alerts"][0][0]["outcome"] == "suppressed"

    events = client.get(f"/alerts/{alert_id}/audit").json()["events"]
    assert [e["event"] for e in events] == ["opened", "decided"]
    assert events[1]["actor"] == "ana via anonymous"
    assert events[1]["list_version_id"] == SDN_VERSION
    by_version = client.get("/audit", params={"list_version_id": SDN_VERSION}).json()
    assert len(by_version["events"]) == 2


def test_alert_routes_errors(client: TestClient) -> None:
    assert client.get("/alerts/77").status_code == 404
    assert client.get("/alerts/77/audit").status_code == 404
    missing = client.post("/alerts/77/decisions", json={"decision": "true_match", "analyst": "a"})
    assert missing.status_code == 404
    bad = client.post("/alerts/1/decisions", json={"decision": "maybe", "analyst": "a"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["body", "decision"]
    assert client.get("/alerts", params={"status": "closed"}).status_code == 422


# --------------------------------------------------------------------------- text


ARTICLE = "Kim Jong Un met Vladimir Putin in Vladivostok on Tuesday."


@pytest.mark.parametrize("as_json", [False, True])
def test_text_route_finds_mentions_with_offsets(client: TestClient, as_json: bool) -> None:
    if as_json:
        response = client.post("/screen/text", json={"text": ARTICLE})
    else:
        response = client.post("/screen/text", content=ARTICLE.encode(),
                               headers={"content-type": "text/plain"})
    assert response.status_code == 200
    mentions = response.json()["mentions"]
    kim = next(m for m in mentions if m["entity_id"] == "us_ofac_sdn-2")
    assert (kim["text"], kim["start"], kim["end"]) == ("Kim Jong Un", 0, 11)
    assert ARTICLE[kim["start"]:kim["end"]] == kim["text"]
    assert kim["match"] is True


def test_text_route_refuses_bad_inputs(client: TestClient) -> None:
    unsupported = client.post("/screen/text", content=b"x", headers={"content-type": "image/png"})
    assert unsupported.status_code == 415
    assert set(unsupported.json()) == ERROR_KEYS
    both = client.post("/screen/text", json={"text": "a", "url": "https://example.org/"})
    assert both.status_code == 400
    empty = client.post("/screen/text", content=b"   ", headers={"content-type": "text/plain"})
    assert empty.status_code == 400
    invalid = client.post("/screen/text", content=b"{", headers={"content-type":
                                                                  "application/json"})
    assert invalid.status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "/etc/passwd",
        "http://127.0.0.1:8000/alerts",
        "http://localhost/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
    ],
)
def test_text_url_refuses_local_and_private_addresses(client: TestClient, url: str) -> None:
    response = client.post("/screen/text", json={"url": url})
    assert response.status_code == 400
    assert "url" in response.json()["detail"]


def test_text_body_limit() -> None:
    client = make_client(max_text_bytes=1000)
    response = client.post("/screen/text", content=b"a" * 2000,
                           headers={"content-type": "text/plain"})
    assert response.status_code == 413
    assert set(response.json()) == ERROR_KEYS

    def chunks() -> Any:
        for _ in range(5):
            yield b"b" * 400

    streamed = client.post("/screen/text", content=chunks(),
                           headers={"content-type": "text/plain"})
    assert streamed.status_code == 413


# --------------------------------------------------------------------------- error shape


def test_unknown_route_and_method_use_the_error_shape(client: TestClient) -> None:
    missing = client.get("/nowhere")
    assert missing.status_code == 404
    assert set(missing.json()) == ERROR_KEYS
    wrong = client.get("/match/default")
    assert wrong.status_code == 405
    assert wrong.json()["type"] == "method_not_allowed"


def test_bug_is_a_500_without_stack_trace(caplog: pytest.LogCaptureFixture) -> None:
    screener = make_screener()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internal detail")

    screener.screen = broken  # type: ignore[method-assign]
    client = TestClient(make_app(screener), raise_server_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="screenwise.api"):
        response = client.post("/match/default", json={"queries": {"q": {
            "schema": "Person", "properties": {"name": ["Kim Jong Un"]}}}})
    assert response.status_code == 500
    assert response.json()["detail"] == "internal server error"
    assert "secret" not in response.text and "Traceback" not in response.text
    assert "RuntimeError: secret internal detail" in caplog.text


def test_request_id_is_echoed_or_generated(client: TestClient) -> None:
    assert client.get("/healthz", headers={"x-request-id": "abc-123"}).headers[
        "x-request-id"] == "abc-123"
    generated = client.get("/healthz", headers={"x-request-id": "bad id\n"}).headers[
        "x-request-id"]
    assert generated != "bad id\n" and len(generated) == 16


# --------------------------------------------------------------------------- security


def test_api_keys_required_when_configured() -> None:
    client = make_client(api_keys=KEY)
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}}}}
    none = client.post("/match/default", json=body)
    assert none.status_code == 401
    assert "Basic" in none.headers["www-authenticate"]
    # the message names every way to send the key
    for way in ("Authorization: Bearer", "X-API-Key", "HTTP Basic"):
        assert way in none.json()["detail"]
    assert set(none.json()) == ERROR_KEYS
    wrong = client.post("/match/default", json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.json()["detail"].startswith("invalid API key")
    assert client.post("/match/default", json=body,
                       headers={"Authorization": f"Bearer {KEY}"}).status_code == 200
    assert client.post("/match/default", json=body, headers={"X-API-Key": KEY}).status_code == 200
    assert client.get("/alerts", auth=("ana", KEY)).status_code == 200
    assert client.get("/alerts", auth=("ana", "wrong")).status_code == 401
    # probes and the API reference stay open
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/openapi.json").status_code == 200


def test_access_log_has_key_id_and_route_but_no_key_or_names(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = make_client(api_keys=KEY)
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}}}}
    with caplog.at_level(logging.INFO, logger="screenwise.access"):
        client.post("/match/default", json=body, headers={"X-API-Key": KEY,
                                                          "X-Request-ID": "req-1"})
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "screenwise.access"]
    assert lines == [{
        "request_id": "req-1",
        "key_id": key_id(KEY),
        "method": "POST",
        "route": "/match/{dataset}",
        "status": 200,
        "latency_ms": lines[0]["latency_ms"],
    }]
    assert isinstance(lines[0]["latency_ms"], float)
    assert KEY not in caplog.text and "Kim Jong Un" not in caplog.text


def test_rate_limit_per_key_answers_429() -> None:
    client = make_client(api_keys=KEY, rate_limit_per_minute=2)
    headers = {"X-API-Key": KEY}
    assert client.get("/lists", headers=headers).status_code == 200
    assert client.get("/lists", headers=headers).status_code == 200
    limited = client.get("/lists", headers=headers)
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.json()["type"] == "rate_limited"


def test_rate_limiter_refills_over_time() -> None:
    limiter = RateLimiter(60)  # one a second
    start = time.monotonic()
    for _ in range(60):
        limiter.hit("k", now=start)
    with pytest.raises(RateLimitError):
        limiter.hit("k", now=start)
    limiter.hit("other", now=start)
    limiter.hit("k", now=start + 1.01)
    with pytest.raises(RateLimitError):
        limiter.hit("k", now=start + 1.02)
    RateLimiter(0).hit("k")  # unlimited


def test_api_keys_compare_and_identify() -> None:
    keys = ApiKeys([KEY, "another-key-abcdefghijkl"])
    assert keys.check(KEY) == key_id(KEY)
    assert key_id(KEY).startswith("k_") and len(key_id(KEY)) == 14
    for bad in (None, "", KEY + "x", KEY[:-1]):
        with pytest.raises(AuthError):
            keys.check(bad)
    assert ApiKeys([]).check(None) == "anonymous"


def test_load_api_keys_from_env_and_file(tmp_path: Path) -> None:
    path = tmp_path / "keys.txt"
    path.write_text("# analysts\nfile-key-0123456789\n\n", encoding="utf-8")
    settings = Settings(api_keys=f" {KEY} ,", api_keys_file=path)
    assert load_api_keys(settings) == [KEY, "file-key-0123456789"]
    path.write_text("short\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"keys\.txt line 1"):
        load_api_keys(settings)
    with pytest.raises(InputError, match="cannot read"):
        load_api_keys(Settings(api_keys_file=tmp_path / "missing.txt"))


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.5.0.1", True), ("::1", True), ("[::1]", True),
     ("localhost", True), ("0.0.0.0", False), ("192.168.1.4", False), ("example.org", False)],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_app_shares_the_list_store_database(tmp_path: Path) -> None:
    store = ListStore(f"sqlite:///{tmp_path / 'sw.db'}")
    app = create_app(Settings(), screener=make_screener(), store=store)
    alerts: AlertStore = app.state.screenwise.alerts
    assert alerts.engine is store.engine


# --------------------------------------------------------------------------- user findings

MATCH_BODY = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}}}}


def _open_alert(client: TestClient, **kwargs: Any) -> int:
    data = client.post("/screen/batch", json=_batch("Kim Jong Un", open_alerts=True),
                       **kwargs).json()
    return int(data["alerts"][0][0]["alert_id"])


def test_decision_is_attributed_to_the_authenticated_user_not_the_body() -> None:
    client = make_client(api_keys=KEY)
    alert_id = _open_alert(client, headers={"X-API-Key": KEY})
    response = client.post(
        f"/alerts/{alert_id}/decisions",
        json={"decision": "true_match", "analyst": "the-ceo", "comment": "passport agrees"},
        auth=("alice", KEY),
    )
    assert response.status_code == 201
    decision = response.json()
    assert (decision["analyst"], decision["display_name"]) == ("alice", "the-ceo")
    event = client.get(f"/alerts/{alert_id}/audit", headers={"X-API-Key": KEY}).json()[
        "events"][-1]
    assert event["actor"] == f"alice via {key_id(KEY)}"
    assert "the-ceo" not in event["actor"]
    # without a user name the key id is the identity
    by_key = client.post(f"/alerts/{alert_id}/decisions", json={"decision": "false-positive"},
                         headers={"X-API-Key": KEY}).json()
    assert by_key["analyst"] == key_id(KEY)
    assert by_key["decision"] == "false_positive"


def test_confirmed_true_match_is_reported_to_the_caller(client: TestClient) -> None:
    alert_id = _open_alert(client)
    client.post(f"/alerts/{alert_id}/decisions", json={"decision": "true_match"})
    again = client.post("/screen/batch", json=_batch("Kim Jong Un", open_alerts=True)).json()
    assert again["alerts"][0][0]["outcome"] == "known_true_match"
    assert client.get("/alerts", params={"status": "true-match"}).json()["total"] == 1


def test_audit_of_unknown_version_is_404(client: TestClient) -> None:
    _open_alert(client)
    response = client.get("/audit", params={"list_version_id": "bogus"})
    assert response.status_code == 404
    assert "bogus" in response.json()["detail"]


def test_readyz_hides_list_versions_without_a_key() -> None:
    client = make_client(api_keys=KEY)
    anonymous = client.get("/readyz")
    assert anonymous.status_code == 200
    assert anonymous.json() == {"status": "ready"}
    assert client.get("/readyz", headers={"X-API-Key": "wrong-key-0123456789"}).json() == {
        "status": "ready"}
    with_key = client.get("/readyz", headers={"X-API-Key": KEY}).json()
    assert with_key["lists"]["us_ofac_sdn"] == SDN_VERSION
    assert with_key["loading"] == {}


@pytest.mark.parametrize(
    ("path", "params"),
    [("/match/default", {}), ("/screen/batch", {}), ("/alerts/1/decisions", {}),
     ("/screen/text", {})],
)
def test_wrong_content_type_is_415_everywhere(
    client: TestClient, path: str, params: dict[str, Any]
) -> None:
    body = json.dumps(MATCH_BODY if path != "/screen/batch" else _batch("Kim Jong Un"))
    response = client.post(path, content=body.encode(), params=params,
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 415
    assert response.json()["type"] == "unsupported_media_type"
    assert "application/x-www-form-urlencoded" in response.json()["detail"]
    assert response.json()["errors"][0]["loc"] == ["header", "content-type"]


@pytest.mark.parametrize("path", ["/match/default", "/screen/batch", "/screen/text",
                                  "/alerts/1/decisions"])
def test_malformed_json_is_400_with_line_and_column(client: TestClient, path: str) -> None:
    broken = b'{"queries":\n  {"q": {"schema": "Person",, "properties": {}}}}'
    response = client.post(path, content=broken, headers={"content-type": "application/json"})
    assert response.status_code == 400
    data = response.json()
    assert data["detail"].startswith("malformed JSON at line 2 column 29")
    assert data["errors"][0]["loc"] == ["body"]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "loc"),
    [
        ("get", "/search/default", {"params": {"schema": "Banana"}}, 400,
         ["query", "schema"]),
        ("post", "/screen/text", {"json": {"text": "a", "url": "https://example.org/"}}, 400,
         ["body", "text"]),
        ("post", "/screen/text", {"json": {"text": "Kim Jong Un", "threshold": -1}}, 422,
         ["body", "threshold"]),
        ("post", "/screen/text", {"content": b"Kim Jong Un", "params": {"threshold": 9},
                                  "headers": {"content-type": "text/plain"}}, 422,
         ["query", "threshold"]),
        ("post", "/screen/batch", {"json": {"queries": [{"schema": "Person", "properties": {
            "name": ["Kim Jong Un"]}}], "limit": 0}}, 422, ["body", "limit"]),
        ("post", "/match/default", {"json": MATCH_BODY, "params": {"algorithm": "nope"}}, 400,
         ["query", "algorithm"]),
        ("get", "/alerts", {"params": {"limit": 0}}, 422, ["query", "limit"]),
    ],
)
def test_one_rule_for_400_and_422_with_the_field_named(
    client: TestClient, method: str, path: str, kwargs: dict[str, Any], status: int,
    loc: list[str],
) -> None:
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == status, response.text
    data = response.json()
    assert set(data) == ERROR_KEYS
    assert data["errors"], "a 400/422 names the field at fault"
    assert data["errors"][0]["loc"] == loc


def test_text_body_is_decoded_by_its_declared_charset(client: TestClient) -> None:
    latin = "Vladimir Putin met Gerhard Schröder.".encode("windows-1252")
    bad = client.post("/screen/text", content=latin, headers={"content-type": "text/plain"})
    assert bad.status_code == 400
    offset = latin.index(b"\xf6")
    assert f"byte offset {offset}" in bad.json()["detail"]
    assert bad.json()["errors"][0]["loc"] == ["body"]
    ok = client.post("/screen/text", content=latin,
                     headers={"content-type": "text/plain; charset=windows-1252"})
    assert ok.status_code == 200
    assert any(m["entity_id"] == "us_ofac_sdn-1" for m in ok.json()["mentions"])
    html = (b'<html><head><meta charset="iso-8859-1"></head><body><article><p>Gerhard '
            b'Schr\xf6der, the former chancellor, met Vladimir Putin in Moscow on Tuesday '
            b'to talk about gas.</p></article></body></html>')
    page = client.post("/screen/text", content=html, headers={"content-type": "text/html"})
    assert page.status_code == 200, page.text
    assert any(m["entity_id"] == "us_ofac_sdn-1" for m in page.json()["mentions"])


def test_text_threshold_query_parameter_applies(client: TestClient) -> None:
    strict = client.post("/screen/text", content=ARTICLE.encode(), params={"threshold": 1.0},
                         headers={"content-type": "text/plain"}).json()
    assert strict["threshold"] == 1.0
    conflict = client.post("/screen/text", json={"text": ARTICLE, "threshold": 0.5},
                           params={"threshold": 0.9})
    assert conflict.status_code == 400
    assert conflict.json()["errors"][0]["loc"] == ["query", "threshold"]


def test_docs_page_needs_no_external_assets(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    text = page.text
    assert "/match/{dataset}" in text and "/screen/text" in text
    assert "cdn" not in text.lower()
    # every script, stylesheet or image comes from this server
    import re

    sources = re.findall(r'(?:src|href)="([^"]+)"', text)
    assert sources and all(not s.startswith(("http:", "https:", "//")) for s in sources)
    assert client.get("/redoc").status_code == 404
    # Descriptions are rendered, not shown as Markdown source.
    assert "<code>/match/{dataset}</code>" in text
    outside_examples = re.sub(r"<pre>.*?</pre>", "", text, flags=re.S)
    assert "`" not in outside_examples  # no Markdown source left anywhere


def test_markdown_in_descriptions_cannot_inject_markup() -> None:
    from screenwise.api.docs import markdown_html

    html = str(markdown_html("a `code` word <script>alert(1)</script>"))
    assert "<code>code</code>" in html and "<script>" not in html


def test_small_screening_runs_on_the_event_loop_and_large_in_a_thread() -> None:
    import asyncio
    import threading

    from screenwise.api.app import INLINE_MAX_QUERIES, run_screening

    async def where(queries: int) -> bool:
        loop_thread = threading.get_ident()
        return await run_screening(lambda: threading.get_ident() == loop_thread,
                                   queries=queries)

    assert asyncio.run(where(1)) is True
    assert asyncio.run(where(INLINE_MAX_QUERIES)) is True
    assert asyncio.run(where(INLINE_MAX_QUERIES + 1)) is False


def test_request_ids_are_unique_and_a_sane_caller_id_is_kept(client: TestClient) -> None:
    ids = {client.get("/healthz").headers["x-request-id"] for _ in range(20)}
    assert len(ids) == 20
    kept = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert kept.headers["x-request-id"] == "abc-123"
    replaced = client.get("/healthz", headers={"X-Request-ID": "bad id!"})
    assert replaced.headers["x-request-id"] != "bad id!"
