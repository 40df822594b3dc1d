"""The list-version store and the alert store on both backends: SQLite and PostgreSQL.

Every test takes ``store_url`` (tests/conftest.py), which runs it once on an SQLite file and
once on an empty PostgreSQL database from ``$SCREENWISE_TEST_PG_URL`` (started by
``scripts/pg-test-server.sh``; skipped locally without it, failing under ``CI=true``), so
the same assertions hold on both. Tests named ``*_postgres`` check what only a server
database can get wrong: session time zones, concurrent loads from several processes
(simulated by several stores on threads), append-only triggers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, timedelta
from functools import partial
from typing import TypeVar

import pytest
from followthemoney import ValueEntity
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from store_helpers import make_parsed, make_person

from screenwise.delta import diff_versions
from screenwise.entities import make_entity
from screenwise.errors import NotFoundError
from screenwise.results import Explanation, Hit, Query, ScreeningResult
from screenwise.sources.base import ParsedList
from screenwise.store import versions as versions_module
from screenwise.store.alerts import AlertStore
from screenwise.store.models import EntityRow, ListVersionRow
from screenwise.store.versions import ListStore

LIST = "pg_list"
T = TypeVar("T")


def person(native_id: str, name: str, **props: str) -> ValueEntity:
    return make_person(LIST, native_id, name, **props)


def vessel(native_id: str, name: str, imo: str) -> ValueEntity:
    entity = make_entity(LIST, native_id, "Vessel")
    entity.add("name", name)
    entity.add("imoNumber", imo)
    return entity


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
    return [person(f"{i:05d}", f"{prefix} Person {i}") for i in range(n)]


def run_together(jobs: list[Callable[[], T]]) -> list[T | BaseException]:
    """Run the jobs on threads released at the same instant; return results or errors."""
    barrier = threading.Barrier(len(jobs))
    out: list[T | BaseException] = [RuntimeError("not run")] * len(jobs)

    def work(i: int) -> None:
        barrier.wait()
        try:
            out[i] = jobs[i]()
        except BaseException as exc:  # collected and asserted on by the caller
            out[i] = exc

    # Daemon threads: a job stuck past the join timeout fails the test, never hangs the run.
    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return out


def test_load_reads_back_entities_json_and_utc_timestamps(store_url: str) -> None:
    kim = person("20157", "KIM, Jong Un", birthDate="1984-01-08", program="DPRK3")
    # Names in several scripts, quotes and a backslash: JSON text must survive unchanged.
    peskov = person("35320", "ПЕСКОВ, Дмитрий Сергеевич", alias='Dmitry "Dima" Peskov')
    arabic = person("9", "عبد الله", notes="path C:\\temp; 100% sure")
    ship = vessel("7", "SEA STAR", "IMO 9074729")
    with ListStore(store_url) as store:
        result = store.load(parsed([kim, peskov, arabic, ship], date(2023, 12, 28)))
        assert result.status == "promoted"
        assert result.version is not None
        version = result.version
        assert version.entity_count == 4
        assert version.schema_counts == {"Person": 3, "Vessel": 1}
        assert version.files == {"primary": "hand-made.csv"}
        assert version.published == date(2023, 12, 28)
        assert version.loaded_at.utcoffset() == timedelta(0)
        assert version.promoted_at is not None and version.promoted_at.utcoffset() == timedelta(0)

        back = store.get_entity("pg_list-35320")
        assert back.get("name") == ["ПЕСКОВ, Дмитрий Сергеевич"]
        assert back.get("alias") == ['Dmitry "Dima" Peskov']
        assert store.get_entity("pg_list-9").get("notes") == ["path C:\\temp; 100% sure"]
        assert store.get_entity("pg_list-20157").get("birthDate") == ["1984-01-08"]
        found = store.find_entity("pg_list-7")
        assert found.entity.schema.name == "Vessel"
        assert found.entity.get("imoNumber") == ["IMO9074729"]
        assert found.version.version_id == version.version_id

        ids = [e.id for e in store.iter_entities(version.version_id)]
        assert ids == ["pg_list-20157", "pg_list-35320", "pg_list-7", "pg_list-9"]
        lines = list(store.iter_entity_json(version.version_id))
        assert len(lines) == 4
        assert all(line.startswith('{"id":"pg_list-') for line in lines)

        reopened = ListStore(store_url)
        try:
            assert reopened.get_version(version.version_id) == version
        finally:
            reopened.close()


def test_same_content_twice_writes_nothing(store_url: str) -> None:
    entities = people(3)
    with ListStore(store_url) as store:
        first = store.load(parsed(entities))
        again = store.load(parsed(people(3)))
        assert first.status == "promoted"
        assert again.status == "unchanged"
        assert first.version is not None and again.version is not None
        assert again.version.version_id == first.version.version_id
        assert "already loaded" in again.reason
        with store.session() as session:
            assert session.scalar(select(func.count()).select_from(ListVersionRow)) == 1
            assert session.scalar(select(func.count()).select_from(EntityRow)) == 3


def test_collapse_is_rejected_and_the_active_version_keeps_serving(store_url: str) -> None:
    with ListStore(store_url) as store:
        big = store.load(parsed(people(10), date(2024, 1, 1)))
        small = store.load(parsed(people(4), date(2024, 2, 1)))
        assert big.version is not None and small.version is not None
        assert small.status == "rejected"
        assert "collapsed: 4 entities against 10" in small.reason
        assert store.active_version(LIST).version_id == big.version.version_id
        assert store.get_version(small.version.version_id).status == "rejected"
        assert sum(1 for _ in store.active_entities()) == 10

        forced = store.load(parsed(people(4), date(2024, 2, 1)), force=True)
        assert forced.status == "promoted"
        assert store.active_version(LIST).version_id == small.version.version_id
        assert store.get_version(big.version.version_id).status == "inactive"


def test_structural_failure_stores_nothing(store_url: str) -> None:
    duplicated = [person("1", "A"), person("1", "B")]
    with ListStore(store_url) as store:
        result = store.load(parsed(duplicated))
        assert result.status == "rejected"
        assert "1 duplicate entity ids (e.g. pg_list-1)" in result.reason
        assert store.versions(LIST) == []


def test_history_versions_stay_queryable(store_url: str) -> None:
    old = [person("1", "OLD Name"), person("2", "Gone Person")]
    new = [person("1", "NEW Name"), person("3", "Added Person")]
    with ListStore(store_url) as store:
        v2 = store.load(parsed(new, date(2024, 3, 1)))
        v1 = store.load(parsed(old, date(2024, 1, 1)))
        undated = store.load(parsed([*new, person("4", "X")], None), force=False)
        assert v1.version is not None and v2.version is not None
        assert undated.version is not None
        assert v1.status == "stored"
        assert "kept as history" in v1.reason
        assert [v.version_id for v in store.versions(LIST)] == [
            v1.version.version_id,
            v2.version.version_id,
            undated.version.version_id,
        ]
        assert store.resolve_version(LIST, "2024-01-01").version_id == v1.version.version_id
        assert (
            store.resolve_version(LIST, v1.version.content_hash[:6]).version_id
            == v1.version.version_id
        )
        gone = store.find_entity("pg_list-2")
        assert gone.version.version_id == v1.version.version_id
        assert gone.entity.get("name") == ["Gone Person"]
        assert store.get_entity("pg_list-1", v1.version.version_id).get("name") == ["OLD Name"]
        with pytest.raises(NotFoundError, match="pg_list-3"):
            store.find_entity("pg_list-3", v1.version.version_id)

        delta = diff_versions(store, v1.version.version_id, v2.version.version_id)
        assert delta.counts() == {"added": 1, "removed": 1, "changed": 1, "unchanged": 0}
        assert [e.id for e in delta.added] == ["pg_list-3"]
        assert [e.id for e in delta.removed] == ["pg_list-2"]
        assert delta.changed[0].changes[0].old == ("OLD Name",)
        assert delta.changed[0].changes[0].new == ("NEW Name",)


def test_bulk_load_larger_than_the_write_and_read_batches(store_url: str) -> None:
    n = max(versions_module._BATCH_ROWS * 2, versions_module._READ_BATCH) + 7
    with ListStore(store_url) as store:
        result = store.load(parsed(people(n)))
        assert result.version is not None
        assert result.version.entity_count == n
        ids = [e.id for e in store.iter_entities(result.version.version_id)]
        assert len(ids) == n
        assert ids == sorted(ids)
        assert ids[-1] == f"pg_list-{n - 1:05d}"


def test_crash_mid_load_rolls_back_everything(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ListStore(store_url) as store:
        first = store.load(parsed(people(5), date(2024, 1, 1)))
        assert first.version is not None
        original = versions_module._insert_entities

        def insert_then_fail(session: object, version_id: str, entities: list[ValueEntity]) -> None:
            original(session, version_id, entities)  # type: ignore[arg-type]
            raise OSError("disk full")

        monkeypatch.setattr(versions_module, "_insert_entities", insert_then_fail)
        with pytest.raises(OSError, match="disk full"):
            store.load(parsed(people(6, "Q"), date(2024, 2, 1)))
        monkeypatch.undo()

        assert [v.version_id for v in store.versions(LIST)] == [first.version.version_id]
        assert store.active_version(LIST).version_id == first.version.version_id
        with store.session() as session:
            assert session.scalar(select(func.count()).select_from(EntityRow)) == 5


# -- alerts -------------------------------------------------------------------------------

V1 = "us_ofac_sdn@2023-12-28#aaaa0001"
V2 = "us_ofac_sdn@2024-04-02#bbbb0002"
PUTIN = {"name": ["Vladimir Vladimirovich PUTIN"], "birthDate": ["1952-10-07"]}


def hit(version: str = V1, props: dict[str, list[str]] | None = None) -> Hit:
    return Hit(
        entity_id="us_ofac_sdn-35096",
        list_id="us_ofac_sdn",
        list_version=version,
        schema="Person",
        caption="Vladimir Vladimirovich PUTIN",
        matched_name="Vladimir Vladimirovich PUTIN",
        programs=["RUSSIA-EO14024"],
        score=0.93,
        match=True,
        explanation=Explanation(
            query_name="Владимир Путин",
            matched_name="Vladimir Vladimirovich PUTIN",
            summary="name: 2 of 3 parts exact",
        ),
        properties=props if props is not None else dict(PUTIN),
    )


def result(h: Hit) -> ScreeningResult:
    return ScreeningResult(
        query=Query.from_name("Владимир Путин", schema="Person", id="cust-1"),
        hits=[h],
        threshold=0.7,
        algorithm="test-v1",
        list_versions={"us_ofac_sdn": V1},
    )


def test_alert_decision_and_audit_trail(store_url: str) -> None:
    alerts = AlertStore(store_url)
    try:
        (opened,) = alerts.record_result(result(hit()), actor="key-1")
        assert opened.outcome == "opened"
        (again,) = alerts.record_result(result(hit()))
        assert again.outcome == "duplicate" and again.alert_id == opened.alert_id

        decision = alerts.decide(
            opened.alert_id, "false_positive", analyst="ana", comment="другой человек"
        )
        assert decision.decision == "false_positive"
        assert decision.decided_at.utcoffset() == timedelta(0)

        (later,) = alerts.record_result(result(hit(V2)))
        assert later.outcome == "suppressed" and later.alert_id == opened.alert_id
        changed = dict(PUTIN, alias=["Vladimir PUTIN"])
        (reopened,) = alerts.record_result(result(hit(V2, changed)))
        assert reopened.outcome == "reopened"
        assert reopened.previous_alert_id == opened.alert_id

        alert = alerts.get_alert(opened.alert_id)
        assert alert.status == "false_positive"
        assert alert.query.properties["name"] == ["Владимир Путин"]
        assert alert.hit.explanation.summary == "name: 2 of 3 parts exact"
        assert alert.last_version_id == V2
        assert [d.comment for d in alert.decisions] == ["другой человек"]
        assert alert.created_at.utcoffset() == timedelta(0)

        trail = alerts.audit_trail(opened.alert_id)
        assert [e.event for e in trail] == ["opened", "decided", "suppressed"]
        assert trail[0].actor == "key-1"
        assert trail[1].detail["comment"] == "другой человек"
        assert trail[2].list_version_id == V2
        assert [e.event for e in alerts.audit_trail(list_version_id=V2)] == [
            "suppressed",
            "opened",
        ]
        assert alerts.count_alerts(status="open") == 1
        assert [a.id for a in alerts.list_alerts()] == [reopened.alert_id, opened.alert_id]
    finally:
        alerts.close()


def test_alert_store_shares_the_list_store_engine(store_url: str) -> None:
    with ListStore(store_url) as store:
        loaded = store.load(parsed(people(2)))
        assert loaded.version is not None
        alerts = AlertStore(store.engine)
        (outcome,) = alerts.record_result(result(hit(loaded.version.version_id)))
        assert alerts.get_alert(outcome.alert_id).list_version_id == loaded.version.version_id
        assert store.active_version(LIST).version_id == loaded.version.version_id


# -- PostgreSQL only ------------------------------------------------------------------------


def test_timestamps_are_utc_whatever_the_session_time_zone_postgres(pg_url: str) -> None:
    # A server (or role) configured for local time returns timestamptz in that zone.
    url = make_url(pg_url).update_query_dict({"options": "-c timezone=Asia/Kolkata"})
    kolkata = url.render_as_string(hide_password=False)
    with ListStore(kolkata) as store:
        with store.engine.connect() as conn:
            assert conn.execute(text("SHOW timezone")).scalar() == "Asia/Kolkata"
        loaded = store.load(parsed(people(2)))
        assert loaded.version is not None
        version = store.get_version(loaded.version.version_id)
        assert version.loaded_at.tzinfo == UTC
        assert version.to_dict()["loaded_at"].endswith("+00:00")
        assert version.promoted_at is not None and version.promoted_at.tzinfo == UTC
    alerts = AlertStore(kolkata)
    try:
        (outcome,) = alerts.record_result(result(hit()))
        alert = alerts.get_alert(outcome.alert_id)
        assert alert.created_at.tzinfo == UTC
        assert alerts.audit_trail(outcome.alert_id)[0].created_at.tzinfo == UTC
    finally:
        alerts.close()


def test_concurrent_loads_apply_the_promotion_policy_in_turn_postgres(pg_url: str) -> None:
    # Two processes (two stores, two connection pools) load two new versions of a list at
    # the same instant: a full one and a collapsed one. Run one after the other, in either
    # order, the collapsed one is rejected (against the old or the new active version),
    # so it must be rejected here too, and exactly one version stays active. Repeated
    # because the interleaving differs from run to run.
    for attempt in range(4):
        with ListStore(pg_url) as store:
            base = store.load(
                parsed(people(100, f"A{attempt}"), date(2025 + attempt, 1, 1)), force=True
            )
            assert base.status == "promoted"
        day = date(2025 + attempt, 6, 1)
        full, collapsed = ListStore(pg_url), ListStore(pg_url)
        try:
            outcomes = run_together(
                [
                    partial(full.load, parsed(people(1000, f"F{attempt}"), day)),
                    partial(collapsed.load, parsed(people(10, f"C{attempt}"), day)),
                ]
            )
        finally:
            full.close()
            collapsed.close()
        big, small = outcomes
        assert not isinstance(big, BaseException) and not isinstance(small, BaseException)
        assert big.status == "promoted", big.reason
        assert small.status == "rejected", small.reason
        with ListStore(pg_url) as store:
            active = [v for v in store.versions(LIST) if v.active]
            assert [v.entity_count for v in active] == [1000]


def test_concurrent_first_loads_leave_one_active_version_postgres(pg_url: str) -> None:
    stores = [ListStore(pg_url) for _ in range(4)]
    try:
        outcomes = run_together(
            [
                partial(s.load, parsed(people(500, f"V{i}"), date(2024, 1, i + 1)))
                for i, s in enumerate(stores)
            ]
        )
    finally:
        for s in stores:
            s.close()
    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    with ListStore(pg_url) as store:
        versions = store.versions(LIST)
        assert len(versions) == 4
        assert sum(v.active for v in versions) == 1
        # Loads of one list are serialised, so every promotion after the first names the
        # version it replaced.
        promoted = [o for o in outcomes if not isinstance(o, BaseException) and o.promoted]
        firsts = [o for o in promoted if o.previous_active is None]
        assert len(firsts) == 1


def test_concurrent_store_creation_on_an_empty_database_postgres(pg_url: str) -> None:
    def open_both() -> str:
        with ListStore(pg_url) as store:
            alerts = AlertStore(pg_url)
            alerts.close()
            return store.engine.dialect.name

    outcomes = run_together([open_both for _ in range(4)])
    assert outcomes == ["postgresql"] * 4


def test_concurrent_loads_of_the_same_content_store_it_once_postgres(pg_url: str) -> None:
    stores = [ListStore(pg_url) for _ in range(3)]
    try:
        outcomes = run_together([partial(s.load, parsed(people(300))) for s in stores])
    finally:
        for s in stores:
            s.close()
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert errors == []
    statuses = sorted(o.status for o in outcomes if not isinstance(o, BaseException))
    assert statuses == ["promoted", "unchanged", "unchanged"]


def test_concurrent_identical_hits_open_one_alert_postgres(pg_url: str) -> None:
    stores = [AlertStore(pg_url) for _ in range(4)]
    try:
        outcomes = run_together([partial(s.record_result, result(hit())) for s in stores])
    finally:
        for s in stores:
            s.close()
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert errors == []
    kinds = sorted(o[0].outcome for o in outcomes if not isinstance(o, BaseException))
    assert kinds == ["duplicate", "duplicate", "duplicate", "opened"]


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_event SET actor = 'mallory'",
        "DELETE FROM audit_event",
        "TRUNCATE audit_event",
        "UPDATE alert_decision SET decision = 'true_match'",
        "DELETE FROM alert_decision",
    ],
)
def test_audit_trail_is_append_only_postgres(pg_url: str, sql: str) -> None:
    alerts = AlertStore(pg_url)
    try:
        (outcome,) = alerts.record_result(result(hit()))
        alerts.decide(outcome.alert_id, "false_positive", analyst="ana")
        with alerts.engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text(sql))
        assert [e.event for e in alerts.audit_trail()] == ["opened", "decided"]
        assert len(alerts.decisions(outcome.alert_id)) == 1
    finally:
        alerts.close()


def test_connections_ended_by_the_server_are_replaced_postgres(pg_url: str) -> None:
    # A server restart or an idle-session timeout ends pooled connections; the next call
    # must reconnect instead of failing.
    with ListStore(pg_url) as store:
        alerts = AlertStore(pg_url)
        try:
            loaded = store.load(parsed(people(2)))
            (outcome,) = alerts.record_result(result(hit()))
            with store.engine.connect() as conn:
                ended = conn.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).scalar()
            assert ended is not None and ended >= 1
            assert loaded.version is not None
            assert store.active_version(LIST).version_id == loaded.version.version_id
            assert alerts.get_alert(outcome.alert_id).status == "open"
        finally:
            alerts.close()
