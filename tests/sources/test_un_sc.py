"""UN Security Council consolidated list parser, on hand-written files in the UN XML format."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pytest
from followthemoney import ValueEntity

from screenwise.errors import ListParseError
from screenwise.sources.base import ParsedList
from screenwise.sources.un_sc import UN_SC_SANCTIONS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "un"
GOOD = FIXTURES / "consolidated.xml"


def _parse(path: Path) -> ParsedList:
    return UN_SC_SANCTIONS.parse({"xml": path})


def _entities(path: Path = GOOD) -> dict[str, ValueEntity]:
    return {str(e.id): e for e in _parse(path).entities}


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_parses_people_and_entities_with_reference_number_ids() -> None:
    parsed = _parse(GOOD)
    assert parsed.list_id == "un_sc_sanctions"
    assert parsed.published == date(2025, 1, 15)
    assert parsed.format == "un-xml"
    assert parsed.schema_counts() == {"Person": 2, "Organization": 1}
    assert [e.id for e in parsed.entities] == [
        "un_sc_sanctions-KPi.901",
        "un_sc_sanctions-QDi.901",
        "un_sc_sanctions-KPe.901",
    ]


def test_person_names_keep_published_order_and_alias_quality() -> None:
    person = _entities()["un_sc_sanctions-KPi.901"]
    assert person.get("name") == ["HONG GIL DONG"]
    assert person.get("alias") == ["홍길동", "Hong Kil Tong"]
    assert person.get("weakAlias") == ["Gildong"]
    assert person.get("previousName") == ["Hong Old Name"]


def test_person_details() -> None:
    person = _entities()["un_sc_sanctions-KPi.901"]
    get = person.get
    assert get("birthDate") == ["1964-07-17", "1962", "1963", "1964"]
    assert get("birthPlace") == ["Kaesong, Democratic People's Republic of Korea"]
    assert get("nationality") == ["kp"]
    assert get("passportNumber") == ["381310999"]
    assert get("idNumber") == ["ID-77"]
    assert get("program") == ["DPRK"]
    assert get("createdAt") == ["2016-11-30"]
    assert get("modifiedAt") == ["2019-03-04"]
    assert get("position") == ["Bank representative"]
    assert get("title") == ["Dr."]
    assert get("gender") == ["male"]
    assert "Official of a listed bank." in get("notes")
    assert get("address") == [
        "12 Example Street, Pyongyang, Democratic People's Republic of Korea (as of 2016)"
    ]


def test_approximate_year_and_aka() -> None:
    person = _entities()["un_sc_sanctions-QDi.901"]
    assert person.get("birthDate") == ["1970"]
    assert person.get("alias") == ["Abu Sample"]


def test_identify_by_content_and_name() -> None:
    head = GOOD.read_bytes()[:8192]
    assert UN_SC_SANCTIONS.identify("whatever.xml", head) == "xml"
    assert UN_SC_SANCTIONS.identify("consolidatedLegacyByPRN.xml.gz", b"") == "xml"
    assert UN_SC_SANCTIONS.identify("sdn.xml", b"<?xml version='1.0'?><sdnList>") is None


def test_gzip_input_parses_the_same(tmp_path: Path) -> None:
    path = _write(tmp_path, "consolidated.xml.gz", gzip.compress(GOOD.read_bytes()))
    assert len(_parse(path).entities) == 3


def test_missing_reference_number_names_record_and_field(tmp_path: Path) -> None:
    text = GOOD.read_text(encoding="utf-8").replace(
        "<REFERENCE_NUMBER>QDi.901</REFERENCE_NUMBER>", ""
    )
    path = _write(tmp_path, "consolidated.xml", text.encode())
    with pytest.raises(ListParseError) as err:
        _parse(path)
    assert err.value.field == "REFERENCE_NUMBER"
    assert err.value.record == "DATAID 1000002"
    assert err.value.line == 76
    assert "consolidated.xml line 76 record DATAID 1000002 field REFERENCE_NUMBER" in str(err.value)


def test_unknown_record_element_is_an_error(tmp_path: Path) -> None:
    text = (
        GOOD.read_text(encoding="utf-8")
        .replace("<ENTITY>", "<VESSEL>")
        .replace("</ENTITY>", "</VESSEL>")
    )
    path = _write(tmp_path, "consolidated.xml", text.encode())
    with pytest.raises(ListParseError) as err:
        _parse(path)
    assert err.value.field == "VESSEL"
    assert err.value.line == 97


def test_wrong_encoding_names_line(tmp_path: Path) -> None:
    data = GOOD.read_bytes().replace(b"Arms trader.", b"Arms trader \x96 broker.")
    path = _write(tmp_path, "consolidated.xml", data)
    with pytest.raises(ListParseError) as err:
        _parse(path)
    assert err.value.line == 104
    assert "consolidated.xml" in str(err.value)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"<!DOCTYPE html><html><body>Service unavailable</body></html>", "HTML page"),
        (gzip.compress(b"<CONSOLIDATED_LIST>" + b"x" * 5000)[:40], "truncated gzip"),
    ],
)
def test_unreadable_files_are_refused(tmp_path: Path, data: bytes, reason: str) -> None:
    path = _write(tmp_path, "consolidated.xml.gz", data)
    with pytest.raises(ListParseError) as err:
        _parse(path)
    assert reason in str(err.value)
    assert str(path) in str(err.value)


def test_truncated_xml_names_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "consolidated.xml", GOOD.read_bytes()[:2000])
    with pytest.raises(ListParseError) as err:
        _parse(path)
    assert err.value.line is not None and err.value.line >= 40
    assert "XML syntax error" in str(err.value)


def test_wrong_root_element(tmp_path: Path) -> None:
    path = _write(tmp_path, "consolidated.xml", b"<?xml version='1.0'?><sdnList></sdnList>")
    with pytest.raises(ListParseError) as err:
        _parse(path)
    assert "expected <CONSOLIDATED_LIST>" in str(err.value)
