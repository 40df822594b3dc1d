"""The ingest calls over the store: discover -> parse -> load, deltas, offline snapshot.

Hand-written FtM JSON lines and OFAC legacy CSV files are written into tmp_path.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from screenwise import ingest
from screenwise.errors import NotFoundError
from screenwise.ingest import files_fingerprint, load_offline_or_fetch, load_paths
from screenwise.settings import Settings
from screenwise.store.versions import ListStore


def ftm_line(entity_id: str, name: str, schema: str = "Person") -> dict[str, object]:
    return {
        "id": entity_id,
        "schema": schema,
        "properties": {"name": [name]},
        "datasets": ["demo_list"],
    }


def write_lines(path: Path, rows: list[dict[str, object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def store() -> ListStore:
    return ListStore("sqlite://")


def test_ftm_delta_is_applied_to_the_active_version(store: ListStore, tmp_path: Path) -> None:
    full = write_lines(
        tmp_path / "full" / "entities.ftm.json",
        [ftm_line("p-1", "Ivan Ivanov"), ftm_line("p-2", "Pyotr Petrov"), ftm_line("p-3", "Olga")],
    )
    delta = write_lines(
        tmp_path / "delta" / "entities.delta.json",
        [
            {"op": "ADD", "entity": ftm_line("p-4", "Anna Antonova")},
            {"op": "MOD", "entity": ftm_line("p-2", "Pyotr Petrovich Petrov")},
            {"op": "DEL", "entity": {"id": "p-3"}},
        ],
    )
    [first] = load_paths(store, [full])
    assert first.status == "promoted" and first.version is not None
    [second] = load_paths(store, [delta])
    assert second.status == "promoted", second.reason
    assert second.version is not None
    assert second.version.complete
    assert second.version.entity_count == 3
    assert any("1 added, 1 changed, 1 removed" in w for w in second.warnings)
    ids = [e.id for e in store.active_entities(["demo_list"])]
    assert ids == ["p-1", "p-2", "p-4"]
    assert store.get_entity("p-2").get("name") == ["Pyotr Petrovich Petrov"]


def test_a_delta_without_a_base_is_a_partial_version(store: ListStore, tmp_path: Path) -> None:
    delta = write_lines(
        tmp_path / "entities.delta.json", [{"op": "ADD", "entity": ftm_line("p-9", "Solo")}]
    )
    [result] = load_paths(store, [delta])
    assert result.version is not None
    assert not result.version.complete
    assert any("without a loaded version" in w for w in result.warnings)


def test_ftm_list_id_chosen_by_the_user(store: ListStore, tmp_path: Path) -> None:
    full = write_lines(tmp_path / "entities.ftm.json", [ftm_line("p-1", "Ivan Ivanov")])
    [result] = load_paths(store, [full], list_id="my_watchlist")
    assert result.list_id == "my_watchlist"
    assert store.get_entity("p-1").datasets == {"my_watchlist"}
    # the same files under another list id are parsed again, not taken as already loaded
    [other] = load_paths(store, [full], list_id="second_list")
    assert other.status == "promoted"


def test_unknown_list_id_without_ftm_raises(store: ListStore, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="nope"):
        load_paths(store, [tmp_path], list_id="nope", sources={})


def test_versions_load_by_publication_date_and_bad_sets_fail_alone(
    store: ListStore, tmp_path: Path
) -> None:
    row = '20157,"KIM, Jong Un","individual","DPRK3",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- '
    newer = tmp_path / "b" / "sdn-2024-03-01.csv"
    older = tmp_path / "a" / "sdn-2024-01-01.csv"
    for path in (newer, older):
        path.parent.mkdir(parents=True)
        path.write_bytes((row + "\r\n\x1a").encode())
    newer.write_bytes((row.replace("DPRK3", "DPRK2") + "\r\n\x1a").encode())
    broken = tmp_path / "c" / "sdn-2024-02-01.csv"
    broken.parent.mkdir()
    broken.write_bytes(b"\x1f\x8b\x08\x00truncated")

    report = load_paths(store, [tmp_path])
    assert [(r.status, r.version.published if r.version else None) for r in report] == [
        ("failed", None),
        ("promoted", date(2024, 1, 1)),
        ("promoted", date(2024, 3, 1)),
    ]
    assert "sdn-2024-02-01.csv" in report[0].reason
    assert not report.ok
    assert store.active_version("us_ofac_sdn").published == date(2024, 3, 1)


def test_files_fingerprint_depends_on_bytes_roles_and_extra(tmp_path: Path) -> None:
    a = tmp_path / "a.csv"
    b = tmp_path / "b.csv"
    a.write_bytes(b"one")
    b.write_bytes(b"one")
    assert files_fingerprint({"primary": a}) == files_fingerprint({"primary": b})
    assert files_fingerprint({"primary": a}) != files_fingerprint({"alt": a})
    assert files_fingerprint({"primary": a}) != files_fingerprint({"primary": a}, "x")
    b.write_bytes(b"two")
    assert files_fingerprint({"primary": a}) != files_fingerprint({"primary": b})


def test_files_loaded_before_are_parsed_again_after_the_parsers_change(
    store: ListStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_lines(tmp_path / "lists" / "entities.ftm.json", [ftm_line("p-1", "X")])
    first = load_paths(store, [path], list_id="demo_list")
    again = load_paths(store, [path], list_id="demo_list")
    assert "not parsed again" in again[0].reason
    monkeypatch.setattr(ingest, "parser_fingerprint", lambda: "parsers changed")
    reparsed = load_paths(store, [path], list_id="demo_list")
    assert "not parsed again" not in reparsed[0].reason
    # The same entities: recognised by content hash, no second version.
    assert reparsed[0].status == "unchanged"
    assert [v.version_id for v in store.versions("demo_list")] == [
        first[0].version.version_id
    ]


def test_offline_snapshot_is_loaded_when_present(
    store: ListStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    write_lines(shared / "data" / "lists" / "ftm" / "entities.ftm.json", [ftm_line("p-1", "X")])
    monkeypatch.setenv("SCREENWISE_SHARED", str(shared))
    report = load_offline_or_fetch(store, Settings(data_dir=tmp_path / "data"))
    assert [r.status for r in report] == ["promoted"]
    assert store.get_entity("p-1").get("name") == ["X"]
