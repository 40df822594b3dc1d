"""Candidate index: retrieval finds what brute-force scoring of every entity finds."""

from __future__ import annotations

import random

from followthemoney import ValueEntity

from screenwise.entities import make_entity
from screenwise.index import (
    ABJAD_SKELETON_FACTOR,
    BIRTH_YEAR_BOOST,
    CandidateIndex,
    glued_keys,
    name_keys,
)
from screenwise.matching.algorithm import PreparedQuery, candidate_from_entity, score_candidate
from screenwise.names.parts import prepare_name
from screenwise.prepared import PreparedEntities
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


def _entities(rng: random.Random, count: int) -> list[ValueEntity]:
    out = []
    for i in range(count):
        entity = make_entity("test", str(i), "Person")
        entity.add("name", f"{rng.choice(FAMILY).upper()}, {rng.choice(GIVEN).title()}")
        out.append(entity)
    return out


def _index(entities: list[ValueEntity]) -> CandidateIndex:
    return CandidateIndex(PreparedEntities.from_entities(entities))


def _query(name: str, schema: str = "Person") -> PreparedQuery:
    return PreparedQuery.from_query(Query(schema=schema, properties={"name": [name]}))


def test_name_keys_kinds() -> None:
    keys = name_keys(prepare_name("Al Qaeda", "org"))
    assert "tqaeda" in keys and "calqaeda" in keys and "tal" not in keys
    assert any(k.startswith("n") for k in keys)


def test_glued_query_finds_split_name() -> None:
    entity = make_entity("test", "1", "Organization")
    entity.add("name", "AL QAEDA")
    assert [i for i, _ in _index([entity]).search(_query("ALQAEDA", "Organization"))] == [0]


def test_query_split_into_two_words_finds_the_listed_glued_name() -> None:
    # The list writes one word where the query has two: only the joined keys reach it.
    glued = make_entity("test", "glued", "Organization")
    glued.add("name", "GAZPROMBANK")
    others = []
    for i, name in enumerate(["GAZPROM NEFT", "BANK ROSSIYA", "GAZ BANK"]):
        entity = make_entity("test", str(i), "Organization")
        entity.add("name", name)
        others.append(entity)
    index = _index([*others, glued])
    query = _query("Gazprom Bank Moskva", "Organization")
    keys = glued_keys(query.prepared("org")[0][1], lambda key: index.df(key) > 0)
    assert "tgazprombank" in keys
    assert index.search(query)[0][0] == 3


def test_glued_keys_skip_numbers_and_unposted_keys() -> None:
    name = prepare_name("Gazprom 11 Bank", "org")
    assert glued_keys(name, lambda key: True) == set()
    assert glued_keys(prepare_name("Gazprom Bank", "org"), lambda key: False) == set()


def test_retrieval_agrees_with_brute_force_scoring_on_random_lists() -> None:
    rng = random.Random(11)
    entities = _entities(rng, 300)
    candidates = [candidate_from_entity(e) for e in entities]
    index = _index(entities)
    for _ in range(60):
        name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
        if rng.random() < 0.3:  # a typo: drop one letter
            pos = rng.randrange(len(name))
            name = name[:pos] + name[pos + 1 :]
        query = _query(name)
        brute = {i for i, c in enumerate(candidates) if score_candidate(query, c).score >= 0.7}
        found = {i for i, _ in index.search(query, limit=len(candidates))}
        assert brute <= found, name


def test_scores_are_idf_weighted_sums_best_name_per_entity() -> None:
    a = make_entity("test", "a", "Person")
    a.add("name", "Ivan Petrov")
    b = make_entity("test", "b", "Person")
    b.add("name", "Ivan Sidorov")
    b.add("alias", "Olga Petrova")
    index = _index([a, b])
    query = _query("Ivan Petrov")
    expected = sum(
        {"t": 1.0, "g": 0.9, "k": 0.7, "s": 0.5, "c": 1.5, "n": 0.25}[k[0]] * index.idf(k)
        for k in name_keys(query.prepared("person")[0][1], lambda key: index.df(key) > 0)
        if index.df(k) and k in name_keys(index.prepared.prepared_name(0))  # a's only name
    )
    (first, score_a), (second, _score_b) = index.search(query)
    assert (first, second) == (0, 1)
    assert abs(score_a - expected) < 1e-9


def test_limit_and_ties_keep_entity_order() -> None:
    entities = []
    for i in range(5):
        entity = make_entity("test", str(i), "Person")
        entity.add("name", "Ivan Petrov")
        entities.append(entity)
    index = _index(entities)
    assert [i for i, _ in index.search(_query("Ivan Petrov"), limit=3)] == [0, 1, 2]


def test_lists_filter() -> None:
    a = make_entity("list_a", "1", "Person")
    a.add("name", "Ivan Petrov")
    b = make_entity("list_b", "1", "Person")
    b.add("name", "Ivan Petrov")
    index = _index([a, b])
    found = index.search(_query("Ivan Petrov"), lists=["list_b"])
    assert [index.prepared.list_id(i) for i, _ in found] == ["list_b"]
    assert index.search(_query("Ivan Petrov"), lists=["list_c"]) == []


def test_unknown_name_finds_nothing() -> None:
    a = make_entity("test", "1", "Person")
    a.add("name", "Ivan Petrov")
    assert _index([a]).search(_query("Zzyzx Qwerty")) == []


def test_index_state_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(5)
    entities = _entities(rng, 50)
    index = _index(entities)
    path = tmp_path / "index.pickle"
    index.prepared.dump(path, {"index": index.state()})
    prepared, extra = PreparedEntities.load(path)
    loaded = CandidateIndex(prepared, extra["index"])
    for name in ("vladimir putin", "kim un", "hasan rahman"):
        assert loaded.search(_query(name)) == index.search(_query(name))


def test_arabic_article_glued_on_either_side_is_retrieved() -> None:
    entity = make_entity("test", "1", "Person")
    entity.add("name", "ELSHEIKH, El Shafee")
    listed = name_keys(prepare_name("ELSHEIKH, El Shafee", "person"))
    index = _index([entity])
    query = set().union(*index.query_names(_query("ELSHAFEE EL SHEIKH")))
    assert {"tsheikh", "tshafee"} <= listed & query
    assert [i for i, _ in index.search(_query("ELSHAFEE EL SHEIKH"))] == [0]
    # Short words keep their first letters ("alan" is no article).
    assert "tan" not in name_keys(prepare_name("Alan Smith", "person"))


def test_birth_year_ranks_common_name_candidates() -> None:
    entities = []
    for i in range(6):
        entity = make_entity("test", str(i), "Person")
        entity.add("name", "Muhammad Ibrahim")
        entity.add("birthDate", f"19{50 + i}-01-01")
        entities.append(entity)
    index = _index(entities)
    query = PreparedQuery.from_query(
        Query(schema="Person", properties={"name": ["Muhammad Ibrahim"], "birthDate": ["1954"]})
    )
    found = index.search(query, limit=3)
    assert found[0][0] == 4
    assert found[0][1] == BIRTH_YEAR_BOOST * found[1][1]
    # Without a birth date the ties keep entity order.
    assert [i for i, _ in index.search(_query("Muhammad Ibrahim"), limit=3)] == [0, 1, 2]


def test_prepared_qualifiers_equal_the_candidate_fields() -> None:
    entity = make_entity("test", "q", "Person")
    entity.add("name", "Ivan Petrov")
    entity.add("birthDate", "1970-01-02")
    entity.add("nationality", "ru")
    entity.add("passportNumber", "A123")
    prepared = PreparedEntities.from_entities([entity])
    candidate = prepared.candidate(0)
    assert prepared.qualifiers(0) == (
        candidate.schema,
        candidate.birth_dates,
        candidate.countries,
        candidate.identifiers,
    )
    assert prepared.qualifiers(0)[:3] == ("Person", ("1970-01-02",), ("ru",))
    assert prepared.birth_dates(0) == ("1970-01-02",)


def test_an_arabic_script_query_leans_on_consonant_skeletons() -> None:
    # The letter-by-letter form of an Arabic-script name (``khamnhay``) rarely equals the
    # lists' Latin spelling (``KHAMENEI``); both share the skeleton ``xmn``, which then
    # weighs as much as a whole-word key.
    target = make_entity("test", "khamenei", "Person")
    target.add("name", "KHAMENEI, Ali")
    index = _index([target])
    arabic = index._query_weights(_query("علی خامنه‌ای"))
    latin = index._query_weights(_query("Ali Khamenei"))
    assert arabic["sxmn"] == ABJAD_SKELETON_FACTOR > 1.0
    assert latin["sxmn"] == 1.0
    assert arabic.get("taly") == 1.0
