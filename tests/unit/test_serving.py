"""Rollover of the served screener to new active list versions (:mod:`screenwise.serving`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from screenwise.entities import make_entity
from screenwise.errors import NotReadyError, ValidationError
from screenwise.screening import Screener
from screenwise.serving import LiveScreener
from screenwise.settings import Settings
from screenwise.sources.base import ParsedList
from screenwise.store.versions import ListStore


def _parsed(published: date, *names: str) -> ParsedList:
    entities = []
    for i, name in enumerate(names, start=1):
        entity = make_entity("us_ofac_sdn", str(i), "Person")
        entity.add("name", name)
        entities.append(entity)
    digest = f"{published.isoformat()}{'|'.join(names)}".encode().hex()[:64].ljust(64, "0")
    return ParsedList("us_ofac_sdn", entities, digest, published, "sdn.csv", "test")


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, db=f"sqlite:///{tmp_path / 'sw.db'}")


def test_nothing_served_until_a_version_is_active(settings: Settings) -> None:
    store = ListStore(settings.db_url)
    live = LiveScreener(store, settings)
    assert live.check() is False
    with pytest.raises(NotReadyError, match="no active list version"):
        live.current()
    store.load(_parsed(date(2024, 1, 1), "Vladimir PUTIN"))
    assert live.check() is True
    assert live.ready
    assert set(live.served_versions()) == {"us_ofac_sdn"}
    assert live.check() is False  # nothing changed: nothing rebuilt


def test_swap_and_failed_build(settings: Settings) -> None:
    store = ListStore(settings.db_url)
    store.load(_parsed(date(2024, 1, 1), "Vladimir PUTIN"))
    calls: list[str] = []

    def build(store: ListStore, settings: Settings) -> Screener:
        calls.append("build")
        if len(calls) == 2:
            raise ValidationError("us_ofac_sdn: index cannot be built")
        return Screener.from_store(store, settings=settings)

    live = LiveScreener(store, settings, build=build)
    assert live.check() is True
    old = live.current()
    result = store.load(_parsed(date(2024, 2, 1), "Vladimir PUTIN", "KIM Jong Un"))
    assert result.version is not None
    new_id = result.version.version_id
    assert live.check() is False  # the build failed
    assert live.current() is old
    assert live.reload_error is not None and "index cannot be built" in live.reload_error
    assert live.pending_versions() == {"us_ofac_sdn": new_id}
    assert live.check() is False and calls == ["build", "build"]  # no retry at once
    live._failed = None  # as if the retry delay had passed
    assert live.check() is True
    assert live.current() is not old
    assert live.served_versions() == {"us_ofac_sdn": new_id}
    assert live.pending_versions() == {} and live.reload_error is None


def test_a_given_screener_without_store_is_served_as_is() -> None:
    entity = make_entity("us_ofac_sdn", "1", "Person")
    entity.add("name", "Vladimir PUTIN")
    screener = Screener([entity], list_versions={"us_ofac_sdn": "v1"}, settings=Settings())
    live = LiveScreener(None, Settings(), screener=screener)
    assert live.current() is screener
    assert live.check() is False
    assert live.start() is None


def test_an_unexpected_error_in_a_build_keeps_serving_and_is_not_retried_at_once(
    settings: Settings,
) -> None:
    import time

    store = ListStore(settings.db_url)
    store.load(_parsed(date(2024, 1, 1), "Vladimir PUTIN"))
    calls: list[str] = []

    def build(store: ListStore, settings: Settings) -> Screener:
        calls.append("build")
        if len(calls) > 1:
            raise ValueError("a bug while preparing names")
        return Screener.from_store(store, settings=settings)

    live = LiveScreener(store, settings, build=build, check_interval_s=0.01)
    assert live.check() is True
    old = live.current()
    store.load(_parsed(date(2024, 2, 1), "Vladimir PUTIN", "KIM Jong Un"))
    live.start()
    try:
        deadline = time.monotonic() + 30
        while live.reload_error is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert live.reload_error == "ValueError: a bug while preparing names"
        assert live.current() is old
        for _ in range(20):  # many more check intervals pass
            live._stop.wait(0.01)
        assert calls == ["build", "build"]
    finally:
        live.stop()


def test_settled_heap_is_frozen_after_each_swap(settings: Settings) -> None:
    import gc

    store = ListStore(settings.db_url)
    store.load(_parsed(date(2024, 1, 1), "Vladimir PUTIN"))
    plain = LiveScreener(store, settings)
    try:
        gc.unfreeze()
        assert plain.check() is True
        assert gc.get_freeze_count() == 0  # off unless asked for (tests, library use)
        live = LiveScreener(store, settings, settle_heap=True)
        assert live.check() is True
        frozen = gc.get_freeze_count()
        assert frozen > 0
        # the served screener is in the permanent generation: no collection scans it
        served = live.current()
        assert not any(obj is served for obj in gc.get_objects())
        store.load(_parsed(date(2024, 2, 1), "Vladimir PUTIN", "KIM Jong Un"))
        assert live.check() is True
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
