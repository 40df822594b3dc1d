"""Every staged official list loaded into one store: active versions, history, deltas.

One session-scoped load of ../shared/data/lists (through ``ingest.load_paths``, the path
``screenwise lists load`` and ``make demo`` take) backs all tests here. Expected figures
come from SOURCES.md in that folder.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from screenwise.delta import diff_versions
from screenwise.ingest import LoadReport, load_paths
from screenwise.sources import SOURCES
from screenwise.store import versions as versions_module
from screenwise.store.versions import ListStore

pytestmark = pytest.mark.realdata


@dataclass
class Loaded:
    store: ListStore
    report: LoadReport
    lists_dir: Path
    tmp: Path


@pytest.fixture(scope="module")
def loaded(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    lists_dir = shared_dir / "data" / "lists"
    tmp = tmp_path_factory.mktemp("store")
    store = ListStore(f"sqlite:///{tmp / 'screenwise.db'}")
    report = load_paths(store, [lists_dir])
    yield Loaded(store, report, lists_dir, tmp)
    store.close()


def _active(loaded: Loaded) -> dict[str, str]:
    return {v.list_id: v.version_id for v in loaded.store.active_versions()}


def test_every_set_loads_and_nothing_fails(loaded: Loaded) -> None:
    assert loaded.report.ok, [(r.list_id, r.reason) for r in loaded.report if not r.ok]
    assert [s.path.name for s in loaded.report.skipped] == ["SOURCES.md"]
    assert len(loaded.report) == 18  # version sets under data/lists


def test_active_version_of_each_list_is_its_newest_complete_set(loaded: Loaded) -> None:
    store = loaded.store
    sdn = store.active_version("us_ofac_sdn")
    assert sdn.published == date(2023, 12, 28)
    assert sdn.complete
    assert sorted(sdn.files) == ["add", "alt", "comments", "primary"]
    assert sdn.entity_count == 13821

    un = store.active_version("un_sc_sanctions")
    assert un.published == date(2026, 2, 27)
    assert un.schema_counts == {"Person": 730, "Organization": 273}

    uk = store.active_version("gb_hmt_sanctions")
    assert uk.published == date(2025, 4, 14)
    assert uk.entity_count == 4688

    cons = store.active_version("us_ofac_cons")
    assert cons.entity_count == 442  # the newest (undated, late-2025) CSV set
    assert sorted(cons.files) == ["add", "alt", "comments", "primary"]

    assert store.active_version("us_trade_csl").entity_count == 14048


def test_newer_incomplete_sdn_files_are_kept_as_inactive_history(loaded: Loaded) -> None:
    versions = loaded.store.versions("us_ofac_sdn")
    summary = [(v.published, v.entity_count, v.complete, v.status) for v in versions]
    assert summary == [
        (date(2023, 5, 2), 12211, False, "inactive"),
        (date(2023, 11, 3), 13321, False, "inactive"),
        (date(2023, 12, 28), 13821, True, "active"),
        (date(2024, 4, 2), 14560, False, "inactive"),
        (None, 14965, False, "inactive"),  # sdn.csv.gz, 2024-05-03, states no date
    ]
    newest = versions[-1]
    assert "incomplete" in newest.status_reason and "--force" in newest.status_reason
    comments = next(r for r in loaded.report if r.version and r.version.complete and r.notes)
    assert "sdn_comments-2023-12-22.csv" in comments.notes[0]


def test_ofac_delta_matches_the_published_change_counts(loaded: Loaded) -> None:
    store = loaded.store
    old = store.resolve_version("us_ofac_sdn", "2023-11-03")
    new = store.resolve_version("us_ofac_sdn", "2023-12-28")
    delta = diff_versions(store, old.version_id, new.version_id)
    assert len(delta.added) == 570
    assert len(delta.removed) == 70
    assert len(delta.added) + len(delta.changed) + delta.unchanged == 13821


def test_store_round_trips_real_entities(loaded: Loaded) -> None:
    putin = loaded.store.find_entity("us_ofac_sdn-35096")
    assert "PUTIN, Vladimir" in putin.entity.get("alias")
    assert putin.version.active
    peskov = loaded.store.get_entity("us_ofac_sdn-35320")
    assert len(peskov.get("alias")) == 7
    assert peskov.get("birthDate") == ["1967-10-17"]
    kim = loaded.store.get_entity("us_ofac_sdn-20157")
    assert kim.get("program") == ["DPRK3"]


def test_startup_reads_every_active_entity(loaded: Loaded) -> None:
    active = loaded.store.active_versions()
    expected = sum(v.entity_count for v in active)
    assert sum(1 for _ in loaded.store.active_entities()) == expected
    assert expected > 30000


def test_second_load_of_the_same_files_is_a_no_op(loaded: Loaded) -> None:
    before = _active(loaded)
    again = load_paths(loaded.store, [loaded.lists_dir])
    assert {r.status for r in again} == {"unchanged"}
    assert all("not parsed again" in r.reason for r in again)
    assert _active(loaded) == before
    # Files that differ in bytes but not in content are parsed, then found unchanged.
    plain = loaded.tmp / "un.xml"
    plain.write_bytes(
        gzip.decompress((loaded.lists_dir / "un" / "consolidated.xml.gz").read_bytes())
    )
    [same] = load_paths(loaded.store, [plain])
    assert same.status == "unchanged"
    assert "same content already loaded" in same.reason


def test_crash_mid_load_keeps_the_previous_version(
    loaded: Loaded, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = loaded.store
    before = store.active_version("un_sc_sanctions")
    parsed = SOURCES["un_sc_sanctions"].parse(
        {"xml": loaded.lists_dir / "un" / "consolidated.xml.gz"}
    )
    parsed.content_hash = "crash" + parsed.content_hash[5:]  # a new version to the store
    real_insert = versions_module._insert_entities

    def crash(session, version_id, entities):  # type: ignore[no-untyped-def]
        real_insert(session, version_id, entities[:500])
        raise MemoryError("killed mid-load")

    monkeypatch.setattr(versions_module, "_insert_entities", crash)
    with pytest.raises(MemoryError):
        store.load(parsed, force=True)
    assert store.active_version("un_sc_sanctions").version_id == before.version_id
    assert all(not v.content_hash.startswith("crash") for v in store.versions("un_sc_sanctions"))
    assert sum(1 for _ in store.iter_entities(before.version_id)) == 1003


def test_the_stale_sdn_list_shows_its_newer_incomplete_versions(loaded: Loaded) -> None:
    by_list = {o.list_id: o for o in loaded.store.overview(today=date(2024, 6, 1))}
    sdn = by_list["us_ofac_sdn"]
    assert sdn.active is not None and sdn.active.published == date(2023, 12, 28)
    assert sdn.age_days == 156
    newer = [(v.published, v.entity_count, v.status) for v in sdn.newer]
    assert newer == [(date(2024, 4, 2), 14_560, "inactive"), (None, 14_965, "inactive")]
    assert all(v.status_reason.startswith("incomplete set") for v in sdn.newer)
    assert by_list["un_sc_sanctions"].newer == []


def test_a_shortened_csl_is_promoted_with_a_warning_and_rolled_back(
    shared_dir: Path, tmp_path: Path
) -> None:
    source = shared_dir / "data" / "lists" / "us_csl" / "consolidated.csv.gz"
    lines = gzip.decompress(source.read_bytes()).decode("utf-8").splitlines(keepends=True)
    # a well-formed but shortened file: the first 85 % of its lines
    short_dir = tmp_path / "short"
    short_dir.mkdir()
    (short_dir / "consolidated.csv").write_text(
        "".join(lines[: int(len(lines) * 0.85)]), encoding="utf-8"
    )
    with ListStore(f"sqlite:///{tmp_path / 'csl.db'}") as store:
        (full,) = load_paths(store, [source])
        (short,) = load_paths(store, [short_dir])
        assert full.version is not None and full.version.entity_count == 14_048
        assert short.status == "promoted"
        assert short.version is not None
        assert short.added == 0 and short.removed == 14_048 - short.version.entity_count
        assert short.removed > 0.1 * 14_048
        assert short.drop_warning is not None
        assert short.drop_warning.endswith(f"screenwise lists activate {full.version.version_id}")

        back = store.activate(full.version.version_id)
        assert back.status == "promoted"
        assert (back.added, back.removed) == (short.removed, 0)
        assert store.active_version("us_trade_csl").entity_count == 14_048
