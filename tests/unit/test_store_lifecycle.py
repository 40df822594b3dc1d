"""List-version store, as an operator meets it: what a load changed, rollback, stale lists,
loose version references, stores that cannot be opened, and two loads at once.

Small hand-built ParsedLists (``tests/unit/test_store.py`` helpers) on an SQLite file
and on PostgreSQL (the ``store_url`` fixture); the only other server address used is a
closed loopback port.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from followthemoney import ValueEntity
from sqlalchemy.exc import SQLAlchemyError
from tests.unit.test_store import LIST, parsed, people, person

from screenwise.errors import NotFoundError, ScreenwiseError, StoreError, mask_url
from screenwise.store import versions as versions_module
from screenwise.store.versions import ListStore


@pytest.fixture
def store(store_url: str) -> Iterator[ListStore]:
    """An empty store on each backend (SQLite file, PostgreSQL: see tests/conftest.py)."""
    with ListStore(store_url) as opened:
        yield opened


def test_every_load_states_added_and_removed_against_the_active_version(
    store: ListStore,
) -> None:
    first = store.load(parsed(people(20), date(2024, 1, 1)))
    assert (first.added, first.removed, first.previous_active) == (None, None, None)
    assert first.changes() == f"first version of {LIST}: +20 added"

    # 2 entities gone, 1 new: 10 % removed is not more than the 10 % share
    newer = [*people(18), person("new", "NEW, One")]
    result = store.load(parsed(newer, date(2024, 2, 1)))
    assert result.status == "promoted"
    assert (result.added, result.removed) == (1, 2)
    assert result.previous_active == first.version.version_id  # type: ignore[union-attr]
    assert result.drop_warning is None
    assert result.changes().startswith("+1 added, -2 removed against test_list@2024-01-01#")
    assert result.to_dict()["added"] == 1 and result.to_dict()["removed"] == 2


def test_a_shortened_list_is_promoted_with_a_warning_naming_the_rollback(
    store: ListStore,
) -> None:
    full = store.load(parsed(people(100), date(2024, 1, 1)))
    assert full.version is not None
    # 15 % of the entities gone: well-formed, above the 50 % collapse line
    short = store.load(parsed(people(85), date(2024, 2, 1)))
    assert short.status == "promoted"
    assert (short.added, short.removed) == (0, 15)
    assert short.drop_warning is not None
    assert short.drop_warning.startswith(
        f"15 of the 100 entities of the previously active version {full.version.version_id} "
        "are gone from test_list@2024-02-01#"
    )
    assert "(15.0%, more than 10%)" in short.drop_warning
    assert short.drop_warning.endswith(f"screenwise lists activate {full.version.version_id}")
    assert short.to_dict()["drop_warning"] == short.drop_warning

    # the share is configurable; a collapse below 50 % is still rejected
    fewer = store.load(parsed(people(80), date(2024, 3, 1)), warn_drop=0.2)
    assert fewer.status == "promoted" and fewer.drop_warning is None
    collapsed = store.load(parsed(people(30), date(2024, 4, 1)))
    assert collapsed.status == "rejected"
    assert (collapsed.added, collapsed.removed) == (0, 50)


def test_activate_rolls_back_and_forward(store: ListStore) -> None:
    old = store.load(parsed(people(10), date(2024, 1, 1))).version
    new = store.load(parsed(people(12), date(2024, 2, 1))).version
    assert old is not None and new is not None

    back = store.activate(f"{LIST}@2024-01-01")
    assert back.status == "promoted"
    assert back.version is not None and back.version.version_id == old.version_id
    assert back.previous_active == new.version_id
    assert (back.added, back.removed) == (0, 2)
    assert store.active_version(LIST).version_id == old.version_id
    assert store.get_version(new.version_id).status == "inactive"

    again = store.activate(old.version_id)
    assert again.status == "unchanged"
    assert again.changes() == "same as the active version"

    forward = store.activate(f"{LIST}@{new.content_hash[:8]}")
    assert forward.version is not None and forward.version.version_id == new.version_id
    assert store.promote(old.version_id).version_id == old.version_id

    with pytest.raises(NotFoundError, match="not a version reference"):
        store.activate("2024-01-01")
    with pytest.raises(NotFoundError, match=r"no version of test_list matches 'bogus'"):
        store.activate(f"{LIST}@bogus")


def test_reloading_an_inactive_version_says_how_to_activate_it(store: ListStore) -> None:
    newest = parsed(people(12), date(2024, 2, 1))
    store.load(parsed(people(10), date(2024, 1, 1)))
    store.load(newest)
    store.activate(f"{LIST}@2024-01-01")  # an operator's rollback
    again = store.load(newest)
    assert again.status == "unchanged"
    assert again.version is not None
    assert again.reason.endswith(f"to make it active: screenwise lists activate {again.version.version_id}")
    assert (again.added, again.removed) == (2, 0)


def test_overview_shows_the_age_and_the_newer_versions_that_are_not_active(
    store: ListStore,
) -> None:
    complete = store.load(parsed(people(10), date(2023, 12, 28))).version
    store.load(parsed(people(11), date(2024, 4, 2), complete=False))
    store.load(parsed(people(12), date(2024, 5, 3), complete=False))
    store.load(parsed(people(9), date(2023, 5, 2)))  # older: history, not "newer"
    assert complete is not None

    (item,) = store.overview(today=date(2024, 6, 1))
    assert item.active is not None and item.active.version_id == complete.version_id
    assert item.age_days == 156
    assert [v.published for v in item.newer] == [date(2024, 4, 2), date(2024, 5, 3)]
    assert all("incomplete set" in v.status_reason for v in item.newer)
    data = item.to_dict()
    assert data["age_days"] == 156
    assert [n["published"] for n in data["newer_versions"]] == ["2024-04-02", "2024-05-03"]
    assert data["newer_versions"][0]["status"] == "inactive"


def _two_lists_store(store: ListStore) -> tuple[str, str]:
    old = store.load(parsed(people(3), date(2023, 5, 2))).version
    new = store.load(parsed(people(2), date(2023, 12, 28)), force=True).version
    assert old is not None and new is not None
    return old.version_id, new.version_id


def test_find_entity_takes_the_loose_version_references_of_export(store: ListStore) -> None:
    old_id, new_id = _two_lists_store(store)
    entity_id = f"{LIST}-2"  # only in the older version
    for ref in ("2023-05-02", old_id, old_id.split("#")[1], f"#{old_id.split('#')[1]}"):
        found = store.find_entity(entity_id, ref)
        assert found.version.version_id == old_id, ref
    assert store.find_entity(f"{LIST}-0", "active").version.version_id == new_id

    with pytest.raises(NotFoundError) as version_fault:
        store.find_entity(entity_id, "bogus")
    assert str(version_fault.value).startswith(f"no version of {LIST} matches 'bogus'")
    with pytest.raises(NotFoundError) as entity_fault:
        store.find_entity(entity_id, "2023-12-28")
    assert str(entity_fault.value) == f"entity '{entity_id}' not found in version {new_id}"
    with pytest.raises(NotFoundError, match="matches 'bogus'"):
        store.find_entity(f"{LIST}-999", "bogus")


# -- stores that cannot be opened ---------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "cause"),
    [
        ("garbage", "not a usable SQLAlchemy URL"),
        ("nosuchdialect://x/y", "not a usable SQLAlchemy URL"),
        ("mysql://x@127.0.0.1/db", "the database driver is not installed (No module named"),
        ("postgresql+psycopg://u:secret@127.0.0.1:1/db", "connection"),
    ],
)
def test_unusable_urls_raise_store_error_naming_the_masked_url(url: str, cause: str) -> None:
    with pytest.raises(StoreError) as caught:
        ListStore(url)
    message = str(caught.value)
    assert message.startswith(f"store {mask_url(url)}: ")
    assert cause in message
    assert "secret" not in message
    assert caught.value.exit_code == 8


def test_files_that_are_no_store_raise_store_error(tmp_path: Path) -> None:
    not_db = tmp_path / "passwd"
    not_db.write_text("root:x:0:0:root:/root:/bin/bash\n" * 200)
    with pytest.raises(StoreError, match="file is not a database"):
        ListStore(f"sqlite:///{not_db}")
    blocker = tmp_path / "plainfile"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the store file"):
        ListStore(f"sqlite:///{blocker / 'sub' / 'x.db'}")


def test_read_only_opening_refuses_a_store_that_does_not_exist(tmp_path: Path) -> None:
    typo = tmp_path / "typo" / "screenwise.db"
    with pytest.raises(StoreError, match="no screenwise store here yet") as caught:
        ListStore(f"sqlite:///{typo}", create=False)
    assert str(typo) in str(caught.value)
    assert not typo.exists() and not typo.parent.exists()

    empty = tmp_path / "empty.db"
    ListStore(f"sqlite:///{empty}").close()  # created by a writer: a store, still empty
    with ListStore(f"sqlite:///{empty}", create=False) as reader:
        assert reader.overview() == []


def test_mask_url() -> None:
    assert mask_url("postgresql+psycopg://u:pw@h:5432/db") == "postgresql+psycopg://u:***@h:5432/db"
    assert mask_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"
    assert mask_url("garbage") == "garbage"


# -- two loads at once ---------------------------------------------------------------------


def test_two_concurrent_loads_of_the_same_list_give_promoted_and_unchanged(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = store_url
    ListStore(url).close()
    entities: list[ValueEntity] = people(500)
    content = parsed(entities, date(2024, 1, 1))
    real_active_row = versions_module._active_row

    def slow_active_row(session, list_id):  # type: ignore[no-untyped-def]
        # Widen the window between "is it stored?" and the write, as a slow disk would.
        threading.Event().wait(0.3)
        return real_active_row(session, list_id)

    monkeypatch.setattr(versions_module, "_active_row", slow_active_row)
    outcomes: list[str] = []
    errors: list[Exception] = []

    def load() -> None:
        try:
            with ListStore(url) as store:
                outcomes.append(store.load(content).status)
        except (SQLAlchemyError, ScreenwiseError) as exc:  # what a lost race raised before
            errors.append(exc)

    threads = [threading.Thread(target=load) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(outcomes) == ["promoted", "unchanged"]
    with ListStore(url) as store:
        assert len(store.versions(LIST)) == 1
