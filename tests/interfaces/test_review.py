"""The analysts' review pages render their JSON twin's data, and the decision form is safe."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from test_api_support import SDN_VERSION, make_app, make_client, make_entities, make_screener

from screenwise.entities import make_entity

KEY = "review-key-0123456789"


def _open_alerts(client: TestClient, *names: str, **headers: str) -> list[int]:
    body = {
        "queries": [
            {"id": f"cust-{i}", "schema": "Person", "properties": {"name": [n]}}
            for i, n in enumerate(names, start=1)
        ],
        "open_alerts": True,
    }
    data = client.post("/screen/batch", json=body, headers=headers).json()
    return [o["alert_id"] for per in data["alerts"] for o in per]


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert found, "decision form has no token"
    return found.group(1)


@pytest.fixture()
def client() -> TestClient:
    return make_client()


def test_queue_page_shows_what_its_json_twin_holds(client: TestClient) -> None:
    ids = _open_alerts(client, "Kim Jong Un", "Vladimir Putin")
    assert len(ids) == 2
    data = client.get("/review.json").json()
    assert data["status"] == "open"
    assert data["total"] == 2
    assert data["counts"] == {"open": 2, "true_match": 0, "false_positive": 0}
    page = client.get("/review")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    text = page.text
    for alert in data["alerts"]:
        assert f'data-alert-id="{alert["id"]}"' in text
        assert html.escape(alert["caption"]) in text
        assert alert["entity_id"] in text
        assert alert["list_version_id"] in text
        assert f'{alert["score"]:.2f}' in text
    assert [a["id"] for a in data["alerts"]] == sorted(ids, reverse=True)
    assert 'href="/review.json?status=open' in text


def test_alert_page_shows_the_hit_explanation(client: TestClient) -> None:
    (alert_id,) = _open_alerts(client, "Vladimir Putin")
    data = client.get(f"/review/alerts/{alert_id}.json").json()
    alert = data["alert"]
    assert alert["entity_id"] == "us_ofac_sdn-1"
    assert [e["event"] for e in data["audit"]] == ["opened"]
    text = client.get(f"/review/alerts/{alert_id}").text
    explanation = alert["hit"]["explanation"]
    assert html.escape(explanation["summary"]) in text
    for part in explanation["parts"]:
        if part["candidate_part"]:
            assert f"<td>{part['candidate_part']}</td>" in text
    assert "only in listed name" in text  # the "missing" part, in words
    assert SDN_VERSION in text
    assert "RUSSIA-EO14024" in text
    assert "1952-10-07" in text
    assert 'value="true_match"' in text and 'value="false_positive"' in text


def test_decision_form_records_decision_with_audit(client: TestClient) -> None:
    (alert_id,) = _open_alerts(client, "Kim Jong Un")
    token = _csrf(client.get(f"/review/alerts/{alert_id}").text)
    response = client.post(
        f"/review/alerts/{alert_id}/decision",
        data={"decision": "false_positive", "display_name": "Ana A.", "comment": "born 1990",
              "csrf": token},
        auth=("ana", "no-keys-on-loopback"),
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/review/alerts/{alert_id}"
    data = client.get(f"/review/alerts/{alert_id}.json").json()
    assert data["alert"]["status"] == "false_positive"
    assert [(d["decision"], d["analyst"], d["display_name"], d["comment"])
            for d in data["alert"]["decisions"]] == [
        ("false_positive", "ana", "Ana A.", "born 1990")
    ]
    decided = data["audit"][-1]
    assert decided["event"] == "decided"
    assert decided["actor"] == "ana via anonymous (review page)"
    page = client.get(f"/review/alerts/{alert_id}").text
    assert "born 1990" in page and "False positive" in page
    assert client.get("/review.json", params={"status": "false_positive"}).json()["total"] == 1


@pytest.mark.parametrize(
    ("token", "headers"),
    [("0" * 64, {}), (None, {"origin": "https://evil.example"})],
)
def test_forged_decisions_are_refused(
    client: TestClient, token: str | None, headers: dict[str, str]
) -> None:
    (alert_id,) = _open_alerts(client, "Kim Jong Un")
    real = _csrf(client.get(f"/review/alerts/{alert_id}").text)
    response = client.post(
        f"/review/alerts/{alert_id}/decision",
        data={"decision": "true_match", "analyst": "mallory", "csrf": token or real},
        headers=headers,
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "invalid or expired form token" in response.text
    assert client.get(f"/alerts/{alert_id}").json()["status"] == "open"


def test_review_needs_the_api_key_when_configured() -> None:
    client = make_client(api_keys=KEY)
    page = client.get("/review")
    assert page.status_code == 401
    assert 'Basic realm="screenwise"' in page.headers["www-authenticate"]
    (alert_id,) = _open_alerts(client, "Kim Jong Un", **{"X-API-Key": KEY})
    signed_in = client.get(f"/review/alerts/{alert_id}", auth=("ana", KEY))
    assert signed_in.status_code == 200
    assert "Recorded as <strong>ana</strong>" in signed_in.text
    # a token issued for one key does not work with another client identity
    token = _csrf(signed_in.text)
    ok = client.post(
        f"/review/alerts/{alert_id}/decision",
        data={"decision": "true_match", "display_name": "the-ceo", "csrf": token},
        auth=("ana", KEY),
        follow_redirects=False,
    )
    assert ok.status_code == 303
    (decision,) = client.get(f"/alerts/{alert_id}", auth=("ana", KEY)).json()["decisions"]
    assert (decision["analyst"], decision["display_name"]) == ("ana", "the-ceo")


def test_pages_escape_listed_names() -> None:
    entities = make_entities()
    evil = make_entity("us_ofac_sdn", "66", "Person")
    evil.add("name", "Kim <script>alert(1)</script> Jong")
    screener = make_screener([*entities, evil])
    client = TestClient(make_app(screener))
    _open_alerts(client, "Kim <script>alert(1)</script> Jong")
    text = client.get("/review").text
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;" in text


def test_review_pages_answer_errors_as_html_and_twins_as_json(client: TestClient) -> None:
    page = client.get("/review/alerts/999")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "alert 999 does not exist" in page.text
    assert page.headers["x-request-id"] in page.text
    bad = client.get("/review", params={"status": "closed"})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("text/html")
    assert "<code>query.status</code>" in bad.text
    twin = client.get("/review/alerts/999.json")
    assert twin.status_code == 404
    assert twin.json()["detail"] == "alert 999 does not exist"
    assert client.get("/review.json", params={"status": "closed"}).json()["type"] == (
        "invalid_request")
    # both spellings of a status work on the pages too
    assert client.get("/review", params={"status": "true-match"}).status_code == 200


def test_review_sign_in_and_forged_forms_answer_html() -> None:
    client = make_client(api_keys=KEY)
    page = client.get("/review")
    assert page.status_code == 401
    assert page.headers["content-type"].startswith("text/html")
    assert "HTTP Basic" in page.text
    (alert_id,) = _open_alerts(client, "Kim Jong Un", **{"X-API-Key": KEY})
    forged = client.post(f"/review/alerts/{alert_id}/decision", auth=("ana", KEY),
                         data={"decision": "true_match", "csrf": "0" * 64},
                         follow_redirects=False)
    assert forged.status_code == 403
    assert forged.headers["content-type"].startswith("text/html")


