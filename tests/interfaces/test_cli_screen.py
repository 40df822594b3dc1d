"""``screenwise screen | screen-file | explain | compare`` through CliRunner on a tiny store.

The store is a temporary SQLite file holding one hand-built list version of three
entities (a person, an organisation, a vessel), loaded through the store's public API.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from screenwise.cli.main import cli
from screenwise.entities import make_entity
from screenwise.sources.base import ParsedList, hash_contents
from screenwise.store.versions import ListStore


@pytest.fixture
def db(tmp_path: Path) -> str:
    kim = make_entity("us_ofac_sdn", "20157", "Person")
    kim.add("name", "KIM, Jong Un")
    kim.add("birthDate", "1984-01-08")
    kim.add("program", "DPRK3")
    emma = make_entity("us_ofac_sdn", "29857", "Organization")
    emma.add("name", "EMMA LLC")
    ship = make_entity("us_ofac_sdn", "9999", "Vessel")
    ship.add("name", "SEA STAR")
    ship.add("imoNumber", "9187629")
    parsed = ParsedList(
        list_id="us_ofac_sdn",
        entities=[kim, emma, ship],
        content_hash=hash_contents([b"fixture"]),
        published=date(2023, 12, 28),
        source="fixture",
        format="fixture",
    )
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with ListStore(url) as store:
        store.load(parsed, force=True)
    return url


def invoke(db: str, tmp_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", db, "--data-dir", str(tmp_path / "data"), *args])


def run(db: str, tmp_path: Path, *args: str) -> str:
    result = invoke(db, tmp_path, *args)
    assert result.exit_code == 0, result.output
    return result.output


def screen_file(db: str, tmp_path: Path, path: Path, out: Path, *options: str) -> str:
    """Run ``screen-file PATH -o OUT --no-progress OPTIONS...`` and return its output."""
    return run(db, tmp_path, "screen-file", str(path), "-o", str(out), "--no-progress", *options)


def test_screen_json(db: str, tmp_path: Path) -> None:
    data = json.loads(run(db, tmp_path, "screen", "Kim Jong-un", "--schema", "Person", "--json"))
    assert data["hits"][0]["entity_id"] == "us_ofac_sdn-20157"
    assert data["hits"][0]["match"] is True
    assert data["hits"][0]["explanation"]["parts"][0]["how"] == "exact"


def test_screen_table_and_no_hit(db: str, tmp_path: Path) -> None:
    assert "1 hit(s)" in run(db, tmp_path, "screen", "KIM JONG UN", "--birth-date", "1984")
    data = json.loads(run(db, tmp_path, "screen", "emma daniels", "--schema", "Person", "--json"))
    assert data["hits"] == []


def test_screen_file_csv_is_resumable(db: str, tmp_path: Path) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "id,full_name,dob\nc1,Kim Jong Un,1984\nc2,Jane Doe,1990\n", encoding="utf-8"
    )
    out = tmp_path / "hits.jsonl"
    screen_file(db, tmp_path, customers, out, "--columns", "name=full_name,birth_date=dob")
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert {"query_id": "c2", "hits": 0} in lines
    assert any(
        line.get("entity_id") == "us_ofac_sdn-20157" and line["query_id"] == "c1" for line in lines
    )
    screen_file(db, tmp_path, customers, out, "--columns", "name=full_name")
    assert len(out.read_text().splitlines()) == len(lines)


def test_screen_file_ftm_jsonl(db: str, tmp_path: Path) -> None:
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        json.dumps(
            {
                "id": "q1",
                "schema": "Vessel",
                "properties": {"name": ["Sea Star"], "imoNumber": ["IMO 9187629"]},
            }
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "hits.jsonl"
    screen_file(db, tmp_path, queries, out)
    line = json.loads(out.read_text().splitlines()[0])
    assert line["entity_id"] == "us_ofac_sdn-9999" and line["score"] > 0.95


def test_explain_shows_parts_and_features(db: str, tmp_path: Path) -> None:
    output = run(
        db,
        tmp_path,
        "explain",
        "Kim Jong Un",
        "us_ofac_sdn-20157",
        "--schema",
        "Person",
        "--birth-date",
        "1984-01-08",
    )
    assert "dob_day" in output and "exact" in output


def test_compare_names_and_file(db: str, tmp_path: Path) -> None:
    data = json.loads(
        run(db, tmp_path, "compare", "ALQAEDA", "AL QAEDA", "--schema", "Organization", "--json")
    )
    assert data["match"] is True
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "pair_id,schema,name1,name2\np1,Company,BELLETECH CORP,11420 CORP.\n", encoding="utf-8"
    )
    line = json.loads(run(db, tmp_path, "compare", "--file", str(pairs)))
    assert line["pair_id"] == "p1" and line["match"] is False


def test_screen_file_alerts_open_once_per_match(db: str, tmp_path: Path) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text("id,name\nc1,Kim Jong Un\nc2,Jane Unlisted\n", encoding="utf-8")
    out = tmp_path / "hits.jsonl"
    screen_file(db, tmp_path, customers, out, "--alerts")
    data = json.loads(run(db, tmp_path, "alerts", "--json"))
    assert [a["entity_id"] for a in data["alerts"]] == ["us_ofac_sdn-20157"]
    assert data["alerts"][0]["list_version_id"].startswith("us_ofac_sdn@2023-12-28")
    # Screening the same file again into a new output opens no second alert.
    screen_file(db, tmp_path, customers, tmp_path / "again.jsonl", "--alerts")
    assert json.loads(run(db, tmp_path, "alerts", "--json"))["total"] == 1


@pytest.mark.parametrize(
    "option", [["--threshold", "1.5"], ["--threshold", "-0.1"], ["--limit", "0"]]
)
def test_screen_rejects_out_of_range_options(db: str, tmp_path: Path, option: list[str]) -> None:
    result = CliRunner().invoke(cli, ["--db", db, "screen", "Kim", *option])
    assert result.exit_code == 2
    assert option[0] in result.output


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--schema", "Banana", "Invalid value for '--schema': 'Banana' is not one of"),
        ("--birth-date", "notadate", "'notadate' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"),
        ("--birth-date", "1984-02-30", "'1984-02-30' is not a date"),
        ("--country", "zz", "'zz' is not a known country"),
        ("--country", "Narnia", "'Narnia' is not a known country"),
    ],
)
def test_screen_rejects_invalid_qualifiers(
    db: str, tmp_path: Path, option: str, value: str, message: str
) -> None:
    result = CliRunner().invoke(
        cli, ["--db", db, "--data-dir", str(tmp_path / "data"), "screen", "Kim", option, value]
    )
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_screen_accepts_country_names_and_any_case_schema(db: str, tmp_path: Path) -> None:
    data = json.loads(
        run(
            db,
            tmp_path,
            "screen",
            "Kim Jong Un",
            "--schema",
            "person",
            "--country",
            "North Korea",
            "--birth-date",
            "1984-01",
            "--json",
        )
    )
    assert data["query"]["schema"] == "Person"
    assert data["query"]["properties"]["country"] == ["kp"]
    assert data["query"]["properties"]["birthDate"] == ["1984-01"]
    assert data["hits"][0]["entity_id"] == "us_ofac_sdn-20157"


def test_screen_table_keeps_ids_whole_off_a_terminal(db: str, tmp_path: Path) -> None:
    output = run(db, tmp_path, "screen", "Kim Jong Un", "--schema", "Person")
    row = next(line for line in output.splitlines() if "us_ofac_sdn-20157" in line)
    assert "KIM, Jong Un" in row and "DPRK3" in row


def test_screen_file_screens_a_record_without_its_bad_qualifier(
    db: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "id,name,birth_date\nc1,Kim Jong Un,unknown\nc2,Jane Unlisted,1990-02-03\n",
        encoding="utf-8",
    )
    out = tmp_path / "hits.jsonl"
    with caplog.at_level("WARNING", logger="screenwise.screening"):
        screen_file(db, tmp_path, customers, out)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {"c1", "c2"} == {line["query_id"] for line in lines}
    assert any(line.get("entity_id") == "us_ofac_sdn-20157" for line in lines)
    assert "customers.csv line 2 column birth_date" in caplog.text


def test_screen_file_skips_a_record_without_a_name(
    db: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text("id,name\nc1,Kim Jong Un\nc2,\nc3,Jane Unlisted\n", encoding="utf-8")
    out = tmp_path / "hits.jsonl"
    with caplog.at_level("WARNING", logger="screenwise.screening"):
        screen_file(db, tmp_path, customers, out)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {line["query_id"] for line in lines if "skipped" not in line} == {"c1", "c3"}
    assert [line["query_id"] for line in lines if "skipped" in line] == ["c2"]
    assert "customers.csv line 3" in caplog.text


def test_screen_file_without_the_name_column_says_how_to_map_it(db: str, tmp_path: Path) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text("customer_no,full_name\n1,Kim Jong Un\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--db", db, "screen-file", str(customers), "-o", str(tmp_path / "o.jsonl")]
    )
    assert result.exit_code == 2
    assert "--columns name=COLUMN" in " ".join(result.output.split())


def test_screen_file_lines_carry_the_matched_name_and_duplicate_ids_are_warned(
    db: str, tmp_path: Path
) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "id,name\nc1,Kim Jong Un\nc1,Jane Doe\nc2,Emma Daniels\n", encoding="utf-8"
    )
    out = tmp_path / "hits.jsonl"
    output = screen_file(db, tmp_path, customers, out)
    assert "'c1' ×2" in output
    hit = next(json.loads(line) for line in out.read_text().splitlines() if "entity_id" in line)
    assert hit["entity_id"] == "us_ofac_sdn-20157"
    assert hit["matched_name"] == "KIM, Jong Un"
    assert hit["caption"] == "KIM, Jong Un"
    assert hit["schema"] == "Person"
    assert hit["list_version"]
    assert "jong~jong exact" in hit["explanation"]


def test_screen_file_accounts_for_every_record(db: str, tmp_path: Path) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "id,name,dob\n\nc1,Kim Jong Un,1984\n\nc2,,1990\nc3,!!! ???,\nc4,Jane Doe,1984-13-45\n",
        encoding="utf-8",
    )
    out = tmp_path / "hits.jsonl"
    output = screen_file(db, tmp_path, customers, out, "--columns", "birth_date=dob")
    lines = {line["query_id"]: line for line in map(json.loads, out.read_text().splitlines())}
    assert set(lines) == {"c1", "c2", "c3", "c4"}
    # Physical line numbers, blank lines counted.
    assert lines["c2"] == {"query_id": "c2", "line": 5, "skipped": "column 'name' is empty"}
    assert "has no letters or digits" in lines["c3"]["skipped"]
    assert lines["c4"] == {"query_id": "c4", "hits": 0}
    assert "2 record(s) not screened" in output


def test_screen_file_reads_other_encodings_and_names_the_bad_line(db: str, tmp_path: Path) -> None:
    customers = tmp_path / "latin1.csv"
    customers.write_bytes("id,name\nc1,Kim Jong Un\nc2,Gerhard Schröder\n".encode("latin-1"))
    out = tmp_path / "hits.jsonl"
    result = invoke(db, tmp_path, "screen-file", str(customers), "-o", str(out), "--no-progress")
    assert result.exit_code == 2
    assert "byte 0xf6 is not valid utf-8 text" in result.output
    assert "latin1.csv line 3 (byte offset 38)" in " ".join(result.output.split())
    screen_file(db, tmp_path, customers, out, "--encoding", "latin-1")
    ids = [json.loads(line)["query_id"] for line in out.read_text().splitlines()]
    assert "c2" in ids


def test_rescreen_reports_hits_of_the_update_with_the_new_version(db: str, tmp_path: Path) -> None:
    kim = make_entity("us_ofac_sdn", "20157", "Person")
    kim.add("name", "KIM, Jong Un")
    kim.add("birthDate", "1984-01-08")
    kim.add("program", "DPRK3")
    peskov = make_entity("us_ofac_sdn", "35320", "Person")
    peskov.add("name", "PESKOV, Dmitry Sergeyevich")
    update = ParsedList(
        list_id="us_ofac_sdn",
        entities=[kim, peskov],
        content_hash=hash_contents([b"update"]),
        published=date(2024, 4, 2),
        source="fixture",
        format="fixture",
    )
    with ListStore(db) as store:
        old_version = store.active_version("us_ofac_sdn")
        new_version = store.load(update, force=True).version
        # The update is reviewed before it serves: the old version stays active.
        store.activate(old_version.version_id)
    assert new_version is not None
    customers = tmp_path / "customers.csv"
    customers.write_text("id,name\nc1,Dmitry Peskov\nc2,Kim Jong Un\nc3,\n", encoding="utf-8")
    out = tmp_path / "rescreen.jsonl"
    output = run(
        db,
        tmp_path,
        "rescreen",
        str(customers),
        "--list",
        "us_ofac_sdn",
        "--to",
        new_version.version_id,
        "-o",
        str(out),
    )
    assert "1 added" in output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    hit = next(line for line in lines if line.get("entity_id") == "us_ofac_sdn-35320")
    assert hit["list_version"] == new_version.version_id
    # Kim is unchanged in the update: not rescreened against him.
    assert {"query_id": "c2", "hits": 0} in lines
    assert any(line.get("skipped") for line in lines if line["query_id"] == "c3")
    # A range the wrong way round is refused, not read as delistings "added".
    backwards = invoke(
        db,
        tmp_path,
        "rescreen",
        str(customers),
        "--list",
        "us_ofac_sdn",
        "--from",
        new_version.version_id,
        "--to",
        old_version.version_id,
    )
    assert backwards.exit_code == 2
    assert "is newer than --to" in backwards.output
    # Without -o the same lines go to standard output.
    printed = run(
        db,
        tmp_path,
        "rescreen",
        str(customers),
        "--list",
        "us_ofac_sdn",
        "--to",
        new_version.version_id,
    )
    assert json.dumps(hit, ensure_ascii=False) in printed
