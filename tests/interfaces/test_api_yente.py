"""Contract tests: ``/match`` and ``/search`` answer in shapes a yente client parses.

The ``Yente*`` models below mirror yente's ``yente/data/common.py`` and nomenklatura's
``FeatureResult`` / ``FeatureDoc`` field for field (written from yente's published
source, independently of screenwise's own response models), so a response that validates
here validates in a yente client. Field names are pinned explicitly as well.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field
from test_api_support import SDN_VERSION, UK_VERSION, make_client


class YenteFeatureResult(BaseModel):
    detail: str | None
    score: float
    query: str | None = None
    candidate: str | None = None


class YenteFeatureDoc(BaseModel):
    description: str | None
    coefficient: float
    url: str


class YenteEntityResponse(BaseModel):
    id: str
    caption: str
    schema_: str = Field(..., alias="schema")
    properties: dict[str, list[str | YenteEntityResponse]]
    datasets: list[str] = []
    referents: list[str] = []
    target: bool = False
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    last_change: datetime | None = None


class YenteScoredEntityResponse(YenteEntityResponse):
    score: float = 0.99
    features: dict[str, float]  # yente <= 4 clients
    explanations: dict[str, YenteFeatureResult]  # current clients
    match: bool


class YenteEntityExample(BaseModel):
    id: str | None = None
    schema_: str = Field(..., alias="schema")
    properties: dict[str, str | list[Any]]


class YenteTotalSpec(BaseModel):
    value: int
    relation: str = "eq"


class YenteEntityMatches(BaseModel):
    status: int = 200
    results: list[YenteScoredEntityResponse]
    total: YenteTotalSpec
    query: YenteEntityExample


class YenteEntityMatchResponse(BaseModel):
    responses: dict[str, YenteEntityMatches]
    matcher: dict[str, YenteFeatureDoc]
    limit: int


class YenteSearchFacetItem(BaseModel):
    name: str
    label: str
    count: int = 1


class YenteSearchFacet(BaseModel):
    label: str
    values: list[YenteSearchFacetItem]


class YenteSearchResponse(BaseModel):
    limit: int
    offset: int = 0
    total: YenteTotalSpec
    results: list[YenteEntityResponse]
    facets: dict[str, YenteSearchFacet]


#: The request of yente's /match documentation (yente/routers/match.py docstring).
YENTE_DOC_REQUEST = {
    "queries": {
        "entity1": {
            "schema": "Person",
            "properties": {
                "name": ["John Doe"],
                "birthDate": ["1975-04-21"],
                "nationality": ["us"],
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

#: Every field of a yente ScoredEntityResponse, pinned.
SCORED_FIELDS = {
    "id", "caption", "schema", "properties", "datasets", "referents", "target",
    "first_seen", "last_seen", "last_change", "score", "features", "explanations", "match",
}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return make_client()


def _match(client: TestClient, body: dict[str, Any], path: str = "/match/default",
           **params: Any) -> YenteEntityMatchResponse:
    response = client.post(path, json=body, params=params)
    assert response.status_code == 200, response.text
    return YenteEntityMatchResponse.model_validate(response.json())


def _person(name: str, **props: list[str]) -> dict[str, Any]:
    return {"queries": {"q1": {"schema": "Person", "properties": {"name": [name], **props}}}}


def test_yente_documentation_request_parses_as_yente_response(client: TestClient) -> None:
    response = client.post("/match/default", json=YENTE_DOC_REQUEST)
    assert response.status_code == 200
    assert response.headers["x-batch-size"] == "2"
    parsed = YenteEntityMatchResponse.model_validate(response.json())
    assert set(parsed.responses) == {"entity1", "entity2"}
    assert parsed.responses["entity1"].status == 200
    assert parsed.responses["entity1"].query.schema_ == "Person"
    assert parsed.responses["entity2"].query.properties["jurisdiction"] == ["hk"]
    assert parsed.limit == 5
    # nobody in the test lists is called John Doe
    assert all(not r.match for r in parsed.responses["entity1"].results)


def test_match_finds_listed_person_with_explanation(client: TestClient) -> None:
    parsed = _match(client, _person("Vladimir Putin", birthDate=["1952-10-07"]))
    results = parsed.responses["q1"].results
    top = results[0]
    assert top.id == "us_ofac_sdn-1"
    assert top.caption == "Vladimir Vladimirovich PUTIN"
    assert top.schema_ == "Person"
    assert top.datasets == ["us_ofac_sdn"]
    assert top.match is True
    assert 0.7 <= top.score <= 1.0
    assert top.properties["birthDate"] == ["1952-10-07"]
    assert "name" in top.explanations and "name" in top.features
    assert top.explanations["name"].query == "Vladimir Putin"
    assert top.explanations["name"].candidate == "Vladimir Vladimirovich PUTIN"
    assert set(parsed.matcher) >= set(top.explanations)


def test_scored_result_has_every_yente_field_and_screenwise_extras(client: TestClient) -> None:
    data = client.post("/match/default", json=_person("Kim Jong Un")).json()
    result = data["responses"]["q1"]["results"][0]
    assert set(result) >= SCORED_FIELDS
    assert result["list_version"] == SDN_VERSION
    assert result["programs"] == ["DPRK3"]
    assert result["explanation"]["matched_name"] == "KIM Jong Un"
    assert data["responses"]["q1"]["total"]["relation"] == "eq"
    assert data["responses"]["q1"]["list_versions"]["us_ofac_sdn"] == SDN_VERSION


def test_property_values_may_be_single_strings(client: TestClient) -> None:
    body = {"queries": {"a": {"schema": "Person", "properties": {"name": "Kim Jong Un"}}}}
    parsed = _match(client, body)
    assert parsed.responses["a"].results[0].id == "us_ofac_sdn-2"


def test_threshold_sets_match_flag(client: TestClient) -> None:
    low = _match(client, _person("Vladimir Putin"), threshold=0.5).responses["q1"].results
    high = _match(client, _person("Vladimir Putin"), threshold=0.99).responses["q1"].results
    assert low[0].match is True
    # above-threshold filtering: with threshold 0.99 the 0.88 hit is not returned at all
    assert high == []


def test_cutoff_below_threshold_returns_non_matches(client: TestClient) -> None:
    body = _person("Dmitry Peskov", birthDate=["1967-10-17"])
    default = _match(client, body).responses["q1"].results
    assert [r.id for r in default] == ["us_ofac_sdn-3"]
    wide = _match(client, body, cutoff=0.1).responses["q1"].results
    ids = [r.id for r in wide]
    assert ids[0] == "us_ofac_sdn-3"
    assert "gb_hmt_sanctions-10" in ids
    namesake = next(r for r in wide if r.id == "gb_hmt_sanctions-10")
    assert namesake.match is False


def test_dataset_and_dataset_filters(client: TestClient) -> None:
    body = _person("Dmitry Peskov")
    uk = _match(client, body, path="/match/gb_hmt_sanctions", cutoff=0.1)
    assert {r.id for r in uk.responses["q1"].results} == {"gb_hmt_sanctions-10"}
    excluded = _match(client, body, cutoff=0.1, exclude_dataset="gb_hmt_sanctions")
    assert {r.id for r in excluded.responses["q1"].results} == {"us_ofac_sdn-3"}
    included = _match(client, body, cutoff=0.1, include_dataset="gb_hmt_sanctions")
    assert {r.id for r in included.responses["q1"].results} == {"gb_hmt_sanctions-10"}
    raw = client.post("/match/default", json=body, params={"cutoff": 0.1})
    assert raw.json()["responses"]["q1"]["list_versions"]["gb_hmt_sanctions"] == UK_VERSION


def test_exclude_entity_ids_and_limit(client: TestClient) -> None:
    body = _person("Dmitry Peskov")
    parsed = _match(client, body, cutoff=0.1, exclude_entity_ids="us_ofac_sdn-3")
    assert [r.id for r in parsed.responses["q1"].results] == ["gb_hmt_sanctions-10"]
    one = _match(client, body, cutoff=0.1, limit=1)
    assert len(one.responses["q1"].results) == 1
    assert one.limit == 1


@pytest.mark.parametrize(
    ("path", "body", "params", "status", "needle"),
    [
        ("/match/eu_fsf", _person("Kim Jong Un"), {}, 404, "eu_fsf"),
        ("/match/default", _person("Kim Jong Un"), {"algorithm": "logic-v2"}, 400, "algorithm"),
        ("/match/default", _person("Kim Jong Un"), {"changed_since": "2024-01-01"}, 400,
         "changed_since"),
        ("/match/default", {**_person("Kim Jong Un"), "weights": {"name_literal": 0.8}}, {}, 400,
         "weights"),
        ("/match/default", {"queries": {}}, {}, 400, "no queries"),
        ("/match/default", {"queries": {"q": {"properties": {"name": ["x"]}}}}, {}, 422, "schema"),
        ("/match/default", _person("Kim Jong Un"), {"threshold": 1.5}, 422, "threshold"),
        ("/match/default", _person("x" * 501), {}, 422, "at most 500 characters"),
    ],
)
def test_match_errors_have_one_shape(
    client: TestClient, path: str, body: dict[str, Any], params: dict[str, Any], status: int,
    needle: str,
) -> None:
    response = client.post(path, json=body, params=params)
    assert response.status_code == status
    data = response.json()
    assert set(data) == {"detail", "status", "type", "request_id", "errors"}
    assert data["status"] == status
    assert needle in data["detail"]
    assert data["request_id"] == response.headers["x-request-id"]
    if status in (400, 422):
        assert data["errors"], "400 and 422 name the field at fault"


def test_match_batch_limit_answers_413() -> None:
    client = make_client(max_batch_queries=2)
    body = {"queries": {f"q{i}": _person("Kim Jong Un")["queries"]["q1"] for i in range(3)}}
    response = client.post("/match/default", json=body)
    assert response.status_code == 413
    assert "over the limit of 2" in response.json()["detail"]


def test_search_by_name(client: TestClient) -> None:
    response = client.get("/search/default", params={"q": "Vladimir Putin"})
    assert response.status_code == 200
    parsed = YenteSearchResponse.model_validate(response.json())
    assert parsed.results[0].id == "us_ofac_sdn-1"
    assert parsed.total.value == len(parsed.results) == 1
    assert parsed.limit == 10 and parsed.offset == 0
    assert {"countries", "datasets", "topics"} <= set(parsed.facets)


def test_search_filters_and_paging(client: TestClient) -> None:
    orgs = YenteSearchResponse.model_validate(
        client.get("/search/default", params={"schema": "Organization"}).json()
    )
    assert [r.id for r in orgs.results] == ["gb_hmt_sanctions-11", "us_ofac_sdn-5"]
    kp = YenteSearchResponse.model_validate(
        client.get("/search/default", params={"countries": "kp"}).json()
    )
    assert [r.id for r in kp.results] == ["us_ofac_sdn-2", "us_ofac_sdn-5"]
    countries = {v.name: v.count for v in kp.facets["countries"].values}
    assert countries == {"kp": 2}
    uk = YenteSearchResponse.model_validate(client.get("/search/gb_hmt_sanctions").json())
    assert {r.id for r in uk.results} == {"gb_hmt_sanctions-10", "gb_hmt_sanctions-11"}
    page = YenteSearchResponse.model_validate(
        client.get("/search/default", params={"limit": 2, "offset": 2}).json()
    )
    assert page.total.value == 6
    assert [r.id for r in page.results] == ["us_ofac_sdn-1", "us_ofac_sdn-2"]


def test_each_query_has_its_own_status(client: TestClient) -> None:
    queries: dict[str, Any] = {
        f"q{i}": {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}} for i in range(12)
    }
    queries["q5"] = {"schema": "Person", "properties": {"name": ["   "]}}
    queries["q7"] = {"schema": "Address", "properties": {"name": ["x"]}}
    queries["q9"] = {"schema": "Person", "properties": {"birthDate": ["1984"]}}
    response = client.post("/match/default", json={"queries": queries})
    assert response.status_code == 200
    parsed = YenteEntityMatchResponse.model_validate(response.json())  # a yente client parses it
    data = response.json()["responses"]
    assert list(data) == list(queries)
    failed = {k for k, v in data.items() if v["status"] != 200}
    assert failed == {"q5", "q7", "q9"}
    assert data["q5"]["status"] == 400
    assert data["q5"]["errors"][0]["loc"] == ["queries", "q5", "properties", "name"]
    assert "non-blank name" in data["q5"]["detail"]
    assert data["q7"]["errors"][0]["loc"] == ["queries", "q7", "schema"]
    assert data["q5"]["results"] == [] and data["q5"]["total"]["value"] == 0
    for key in set(queries) - failed:
        assert parsed.responses[key].results[0].id == "us_ofac_sdn-2"


def test_total_counts_the_matching_candidates(client: TestClient) -> None:
    kim = client.post("/match/default", json=_person("Kim Jong Un")).json()["responses"]["q1"]
    assert kim["total"] == {"value": 1, "relation": "eq"}
    nobody = client.post("/match/default", json=_person("Nobody Atall")).json()
    assert nobody["responses"]["q1"]["total"]["value"] == 0
    born = _person("Dmitry Peskov", birthDate=["1967-10-17"])
    wide = client.post("/match/default", json=born, params={"cutoff": 0.1}).json()
    results = wide["responses"]["q1"]["results"]
    assert [r["match"] for r in results] == [True, False]
    assert wide["responses"]["q1"]["total"]["value"] == 1  # below the threshold: not counted
    both = client.post("/match/default", json=_person("Dmitry Peskov")).json()
    assert both["responses"]["q1"]["total"]["value"] == 2
    one = client.post("/match/default", json=_person("Dmitry Peskov"), params={"limit": 1}).json()
    assert len(one["responses"]["q1"]["results"]) == 1
    assert one["responses"]["q1"]["total"]["value"] == 2  # counted before the limit
    excluded = client.post("/match/default", json=_person("Kim Jong Un"),
                           params={"exclude_entity_ids": "us_ofac_sdn-2"}).json()
    assert excluded["responses"]["q1"]["total"]["value"] == 0


def test_overlong_name_reports_the_length_limit(client: TestClient) -> None:
    for value in (["x" * 100_000], "x" * 100_000):
        body = {"queries": {"q1": {"schema": "Person", "properties": {"name": value}}}}
        response = client.post("/match/default", json=body)
        assert response.status_code == 422
        first = response.json()["errors"][0]
        assert first["loc"] == ["body", "queries", "q1", "properties", "name", "0"]
        assert first["msg"] == "String should have at most 500 characters"
        assert "at most 500 characters" in response.json()["detail"]


def test_search_ranks_the_name_itself_first_with_a_score() -> None:
    from test_api_support import make_app, make_entities, make_screener

    from screenwise.entities import make_entity

    vessel = make_entity("us_ofac_sdn", "77", "Vessel")
    vessel.add("name", "PETION")
    client = TestClient(make_app(make_screener([*make_entities(), vessel])))
    response = client.get("/search/default", params={"q": "putin"})
    assert response.status_code == 200
    results = response.json()["results"]
    ids = [r["id"] for r in results]
    assert ids[0] == "us_ofac_sdn-1"
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores[0] >= 0.9
    if "us_ofac_sdn-77" in ids:
        assert results[ids.index("us_ofac_sdn-77")]["score"] < 0.9
    exact = client.get("/search/default", params={"q": "Rosoboronexport"}).json()["results"]
    assert exact[0]["id"] == "gb_hmt_sanctions-11"
    assert exact[0]["score"] == 1.0
    browse = client.get("/search/default").json()["results"]
    assert all(r["score"] is None for r in browse)


def test_search_rejects_unknown_schema_and_dataset(client: TestClient) -> None:
    assert client.get("/search/default", params={"schema": "Banana"}).status_code == 400
    assert client.get("/search/nowhere", params={"q": "x"}).status_code == 404


@pytest.mark.realdata
def test_seed_names_match_like_the_library(shared_dir: Any) -> None:
    """Seed names through /match give the same top hits as ``Screener.screen``."""
    from test_api_support import make_app

    from screenwise.evaluation import load_eval_config
    from screenwise.results import Query
    from screenwise.screening import Screener
    from screenwise.settings import Settings

    screener = Screener.from_parsed(load_eval_config(shared_dir), settings=Settings())
    client = TestClient(make_app(screener))
    for name in ("Kim Jong Un", "Vladimir Putin", "Dmitry Peskov"):
        expected = screener.screen(Query(schema="Person", properties={"name": [name]}), limit=5)
        parsed = _match(client, _person(name))
        got = parsed.responses["q1"].results
        assert expected.hits, name
        assert [r.id for r in got] == [h.entity_id for h in expected.hits]
        assert [r.score for r in got] == [h.score for h in expected.hits]
