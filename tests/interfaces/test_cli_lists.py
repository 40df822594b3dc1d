"""``screenwise lists|entity|export`` through click's CliRunner, on a temporary SQLite store.

The list files are tiny hand-written OFAC legacy CSV sets (no header, CRLF line ends,
``-0- `` for empty values, a final DOS EOF byte), written into tmp_path by the test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from screenwise.cli.main import cli

NULL = "-0- "


def ofac_csv(rows: list[list[str]]) -> bytes:
    """Write rows the way OFAC does: quoted text, bare ``-0- `` nulls, CRLF, 0x1A line."""
    lines = []
    for row in rows:
        cells = [c if c == NULL or c.isdigit() else f'"{c}"' for c in row]
        lines.append(",".join(cells))
    return ("\r\n".join(lines) + "\r\n\x1a").encode()


def sdn_row(ent_num: str, name: str, sdn_type: str, program: str, remarks: str) -> list[str]:
    return [ent_num, name, sdn_type, program, *[NULL] * 7, remarks]


KIM = sdn_row("20157", "KIM, Jong Un", "individual", "DPRK3", "DOB 08 Jan 1984.")
BANK = sdn_row("306", "BANCO NACIONAL DE CUBA", NULL, "CUBA", "a.k.a. 'BNC'.")
SHIP = sdn_row("9999", "SEA STAR", "vessel", "IRAN", NULL)
NEW = sdn_row("50001", "NEWCOMER, Ivan", "individual", "RUSSIA-EO14024", NULL)


@pytest.fixture
def lists_dir(tmp_path: Path) -> Path:
    """Two SDN versions: a complete set of 2024-01-10 and a newer sdn.csv alone."""
    folder = tmp_path / "lists" / "ofac"
    folder.mkdir(parents=True)
    (folder / "sdn-2024-01-10.csv").write_bytes(ofac_csv([BANK, KIM, SHIP]))
    (folder / "alt-2024-01-10.csv").write_bytes(
        ofac_csv([["20157", "1", "aka", "KIM Jong-un", NULL]])
    )
    (folder / "add-2024-01-10.csv").write_bytes(
        ofac_csv(
            [
                ["306", "1", "Calle 1", "Havana", "Cuba", NULL],
                ["20157", "2", NULL, "Pyongyang", "Korea, North", NULL],
                ["9999", "3", NULL, NULL, NULL, NULL],
            ]
        )
    )
    (folder / "sdn-2024-02-10.csv").write_bytes(ofac_csv([BANK, KIM, NEW]))
    (tmp_path / "lists" / "notes.txt").write_text("not a list\n")
    return tmp_path / "lists"


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    db = f"sqlite:///{tmp_path / 'store' / 'screenwise.db'}"
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(cli, ["--db", db, *args], catch_exceptions=False)

    return invoke


def test_load_reports_each_version_and_promotes_the_complete_one(run, lists_dir: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("lists", "load", str(lists_dir), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    by_date = {r["version"]["published"]: r for r in data["results"]}
    complete, partial = by_date["2024-01-10"], by_date["2024-02-10"]

    assert complete["status"] == "promoted"
    assert sorted(complete["files"]) == ["add", "alt", "primary"]
    assert complete["version"]["entity_count"] == 3
    assert complete["version"]["schema_counts"] == {"Person": 1, "Organization": 1, "Vessel": 1}
    assert complete["version"]["version_id"].startswith("us_ofac_sdn@2024-01-10#")

    assert partial["status"] == "stored"
    assert sorted(partial["files"]) == ["primary"]
    assert partial["version"]["complete"] is False
    assert "incomplete" in partial["reason"]
    assert [s["path"].endswith("notes.txt") for s in data["skipped"]] == [True]


def test_second_load_is_a_no_op(run, lists_dir: Path) -> None:  # type: ignore[no-untyped-def]
    run("lists", "load", str(lists_dir))
    again = run("lists", "load", str(lists_dir), "--json")
    assert again.exit_code == 0
    assert {r["status"] for r in json.loads(again.output)["results"]} == {"unchanged"}


def test_table_output_names_files_and_reasons(run, lists_dir: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("lists", "load", str(lists_dir))
    assert result.exit_code == 0
    assert "us_ofac_sdn@2024-01-10#" in result.output
    assert "promoted" in result.output and "stored" in result.output
    assert "skipped" in result.output and "notes.txt" in result.output

    active = run("lists")
    table, _, newer = active.output.partition("us_ofac_sdn: 1 newer version not active:")
    assert "us_ofac_sdn@2024-01-10#" in table
    assert "us_ofac_sdn@2024-02-10#" not in table
    # the stale list is visible: the newer version, why it is not active, how to activate it
    assert "us_ofac_sdn@2024-02-10#" in newer
    assert "(inactive, 3 entities, incomplete set): incomplete set" in newer
    assert "screenwise lists activate us_ofac_sdn@2024-02-10#" in newer


def test_active_versions_and_history(run, lists_dir: Path) -> None:  # type: ignore[no-untyped-def]
    run("lists", "load", str(lists_dir))
    active = json.loads(run("lists", "--json").output)
    assert [v["published"] for v in active] == ["2024-01-10"]
    history = json.loads(run("lists", "versions", "us_ofac_sdn", "--json").output)
    assert [(v["published"], v["status"]) for v in history] == [
        ("2024-01-10", "active"),
        ("2024-02-10", "inactive"),
    ]
    missing = run("lists", "versions", "nope")
    assert missing.exit_code == 6
    assert "nope" in missing.output


def test_delta_between_versions(run, lists_dir: Path) -> None:  # type: ignore[no-untyped-def]
    run("lists", "load", str(lists_dir))
    result = run(
        "lists", "delta", "us_ofac_sdn", "--from", "2024-01-10", "--to", "2024-02-10", "--json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["counts"]["added"] == 1 and data["counts"]["removed"] == 1
    assert [a["id"] for a in data["added"]] == ["us_ofac_sdn-50001"]
    assert [r["id"] for r in data["removed"]] == ["us_ofac_sdn-9999"]
    # KIM lost his alias and address (the newer set has no alt/add file)
    changed = {c["id"]: c for c in data["changed"]}
    assert "alias" in changed["us_ofac_sdn-20157"]["properties"]

    text = run("lists", "delta", "us_ofac_sdn", "--from", "2024-01-10", "--to", "2024-02-10")
    assert "+1 added" in text.output and "-1 removed" in text.output


def test_entity_shows_properties_and_provenance(run, lists_dir: Path) -> None:  # type: ignore[no-untyped-def]
    run("lists", "load", str(lists_dir))
    result = run("entity", "us_ofac_sdn-20157", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["schema"] == "Person"
    assert data["properties"]["name"] == ["KIM, Jong Un"]
    assert "KIM Jong-un" in data["properties"]["alias"]
    assert data["provenance"]["list_id"] == "us_ofac_sdn"
    assert data["provenance"]["version_id"].startswith("us_ofac_sdn@2024-01-10#")
    assert data["provenance"]["programs"] == ["DPRK3"]

    table = run("entity", "us_ofac_sdn-20157")
    assert "KIM, Jong Un" in table.output and "DPRK3" in table.output

    missing = run("entity", "us_ofac_sdn-1")
    assert missing.exit_code == 6
    assert "us_ofac_sdn-1" in missing.output


def test_export_writes_ftm_json_lines(run, lists_dir: Path) -> None:  # type: ignore[no-untyped-def]
    run("lists", "load", str(lists_dir))
    result = run("export", "us_ofac_sdn")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 3
    assert all(line.startswith('{"id":"us_ofac_sdn-') for line in lines)
    assert [json.loads(line)["id"] for line in lines] == [
        "us_ofac_sdn-20157",
        "us_ofac_sdn-306",
        "us_ofac_sdn-9999",
    ]
    older = run("export", "us_ofac_sdn", "--version", "2024-02-10")
    assert len(older.output.splitlines()) == 3
    assert "us_ofac_sdn-50001" in older.output


def test_a_bad_file_fails_alone_with_its_reason(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "mixed"
    (folder / "good").mkdir(parents=True)
    (folder / "bad").mkdir()
    (folder / "good" / "sdn.csv").write_bytes(ofac_csv([KIM]))
    # an unknown SDN type on line 2
    (folder / "bad" / "sdn-2024-03-01.csv").write_bytes(
        ofac_csv([KIM, sdn_row("2", "X", "spaceship", "DPRK3", NULL)])
    )
    result = run("lists", "load", str(folder), "--json")
    assert result.exit_code == 3  # ListParseError's exit code
    data = json.loads(result.output)
    statuses = sorted((r["status"], r["list_id"]) for r in data["results"])
    assert statuses == [("failed", "us_ofac_sdn"), ("promoted", "us_ofac_sdn")]
    failed = next(r for r in data["results"] if r["status"] == "failed")
    assert "sdn-2024-03-01.csv" in failed["reason"] and "line 2" in failed["reason"]


def test_force_promotes_an_incomplete_version(run, lists_dir: Path) -> None:  # type: ignore[no-untyped-def]
    run("lists", "load", str(lists_dir))
    newer = lists_dir / "ofac" / "sdn-2024-02-10.csv"
    result = run("lists", "load", str(newer), "--force", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output)["results"][0]["status"] == "promoted"
    active = json.loads(run("lists", "--json").output)
    assert [v["published"] for v in active] == ["2024-02-10"]


# -- what a new user found (load counts, stale lists, exit codes, refs, rollback) ----------


def _people_rows(n: int) -> list[list[str]]:
    return [sdn_row(str(1000 + i), f"PERSON, Number {i}", "individual", "SDGT", NULL) for i in range(n)]


def test_a_shortened_list_loads_with_counts_and_a_prominent_warning(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "short"
    folder.mkdir()
    (folder / "sdn-2024-01-10.csv").write_bytes(ofac_csv(_people_rows(20)))
    first = run("lists", "load", str(folder / "sdn-2024-01-10.csv"))
    assert "entities: first version of us_ofac_sdn: +20 added" in first.output

    (folder / "sdn-2024-02-10.csv").write_bytes(ofac_csv(_people_rows(17)))
    table = run("lists", "load", str(folder / "sdn-2024-02-10.csv"))
    assert table.exit_code == 0, table.output
    assert "promoted" in table.output
    assert "entities: +0 added, -3 removed against us_ofac_sdn@2024-01-10#" in table.output
    warning = next(line for line in table.output.splitlines() if "WARNING:" in line)
    assert "3 of the 20 entities of the previously active version us_ofac_sdn@2024-01-10#" in warning
    assert "(15.0%, more than 10%)" in warning
    assert "screenwise lists activate us_ofac_sdn@2024-01-10#" in warning

    # --json carries it; --warn-drop raises the share
    (folder / "sdn-2024-03-10.csv").write_bytes(ofac_csv(_people_rows(15)))
    data = json.loads(run("lists", "load", str(folder / "sdn-2024-03-10.csv"), "--json").output)
    (result,) = data["results"]
    assert (result["added"], result["removed"]) == (0, 2)
    assert result["drop_warning"] and data["drop_warnings"] == [result["drop_warning"]]
    (folder / "sdn-2024-04-10.csv").write_bytes(ofac_csv(_people_rows(13)))
    quiet = run("lists", "load", str(folder / "sdn-2024-04-10.csv"), "--warn-drop", "0.2", "--json")
    assert json.loads(quiet.output)["results"][0]["drop_warning"] is None


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("random_sdn.csv", b"foo,bar\n", "not a file of any known list format (first line: 'foo,bar')"),
        ("empty.csv", b"", "empty file (0 bytes): not a list file"),
    ],
)
def test_a_path_with_no_list_file_exits_non_zero(run, tmp_path: Path, name: str, content: bytes, reason: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(content)
    result = run("lists", "load", str(path))
    assert result.exit_code == 2
    assert f"skipped {path}: {reason}" in result.output
    assert f"nothing loaded from {path}" in result.output
    data = json.loads(run("lists", "load", str(path), "--json").output)
    assert data["unloaded"] == [str(path)] and data["results"] == []


def test_a_directory_of_unknown_files_exits_non_zero(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "junk"
    folder.mkdir()
    (folder / "a.txt").write_text("hello\n")
    (folder / "b.dat").write_text("x\n")
    result = run("lists", "load", str(folder))
    assert result.exit_code == 2
    assert [line.split(":")[0].rsplit("/", 1)[-1] for line in result.output.splitlines()] == [
        "a.txt",
        "b.dat",
        "junk",
    ]
    assert result.output.splitlines()[-1].startswith(f"nothing loaded from {folder}")


def test_a_file_named_like_a_format_gets_its_parsers_precise_error(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "bad"
    folder.mkdir()
    # the first row has 2 fields: it sniffs as a comments file, but the name says sdn.csv
    (folder / "sdn.csv").write_bytes(ofac_csv([["20157", "KIM, Jong Un"], KIM]))
    result = run("lists", "load", str(folder / "sdn.csv"), "--json")
    assert result.exit_code == 3
    (failed,) = json.loads(result.output)["results"]
    assert failed["status"] == "failed"
    assert failed["reason"].endswith("sdn.csv line 1 field SDN_Type: row has 2 fields, expected 12")
    assert "read as that format because of its file name" in failed["notes"][0]


def test_list_id_filter_names_the_list_a_file_belongs_to(run, lists_dir: Path) -> None:  # type: ignore[no-untyped-def]
    path = lists_dir / "ofac" / "sdn-2024-02-10.csv"
    result = run("lists", "load", "--list-id", "un_sc_sanctions", str(path))
    assert result.exit_code == 2
    assert "a file of us_ofac_sdn (primary): not loaded because of --list-id un_sc_sanctions" in (
        result.output
    )


def test_an_unregistered_list_id_names_the_list_the_file_belongs_to(run, lists_dir: Path) -> None:  # type: ignore[no-untyped-def]
    path = lists_dir / "ofac" / "sdn-2024-02-10.csv"
    result = run("lists", "load", "--list-id", "foo_bar", str(path), "--json")
    assert result.exit_code == 2
    (skipped,) = json.loads(result.output)["skipped"]
    assert skipped["reason"] == (
        "a file of us_ofac_sdn (primary): not loaded because of --list-id foo_bar "
        "(not a registered list: it only names FtM JSON files' list)"
    )


def test_lists_shows_newer_inactive_versions_and_the_age(run, lists_dir: Path) -> None:  # type: ignore[no-untyped-def]
    run("lists", "load", str(lists_dir))
    data = json.loads(run("lists", "--json").output)
    (sdn,) = data
    assert sdn["published"] == "2024-01-10"
    assert isinstance(sdn["age_days"], int) and sdn["age_days"] > 0
    (newer,) = sdn["newer_versions"]
    assert newer["published"] == "2024-02-10" and newer["status"] == "inactive"
    assert newer["reason"].startswith("incomplete set (files present: primary)")
    table = run("lists").output
    assert f"{sdn['age_days']:,} days" in table


def test_entity_takes_dates_and_hash_prefixes_and_blames_a_bad_version(run, lists_dir: Path) -> None:  # type: ignore[no-untyped-def]
    run("lists", "load", str(lists_dir))
    versions = json.loads(run("lists", "versions", "us_ofac_sdn", "--json").output)
    newer = next(v for v in versions if v["published"] == "2024-02-10")
    for ref in ("2024-02-10", newer["content_hash"][:8], newer["version_id"]):
        result = run("entity", "us_ofac_sdn-50001", "--version", ref, "--json")
        assert result.exit_code == 0, (ref, result.output)
        assert json.loads(result.output)["provenance"]["version_id"] == newer["version_id"]
    bogus = run("entity", "us_ofac_sdn-20157", "--version", "bogus")
    assert bogus.exit_code == 6
    assert "no version of us_ofac_sdn matches 'bogus'" in bogus.output
    absent = run("entity", "us_ofac_sdn-9999", "--version", "2024-02-10")
    assert absent.exit_code == 6
    assert f"entity 'us_ofac_sdn-9999' not found in version {newer['version_id']}" in absent.output


def test_lists_activate_rolls_back_and_a_reload_says_how(run, lists_dir: Path) -> None:  # type: ignore[no-untyped-def]
    run("lists", "load", str(lists_dir))
    newer = lists_dir / "ofac" / "sdn-2024-02-10.csv"
    run("lists", "load", str(newer), "--force")
    complete = next(
        v["version_id"]
        for v in json.loads(run("lists", "versions", "us_ofac_sdn", "--json").output)
        if v["published"] == "2024-01-10"
    )
    again = run("lists", "load", str(lists_dir / "ofac"))
    assert f"to make it active: screenwise lists activate {complete}" in again.output

    result = run("lists", "activate", "us_ofac_sdn@2024-01-10")
    assert result.exit_code == 0, result.output
    assert f"us_ofac_sdn: {complete} is now the active version (was us_ofac_sdn@2024-02-10#" in (
        result.output
    )
    assert "+1 added, -1 removed against us_ofac_sdn@2024-02-10#" in result.output
    assert [v["version_id"] for v in json.loads(run("lists", "--json").output)] == [complete]
    same = run("lists", "activate", complete, "--json")
    assert json.loads(same.output)["status"] == "unchanged"
    unknown = run("lists", "activate", "us_ofac_sdn@1999-01-01")
    assert unknown.exit_code == 6


@pytest.mark.parametrize(
    "args",
    [("lists",), ("entity", "us_ofac_sdn-20157"), ("export", "us_ofac_sdn"), ("lists", "versions", "x")],
)
def test_read_only_commands_do_not_create_a_mistyped_store(tmp_path: Path, args: tuple[str, ...]) -> None:
    typo = tmp_path / "tpyo" / "screenwise.db"
    result = CliRunner().invoke(cli, ["--db", f"sqlite:///{typo}", *args])
    assert result.exit_code == 8
    assert "no screenwise store here yet" in result.output
    assert "Traceback" not in result.output
    assert not typo.exists()


def test_tables_off_a_terminal_keep_ids_and_words_whole(run, lists_dir: Path) -> None:  # type: ignore[no-untyped-def]
    loaded = run("lists", "load", str(lists_dir))
    # one line each, not folded at 80 columns
    assert "; 3 entities: Organization 1, Person 1, Vessel 1\n" in loaded.output
    assert (
        "incomplete set (files present: primary) is not promoted over the complete active "
        "version us_ofac_sdn@2024-01-10#"
    ) in loaded.output
    table = run("lists").output
    version_id = json.loads(run("lists", "--json").output)[0]["version_id"]
    assert version_id in table
