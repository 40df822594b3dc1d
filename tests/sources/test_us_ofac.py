"""OFAC SDN / Consolidated parsers on small hand-written files in the three official formats."""

from __future__ import annotations

import gzip
import shutil
import tracemalloc
import zipfile
from datetime import date
from pathlib import Path

import pytest
from followthemoney import ValueEntity

from screenwise.errors import ListParseError
from screenwise.sources.base import ParsedList
from screenwise.sources.files import read_head
from screenwise.sources.us_ofac import CONS, SDN

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ofac"


def _csv_set(**extra: Path) -> dict[str, Path]:
    files = {
        "primary": FIXTURES / "sdn.csv",
        "alt": FIXTURES / "alt.csv",
        "add": FIXTURES / "add.csv",
        "comments": FIXTURES / "sdn_comments.csv",
    }
    files.update(extra)
    return files


def _by_id(parsed: ParsedList) -> dict[str, ValueEntity]:
    return {entity.id or "": entity for entity in parsed.entities}


@pytest.fixture(scope="module")
def csv_set() -> ParsedList:
    return SDN.parse(_csv_set())


@pytest.fixture(scope="module")
def enhanced_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("enh") / "CONS_ENHANCED.ZIP"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(FIXTURES / "CONS_ENHANCED.XML", "CONS_ENHANCED.XML")
    return path


# -- legacy CSV ---------------------------------------------------------------------------


def test_csv_schemas_ids_and_counts(csv_set: ParsedList) -> None:
    assert csv_set.list_id == "us_ofac_sdn"
    assert csv_set.format == "ofac-legacy-csv"
    assert sorted(_by_id(csv_set)) == [f"us_ofac_sdn-{n}" for n in range(101, 106)]
    assert csv_set.schema_counts() == {"Person": 2, "Organization": 1, "Vessel": 1, "Airplane": 1}
    assert csv_set.complete is True
    assert csv_set.published is None
    assert csv_set.entities[0].datasets == {"us_ofac_sdn"}


def test_csv_person_names_programs_and_remarks(csv_set: ParsedList) -> None:
    doe = _by_id(csv_set)["us_ofac_sdn-101"]
    assert doe.get("name") == ["DOE, John Quincy"]
    assert doe.get("alias") == ["DOE, Johnny"]
    assert doe.get("previousName") == ["SMITH, John"]
    assert doe.get("weakAlias") == ["JQ"]
    assert doe.get("program") == ["SDGT", "IRAN-EO13902"]
    assert doe.get("title") == ["Chief Example Officer"]
    assert doe.get("birthDate") == ["1974-01-08", "1970"]
    assert doe.get("birthPlace") == ["Springfield, Ruritania"]
    assert doe.get("nationality") == ["ir"]
    assert doe.get("citizenship") == ["tr"]
    assert doe.get("gender") == ["male"]
    assert doe.get("passportNumber") == ["X1234567"]
    assert doe.get("idNumber") == ["0012345678"]
    assert doe.get("email") == ["john@example.org"]
    assert doe.get("address") == ["1 Example Street, Springfield, Ruritania", "Tehran, Iran"]
    assert doe.get("country") == ["ir"]
    notes = doe.get("notes")
    assert notes[0].startswith("DOB 08 Jan 1974; alt. DOB circa 1970;")
    assert "Linked To: EXAMPLE TRADING LLC" in notes


def test_csv_year_range_gives_each_year(csv_set: ParsedList) -> None:
    roe = _by_id(csv_set)["us_ofac_sdn-105"]
    assert roe.get("birthDate") == ["1962", "1963", "1964", "1965", "1966"]
    assert roe.get("nationality") == ["kp"]
    assert roe.get("gender") == ["female"]


def test_csv_remarks_overflow_is_appended_before_parsing(csv_set: ParsedList) -> None:
    org = _by_id(csv_set)["us_ofac_sdn-102"]
    assert org.get("weakAlias") == ["EXTRA EXAMPLE"]
    assert org.get("alias") == ["EXAMPLE TRADING HOLDING"]  # nka
    assert org.get("incorporationDate") == ["2001-03-12"]
    assert org.get("taxNumber") == ["7701234567"]
    assert org.get("registrationNumber") == ["1027700000001"]
    assert org.get("swiftBic") == ["EXMPRUMM"]
    assert org.get("website") == ["www.example-trading.test"]
    assert org.get("notes")[0].endswith("a.k.a. 'EXTRA EXAMPLE'; Linked To: DOE, John Quincy.")


def test_csv_truncated_remarks_without_overflow_add_no_partial_alias() -> None:
    parsed = SDN.parse({"primary": FIXTURES / "sdn.csv"})
    assert _by_id(parsed)["us_ofac_sdn-102"].get("weakAlias") == []


def test_csv_vessel_and_aircraft(csv_set: ParsedList) -> None:
    by_id = _by_id(csv_set)
    vessel = by_id["us_ofac_sdn-103"]
    assert vessel.get("callSign") == ["9BXX1"]
    assert vessel.get("type") == ["Crude Oil Tanker"]
    assert vessel.get("tonnage") == ["150000"]
    assert vessel.get("grossRegisteredTonnage") == ["81000"]
    assert vessel.get("flag") == ["pa"]
    assert vessel.get("imoNumber") == ["IMO9123456"]
    assert vessel.get("mmsi") == ["352000001"]
    assert vessel.get("weakAlias") == ["OLD EXAMPLE"]
    assert vessel.get("alias") == ["SEA EXAMPLE I"]
    assert "Vessel owner: Example Shipping Co." in vessel.get("notes")
    assert vessel.get("address") == []  # the all-null address row adds nothing
    plane = by_id["us_ofac_sdn-104"]
    assert plane.get("serialNumber") == ["1234", "1023400001"]
    assert plane.get("registrationNumber") == ["EP-EXA"]
    assert plane.get("model") == ["IL-76TD"]
    assert plane.get("buildDate") == ["1992"]
    assert plane.get("country") == ["ir"]


def test_csv_stale_comment_row_is_a_warning(csv_set: ParsedList) -> None:
    assert len(csv_set.warnings) == 1
    warning = csv_set.warnings[0]
    assert "sdn_comments.csv" in warning
    assert "999 (line 2)" in warning


def test_csv_primary_alone_is_incomplete_and_says_so() -> None:
    parsed = SDN.parse({"primary": FIXTURES / "sdn.csv"})
    assert parsed.complete is False
    assert "companion files present: none; missing: alt, add, comments" in parsed.warnings[0]
    partial = SDN.parse({"primary": FIXTURES / "sdn.csv", "alt": FIXTURES / "alt.csv"})
    assert partial.complete is False
    assert "present: alt; missing: add, comments" in partial.warnings[0]
    without_comments = SDN.parse(
        {"primary": FIXTURES / "sdn.csv", "alt": FIXTURES / "alt.csv", "add": FIXTURES / "add.csv"}
    )
    assert without_comments.complete is True


def test_csv_published_argument_and_hash(tmp_path: Path, csv_set: ParsedList) -> None:
    given = SDN.parse(_csv_set(), published=date(2024, 5, 3))
    assert given.published == date(2024, 5, 3)
    assert given.content_hash == csv_set.content_hash
    gz = tmp_path / "sdn-2024-05-03.csv.gz"
    gz.write_bytes(gzip.compress((FIXTURES / "sdn.csv").read_bytes()))
    compressed = SDN.parse(_csv_set(primary=gz))
    assert compressed.content_hash == csv_set.content_hash  # hash of decompressed content
    assert SDN.parse({"primary": FIXTURES / "sdn.csv"}).content_hash != csv_set.content_hash


def test_many_stale_companion_rows_warn_of_mixed_versions(tmp_path: Path) -> None:
    alt = tmp_path / "alt.csv"
    rows = "".join(f'{900 + i},{500 + i},"aka","GHOST {i}",-0- \r\n' for i in range(8))
    alt.write_bytes(rows.encode() + b"\x1a\r\n")
    parsed = SDN.parse({"primary": FIXTURES / "sdn.csv", "alt": alt, "add": FIXTURES / "add.csv"})
    assert any("different list version" in w and "alt.csv" in w for w in parsed.warnings)


def test_companions_without_primary_or_mixed_formats_refused() -> None:
    with pytest.raises(ListParseError, match="without the primary file"):
        SDN.parse({"alt": FIXTURES / "alt.csv"})
    with pytest.raises(ListParseError, match="exactly one format"):
        CONS.parse({"primary": FIXTURES / "sdn.csv", "xml": FIXTURES / "consolidated.xml"})
    with pytest.raises(ListParseError, match="unknown role"):
        SDN.parse({"names": FIXTURES / "sdn.csv"})


# -- classic XML --------------------------------------------------------------------------


def test_classic_xml() -> None:
    parsed = CONS.parse({"xml": FIXTURES / "consolidated.xml"}, published=date(2025, 7, 1))
    assert parsed.format == "ofac-xml"
    assert parsed.published == date(2025, 6, 30)  # the file's Publish_Date wins
    assert "states publication date 2025-06-30, not 2025-07-01" in parsed.warnings[0]
    by_id = _by_id(parsed)
    assert parsed.schema_counts() == {"Person": 1, "Organization": 1, "Vessel": 1}
    doe = by_id["us_ofac_cons-101"]
    assert doe.get("name") == ["DOE, John Quincy"]
    assert doe.get("alias") == ["DOE, Johnny"]
    assert doe.get("previousName") == ["SMITH, John"]
    assert doe.get("weakAlias") == ["JQ"]
    assert doe.get("program") == ["NS-PLC", "SDGT"]
    assert doe.get("birthDate") == ["1974-01-08", "1970"]
    assert doe.get("passportNumber") == ["X1234567"]
    assert "Passport X1234567 (Turkey)" in doe.get("notes")
    assert "Linked To: EXAMPLE TRADING LLC" in doe.get("notes")
    assert doe.get("address") == ["1 Example Street, Springfield, Iran"]
    assert doe.get("gender") == ["male"]
    org = by_id["us_ofac_cons-102"]
    assert org.get("incorporationDate") == ["2001-03-12"]
    assert org.get("swiftBic") == ["EXMPRUMM"]
    vessel = by_id["us_ofac_cons-103"]
    assert vessel.get("imoNumber") == ["IMO9123456"]
    assert vessel.get("flag") == ["pa"]
    assert vessel.get("callSign") == ["9BXX1"]


def test_same_names_across_formats(enhanced_zip: Path) -> None:
    csv_doe = _by_id(SDN.parse(_csv_set()))["us_ofac_sdn-101"]
    xml_doe = _by_id(CONS.parse({"xml": FIXTURES / "consolidated.xml"}))["us_ofac_cons-101"]
    enh_doe = _by_id(CONS.parse({"enhanced": enhanced_zip}))["us_ofac_cons-101"]
    for prop in ("name", "previousName", "weakAlias"):
        assert csv_doe.get(prop) == xml_doe.get(prop) == enh_doe.get(prop), prop
    assert enh_doe.get("alias") == ["ДОУ, Джон", "DOE, Johnny"]  # non-Latin original kept


# -- Enhanced XML -------------------------------------------------------------------------


def test_enhanced_zip(enhanced_zip: Path) -> None:
    parsed = CONS.parse({"enhanced": enhanced_zip})
    assert parsed.format == "ofac-enhanced-xml"
    assert parsed.published == date(2025, 1, 10)
    assert parsed.schema_counts() == {"Person": 1, "Organization": 1}
    doe = _by_id(parsed)["us_ofac_cons-101"]
    assert doe.get("createdAt") == ["2015-07-30"]
    assert doe.get("birthDate") == ["1974-01-08", "1962", "1963", "1964"]
    assert doe.get("nationality") == ["ir"]
    assert doe.get("passportNumber") == ["X1234567"]
    assert "Passport X1234567 (Turkey)" in doe.get("notes")
    assert doe.get("address") == ["1 Example Street, Springfield, Iran"]
    assert "Linked To: EXAMPLE TRADING LLC" in doe.get("notes")
    org = _by_id(parsed)["us_ofac_cons-102"]
    assert org.get("registrationNumber") == ["1027700000001"]
    assert org.get("incorporationDate") == ["2001-03-12"]
    assert org.get("createdAt") == ["2018-04-06"]
    # The bare XML member parses to the same content hash as the ZIP.
    bare = CONS.parse({"enhanced": FIXTURES / "CONS_ENHANCED.XML"})
    assert bare.content_hash == parsed.content_hash


# -- identify -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "sdn_role", "cons_role"),
    [
        ("sdn.csv", "primary", None),
        ("SDN.CSV", "primary", None),
        ("sdn-2023-12-28.csv.gz", "primary", None),
        ("alt-2023-12-28.csv.gz", "alt", None),
        ("add-2023-12-28.csv.gz", "add", None),
        ("sdn_comments-2023-12-22.csv", "comments", None),
        ("sdn.xml", "xml", None),
        ("SDN_ENHANCED.ZIP", "enhanced", None),
        ("cons_prim.csv", None, "primary"),
        ("cons_alt.csv", None, "alt"),
        ("cons_add.csv", None, "add"),
        ("cons_comments.csv", None, "comments"),
        ("consolidated.xml.gz", None, "xml"),
        ("CONS_ENHANCED.ZIP", None, "enhanced"),
        ("ConList.xlsx", None, None),
    ],
)
def test_identify_by_name(name: str, sdn_role: str | None, cons_role: str | None) -> None:
    assert SDN.identify(name, b"") == sdn_role
    assert CONS.identify(name, b"") == cons_role


@pytest.mark.parametrize(
    ("fixture", "role"),
    [
        ("sdn.csv", "primary"),
        ("alt.csv", "alt"),
        ("add.csv", "add"),
        ("sdn_comments.csv", "comments"),
        ("consolidated.xml", "xml"),
    ],
)
def test_identify_by_content(fixture: str, role: str) -> None:
    head = read_head(FIXTURES / fixture)
    assert SDN.identify("download", head) == role
    assert CONS.identify("download", head) is None
    assert CONS.identify(f"cons-export-{fixture}", head) == role


def test_identify_enhanced_by_content_and_list_label(enhanced_zip: Path) -> None:
    head = read_head(enhanced_zip)
    assert CONS.identify("export.zip", head) == "enhanced"
    assert SDN.identify("export.zip", head) is None
    assert SDN.identify("SDN_ENHANCED.ZIP", head) is None  # content says Consolidated List


def test_identify_refuses_other_publishers_xml_named_like_ours() -> None:
    un_head = b'<?xml version="1.0"?>\n<CONSOLIDATED_LIST dateGenerated="2026-02-27">'
    assert CONS.identify("consolidated.xml.gz", un_head) is None
    assert CONS.identify("consolidated.xml", read_head(FIXTURES / "consolidated.xml")) == "xml"
    # An HTML page named like a list file is still claimed: parsing then reports it.
    assert SDN.identify("sdn.csv", read_head(FIXTURES / "sdn_html.csv")) == "primary"


# -- malformed input ----------------------------------------------------------------------


def test_unknown_sdn_type_names_file_line_record_field() -> None:
    path = FIXTURES / "sdn_unknown_type.csv"
    with pytest.raises(ListParseError) as info:
        SDN.parse({"primary": path})
    err = info.value
    assert (err.path, err.line, err.record, err.field) == (str(path), 2, "102", "SDN_Type")
    assert "'ship'" in err.reason
    path = FIXTURES / "sdn_unknown_type.xml"
    with pytest.raises(ListParseError) as xml_info:
        SDN.parse({"xml": path})
    assert (xml_info.value.line, xml_info.value.record, xml_info.value.field) == (
        8,
        "102",
        "sdnType",
    )


def test_short_row_names_missing_column() -> None:
    path = FIXTURES / "sdn_short_row.csv"
    with pytest.raises(ListParseError) as info:
        SDN.parse({"primary": path})
    err = info.value
    assert (err.path, err.line, err.field) == (str(path), 2, "Tonnage")
    assert "row has 7 fields, expected 12" in err.reason


def test_cp1252_bytes_name_line_and_offset() -> None:
    path = FIXTURES / "sdn_cp1252.csv"
    with pytest.raises(ListParseError) as info:
        SDN.parse({"primary": path})
    err = info.value
    assert (err.path, err.line) == (str(path), 2)
    assert "byte 0xc9 at byte offset 85" in err.reason


def test_cp1252_in_companion_names_that_file(tmp_path: Path) -> None:
    alt = tmp_path / "alt.csv"
    alt.write_bytes(b'101,201,"aka","DOE, Jo\xe9",-0- \r\n')
    with pytest.raises(ListParseError) as info:
        SDN.parse({"primary": FIXTURES / "sdn.csv", "alt": alt})
    assert (info.value.path, info.value.line) == (str(alt), 1)


@pytest.mark.parametrize(
    ("fixture", "message"),
    [("sdn_empty.csv", "empty file"), ("sdn_html.csv", "HTML page")],
)
def test_empty_and_html_refused(fixture: str, message: str) -> None:
    path = FIXTURES / fixture
    with pytest.raises(ListParseError, match=message) as info:
        SDN.parse({"primary": path})
    assert info.value.path == str(path)
    with pytest.raises(ListParseError, match=message):
        SDN.parse({"xml": path})


def test_truncated_gzip_refused(tmp_path: Path) -> None:
    data = gzip.compress((FIXTURES / "sdn.csv").read_bytes() * 20)
    path = tmp_path / "sdn.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ListParseError, match="truncated gzip") as info:
        SDN.parse({"primary": path})
    assert info.value.path == str(path)


def test_truncated_zip_refused(tmp_path: Path, enhanced_zip: Path) -> None:
    data = enhanced_zip.read_bytes()
    path = tmp_path / "CONS_ENHANCED.ZIP"
    path.write_bytes(data[: len(data) - 40])
    with pytest.raises(ListParseError, match="truncated or corrupt zip") as info:
        CONS.parse({"enhanced": path})
    assert info.value.path == str(path)


@pytest.mark.parametrize("fixture", ["sdn_xxe.xml", "sdn_bomb.xml"])
def test_dtd_entities_refused_without_expansion(fixture: str) -> None:
    path = FIXTURES / fixture
    tracemalloc.start()
    try:
        with pytest.raises(ListParseError, match="DOCTYPE") as info:
            SDN.parse({"xml": path})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.path == str(path)
    assert info.value.line == 2
    assert peak < 5_000_000  # nothing expanded


def test_xml_syntax_error_names_line() -> None:
    path = FIXTURES / "sdn_bad_syntax.xml"
    with pytest.raises(ListParseError, match="XML syntax error") as info:
        SDN.parse({"xml": path})
    assert (info.value.path, info.value.line) == (str(path), 7)


def test_xml_of_another_kind_refused(tmp_path: Path) -> None:
    path = tmp_path / "sdn.xml"
    shutil.copy(FIXTURES / "CONS_ENHANCED.XML", path)
    with pytest.raises(ListParseError, match="not an OFAC sdnList document"):
        SDN.parse({"xml": path})


def test_download_urls_are_the_published_file_names() -> None:
    base = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
    assert {role: url.removeprefix(base) for role, url in SDN.urls.items()} == {
        "primary": "SDN.CSV",
        "alt": "ALT.CSV",
        "add": "ADD.CSV",
        "comments": "SDN_COMMENTS.CSV",
        "xml": "SDN.XML",
        "enhanced": "SDN_ENHANCED.ZIP",
    }
    assert {role: url.removeprefix(base) for role, url in CONS.urls.items()} == {
        "primary": "CONS_PRIM.CSV",
        "alt": "CONS_ALT.CSV",
        "add": "CONS_ADD.CSV",
        "comments": "CONS_COMMENTS.CSV",
        "xml": "CONSOLIDATED.XML",
        "enhanced": "CONS_ENHANCED.ZIP",
    }
