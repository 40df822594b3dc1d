"""Screener on hand-built entities: thresholds, limits, lists, qualifiers, weak aliases."""

from __future__ import annotations

import pytest

from screenwise.entities import make_entity
from screenwise.errors import NotFoundError, QueryError
from screenwise.results import Query
from screenwise.screening import Screener, compare_names, read_queries


@pytest.fixture
def screener() -> Screener:
    kim = make_entity("us_ofac_sdn", "20157", "Person")
    kim.add("name", "KIM, Jong Un")
    kim.add("birthDate", "1984-01-08")
    kim.add("nationality", "kp")
    namesake = make_entity("gb_hmt_sanctions", "1", "Person")
    namesake.add("name", "KIM, Jong Un")
    namesake.add("birthDate", "1950")
    weak = make_entity("us_ofac_sdn", "2", "Person")
    weak.add("name", "HASSAN, Abdul Rahim")
    weak.add("weakAlias", "Abu Ahmad")
    ship = make_entity("us_ofac_sdn", "3", "Vessel")
    ship.add("name", "SEA STAR")
    ship.add("imoNumber", "9187629")
    return Screener([kim, namesake, weak, ship], list_versions={"us_ofac_sdn": "v1"})


def test_screen_ranks_by_birth_date(screener: Screener) -> None:
    result = screener.screen(
        Query(schema="Person", properties={"name": ["Kim Jong Un"], "birthDate": ["1984"]})
    )
    assert result.hits[0].entity_id == "us_ofac_sdn-20157"
    assert result.hits[0].list_version == "v1"
    assert "gb_hmt_sanctions-1" not in {h.entity_id for h in result.matches}


def test_no_birth_date_scores_below_confirmed(screener: Screener) -> None:
    bare = screener.screen(Query(schema="Person", properties={"name": ["Kim Jong Un"]}))
    confirmed = screener.screen(
        Query(schema="Person", properties={"name": ["Kim Jong Un"], "birthDate": ["1984-01-08"]})
    )
    assert confirmed.hits[0].score > bare.hits[0].score


def test_weak_alias_alone_is_no_alert(screener: Screener) -> None:
    result = screener.screen(
        Query(schema="Person", properties={"name": ["Abu Ahmad"]}), include_below=True
    )
    assert result.hits and result.hits[0].explanation.matched_name_kind == "weakAlias"
    assert not result.matches


def test_identifier_is_decisive(screener: Screener) -> None:
    query = Query(
        schema="Vessel", properties={"name": ["Star of the Sea"], "imoNumber": ["IMO 9187629"]}
    )
    hit = screener.score_entity(query, screener.get_entity("us_ofac_sdn-3"))
    assert hit.match


def test_lists_and_limit(screener: Screener) -> None:
    query = Query(schema="Person", properties={"name": ["Kim Jong Un"]})
    assert {h.list_id for h in screener.screen(query, lists=["gb_hmt_sanctions"]).hits} == {
        "gb_hmt_sanctions"
    }
    assert len(screener.screen(query, limit=1).hits) == 1


def test_errors(screener: Screener) -> None:
    with pytest.raises(QueryError):
        screener.screen(Query(properties={}))
    with pytest.raises(NotFoundError):
        screener.get_entity("nope")


def test_screen_many_parallel_keeps_order(screener: Screener) -> None:
    queries = [
        Query(id=str(i), properties={"name": [n]})
        for i, n in enumerate(["Kim Jong Un", "Sea Star", "Nobody"] * 3)
    ]
    results = list(screener.screen_many(queries, processes=2))
    assert [r.query.id for r in results] == [str(i) for i in range(9)]


def test_compare_names_returns_calibrated_explained_score() -> None:
    score, explanation = compare_names("Kim Jong-un", "KIM, Jong Un", schema="Person")
    assert 0.9 < score < 1.0
    assert explanation.features[0].name == "name"


def test_read_queries_csv(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "c.csv"
    path.write_text("id,name,dob,country\n7,Kim Jong Un,1984,kp\n", encoding="utf-8")
    (query,) = read_queries(path, columns={"birth_date": "dob"})
    assert (
        query.id == "7"
        and query.properties["birthDate"] == ["1984"]
        and query.properties["country"] == ["kp"]
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name\n1,\n", encoding="utf-8")
    with pytest.raises(QueryError, match="line 2"):
        list(read_queries(bad))
