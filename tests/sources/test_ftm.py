"""FollowTheMoney JSON lines parser: entity files and delta files, hand-written."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from followthemoney import ValueEntity

from screenwise.errors import ListParseError
from screenwise.sources.ftm import FTM, FtmParsedList

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ftm"
ENTITIES = FIXTURES / "entities.ftm.json"
DELTA = FIXTURES / "entities.delta.json"


def _by_id(parsed: FtmParsedList) -> dict[str, ValueEntity]:
    return {str(e.id): e for e in parsed.entities}


def _write(tmp_path: Path, data: bytes, name: str = "entities.ftm.json") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_keeps_list_schemata_with_published_ids() -> None:
    parsed = FTM.parse({"entities": ENTITIES})
    assert parsed.list_id == "ex_list"
    assert parsed.format == "ftm-json"
    assert parsed.complete is True
    assert [e.id for e in parsed.entities] == ["ex-person-1", "ex-org-1"]
    assert all(e.datasets == {"ex_list"} for e in parsed.entities)
    assert parsed.deleted == []


def test_sanction_address_and_passport_enrich_the_listed_entity() -> None:
    person = _by_id(FTM.parse({"entities": ENTITIES}))["ex-person-1"]
    assert person.get("program") == ["RUS"]
    assert person.get("createdAt") == ["2022-02-28"]
    assert person.get("address") == ["1 Example Street, Moscow"]
    assert person.get("passportNumber") == ["7100001"]
    assert person.get("alias") == ["Sergey Samplov"]
    assert person.referents == {"old-person-1"}


def test_list_id_given_by_caller() -> None:
    parsed = FTM.parse({"entities": ENTITIES}, list_id="my_list")
    assert parsed.list_id == "my_list"
    assert all(e.datasets == {"my_list"} for e in parsed.entities)


def test_mixed_datasets_take_the_folder_name_with_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "Some-Export"
    folder.mkdir()
    data = ENTITIES.read_bytes().replace(
        b'"ex-org-1","schema":"Organization","properties":{"name":["Example Bank PJSC"]},"datasets":["ex_list"]',
        b'"ex-org-1","schema":"Organization","properties":{"name":["Example Bank PJSC"]},"datasets":["other"]',
    )
    path = _write(folder, data)
    parsed = FTM.parse({"entities": path})
    assert parsed.list_id == "some_export"
    assert len(parsed.warnings) == 1 and "--list-id" in parsed.warnings[0]


def test_delta_gives_entities_and_deleted_ids() -> None:
    parsed = FTM.parse({"delta": DELTA})
    assert parsed.format == "ftm-delta"
    assert parsed.complete is False
    assert parsed.deleted == ["ex-person-1"]
    entities = _by_id(parsed)
    assert sorted(entities) == ["ex-org-1", "ex-person-2"]
    assert entities["ex-org-1"].get("alias") == ["ExBank"]
    assert entities["ex-org-1"].get("program") == ["UKR"]
    assert entities["ex-org-1"].get("createdAt") == ["2014-07-31"]


def test_gzip_delta(tmp_path: Path) -> None:
    path = _write(tmp_path, gzip.compress(DELTA.read_bytes()), "entities.delta.json.gz")
    assert FTM.parse({"delta": path}).deleted == ["ex-person-1"]


def test_identify() -> None:
    assert FTM.identify("x.json", ENTITIES.read_bytes()[:8192]) == "entities"
    assert FTM.identify("x.json", DELTA.read_bytes()[:8192]) == "delta"
    assert FTM.identify("entities.delta.json.gz", b"") == "delta"
    assert FTM.identify("notes.json", b'["a", "b"]') is None


def test_line_that_is_not_json_names_file_and_line(tmp_path: Path) -> None:
    lines = ENTITIES.read_bytes().splitlines(keepends=True)
    lines[2] = b'{"id": "addr-1", "schema": "Address", \n'
    path = _write(tmp_path, b"".join(lines))
    with pytest.raises(ListParseError) as err:
        FTM.parse({"entities": path})
    assert err.value.line == 3
    assert f"{path} line 3: not JSON" in str(err.value)


def test_unknown_schema_names_record_and_field(tmp_path: Path) -> None:
    data = ENTITIES.read_bytes().replace(b'"schema":"Organization"', b'"schema":"Spaceship"')
    path = _write(tmp_path, data)
    with pytest.raises(ListParseError) as err:
        FTM.parse({"entities": path})
    assert (err.value.line, err.value.record, err.value.field) == (5, "ex-org-1", "schema")


def test_unknown_delta_op(tmp_path: Path) -> None:
    data = DELTA.read_bytes().replace(b'"op":"DEL"', b'"op":"DROP"')
    path = _write(tmp_path, data, "entities.delta.json")
    with pytest.raises(ListParseError) as err:
        FTM.parse({"delta": path})
    assert (err.value.line, err.value.field) == (4, "op")


def test_wrong_encoding_names_line(tmp_path: Path) -> None:
    data = ENTITIES.read_bytes().replace(b"Sergey Samplov", b"Sergey \x96 Samplov")
    path = _write(tmp_path, data)
    with pytest.raises(ListParseError) as err:
        FTM.parse({"entities": path})
    assert err.value.line == 1


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"<!DOCTYPE html><html>Forbidden</html>", "HTML page"),
        (gzip.compress(b'{"id": "x", "schema": "Person"}\n' * 300)[:40], "truncated gzip"),
    ],
)
def test_unreadable_files_are_refused(tmp_path: Path, data: bytes, reason: str) -> None:
    path = _write(tmp_path, data, "entities.ftm.json.gz")
    with pytest.raises(ListParseError) as err:
        FTM.parse({"entities": path})
    assert reason in str(err.value)
    assert str(path) in str(err.value)
