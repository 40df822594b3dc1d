"""EU Financial Sanctions File parser, on hand-written files in the FSF export XML format."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pytest
from followthemoney import ValueEntity

from screenwise.errors import ListParseError
from screenwise.sources.eu_fsf import EU_FSF

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "eu"
GOOD = FIXTURES / "export.xml"


def _entities(path: Path = GOOD) -> dict[str, ValueEntity]:
    return {str(e.id): e for e in EU_FSF.parse({"xml": path}).entities}


def _write(tmp_path: Path, data: bytes, name: str = "export.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_parses_entities_with_logical_id() -> None:
    parsed = EU_FSF.parse({"xml": GOOD})
    assert parsed.list_id == "eu_fsf"
    assert parsed.published == date(2025, 2, 3)
    assert parsed.format == "eu-fsf-xml"
    assert [e.id for e in parsed.entities] == ["eu_fsf-9001", "eu_fsf-9002", "eu_fsf-9003"]
    assert parsed.schema_counts() == {"Person": 2, "Organization": 1}


def test_person_names_strong_and_weak() -> None:
    person = _entities()["eu_fsf-9001"]
    assert person.get("name") == ["Sergei Petrovich SAMPLOV"]
    assert person.get("alias") == ["Сергей Петрович САМПЛОВ"]
    assert person.get("weakAlias") == ["Serioja"]


def test_person_details() -> None:
    person = _entities()["eu_fsf-9001"]
    assert person.get("birthDate") == ["1962-05-04"]
    assert person.get("birthPlace") == ["Moscow, RUSSIAN FEDERATION"]
    assert person.get("citizenship") == ["ru"]
    assert person.get("passportNumber") == ["7100001"]
    assert person.get("gender") == ["male"]
    assert person.get("position") == ["Deputy Minister"]
    assert person.get("program") == ["RUS"]
    assert person.get("createdAt") == ["2022-02-28"]
    assert "Member of the example council." in person.get("notes")


def test_listing_date_falls_back_to_first_regulation() -> None:
    bank = _entities()["eu_fsf-9002"]
    assert bank.get("createdAt") == ["2014-07-31"]
    assert bank.get("program") == ["UKR", "RUS"]
    assert bank.get("registrationNumber") == ["1027700000001"]
    assert bank.get("address") == ["1 Bank Street, 101000, Moscow, RUSSIAN FEDERATION"]


def test_circa_year_and_year_range() -> None:
    person = _entities()["eu_fsf-9003"]
    assert person.get("birthDate") == ["1970", "1968", "1969"]
    assert person.get("birthPlace") == []


def test_identify() -> None:
    assert EU_FSF.identify("content", GOOD.read_bytes()[:8192]) == "xml"
    assert EU_FSF.identify("consolidated.xml", b"<?xml version='1.0'?><CONSOLIDATED_LIST>") is None


def test_file_without_namespace_reads_the_same(tmp_path: Path) -> None:
    data = GOOD.read_bytes().replace(b' xmlns="http://eu.europa.ec/fpi/fsd/export"', b"")
    path = _write(tmp_path, data)
    assert [e.to_dict() for e in EU_FSF.parse({"xml": path}).entities] == [
        e.to_dict() for e in EU_FSF.parse({"xml": GOOD}).entities
    ]


def test_unknown_subject_type_names_line_record_and_field() -> None:
    path = FIXTURES / "export-unknown-subject.xml"
    with pytest.raises(ListParseError) as err:
        EU_FSF.parse({"xml": path})
    assert (err.value.line, err.value.record, err.value.field) == (19, "9002", "subjectType")
    assert "unknown subject type 'vessel'" in str(err.value)
    assert "export-unknown-subject.xml line 19 record 9002 field subjectType" in str(err.value)


def test_missing_logical_id(tmp_path: Path) -> None:
    data = GOOD.read_bytes().replace(b' logicalId="9003"', b"")
    path = _write(tmp_path, data)
    with pytest.raises(ListParseError) as err:
        EU_FSF.parse({"xml": path})
    assert (err.value.line, err.value.record, err.value.field) == (25, "EU.9003.03", "logicalId")


def test_entity_without_name(tmp_path: Path) -> None:
    data = GOOD.read_bytes().replace(
        b'<nameAlias wholeName="Abu Sample" strong="true" logicalId="8020"/>', b""
    )
    path = _write(tmp_path, data)
    with pytest.raises(ListParseError) as err:
        EU_FSF.parse({"xml": path})
    assert (err.value.record, err.value.field) == ("9003", "nameAlias")


def test_wrong_encoding_names_line(tmp_path: Path) -> None:
    data = GOOD.read_bytes().replace(b"example council.", b"example \x96 council.")
    path = _write(tmp_path, data)
    with pytest.raises(ListParseError) as err:
        EU_FSF.parse({"xml": path})
    assert err.value.line == 4


def test_external_entity_is_refused(tmp_path: Path) -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE export [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        b"<export><sanctionEntity logicalId='1'>&x;</sanctionEntity></export>"
    )
    path = _write(tmp_path, data)
    with pytest.raises(ListParseError) as err:
        EU_FSF.parse({"xml": path})
    assert "DOCTYPE" in str(err.value)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"<html><body>Maintenance</body></html>", "HTML page"),
        (gzip.compress(b"<export>" + b"<sanctionEntity/>" * 500)[:50], "truncated gzip"),
    ],
)
def test_unreadable_files_are_refused(tmp_path: Path, data: bytes, reason: str) -> None:
    path = _write(tmp_path, data, "export.xml.gz")
    with pytest.raises(ListParseError) as err:
        EU_FSF.parse({"xml": path})
    assert reason in str(err.value)
    assert str(path) in str(err.value)
