"""US Consolidated Screening List parser, on a hand-written file in the CSL CSV layout."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from followthemoney import ValueEntity

from screenwise.errors import ListParseError
from screenwise.sources.us_csl import US_TRADE_CSL

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "csl"
GOOD = FIXTURES / "consolidated.csv"
EL_ID = "us_trade_csl-0f1e2d3c4b5a69788796a5b4c3d2e1f001234567"


def _entities(path: Path = GOOD) -> dict[str, ValueEntity]:
    return {str(e.id): e for e in US_TRADE_CSL.parse({"csv": path}).entities}


def _write(tmp_path: Path, data: bytes, name: str = "consolidated.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_rows_sharing_an_id_become_one_entity() -> None:
    parsed = US_TRADE_CSL.parse({"csv": GOOD})
    assert parsed.list_id == "us_trade_csl"
    assert parsed.format == "csl-csv"
    assert len(parsed.entities) == 5
    bank = _entities()["us_trade_csl-90002"]
    assert bank.get("program") == [
        "Capta List (CAP) - Treasury Department",
        "UKRAINE-EO13662",
        "RUSSIA-EO14024",
        "Specially Designated Nationals (SDN) - Treasury Department",
    ]
    assert bank.get("alias") == ["EXAMPLEBANK", "EXAMPLE BANK"]
    assert bank.get("swiftBic") == ["EXBKRUMM"]
    assert bank.get("registrationNumber") == ["1027700000001"]


def test_schema_from_type_and_blank_type_is_legal_entity() -> None:
    entities = _entities()
    assert {k: e.schema.name for k, e in entities.items()} == {
        "us_trade_csl-90001": "Person",
        "us_trade_csl-90002": "Organization",
        "us_trade_csl-90003": "Vessel",
        "us_trade_csl-90004": "Airplane",
        EL_ID: "LegalEntity",
    }
    assert entities[EL_ID].get("topics") == ["export.control"]
    assert entities[EL_ID].get("createdAt") == ["2020-08-27"]


def test_person_fields_and_ids() -> None:
    person = _entities()["us_trade_csl-90001"]
    assert person.get("name") == ["SAMPLOV, Sergei Petrovich"]
    assert person.get("alias") == ["SAMPLOV, Sergey", "SAMPLOV, Sergei"]
    assert person.get("birthDate") == ["1962", "1963", "1964", "1970"]
    assert person.get("passportNumber") == ["7100001"]
    assert person.get("taxNumber") == ["770100000001"]
    assert person.get("gender") == ["male"]
    assert person.get("citizenship") == ["ru"]
    assert person.get("position") == ["Deputy Minister"]
    assert "Additional Sanctions Information - Subject to Secondary Sanctions" in person.get(
        "notes"
    )


def test_vessel_and_aircraft_fields() -> None:
    entities = _entities()
    vessel = entities["us_trade_csl-90003"]
    assert vessel.get("imoNumber") == ["IMO9100009"]
    assert vessel.get("mmsi") == ["445000001"]
    assert vessel.get("callSign") == ["HMXX9"]
    assert vessel.get("flag") == ["kp"]
    plane = entities["us_trade_csl-90004"]
    assert plane.get("serialNumber") == ["1234"]
    assert plane.get("model") == ["A300B4"]


def test_identify() -> None:
    assert US_TRADE_CSL.identify("anything.csv", GOOD.read_bytes()[:8192]) == "csv"
    assert US_TRADE_CSL.identify("sdn.csv", b'36,"AEROCARIBBEAN AIRLINES",-0-') is None


def test_gzip_input(tmp_path: Path) -> None:
    path = _write(tmp_path, gzip.compress(GOOD.read_bytes()), "consolidated.csv.gz")
    assert len(_entities(path)) == 5


def test_unknown_type_names_line_record_and_field(tmp_path: Path) -> None:
    data = GOOD.read_bytes().replace(b"90004,Aircraft,", b"90004,Spaceship,")
    path = _write(tmp_path, data)
    with pytest.raises(ListParseError) as err:
        US_TRADE_CSL.parse({"csv": path})
    assert (err.value.line, err.value.record, err.value.field) == (6, "90004", "type")
    assert "consolidated.csv line 6 record 90004 field type: unknown type 'Spaceship'" in str(
        err.value
    )


def test_missing_required_column(tmp_path: Path) -> None:
    data = GOOD.read_bytes().replace(b"_id,source,", b"key,source,", 1)
    path = _write(tmp_path, data)
    with pytest.raises(ListParseError) as err:
        US_TRADE_CSL.parse({"csv": path})
    assert (err.value.line, err.value.field) == (1, "_id")


def test_short_row_names_missing_column(tmp_path: Path) -> None:
    lines = GOOD.read_bytes().splitlines(keepends=True)
    lines[3] = b"90002,Capta List (CAP) - Treasury Department,90002,Entity\n"
    path = _write(tmp_path, b"".join(lines))
    with pytest.raises(ListParseError) as err:
        US_TRADE_CSL.parse({"csv": path})
    assert (err.value.line, err.value.field) == (4, "programs")


def test_wrong_encoding_names_line(tmp_path: Path) -> None:
    data = GOOD.read_bytes().replace(b"EP-XYZ", b"EP-XYZ \x96 jet")
    path = _write(tmp_path, data)
    with pytest.raises(ListParseError) as err:
        US_TRADE_CSL.parse({"csv": path})
    assert err.value.line == 6


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"<!doctype html><html><body>Bad gateway</body></html>", "HTML page"),
        (gzip.compress(b"_id,source\n" * 2000)[:60], "truncated gzip"),
    ],
)
def test_unreadable_files_are_refused(tmp_path: Path, data: bytes, reason: str) -> None:
    path = _write(tmp_path, data, "consolidated.csv.gz")
    with pytest.raises(ListParseError) as err:
        US_TRADE_CSL.parse({"csv": path})
    assert reason in str(err.value)
    assert str(path) in str(err.value)


def test_aliases_lose_a_list_conjunction_left_by_splitting(tmp_path: Path) -> None:
    data = GOOD.read_bytes().replace(
        b'"SAMPLOV, Sergey; SAMPLOV, Sergei"', b'"SAMPLOV, Sergey; and SAMPLOV, Sergei."'
    )
    assert data != GOOD.read_bytes()
    entity = _entities(_write(tmp_path, data))["us_trade_csl-90001"]
    assert sorted(entity.get("alias")) == ["SAMPLOV, Sergei", "SAMPLOV, Sergey"]
