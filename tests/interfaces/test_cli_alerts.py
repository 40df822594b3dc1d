"""``screenwise alerts``, ``decide``, ``audit`` and ``serve``'s bind check on the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from screenwise.cli.main import cli
from screenwise.cli.serve import check_bind
from screenwise.errors import AuthError
from screenwise.results import Explanation, Hit, Query, ScreeningResult
from screenwise.store.alerts import AlertStore

VERSION = "us_ofac_sdn@2023-12-28#aaaa0001"


@pytest.fixture()
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'sw.db'}"
    store = AlertStore(url)
    hit = Hit(
        entity_id="us_ofac_sdn-2", list_id="us_ofac_sdn", list_version=VERSION,
        schema="Person", caption="KIM Jong Un", score=0.97, match=True,
        explanation=Explanation(query_name="Kim Jong Un", matched_name="KIM Jong Un"),
        properties={"name": ["KIM Jong Un"], "birthDate": ["1984-01-08"]},
    )
    store.record_result(ScreeningResult(
        query=Query.from_name("Kim Jong Un", schema="Person", id="cust-9"),
        hits=[hit], threshold=0.7, algorithm="test-v1",
    ))
    store.close()
    return url


def _run(db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", db, *args], catch_exceptions=False)
    return result.exit_code, result.output


def test_alerts_lists_open_alerts_as_json(db: str) -> None:
    code, out = _run(db, "alerts", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["total"] == 1
    (alert,) = data["alerts"]
    assert (alert["id"], alert["status"], alert["entity_id"]) == (1, "open", "us_ofac_sdn-2")
    assert alert["list_version_id"] == VERSION
    assert alert["query"]["id"] == "cust-9"


def test_alerts_table(db: str) -> None:
    code, out = _run(db, "alerts")
    assert code == 0
    assert "KIM Jong Un" in out and "0.97" in out and "us_ofac_sdn-2" in out


def test_decide_then_audit(db: str) -> None:
    code, out = _run(db, "decide", "1", "false-positive", "--analyst", "ana",
                     "--comment", "born 1990")
    assert code == 0
    assert "false positive by ana" in out
    code, out = _run(db, "alerts", "--json")
    assert json.loads(out)["total"] == 0
    code, out = _run(db, "alerts", "--status", "false_positive", "--json")
    assert [a["id"] for a in json.loads(out)["alerts"]] == [1]
    code, out = _run(db, "audit", "1", "--json")
    events = json.loads(out)["events"]
    assert [e["event"] for e in events] == ["opened", "decided"]
    assert events[1]["actor"] == "ana via cli"
    assert events[1]["detail"]["comment"] == "born 1990"
    assert events[1]["list_version_id"] == VERSION
    code, out = _run(db, "audit")
    assert code == 0 and "decided" in out


def test_decide_unknown_alert_exits_with_not_found(db: str) -> None:
    result = CliRunner().invoke(cli, ["--db", db, "decide", "9", "true-match", "--analyst", "a"])
    assert result.exit_code == 6
    assert "alert 9 does not exist" in result.output


def test_decide_needs_a_known_decision(db: str) -> None:
    result = CliRunner().invoke(cli, ["--db", db, "decide", "1", "maybe", "--analyst", "a"])
    assert result.exit_code == 2


def test_every_command_has_help() -> None:
    for command in ("alerts", "decide", "audit", "serve"):
        result = CliRunner().invoke(cli, [command, "--help"])
        assert result.exit_code == 0, command
        assert "Usage:" in result.output


def test_serve_refuses_public_bind_without_keys() -> None:
    check_bind("127.0.0.1", [])
    check_bind("::1", [])
    check_bind("0.0.0.0", ["a-key-of-sixteen-chars"])
    with pytest.raises(AuthError, match=r"refusing to serve on 0\.0\.0\.0"):
        check_bind("0.0.0.0", [])
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"], env={"SCREENWISE_API_KEYS": ""})
    assert result.exit_code == 2
    assert "refusing to serve" in result.output


@pytest.mark.parametrize(
    ("decision", "status"),
    [("true-match", "true_match"), ("true_match", "true-match"), ("False-Positive", "false_positive"),
     ("false_positive", "FALSE-POSITIVE")],
)
def test_decide_and_alerts_accept_both_spellings(db: str, decision: str, status: str) -> None:
    code, out = _run(db, "decide", "1", decision, "--analyst", "ana", "--json")
    assert code == 0
    shown = json.loads(out)["decision"]
    assert shown in ("true_match", "false_positive")
    code, out = _run(db, "alerts", "--status", status, "--json")
    assert code == 0
    data = json.loads(out)
    assert [a["id"] for a in data["alerts"]] == ([1] if shown == status.lower().replace(
        "-", "_") else [])
    assert all(a["status"] == shown for a in data["alerts"])


def test_help_shows_one_spelling(db: str) -> None:
    result = CliRunner().invoke(cli, ["decide", "--help"])
    assert "[true_match|false_positive]" in result.output
    result = CliRunner().invoke(cli, ["alerts", "--help"])
    assert "[open|true_match|false_positive|all]" in result.output


def test_audit_of_an_unknown_version_is_an_error(db: str) -> None:
    result = CliRunner().invoke(cli, ["--db", db, "audit", "--version", "bogus"])
    assert result.exit_code == 6
    assert "list version 'bogus' is not known" in result.output
    code, out = _run(db, "audit", "--version", VERSION, "--json")
    assert code == 0
    assert [e["event"] for e in json.loads(out)["events"]] == ["opened"]
