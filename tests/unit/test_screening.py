"""Screener on hand-built entities: thresholds, limits, lists, qualifiers, weak aliases.

Also the speed machinery, each against its slow reference: prepared tables against
``candidate_from_entity``, the ``screen`` fast path against exhaustive scoring on random
queries, and the cached, lazily-read start-up against a fresh build.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from followthemoney import ValueEntity

from screenwise.entities import make_entity
from screenwise.errors import InputError, NotFoundError, QueryError
from screenwise.matching.algorithm import candidate_from_entity
from screenwise.prepared import PreparedEntities
from screenwise.results import Query
from screenwise.screening import Screener, compare_names, read_queries
from screenwise.settings import Settings


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
    bad.write_text("id,name\n1,\n2,Jane Doe\n", encoding="utf-8")
    assert [q.id for q in read_queries(bad)] == ["2"]  # the nameless record is skipped
    nameless = tmp_path / "nameless.csv"
    nameless.write_text("id,full_name\n1,Jane Doe\n", encoding="utf-8")
    with pytest.raises(InputError, match="no column 'name'"):
        list(read_queries(nameless))


# -- prepared tables, fast path and cached start-up ---------------------------------------

GIVEN = ["vladimir", "dmitry", "mohammed", "ali", "jong", "olga", "ivan", "hassan", "kim", "li"]
FAMILY = ["putin", "peskov", "rahman", "khan", "un", "petrova", "ivanov", "al rawi", "lee"]
COUNTRIES = ["ru", "kp", "ir", "sy", "gb", "us"]
ORGS = ["gazprom bank", "sea star shipping", "al qaeda", "emma llc", "rosneft oao", "kim trading"]


def _random_lists(rng: random.Random, count: int) -> list[ValueEntity]:
    out: list[ValueEntity] = []
    for i in range(count):
        list_id = rng.choice(["list_a", "list_b"])
        roll = rng.random()
        if roll < 0.75:
            entity = make_entity(list_id, str(i), "Person")
            entity.add("name", f"{rng.choice(FAMILY).upper()}, {rng.choice(GIVEN).title()}")
            if rng.random() < 0.4:
                entity.add("alias", f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}")
            if rng.random() < 0.2:
                entity.add("weakAlias", rng.choice(GIVEN).title())
            for _ in range(rng.choice([0, 1, 1, 2])):
                entity.add("birthDate", _random_date(rng))
            if rng.random() < 0.6:
                entity.add("nationality", rng.choice(COUNTRIES))
            if rng.random() < 0.1:
                entity.add("passportNumber", f"P{rng.randrange(10**6, 10**7)}")
        elif roll < 0.93:
            entity = make_entity(list_id, str(i), rng.choice(["Organization", "Company"]))
            entity.add("name", rng.choice(ORGS).upper())
            if rng.random() < 0.5:
                entity.add("country", rng.choice(COUNTRIES))
        else:
            entity = make_entity(list_id, str(i), "Vessel")
            entity.add("name", rng.choice(["SEA STAR", "KIM LEE", "OLGA"]))
            entity.add("imoNumber", str(rng.randrange(9_000_000, 9_999_999)))
        out.append(entity)
    return out


def _random_date(rng: random.Random) -> str:
    year = rng.randrange(1950, 1990)
    return rng.choice([f"{year}", f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"])


def _perturb(rng: random.Random, name: str) -> str:
    if rng.random() < 0.3 and len(name) > 4:
        pos = rng.randrange(len(name))
        name = name[:pos] + name[pos + 1 :]
    if rng.random() < 0.2:
        name = " ".join(reversed(name.split()))
    return name


def _random_query(rng: random.Random, entities: list[ValueEntity]) -> Query:
    source = rng.choice(entities)
    name = rng.choice(source.get("name") + source.get("alias", quiet=True))
    props: dict[str, list[str]] = {"name": [_perturb(rng, name)]}
    dates = source.get("birthDate", quiet=True)
    roll = rng.random()
    if dates and roll < 0.4:
        props["birthDate"] = [rng.choice(dates)]
    elif roll < 0.7:
        props["birthDate"] = [_random_date(rng)]
    if rng.random() < 0.5:
        props["nationality"] = [rng.choice(COUNTRIES)]
    ids = source.get("imoNumber", quiet=True) + source.get("passportNumber", quiet=True)
    if ids and rng.random() < 0.5:
        props["passportNumber" if source.schema.name == "Person" else "imoNumber"] = ids
    schema = rng.choice([source.schema.name, source.schema.name, "LegalEntity", "Person"])
    return Query(schema=schema, properties=props)


def test_prepared_candidates_equal_candidate_from_entity() -> None:
    entities = _random_lists(random.Random(3), 80)
    prepared = PreparedEntities.from_entities(entities)
    for idx, entity in enumerate(entities):
        expected = candidate_from_entity(entity)
        got = prepared.candidate(idx)
        for name in ("entity_id", "list_id", "schema", "caption", "birth_dates", "countries"):
            assert getattr(got, name) == getattr(expected, name)
        assert got.identifiers == expected.identifiers and got.programs == expected.programs
        assert [(p, v, n.normalized, n.forms, n.legal_forms) for p, v, n in got.names] == [
            (p, v, n.normalized, n.forms, n.legal_forms) for p, v, n in expected.names
        ]


def test_screen_fast_path_equals_exhaustive_scoring_on_random_queries() -> None:
    """``screen`` skips candidates it can rule out; the hits must equal full scoring's."""
    rng = random.Random(17)
    entities = _random_lists(rng, 400)
    screener = Screener(entities)
    ruled_out = 0
    for _ in range(2000):
        query = _random_query(rng, entities)
        threshold = rng.choice([0.5, 0.7, 0.7, 0.9])
        fast = screener.screen(query, threshold=threshold, limit=50)
        slow = [
            (c.entity_id, s.score)
            for c, s in screener.score_candidates(query)
            if s.score >= threshold and s.score > 0.0
        ]
        assert [(h.entity_id, h.score) for h in fast.hits] == slow, query
        ruled_out += fast.total_candidates - len(slow)
    assert ruled_out > 0


def test_from_store_uses_cache_and_reads_entities_lazily(tmp_path: Path) -> None:
    from screenwise.sources.base import ParsedList, hash_contents
    from screenwise.store.versions import ListStore

    entities = _random_lists(random.Random(8), 60)
    kim = make_entity("list_a", "kim", "Person")
    kim.add("name", "KIM, Jong Un")
    kim.add("birthDate", "1984-01-08")
    entities.append(kim)
    settings = Settings(data_dir=tmp_path)
    store = ListStore(f"sqlite:///{tmp_path / 'store.db'}")
    for list_id in ("list_a", "list_b"):
        mine = [e for e in entities if e.id and e.id.startswith(list_id)]
        store.load(
            ParsedList(
                list_id=list_id,
                entities=mine,
                content_hash=hash_contents([list_id.encode()]),
                published=None,
                source="hand-made",
                format="test",
            )
        )
    first = Screener.from_store(store, settings=settings)
    assert list((tmp_path / "cache").glob("index-*.pickle"))
    second = Screener.from_store(store, settings=settings)
    query = Query(schema="Person", properties={"name": ["Kim Jong Un"], "birthDate": ["1984"]})
    hits = second.screen(query).hits
    assert hits[0].entity_id == "list_a-kim"
    assert hits[0].properties["birthDate"] == ["1984-01-08"]
    assert [(h.entity_id, h.score) for h in hits] == [
        (h.entity_id, h.score) for h in first.screen(query).hits
    ]
    assert len(second.entities) == len(entities) and "list_a-kim" in second.entities
    assert second.get_entity("list_a-kim").caption == "KIM, Jong Un"
    assert {e.id for e in second.entities.values()} == {e.id for e in entities}
    with pytest.raises(NotFoundError):
        second.get_entity("list_a-nope")
    store.close()


@pytest.mark.parametrize("processes", [1, 2])
def test_screen_many_reports_a_query_it_cannot_screen_and_goes_on(
    screener: Screener, processes: int
) -> None:
    queries = [
        Query(id="a", schema="Person", properties={"name": ["\u02bc"]}),
        Query(id="b", schema="Person", properties={"name": ["Kim Jong Un"]}),
    ]
    with pytest.raises(QueryError, match="nothing to screen"):
        list(screener.screen_many(queries, processes=processes))
    failed: list[str | None] = []
    results = list(
        screener.screen_many(
            queries, processes=processes, on_error=lambda query, error: failed.append(query.id)
        )
    )
    assert failed == ["a"]
    assert [r.query.id for r in results] == ["b"]


def test_a_name_of_punctuation_only_is_not_a_query() -> None:
    with pytest.raises(QueryError, match="no letters or digits") as caught:
        Query(schema="Person", properties={"name": ["!!! ???", " "]})
    assert caught.value.field == "properties.name"
    assert Query(schema="Person", properties={"name": ["!!!", "Kim"]}).names == ["!!!", "Kim"]


def test_read_queries_ids_lists_and_list_values(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(
        '{"id": 7, "name": "Kim Jong Un"}\n'
        '{"name": ["Rosneft", "Gazprom"], "schema": "Company"}\n'
        "not json\n"
        '{"id": "o", "name": {"first": "Vladimir", "last": "Putin"}}\n'
        '{"id": "b", "name": true}\n',
        encoding="utf-8",
    )
    skipped: list[str] = []
    queries = list(read_queries(path, on_skip=lambda r: skipped.append(r.query_id)))
    # A record without an id is named by its line, never like a customer id ("7").
    assert [q.id for q in queries] == ["7", "line-2", "o"]
    assert queries[1].properties["name"] == ["Rosneft", "Gazprom"]
    # An object's values in order; a boolean is no name.
    assert queries[2].properties["name"] == ["Vladimir Putin"]
    assert skipped == ["line-3", "b"]


def test_an_unknown_list_id_is_an_error_not_an_empty_result(screener: Screener) -> None:
    query = Query(schema="Person", properties={"name": ["Kim Jong Un"]})
    with pytest.raises(QueryError, match="unknown list id 'nosuchlist'"):
        screener.screen(query, lists=["nosuchlist"])
    assert screener.screen(query, lists=["gb_hmt_sanctions"]).hits


def test_a_shared_imo_number_finds_a_renamed_vessel(screener: Screener) -> None:
    renamed = Query(schema="Vessel", properties={"name": ["Ocean Queen"], "imoNumber": ["9187629"]})
    hit = screener.screen(renamed).hits[0]
    assert hit.entity_id == "us_ofac_sdn-3" and hit.match
    assert hit.explanation.summary.startswith("no name matches; identifier_match")
    assert hit.explanation.query_name == "Ocean Queen"
    # Without the identifier the other name finds nothing.
    assert not screener.screen(Query(schema="Vessel", properties={"name": ["Ocean Queen"]})).hits
