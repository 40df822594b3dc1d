"""Candidate index: retrieval finds what brute-force scoring of every entity finds."""

from __future__ import annotations

import random

from screenwise.entities import make_entity
from screenwise.index import CandidateIndex, name_keys
from screenwise.matching.algorithm import PreparedQuery, candidate_from_entity, score_candidate
from screenwise.names.parts import prepare_name
from screenwise.results import Query

GIVEN = ["vladimir", "dmitry", "mohammed", "ali", "kim", "jong", "olga", "ivan", "hassan", "sergei"]
FAMILY = [
    "putin",
    "peskov",
    "rahman",
    "khan",
    "un",
    "petrova",
    "ivanov",
    "al rawi",
    "sechin",
    "lee",
]


def _entities(rng: random.Random, count: int) -> list:  # type: ignore[type-arg]
    out = []
    for i in range(count):
        entity = make_entity("test", str(i), "Person")
        entity.add("name", f"{rng.choice(FAMILY).upper()}, {rng.choice(GIVEN).title()}")
        out.append(entity)
    return out


def test_name_keys_kinds() -> None:
    keys = name_keys(prepare_name("Al Qaeda", "org"))
    assert "tqaeda" in keys and "calqaeda" in keys and "tal" not in keys
    assert any(k.startswith("n") for k in keys)


def test_glued_query_finds_split_name() -> None:
    entity = make_entity("test", "1", "Organization")
    entity.add("name", "AL QAEDA")
    index = CandidateIndex([candidate_from_entity(entity)])
    query = PreparedQuery.from_query(Query(schema="Organization", properties={"name": ["ALQAEDA"]}))
    assert [i for i, _ in index.search(query)] == [0]


def test_retrieval_agrees_with_brute_force_scoring_on_random_lists() -> None:
    rng = random.Random(11)
    entities = _entities(rng, 300)
    candidates = [candidate_from_entity(e) for e in entities]
    index = CandidateIndex(candidates)
    for _ in range(60):
        name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
        if rng.random() < 0.3:  # a typo: drop one letter
            pos = rng.randrange(len(name))
            name = name[:pos] + name[pos + 1 :]
        query = PreparedQuery.from_query(Query(schema="Person", properties={"name": [name]}))
        brute = {i for i, c in enumerate(candidates) if score_candidate(query, c).score >= 0.7}
        found = {i for i, _ in index.search(query, limit=len(candidates))}
        assert brute <= found, name


def test_lists_filter() -> None:
    a = make_entity("list_a", "1", "Person")
    a.add("name", "Ivan Petrov")
    b = make_entity("list_b", "1", "Person")
    b.add("name", "Ivan Petrov")
    index = CandidateIndex([candidate_from_entity(a), candidate_from_entity(b)])
    query = PreparedQuery.from_query(Query(schema="Person", properties={"name": ["Ivan Petrov"]}))
    assert [index.candidates[i].list_id for i, _ in index.search(query, lists=["list_b"])] == [
        "list_b"
    ]
