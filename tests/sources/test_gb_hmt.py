"""UK OFSI ConList parser, on hand-written files in the ConList CSV and XLSX layouts."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from followthemoney import ValueEntity
from openpyxl import Workbook

from screenwise.errors import ListParseError
from screenwise.sources.base import ParsedList
from screenwise.sources.gb_hmt import GB_HMT_SANCTIONS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "uk"
GOOD_CSV = FIXTURES / "ConList.csv"


def _rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO(GOOD_CSV.read_text(encoding="utf-8"))))


def _write_csv(tmp_path: Path, rows: list[list[str]], name: str = "ConList.csv") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path = tmp_path / name
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _write_xlsx(tmp_path: Path, rows: list[list[str]], name: str = "ConList.xlsx") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Data"
    for row in rows:
        sheet.append([value or None for value in row])
    path = tmp_path / name
    workbook.save(path)
    return path


def _by_id(parsed: ParsedList) -> dict[str, ValueEntity]:
    return {str(e.id): e for e in parsed.entities}


def test_csv_one_entity_per_group() -> None:
    parsed = GB_HMT_SANCTIONS.parse({"csv": GOOD_CSV})
    assert parsed.list_id == "gb_hmt_sanctions"
    assert parsed.published == date(2025, 4, 14)
    assert parsed.format == "ofsi-csv"
    assert parsed.schema_counts() == {"Person": 2, "Organization": 1, "Vessel": 1}
    assert parsed.warnings == []


def test_names_by_alias_type_and_quality() -> None:
    person = _by_id(GB_HMT_SANCTIONS.parse({"csv": GOOD_CSV}))["gb_hmt_sanctions-90001"]
    assert person.get("name") == ["IVANOV, Ivan Ivanovich"]
    assert person.get("alias") == ["Иван Иванович Иванов", "IVANOV, Ivan"]
    assert person.get("weakAlias") == ["IVANOFF, Vanya"]


def test_person_details() -> None:
    entities = _by_id(GB_HMT_SANCTIONS.parse({"csv": GOOD_CSV}))
    person = entities["gb_hmt_sanctions-90001"]
    assert person.get("birthDate") == ["1960-02-01", "1961"]
    assert person.get("passportNumber") == ["7123456", "7654321"]
    assert person.get("birthPlace") == ["Moscow, Russia"]
    assert person.get("gender") == ["male"]
    assert person.get("program") == ["Russia"]
    assert person.get("createdAt") == ["2022-03-16"]
    assert person.get("address") == ["1 Example Street, Moscow, 101000, Russia"]
    assert person.get("title") == ["Mr"]
    other = entities["gb_hmt_sanctions-90002"]
    assert other.get("birthDate") == ["1975-10"]
    assert other.get("nationality") == ["ru", "by"]


def test_entity_and_ship_details() -> None:
    entities = _by_id(GB_HMT_SANCTIONS.parse({"csv": GOOD_CSV}))
    bank = entities["gb_hmt_sanctions-90003"]
    assert bank.get("previousName") == ["OLD BANK JSC"]
    assert bank.get("registrationNumber") == ["123456789"]
    ship = entities["gb_hmt_sanctions-90004"]
    assert ship.schema.name == "Vessel"
    assert ship.get("imoNumber") == ["IMO9123453"]
    assert ship.get("flag") == ["kp"]
    assert ship.get("pastFlags") == ["pa"]
    assert ship.get("buildDate") == ["1990"]


def test_xlsx_reads_like_csv(tmp_path: Path) -> None:
    path = _write_xlsx(tmp_path, _rows())
    from_xlsx = GB_HMT_SANCTIONS.parse({"xlsx": path})
    from_csv = GB_HMT_SANCTIONS.parse({"csv": GOOD_CSV})
    assert from_xlsx.format == "ofsi-xlsx"
    assert from_xlsx.published == date(2025, 4, 14)
    assert [e.to_dict() for e in from_xlsx.entities] == [e.to_dict() for e in from_csv.entities]


def test_identify() -> None:
    head = GOOD_CSV.read_bytes()[:8192]
    assert GB_HMT_SANCTIONS.identify("export.csv", head) == "csv"
    assert GB_HMT_SANCTIONS.identify("ConList.xlsx", b"") == "xlsx"
    assert GB_HMT_SANCTIONS.identify("ConList-2023-06-05.xlsx", b"PK") == "xlsx"
    assert GB_HMT_SANCTIONS.identify("sdn.csv", b'1,"NAME",individual') is None


def test_unknown_group_type_names_row_group_and_column(tmp_path: Path) -> None:
    rows = _rows()
    rows[6][28] = "Aircraft"
    path = _write_csv(tmp_path, rows)
    with pytest.raises(ListParseError) as err:
        GB_HMT_SANCTIONS.parse({"csv": path})
    assert (err.value.line, err.value.record, err.value.field) == (7, "90003", "Group Type")
    assert "ConList.csv line 7 record 90003 field Group Type: unknown Group Type 'Aircraft'" in str(
        err.value
    )


def test_unknown_group_type_in_xlsx_names_row(tmp_path: Path) -> None:
    rows = _rows()
    rows[8][28] = "Plane"
    path = _write_xlsx(tmp_path, rows)
    with pytest.raises(ListParseError) as err:
        GB_HMT_SANCTIONS.parse({"xlsx": path})
    assert (err.value.line, err.value.record, err.value.field) == (9, "90004", "Group Type")


def test_missing_column_names_header_line(tmp_path: Path) -> None:
    rows = [[v for i, v in enumerate(row) if i != 35] for row in _rows()]
    path = _write_csv(tmp_path, rows)
    with pytest.raises(ListParseError) as err:
        GB_HMT_SANCTIONS.parse({"csv": path})
    assert (err.value.line, err.value.field) == (2, "Group ID")


def test_bad_listing_date(tmp_path: Path) -> None:
    rows = _rows()
    rows[5][32] = "2021-06-01"
    path = _write_csv(tmp_path, rows)
    with pytest.raises(ListParseError) as err:
        GB_HMT_SANCTIONS.parse({"csv": path})
    assert (err.value.line, err.value.record, err.value.field) == (6, "90002", "Listed On")


def test_wrong_encoding_names_line(tmp_path: Path) -> None:
    data = GOOD_CSV.read_bytes().replace(b"Deputy Minister,1 Example", b"Deputy \x96 Minister,1 Ex")
    path = tmp_path / "ConList.csv"
    path.write_bytes(data)
    with pytest.raises(ListParseError) as err:
        GB_HMT_SANCTIONS.parse({"csv": path})
    assert err.value.line == 3
    assert "not valid UTF-8" in str(err.value)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"<html><head><title>404</title></head><body>Not found</body></html>", "HTML page"),
        (b"Name 6,Name 1\nX,Y\n", "not an XLSX workbook"),
    ],
)
def test_unreadable_xlsx_is_refused(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "ConList.xlsx"
    path.write_bytes(data)
    with pytest.raises(ListParseError) as err:
        GB_HMT_SANCTIONS.parse({"xlsx": path})
    assert reason in str(err.value)
    assert str(path) in str(err.value)


def test_truncated_xlsx_is_refused(tmp_path: Path) -> None:
    good = _write_xlsx(tmp_path, _rows(), name="good.xlsx")
    path = tmp_path / "ConList.xlsx"
    path.write_bytes(good.read_bytes()[:3000])
    with pytest.raises(ListParseError) as err:
        GB_HMT_SANCTIONS.parse({"xlsx": path})
    assert "truncated or corrupt XLSX" in str(err.value)
    assert str(path) in str(err.value)


def test_empty_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ConList.csv"
    path.write_bytes(b"\n\n")
    with pytest.raises(ListParseError) as err:
        GB_HMT_SANCTIONS.parse({"csv": path})
    assert "empty" in str(err.value)
