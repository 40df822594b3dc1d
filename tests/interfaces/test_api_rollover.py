"""A running server follows the store: new list versions are swapped in without a restart.

Fixture strategy: a list store on disk (SQLite file under ``tmp_path``) with one hand-made
OFAC-like list; the app is started on it with a short check interval, a second version is
loaded through the library while it serves, and the test polls (bounded) until the swap is
visible. Nothing sleeps to assert: every wait is a poll with a deadline.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from followthemoney import ValueEntity

from screenwise.api.app import create_app
from screenwise.entities import make_entity
from screenwise.errors import ListParseError
from screenwise.screening import Screener
from screenwise.settings import Settings
from screenwise.sources.base import ParsedList
from screenwise.store.versions import ListStore

KEY = "rollover-key-0123456789"
SOURCE = "/srv/screenwise/private/lists/sdn.csv;/srv/screenwise/private/lists/alt.csv"


def _person(native: str, name: str, birth: str) -> ValueEntity:
    entity = make_entity("us_ofac_sdn", native, "Person")
    entity.add("name", name)
    entity.add("birthDate", birth)
    return entity


def _version(published: date, *entities: ValueEntity) -> ParsedList:
    digest = hashlib.sha256("|".join(sorted(str(e.to_dict()) for e in entities)).encode())
    return ParsedList(
        list_id="us_ofac_sdn",
        entities=list(entities),
        content_hash=digest.hexdigest(),
        published=published,
        source=SOURCE,
        format="test",
        files={"sdn": SOURCE.split(";")[0]},
    )


PUTIN = _person("1", "Vladimir Vladimirovich PUTIN", "1952-10-07")
KIM = _person("2", "KIM Jong Un", "1984-01-08")
V1 = _version(date(2024, 1, 1), PUTIN)
V2 = _version(date(2024, 2, 1), PUTIN, KIM)


def _wait_for(check: Callable[[], Any], timeout_s: float = 60.0) -> Any:
    """Poll ``check`` until it returns something truthy; fail after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout_s:.0f} s")
        time.sleep(0.05)


def _kim(client: TestClient) -> list[dict[str, Any]]:
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}}}}
    response = client.post("/match/default", json=body)
    assert response.status_code == 200
    results: list[dict[str, Any]] = response.json()["responses"]["q"]["results"]
    return results


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, db=f"sqlite:///{tmp_path / 'sw.db'}",
                    rate_limit_per_minute=0)


def test_server_swaps_in_a_newly_loaded_list_version(settings: Settings) -> None:
    store = ListStore(settings.db_url)
    v1 = store.load(V1).version
    assert v1 is not None
    app = create_app(settings, store=store, check_interval_s=0.05)
    with TestClient(app) as client:
        ready = _wait_for(lambda: client.get("/readyz").status_code == 200 and
                          client.get("/readyz").json())
        assert ready["lists"] == {"us_ofac_sdn": v1.version_id}
        assert _kim(client) == []
        assert client.get("/entities/us_ofac_sdn-2").status_code == 404

        v2 = ListStore(settings.db_url).load(V2).version  # another writer, as the CLI is
        assert v2 is not None

        def swapped() -> bool:
            return bool(client.get("/readyz").json()["lists"] == {"us_ofac_sdn": v2.version_id})

        _wait_for(swapped)
        (hit,) = _kim(client)
        assert hit["id"] == "us_ofac_sdn-2"
        assert hit["list_version"] == v2.version_id
        assert client.get("/entities/us_ofac_sdn-2").json()["provenance"]["list_version"] == (
            v2.version_id)
        lists = client.get("/lists").json()
        assert [v["version_id"] for v in lists["lists"]] == [v2.version_id]
        assert lists["loading"] == []
        # file names only: the server's paths are not shown
        assert lists["lists"][0]["source"] == "sdn.csv;alt.csv"
        assert "/srv/" not in client.get("/lists").text


def test_lists_and_readyz_report_versions_still_loading(settings: Settings) -> None:
    store = ListStore(settings.db_url)
    v1 = store.load(V1).version
    assert v1 is not None
    app = create_app(settings.model_copy(update={"api_keys": KEY}), store=store,
                     check_interval_s=0.05)
    live = app.state.screenwise.live
    gate = threading.Event()
    building = threading.Event()

    def slow_build(store: ListStore, settings: Settings) -> Screener:
        if live.ready:  # the first build goes through; a rollover waits for the gate
            building.set()
            assert gate.wait(60)
        return Screener.from_store(store, settings=settings)

    live._build = slow_build
    headers = {"X-API-Key": KEY}
    try:
        with TestClient(app) as client:
            _wait_for(lambda: client.get("/readyz").status_code == 200)
            v2 = store.load(V2).version
            assert v2 is not None
            assert building.wait(60)
            ready = client.get("/readyz", headers=headers).json()
            assert ready["lists"] == {"us_ofac_sdn": v1.version_id}
            assert ready["loading"] == {"us_ofac_sdn": v2.version_id}
            lists = client.get("/lists", headers=headers).json()
            assert [v["version_id"] for v in lists["lists"]] == [v1.version_id]
            assert [v["version_id"] for v in lists["loading"]] == [v2.version_id]
            assert _kim_with(client, headers) == []  # the old version keeps serving
            # without a key, readiness only says ready
            assert client.get("/readyz").json() == {"status": "ready"}
            gate.set()
            _wait_for(lambda: client.get("/readyz", headers=headers).json()["loading"] == {})
            assert client.get("/readyz", headers=headers).json()["lists"] == {
                "us_ofac_sdn": v2.version_id}
    finally:
        gate.set()


def _kim_with(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}}}}
    results: list[dict[str, Any]] = client.post(
        "/match/default", json=body, headers=headers).json()["responses"]["q"]["results"]
    return results


def test_failed_rebuild_keeps_the_old_version_serving(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    store = ListStore(settings.db_url)
    v1 = store.load(V1).version
    assert v1 is not None
    app = create_app(settings, store=store, check_interval_s=0.05)
    live = app.state.screenwise.live
    attempts: list[str] = []

    def broken_build(store: ListStore, settings: Settings) -> Screener:
        if live.ready:
            attempts.append("rollover")
            raise ListParseError("sdn.csv", "cannot be prepared", line=3, field="SDN_Name")
        return Screener.from_store(store, settings=settings)

    live._build = broken_build
    with caplog.at_level("ERROR", logger="screenwise.serving"), TestClient(app) as client:
        _wait_for(lambda: client.get("/readyz").status_code == 200)
        v2 = store.load(V2).version
        assert v2 is not None
        ready = _wait_for(lambda: (r := client.get("/readyz").json())["reload_error"] and r)
        assert "sdn.csv line 3 field SDN_Name" in ready["reload_error"]
        assert ready["lists"] == {"us_ofac_sdn": v1.version_id}
        assert ready["loading"] == {"us_ofac_sdn": v2.version_id}
        assert _kim(client) == []  # still screening against v1
    assert attempts == ["rollover"]  # not retried in a loop
    assert "cannot load list versions" in caplog.text
