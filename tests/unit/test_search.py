"""Search relevance and yente-style match counting (:mod:`screenwise.search`)."""

from __future__ import annotations

import pytest

from screenwise.entities import make_entity
from screenwise.results import Query
from screenwise.screening import Screener
from screenwise.search import match_query, name_relevance, search_names
from screenwise.settings import Settings


@pytest.mark.parametrize(
    ("text", "names", "match_score", "expected"),
    [
        ("Vladimir Putin", ["PUTIN, Vladimir"], 0.8, 0.99),  # every word, the whole name
        ("putin", ["Vladimir Vladimirovich PUTIN"], 0.6, 0.93),  # one word of three
        ("putin", ["PUTIN, Vladimir"], 0.6, 0.945),
        ("Путин", ["PUTIN, Vladimir"], 0.6, 0.945),  # other script, same name
        ("Rosoboronexport", ["ROSOBORONEXPORT"], 0.9, 1.0),  # the name itself
        ("kim jong-un", ["KIM, Jong Un"], 0.9, 1.0),  # punctuation and case only
        ("putin", ["PETION"], 0.64, 0.576),  # similar only: 0.9 x match score
        ("", ["PUTIN"], 0.5, 0.45),
    ],
)
def test_name_relevance(text: str, names: list[str], match_score: float, expected: float) -> None:
    assert name_relevance(text, names, match_score) == pytest.approx(expected)


def _screener() -> Screener:
    entities = []
    for native, schema, name in [
        ("1", "Person", "Vladimir Vladimirovich PUTIN"),
        ("2", "Vessel", "PETION"),
        ("3", "Person", "Igor PUTIN"),
        ("4", "Person", "KIM Jong Un"),
        ("5", "Person", "KIM Jong Un"),
    ]:
        entity = make_entity("us_ofac_sdn", native, schema)
        entity.add("name", name)
        if native == "5":
            entity.add("birthDate", "1950-01-01")
        entities.append(entity)
    return Screener(entities, list_versions={"us_ofac_sdn": "us_ofac_sdn@2024-01-01#00000001"},
                    settings=Settings())


def test_search_names_orders_by_relevance() -> None:
    found = search_names(_screener(), "putin")
    ids = [h.entity.id for h in found]
    assert set(ids[:2]) == {"us_ofac_sdn-1", "us_ofac_sdn-3"}
    assert all(h.score >= 0.9 for h in found[:2])
    assert [h.score for h in found] == sorted((h.score for h in found), reverse=True)
    only_people = search_names(_screener(), "putin", keep=lambda e: e.schema.name == "Vessel")
    assert all(h.entity.schema.name == "Vessel" for h in only_people)


def test_match_query_counts_matches_before_the_limit() -> None:
    screener = _screener()
    query = Query(schema="Person", properties={"name": ["Kim Jong Un"]})
    outcome = match_query(screener, query, threshold=0.7, limit=1)
    assert len(outcome.hits) == 1
    assert outcome.total == 2
    excluded = match_query(screener, query, threshold=0.7, limit=5,
                           exclude_entity_ids=["us_ofac_sdn-4"])
    assert [h.entity_id for h in excluded.hits] == ["us_ofac_sdn-5"]
    assert excluded.total == 1
    born = Query(schema="Person", properties={"name": ["Kim Jong Un"], "birthDate": ["1984"]})
    wide = match_query(screener, born, threshold=0.7, cutoff=0.05, limit=5)
    assert wide.total == sum(1 for h in wide.hits if h.match)
    assert any(not h.match for h in wide.hits)
