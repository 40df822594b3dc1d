"""Alert lifecycle: open, de-duplicate, honour decisions across list versions, audit trail."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import DatabaseError

from screenwise.errors import NotFoundError, QueryError
from screenwise.results import Explanation, Hit, Query, ScreeningResult
from screenwise.store.alerts import (
    AlertStore,
    entity_fingerprint,
    parse_decision,
    parse_status,
    query_key,
)

PUTIN_PROPS = {"name": ["Vladimir Vladimirovich PUTIN"], "birthDate": ["1952-10-07"]}


def _hit(
    entity_id: str = "us_ofac_sdn-35096",
    score: float = 0.93,
    props: dict[str, list[str]] | None = None,
    version: str | None = "us_ofac_sdn@2023-12-28#aaaa0001",
    match: bool = True,
) -> Hit:
    return Hit(
        entity_id=entity_id,
        list_id=entity_id.rsplit("-", 1)[0],
        list_version=version,
        schema="Person",
        caption="Vladimir Vladimirovich PUTIN",
        matched_name="Vladimir Vladimirovich PUTIN",
        programs=["RUSSIA-EO14024"],
        score=score,
        match=match,
        explanation=Explanation(
            query_name="Vladimir Putin",
            matched_name="Vladimir Vladimirovich PUTIN",
            summary="name: 2 of 3 parts exact",
        ),
        properties=props if props is not None else dict(PUTIN_PROPS),
    )


def _result(*hits: Hit, query: Query | None = None) -> ScreeningResult:
    return ScreeningResult(
        query=query or Query.from_name("Vladimir Putin", schema="Person", id="cust-1"),
        hits=list(hits),
        threshold=0.7,
        algorithm="test-v1",
        list_versions={"us_ofac_sdn": "us_ofac_sdn@2023-12-28#aaaa0001"},
    )


@pytest.fixture()
def store() -> AlertStore:
    return AlertStore("sqlite://")


def test_query_key_ignores_case_spacing_and_lists() -> None:
    a = Query(id="c1", schema="Person", properties={"name": ["Vladimir  PUTIN"]})
    b = Query(id="c1", schema="Person", properties={"name": ["vladimir putin"], "alias": []},
              lists=["us_ofac_sdn"])
    c = Query(id="c2", schema="Person", properties={"name": ["vladimir putin"]})
    d = Query(id="c1", schema="Person", properties={"name": ["vladimir putin"],
                                                     "birthDate": ["1952"]})
    assert query_key(a) == query_key(b)
    assert query_key(a) != query_key(c)
    assert query_key(a) != query_key(d)


def test_entity_fingerprint_changes_with_content_only() -> None:
    base = entity_fingerprint("Person", {"name": ["A", "B"], "modifiedAt": ["2024-01-01"]})
    assert base == entity_fingerprint("Person", {"name": ["B", "A"], "modifiedAt": ["2025-05-05"]})
    assert base != entity_fingerprint("Person", {"name": ["A", "B", "C"]})
    assert base != entity_fingerprint("Organization", {"name": ["A", "B"]})


def test_open_alert_records_hit_and_audit_event(store: AlertStore) -> None:
    outcomes = store.record_result(_result(_hit(), _hit("us_ofac_sdn-1", 0.4, match=False)))
    assert [o.outcome for o in outcomes] == ["opened"]
    alert = store.get_alert(outcomes[0].alert_id)
    assert alert.status == "open"
    assert alert.entity_id == "us_ofac_sdn-35096"
    assert alert.list_id == "us_ofac_sdn"
    assert alert.list_version_id == "us_ofac_sdn@2023-12-28#aaaa0001"
    assert alert.score == pytest.approx(0.93)
    assert alert.query.names == ["Vladimir Putin"]
    assert alert.explanation.summary == "name: 2 of 3 parts exact"
    events = store.audit_trail(alert.id)
    assert [e.event for e in events] == ["opened"]
    assert events[0].list_version_id == "us_ofac_sdn@2023-12-28#aaaa0001"
    assert events[0].detail["score"] == pytest.approx(0.93)


def test_list_version_taken_from_result_when_hit_has_none(store: AlertStore) -> None:
    (outcome,) = store.record_result(_result(_hit(version=None)))
    assert store.get_alert(outcome.alert_id).list_version_id == "us_ofac_sdn@2023-12-28#aaaa0001"


def test_hit_without_any_list_version_is_refused(store: AlertStore) -> None:
    result = _result(_hit(version=None))
    result.list_versions = {}
    with pytest.raises(QueryError, match="no list version"):
        store.record_result(result)


def test_duplicate_hit_does_not_open_second_alert(store: AlertStore) -> None:
    first = store.record_result(_result(_hit()))[0]
    again = store.record_result(_result(_hit()))[0]
    assert again.outcome == "duplicate"
    assert again.alert_id == first.alert_id
    assert store.count_alerts() == 1
    # same version again: no audit noise
    assert [e.event for e in store.audit_trail(first.alert_id)] == ["opened"]
    # a new list version: one "rescreened" event tied to it
    newer = store.record_result(_result(_hit(version="us_ofac_sdn@2024-04-02#bbbb0002")))[0]
    assert newer.outcome == "duplicate"
    events = store.audit_trail(first.alert_id)
    assert [e.event for e in events] == ["opened", "rescreened"]
    assert events[1].list_version_id == "us_ofac_sdn@2024-04-02#bbbb0002"


def test_false_positive_not_realerted_while_entity_unchanged(store: AlertStore) -> None:
    first = store.record_result(_result(_hit()))[0]
    decision = store.decide(first.alert_id, "false-positive", analyst="ana",
                            comment="different birth date")
    assert decision.decision == "false_positive"
    assert store.get_alert(first.alert_id).status == "false_positive"

    later = store.record_result(_result(_hit(version="us_ofac_sdn@2024-04-02#bbbb0002")))[0]
    assert later.outcome == "suppressed"
    assert later.alert_id == first.alert_id
    assert store.count_alerts() == 1
    events = store.audit_trail(first.alert_id)
    assert [e.event for e in events] == ["opened", "decided", "suppressed"]
    assert events[2].list_version_id == "us_ofac_sdn@2024-04-02#bbbb0002"
    assert events[2].detail["entity_changed"] is False


def test_realert_when_entity_changed_in_later_version(store: AlertStore) -> None:
    first = store.record_result(_result(_hit()))[0]
    store.decide(first.alert_id, "false_positive", analyst="ana")
    changed = dict(PUTIN_PROPS, alias=["Vladimir PUTIN"])
    later = store.record_result(
        _result(_hit(props=changed, version="us_ofac_sdn@2024-05-03#cccc0003"))
    )[0]
    assert later.outcome == "reopened"
    assert later.alert_id != first.alert_id
    assert later.previous_alert_id == first.alert_id
    alert = store.get_alert(later.alert_id)
    assert alert.status == "open"
    assert alert.list_version_id == "us_ofac_sdn@2024-05-03#cccc0003"
    (opened,) = store.audit_trail(later.alert_id)
    assert opened.detail["previous_alert_id"] == first.alert_id
    assert "entity changed" in opened.detail["reason"]


def test_other_query_is_alerted_separately(store: AlertStore) -> None:
    store.record_result(_result(_hit()))
    other = Query.from_name("Vladimir Putin", schema="Person", id="cust-2")
    (outcome,) = store.record_result(_result(_hit(), query=other))
    assert outcome.outcome == "opened"
    assert store.count_alerts(status="open") == 2


def test_decisions_are_kept_and_latest_sets_status(store: AlertStore) -> None:
    (outcome,) = store.record_result(_result(_hit()))
    store.decide(outcome.alert_id, "false_positive", analyst="ana", comment="DOB differs")
    store.decide(outcome.alert_id, "true_match", analyst="ben", comment="passport agrees")
    alert = store.get_alert(outcome.alert_id)
    assert alert.status == "true_match"
    assert [(d.decision, d.analyst, d.comment) for d in alert.decisions] == [
        ("false_positive", "ana", "DOB differs"),
        ("true_match", "ben", "passport agrees"),
    ]
    assert [a.id for a in store.list_alerts(status="true_match")] == [outcome.alert_id]
    assert store.list_alerts(status="open") == []


@pytest.mark.parametrize(
    ("decision", "analyst", "comment", "field"),
    [
        ("maybe", "ana", "", "decision"),
        ("true_match", "   ", "", "analyst"),
        ("true_match", "a" * 201, "", "analyst"),
        ("true_match", "ana", "x" * 5001, "comment"),
    ],
)
def test_decide_rejects_bad_input(
    store: AlertStore, decision: str, analyst: str, comment: str, field: str
) -> None:
    (outcome,) = store.record_result(_result(_hit()))
    with pytest.raises(QueryError, match=f"field {field}"):
        store.decide(outcome.alert_id, decision, analyst=analyst, comment=comment)


def test_unknown_alert_is_not_found(store: AlertStore) -> None:
    with pytest.raises(NotFoundError, match="alert 42"):
        store.get_alert(42)
    with pytest.raises(NotFoundError):
        store.decide(42, "true_match", analyst="ana")
    with pytest.raises(NotFoundError):
        store.audit_trail(42)


def test_unknown_status_filter_is_a_query_error(store: AlertStore) -> None:
    with pytest.raises(QueryError, match="field status"):
        store.list_alerts(status="closed")


def test_audit_trail_is_append_only_on_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "alerts.db"
    store = AlertStore(f"sqlite:///{path}")
    (outcome,) = store.record_result(_result(_hit()))
    store.decide(outcome.alert_id, "true_match", analyst="ana")
    store.close()
    conn = sqlite3.connect(path)
    try:
        for sql in (
            "UPDATE audit_event SET actor = 'mallory'",
            "DELETE FROM audit_event",
            "UPDATE alert_decision SET decision = 'false_positive'",
            "DELETE FROM alert_decision",
        ):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(sql)
    finally:
        conn.close()
    reopened = AlertStore(f"sqlite:///{path}")
    assert [e.event for e in reopened.audit_trail()] == ["opened", "decided"]
    with reopened.engine.connect() as conn2, pytest.raises(DatabaseError):
        conn2.exec_driver_sql("DELETE FROM audit_event")


def test_audit_trail_by_list_version(store: AlertStore) -> None:
    store.record_result(_result(_hit()))
    store.record_result(_result(_hit(version="us_ofac_sdn@2024-04-02#bbbb0002")))
    v2 = store.audit_trail(list_version_id="us_ofac_sdn@2024-04-02#bbbb0002")
    assert [e.event for e in v2] == ["rescreened"]


# --------------------------------------------------------------------------- user findings


@pytest.mark.parametrize(
    "variant",
    ["Kim Jong-Un", "KIM, Jong Un", "kim  jong un", "Kim Jong Un.", "Kím Jong Un"],
)
def test_query_key_uses_the_screening_name_normalisation(variant: str) -> None:
    base = Query(id="cust-7", schema="Person", properties={"name": ["Kim Jong Un"]})
    other = Query(id="cust-7", schema="Person", properties={"name": [variant]})
    assert query_key(base) == query_key(other)
    # a really different name, or another customer, stays another query
    assert query_key(base) != query_key(
        Query(id="cust-7", schema="Person", properties={"name": ["Kim Jong Il"]})
    )
    assert query_key(base) != query_key(
        Query(id="cust-8", schema="Person", properties={"name": [variant]})
    )


def test_renamed_customer_keeps_the_earlier_decision(store: AlertStore) -> None:
    kim = _hit("us_ofac_sdn-2", props={"name": ["KIM Jong Un"]})
    first = store.record_result(_result(kim, query=Query.from_name(
        "Kim Jong Un", schema="Person", id="cust-7")))[0]
    store.decide(first.alert_id, "false_positive", analyst="ana")
    renamed = Query.from_name("Kim Jong-Un", schema="Person", id="cust-7")
    (again,) = store.record_result(_result(kim, query=renamed))
    assert again.outcome == "suppressed"
    assert again.alert_id == first.alert_id
    assert store.count_alerts() == 1


def test_confirmed_true_match_is_reported_as_known_not_suppressed(store: AlertStore) -> None:
    first = store.record_result(_result(_hit()))[0]
    store.decide(first.alert_id, "true_match", analyst="ana", comment="passport agrees")
    later = store.record_result(_result(_hit(version="us_ofac_sdn@2024-04-02#bbbb0002")))[0]
    assert later.outcome == "known_true_match"
    assert later.alert_id == first.alert_id
    assert store.count_alerts() == 1
    events = store.audit_trail(first.alert_id)
    assert [e.event for e in events] == ["opened", "decided", "rescreened"]
    assert "decided true_match" in events[2].detail["reason"]


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [("true_match", "true_match"), ("true-match", "true_match"), ("True Match", "true_match"),
     ("FALSE-POSITIVE", "false_positive"), ("false_positive", "false_positive")],
)
def test_both_spellings_of_decisions_and_statuses(
    store: AlertStore, spelling: str, expected: str
) -> None:
    assert parse_decision(spelling) == expected
    assert parse_status(spelling) == expected
    (outcome,) = store.record_result(_result(_hit()))
    assert store.decide(outcome.alert_id, spelling, analyst="ana").decision == expected
    assert [a.id for a in store.list_alerts(status=spelling)] == [outcome.alert_id]
    assert store.count_alerts(status=spelling) == 1
    assert parse_status("OPEN") == "open"
    with pytest.raises(QueryError, match="field status") as caught:
        parse_status("closed")
    assert caught.value.field == "status"


def test_decision_keeps_the_identity_and_the_display_name_apart(store: AlertStore) -> None:
    (outcome,) = store.record_result(_result(_hit()))
    decision = store.decide(outcome.alert_id, "false_positive", analyst="alice",
                            display_name="the-ceo", actor="alice via k_0123456789ab")
    assert (decision.analyst, decision.display_name) == ("alice", "the-ceo")
    (stored,) = store.get_alert(outcome.alert_id).decisions
    assert (stored.analyst, stored.display_name) == ("alice", "the-ceo")
    event = store.audit_trail(outcome.alert_id)[-1]
    assert event.actor == "alice via k_0123456789ab"
    assert event.detail["analyst"] == "alice"
    assert event.detail["display_name"] == "the-ceo"


def test_audit_of_an_unknown_list_version_is_an_error(store: AlertStore) -> None:
    store.record_result(_result(_hit()))
    with pytest.raises(NotFoundError, match="list version 'bogus' is not known"):
        store.audit_trail(list_version_id="bogus")
    assert len(store.audit_trail(list_version_id="us_ofac_sdn@2023-12-28#aaaa0001")) == 1


def test_audit_of_a_stored_version_without_events_is_empty(tmp_path: Path) -> None:
    from datetime import date

    from screenwise.entities import make_entity
    from screenwise.sources.base import ParsedList
    from screenwise.store.versions import ListStore

    url = f"sqlite:///{tmp_path / 'sw.db'}"
    entity = make_entity("us_ofac_sdn", "1", "Person")
    entity.add("name", "Somebody Listed")
    result = ListStore(url).load(ParsedList("us_ofac_sdn", [entity], "a" * 64,
                                            date(2024, 1, 1), "x.csv", "test"))
    assert result.version is not None
    assert AlertStore(url).audit_trail(list_version_id=result.version.version_id) == []


def test_stores_keyed_by_the_old_scheme_are_rekeyed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    store = AlertStore(url)
    (outcome,) = store.record_result(_result(_hit(), query=Query.from_name(
        "Kim Jong Un", schema="Person", id="cust-7")))
    with store.engine.begin() as conn:  # as an older release left it
        conn.exec_driver_sql("UPDATE alert SET query_key = 'old-scheme-key'")
        conn.exec_driver_sql("DELETE FROM alert_meta")
    store.close()
    reopened = AlertStore(url)
    renamed = Query.from_name("KIM Jong-Un", schema="Person", id="cust-7")
    (again,) = reopened.record_result(_result(_hit(), query=renamed))
    assert again.outcome == "duplicate"
    assert again.alert_id == outcome.alert_id


def test_listed_alerts_carry_their_decisions(store: AlertStore) -> None:
    first = store.record_result(_result(_hit()))[0]
    store.decide(first.alert_id, "true_match", analyst="ana")
    store.decide(first.alert_id, "false_positive", analyst="bob", comment="second look")
    (listed,) = store.list_alerts(status=None)
    assert [(d.decision, d.analyst) for d in listed.decisions] == [
        ("true_match", "ana"),
        ("false_positive", "bob"),
    ]
    assert listed.status == "false_positive"
