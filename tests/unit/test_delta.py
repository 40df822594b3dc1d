"""Deltas between list versions: added, removed and changed entities, by stable id."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from followthemoney import ValueEntity

from screenwise.delta import compare_entities, diff_entities, diff_versions
from screenwise.entities import make_entity
from screenwise.sources.base import ParsedList, hash_contents
from screenwise.store.versions import ListStore


def entity(native_id: str, schema: str = "Person", **props: str | list[str]) -> ValueEntity:
    e = make_entity("l", native_id, schema)
    for prop, value in props.items():
        e.add(prop, value)
    return e


def test_added_removed_changed_unchanged() -> None:
    old = [
        entity("1", name="KIM, Jong Un", program="DPRK3"),
        entity("2", name="GONE, Person"),
        entity("3", name="SAME, Person", alias=["A", "B"]),
    ]
    new = [
        entity("1", name="KIM, Jong Un", program=["DPRK3", "DPRK2"], alias="KIM Jong-un"),
        entity("3", name="SAME, Person", alias=["B", "A"]),  # order does not count
        entity("4", name="NEW, Person"),
    ]
    delta = diff_entities(old, new)
    assert delta.counts() == {"added": 1, "removed": 1, "changed": 1, "unchanged": 1}
    assert [e.id for e in delta.added] == ["l-4"]
    assert [e.id for e in delta.removed] == ["l-2"]
    change = delta.changed[0]
    assert change.entity_id == "l-1"
    assert change.properties == {"alias", "program"}
    by_prop = {c.prop: c for c in change.changes}
    assert by_prop["program"].old == ("DPRK3",)
    assert by_prop["program"].new == ("DPRK2", "DPRK3")
    assert by_prop["program"].added == ("DPRK2",)
    assert by_prop["alias"].old == () and by_prop["alias"].new == ("KIM Jong-un",)
    assert [e.id for e in delta.rescreen_entities()] == ["l-4", "l-1"]
    assert delta.property_counts() == {"alias": 1, "program": 1}


def test_removed_value_and_schema_change() -> None:
    before = entity("9", "Organization", name="ACME", country="ru")
    after = entity("9", "Company", name="ACME")
    changes = compare_entities(before, after)
    assert [c.prop for c in changes] == ["$schema", "country"]
    assert changes[0].old == ("Organization",) and changes[0].new == ("Company",)
    assert changes[1].removed == ("ru",) and changes[1].new == ()


def test_identical_sets_give_an_empty_delta() -> None:
    items = [entity("1", name="X"), entity("2", name="Y")]
    delta = diff_entities(items, [entity("2", name="Y"), entity("1", name="X")])
    assert delta.is_empty
    assert delta.unchanged == 2


def test_to_dict_limits_entries() -> None:
    delta = diff_entities([], [entity(str(i), name=f"N {i}") for i in range(5)])
    data = delta.to_dict(limit=2)
    assert data["counts"]["added"] == 5
    assert [a["id"] for a in data["added"]] == ["l-0", "l-1"]


def test_diff_versions_reads_the_store() -> None:
    def version(entities: list[ValueEntity], day: date) -> ParsedList:
        return ParsedList(
            "l", entities, hash_contents([day.isoformat().encode()]), day, "x", "test", {"a": "x"}
        )

    with ListStore("sqlite://") as store:
        a = store.load(version([entity("1", name="A"), entity("2", name="B")], date(2024, 1, 1)))
        b = store.load(version([entity("2", name="B2"), entity("3", name="C")], date(2024, 2, 1)))
        assert a.version is not None and b.version is not None
        delta = diff_versions(store, a.version.version_id, b.version.version_id)
    assert delta.old_version == a.version.version_id
    assert delta.new_version == b.version.version_id
    assert delta.counts() == {"added": 1, "removed": 1, "changed": 1, "unchanged": 0}
    assert delta.changed[0].changes[0].old == ("B",)


def test_default_base_prefers_a_version_parsed_from_the_same_files(tmp_path: Path) -> None:
    from screenwise.delta import default_base_version, diff_versions
    from screenwise.entities import make_entity
    from screenwise.sources.base import ParsedList, hash_contents
    from screenwise.store.versions import ListStore

    def version(day: int, roles: list[str], names: list[str]) -> ParsedList:
        entities = []
        for i, name in enumerate(names):
            entity = make_entity("us_ofac_sdn", str(i + 1), "Person")
            entity.add("name", name)
            entities.append(entity)
        return ParsedList(
            list_id="us_ofac_sdn",
            entities=entities,
            content_hash=hash_contents([str(day).encode(), *[n.encode() for n in names]]),
            published=date(2023, 12, day),
            source="fixture",
            format="fixture",
            files={role: f"{role}-{day}.csv" for role in roles},
            complete=len(roles) > 1,
        )

    with ListStore(f"sqlite:///{tmp_path / 's.db'}") as store:
        full_1 = store.load(version(1, ["primary", "alt", "add"], ["A", "B"]), force=True)
        store.load(version(2, ["primary"], ["A", "B", "C"]), force=True)
        full_3 = store.load(version(3, ["primary", "alt", "add"], ["A", "B", "C", "D"]), force=True)
        assert full_1.version and full_3.version
        base = default_base_version(store, full_3.version.version_id)
        assert base.version_id == full_1.version.version_id
        same = diff_versions(store, base.version_id, full_3.version.version_id)
        assert same.notes == []
        partial = next(v for v in store.versions("us_ofac_sdn") if sorted(v.files) == ["primary"])
        mixed = diff_versions(store, partial.version_id, full_3.version.version_id)
        assert len(mixed.notes) == 1 and "reflect the files" in mixed.notes[0]
