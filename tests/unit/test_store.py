"""List-version store: immutable versions, validate-then-promote, reads back what was loaded.

Every test builds small ParsedLists by hand with ``make_entity`` and uses an in-memory
SQLite store (or a file under tmp_path when the file itself matters).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from followthemoney import ValueEntity
from sqlalchemy import func, select
from store_helpers import make_parsed, make_person

from screenwise.entities import make_entity
from screenwise.errors import NotFoundError
from screenwise.sources.base import ParsedList
from screenwise.store import versions as versions_module
from screenwise.store.models import EntityRow, ListVersionRow
from screenwise.store.versions import ListStore, make_version_id

LIST = "test_list"


def person(native_id: str, name: str, **props: str) -> ValueEntity:
    return make_person(LIST, native_id, name, **props)


def parsed(
    entities: list[ValueEntity],
    published: date | None = date(2024, 1, 1),
    *,
    complete: bool = True,
    salt: str = "",
    files: dict[str, str] | None = None,
) -> ParsedList:
    return make_parsed(LIST, entities, published, complete=complete, salt=salt, files=files)


def people(n: int, prefix: str = "P") -> list[ValueEntity]:
    return [person(str(i), f"{prefix} Person {i}") for i in range(n)]


@pytest.fixture
def store() -> Iterator[ListStore]:
    with ListStore("sqlite://") as s:
        yield s


def test_first_version_is_promoted_and_reads_back(store: ListStore) -> None:
    kim = person("20157", "KIM, Jong Un", birthDate="1984-01-08", program="DPRK3")
    other = person("1", "SOMEONE, Else")
    result = store.load(parsed([kim, other], date(2023, 12, 28)))

    assert result.status == "promoted"
    assert result.promoted
    assert result.version is not None
    assert result.version.version_id == f"{LIST}@2023-12-28#{result.version.content_hash[:8]}"
    assert result.version.entity_count == 2
    assert result.version.schema_counts == {"Person": 2}
    assert result.version.active
    assert [v.version_id for v in store.active_versions()] == [result.version.version_id]

    back = store.get_entity("test_list-20157")
    assert back.to_dict() == kim.to_dict()
    ids = [e.id for e in store.iter_entities(result.version.version_id)]
    assert ids == ["test_list-1", "test_list-20157"]  # ordered by id


def test_same_content_twice_is_a_no_op(store: ListStore) -> None:
    first = store.load(parsed(people(3)))
    second = store.load(parsed(people(3)))
    assert second.status == "unchanged"
    assert "already loaded" in second.reason
    assert second.version is not None and first.version is not None
    assert second.version.version_id == first.version.version_id
    assert len(store.versions(LIST)) == 1


def test_older_version_is_kept_as_history(store: ListStore) -> None:
    new = store.load(parsed(people(10), date(2024, 5, 1)))
    old = store.load(parsed(people(10, "Q"), date(2024, 1, 1)))
    assert old.status == "stored"
    assert "before the active version" in old.reason
    assert old.version is not None and not old.version.active
    assert new.version is not None
    assert store.active_version(LIST).version_id == new.version.version_id
    # oldest first
    assert [v.published for v in store.versions(LIST)] == [date(2024, 1, 1), date(2024, 5, 1)]


def test_incomplete_version_does_not_replace_a_complete_one(store: ListStore) -> None:
    complete = store.load(parsed(people(10), date(2024, 1, 1)))
    partial = store.load(parsed(people(12, "Q"), date(2024, 2, 1), complete=False))
    assert partial.status == "stored"
    assert "incomplete" in partial.reason and "--force" in partial.reason
    assert complete.version is not None
    assert store.active_version(LIST).version_id == complete.version.version_id

    forced = store.load(parsed(people(12, "Q"), date(2024, 2, 1), complete=False), force=True)
    assert forced.status == "promoted"
    assert forced.version is not None and partial.version is not None
    assert forced.version.version_id == partial.version.version_id
    assert store.active_version(LIST).version_id == partial.version.version_id


def test_incomplete_version_replaces_an_incomplete_one(store: ListStore) -> None:
    store.load(parsed(people(10), date(2024, 1, 1), complete=False))
    newer = store.load(parsed(people(11), date(2024, 2, 1), complete=False))
    assert newer.status == "promoted"


def test_collapsed_entity_count_is_rejected_unless_forced(store: ListStore) -> None:
    good = store.load(parsed(people(100), date(2024, 1, 1)))
    small = store.load(parsed(people(49), date(2024, 2, 1)))
    assert small.status == "rejected"
    assert not small.ok
    assert "49 entities against 100" in small.reason
    assert small.version is not None and small.version.status == "rejected"
    assert good.version is not None
    assert store.active_version(LIST).version_id == good.version.version_id

    # 50 % exactly is not a collapse
    half = store.load(parsed(people(50, "H"), date(2024, 3, 1)))
    assert half.status == "promoted"

    # The rejected content can be promoted deliberately later, without re-parsing.
    again = store.load(parsed(people(49), date(2024, 2, 1)), force=True)
    assert again.status == "promoted"
    assert store.active_version(LIST).entity_count == 49


def test_structural_failures_store_nothing(store: ListStore) -> None:
    store.load(parsed(people(5)))
    empty = store.load(parsed([], date(2024, 6, 1)))
    assert empty.status == "rejected" and "no entities" in empty.reason
    dupes = store.load(parsed([person("1", "A"), person("1", "B")], date(2024, 6, 1)), force=True)
    assert dupes.status == "rejected"
    assert "duplicate entity ids" in dupes.reason and "test_list-1" in dupes.reason
    assert len(store.versions(LIST)) == 1
    assert store.active_version(LIST).entity_count == 5


def test_crash_mid_load_rolls_back_and_keeps_the_active_version(
    store: ListStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = store.load(parsed(people(3000), date(2024, 1, 1)))
    assert good.version is not None
    real_insert = versions_module._insert_entities

    def crash(session, version_id, entities):  # type: ignore[no-untyped-def]
        real_insert(session, version_id, entities[:2500])  # a first batch is written...
        raise OSError("disk full")  # ...then the process fails

    monkeypatch.setattr(versions_module, "_insert_entities", crash)
    with pytest.raises(OSError, match="disk full"):
        store.load(parsed(people(3000, "N"), date(2024, 2, 1)))

    assert store.active_version(LIST).version_id == good.version.version_id
    assert [v.version_id for v in store.versions(LIST)] == [good.version.version_id]
    with store.session() as session:
        rows = session.scalar(select(func.count()).select_from(EntityRow))
        versions = session.scalar(select(func.count()).select_from(ListVersionRow))
    assert (rows, versions) == (3000, 1)


def test_undated_version_id_and_order(store: ListStore) -> None:
    dated = store.load(parsed(people(5), date(2024, 1, 1)))
    undated = store.load(parsed(people(6), None))
    assert undated.version is not None and dated.version is not None
    assert "@undated#" in undated.version.version_id
    assert undated.status == "promoted"  # an undated file is taken as the current one
    assert [v.version_id for v in store.versions(LIST)] == [
        dated.version.version_id,
        undated.version.version_id,
    ]


def test_make_version_id_sorts_by_date() -> None:
    ids = [
        make_version_id("l", date(2024, 5, 3), "ab" * 32),
        make_version_id("l", None, "cd" * 32),
        make_version_id("l", date(2023, 12, 28), "ef" * 32),
    ]
    assert sorted(ids) == ["l@2023-12-28#efefefef", "l@2024-05-03#abababab", "l@undated#cdcdcdcd"]


def test_find_entity_falls_back_to_history(store: ListStore) -> None:
    gone = person("7", "REMOVED, Person")
    first = store.load(parsed([gone, person("8", "KEPT, Person")], date(2024, 1, 1)))
    second = store.load(parsed([person("8", "KEPT, Person")], date(2024, 2, 1)))
    assert first.version is not None and second.version is not None

    found = store.find_entity("test_list-7")
    assert found.version.version_id == first.version.version_id
    assert not found.version.active
    kept = store.find_entity("test_list-8")
    assert kept.version.version_id == second.version.version_id  # active wins
    pinned = store.find_entity("test_list-8", first.version.version_id)
    assert pinned.version.version_id == first.version.version_id

    with pytest.raises(NotFoundError, match="test_list-9"):
        store.get_entity("test_list-9")
    with pytest.raises(NotFoundError, match="in version"):
        store.get_entity("test_list-7", second.version.version_id)


def test_resolve_version_by_date_hash_and_active(store: ListStore) -> None:
    a = store.load(parsed(people(5), date(2024, 1, 1)))
    b = store.load(parsed(people(6), date(2024, 2, 1)))
    assert a.version is not None and b.version is not None
    assert store.resolve_version(LIST, None).version_id == b.version.version_id
    assert store.resolve_version(LIST, "2024-01-01").version_id == a.version.version_id
    prefix = a.version.content_hash[:6]
    assert store.resolve_version(LIST, prefix).version_id == a.version.version_id
    assert store.resolve_version(LIST, a.version.version_id).version_id == a.version.version_id
    with pytest.raises(NotFoundError):
        store.resolve_version(LIST, "1999-01-01")
    with pytest.raises(NotFoundError):
        store.get_version("nope@2024-01-01#00000000")


def test_active_entities_filters_by_list(store: ListStore) -> None:
    store.load(parsed(people(3)))
    other = make_entity("other_list", "1", "Vessel")
    other.add("name", "SHIP")
    store.load(
        ParsedList("other_list", [other], "f" * 64, date(2024, 1, 1), "x", "test", {"x": "x"})
    )
    assert len(list(store.active_entities())) == 4
    assert [e.id for e in store.active_entities(["other_list"])] == ["other_list-1"]
    assert list(store.active_entities(["missing"])) == []
    assert store.list_ids() == ["other_list", "test_list"]


def test_sqlite_file_parent_directory_is_created(tmp_path: Path) -> None:
    db = tmp_path / "nested" / "dir" / "screenwise.db"
    with ListStore(f"sqlite:///{db}") as s:
        s.load(parsed(people(2)))
    assert db.is_file()
    with ListStore(f"sqlite:///{db}") as reopened:
        assert reopened.active_version(LIST).entity_count == 2


def test_export_json_puts_id_first(store: ListStore) -> None:
    result = store.load(parsed([person("1", "A, B", birthDate="1970")]))
    assert result.version is not None
    lines = list(store.iter_entity_json(result.version.version_id))
    assert len(lines) == 1
    assert lines[0].startswith('{"id":"test_list-1","schema":"Person"')


def test_a_store_from_before_files_sha256_is_upgraded(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with ListStore(f"sqlite:///{db}") as s:
        s.load(parsed(people(2)))
        with s.engine.begin() as conn:
            conn.exec_driver_sql("DROP INDEX ix_list_version_files_sha256")
            conn.exec_driver_sql("ALTER TABLE list_version DROP COLUMN files_sha256")
    with ListStore(f"sqlite:///{db}") as reopened:
        assert reopened.active_version(LIST).entity_count == 2
        assert reopened.find_by_files("0" * 64) is None
