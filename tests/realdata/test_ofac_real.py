"""OFAC SDN and Consolidated lists: every staged file parses to the counts in SOURCES.md."""

from __future__ import annotations

import csv
import gzip
import io
from datetime import date
from pathlib import Path

import pytest
from followthemoney import ValueEntity

from screenwise.sources.base import ParsedList
from screenwise.sources.files import read_head
from screenwise.sources.us_ofac import CONS, SDN

pytestmark = pytest.mark.realdata


def _by_id(parsed: ParsedList) -> dict[str, ValueEntity]:
    return {entity.id or "": entity for entity in parsed.entities}


@pytest.fixture(scope="session")
def lists_dir(shared_dir: Path) -> Path:
    return shared_dir / "data" / "lists"


@pytest.fixture(scope="session")
def sdn_history(lists_dir: Path) -> Path:
    return lists_dir / "ofac" / "sdn" / "history"


@pytest.fixture(scope="session")
def sdn_latest(lists_dir: Path) -> ParsedList:
    return SDN.parse({"primary": lists_dir / "ofac" / "sdn" / "sdn.csv.gz"})


@pytest.fixture(scope="session")
def sdn_complete(sdn_history: Path) -> ParsedList:
    return SDN.parse(
        {
            "primary": sdn_history / "sdn-2023-12-28.csv.gz",
            "alt": sdn_history / "alt-2023-12-28.csv.gz",
            "add": sdn_history / "add-2023-12-28.csv.gz",
            "comments": sdn_history / "sdn_comments-2023-12-22.csv",
        },
        published=date(2023, 12, 28),
    )


@pytest.fixture(scope="session")
def cons_formats(lists_dir: Path) -> dict[str, ParsedList]:
    cons = lists_dir / "ofac_cons"
    return {
        "csv": CONS.parse(
            {
                "primary": cons / "cons_prim.csv",
                "alt": cons / "cons_alt.csv",
                "add": cons / "cons_add.csv",
                "comments": cons / "cons_comments.csv",
            }
        ),
        "xml": CONS.parse({"xml": cons / "consolidated.xml.gz"}),
        "enhanced": CONS.parse({"enhanced": cons / "CONS_ENHANCED.ZIP"}),
    }


def test_sdn_latest_counts(sdn_latest: ParsedList) -> None:
    assert len(sdn_latest.entities) == 14_965
    assert sdn_latest.schema_counts() == {
        "Person": 6_854,
        "Vessel": 851,
        "Airplane": 376,
        "Organization": 6_884,
    }
    assert sdn_latest.complete is False
    assert "companion files present: none" in sdn_latest.warnings[0]


@pytest.mark.parametrize(
    ("name", "person", "org", "vessel", "airplane"),
    [
        ("sdn-2024-04-02.csv.gz", 6_773, 6_587, 818, 382),
        ("sdn-2023-12-28.csv.gz", 6_646, 6_033, 764, 378),
        ("sdn-2023-11-03.csv.gz", 6_525, 5_664, 754, 378),
        ("sdn-2023-05-02.csv.gz", 6_172, 5_003, 737, 299),
    ],
)
def test_sdn_history_counts(
    sdn_history: Path, name: str, person: int, org: int, vessel: int, airplane: int
) -> None:
    parsed = SDN.parse({"primary": sdn_history / name})
    assert parsed.schema_counts() == {
        "Person": person,
        "Organization": org,
        "Vessel": vessel,
        "Airplane": airplane,
    }
    assert len({e.id for e in parsed.entities}) == person + org + vessel + airplane


def test_kim_jong_un(sdn_latest: ParsedList) -> None:
    kim = _by_id(sdn_latest)["us_ofac_sdn-20157"]
    assert kim.schema.name == "Person"
    assert kim.get("name") == ["KIM, Jong Un"]
    assert kim.get("program") == ["DPRK3"]
    assert kim.get("birthDate") == ["1984-01-08"]


def test_complete_set_putin_and_peskov(sdn_complete: ParsedList) -> None:
    by_id = _by_id(sdn_complete)
    putin = by_id["us_ofac_sdn-35096"]
    assert putin.get("name") == ["PUTIN, Vladimir Vladimirovich"]
    assert putin.get("alias") == ["PUTIN, Vladimir"]
    peskov = by_id["us_ofac_sdn-35320"]
    assert peskov.get("name") == ["PESKOV, Dmitriy Sergeevich"]
    assert sorted(peskov.get("alias")) == sorted(
        f"PESKOV, {first} {middle}"
        for first, middle in [
            ("Dmitriy", "Sergeyevich"),
            ("Dmitrii", "Sergeyevich"),
            ("Dmitry", "Sergeyevich"),
            ("Dmitry", "Sergeevich"),
            ("Dmitryi", "Sergeevich"),
            ("Dmitryi", "Sergeyevich"),
            ("Dmitrii", "Sergeevich"),
        ]
    )
    assert peskov.get("birthDate") == ["1967-10-17"]


def _rows(path: Path) -> list[list[str]]:
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    return [row for row in csv.reader(io.StringIO(text, newline="")) if len(row) > 1]


def test_complete_set_attaches_every_alias_and_address_row(
    sdn_complete: ParsedList, sdn_history: Path
) -> None:
    entities = sdn_complete.entities
    aliases = sum(len(e.get("alias")) + len(e.get("previousName")) for e in entities)
    assert aliases == 17_091  # every alt.csv row (SOURCES.md), none lost or duplicated
    null = ("", "-0-")
    add_rows = _rows(sdn_history / "add-2023-12-28.csv.gz")
    assert len(add_rows) == 18_990
    with_content = {
        (row[0], ", ".join(v.strip() for v in row[2:5] if v.strip() not in null))
        for row in add_rows
        if any(v.strip() not in null for v in row[2:5])
    }
    assert len(with_content) == 16_338  # the other 2,652 rows are all '-0-'
    attached = {
        ((e.id or "").rsplit("-", 1)[1], address) for e in entities for address in e.get("address")
    }
    assert attached == with_content


def test_complete_set_version_facts(sdn_complete: ParsedList) -> None:
    assert sdn_complete.complete is True
    assert sdn_complete.published == date(2023, 12, 28)
    assert len(sdn_complete.entities) == 13_821
    assert len(sdn_complete.warnings) == 1  # the 3 stale sdn_comments rows, within tolerance
    assert "3 ent_num not in the primary file" in sdn_complete.warnings[0]
    assert "12300 (line 1)" in sdn_complete.warnings[0]


def test_complete_set_remarks_facts(sdn_complete: ParsedList) -> None:
    by_id = _by_id(sdn_complete)
    ebano = by_id["us_ofac_sdn-4243"]
    assert ebano.schema.name == "Vessel"
    assert ebano.get("imoNumber") == ["IMO7406784"]
    assert ebano.get("flag") == ["pa"]
    imo_vessels = [
        e for e in sdn_complete.entities if e.schema.name == "Vessel" and e.get("imoNumber")
    ]
    assert len(imo_vessels) > 700
    # Remarks cut at 1,000 characters continue in sdn_comments.csv: the weak alias that
    # straddles the cut is whole.
    lazarus = by_id["us_ofac_sdn-27307"]
    assert "WHOIS HACKING TEAM" in lazarus.get("weakAlias")
    assert "APPLEWORM" in lazarus.get("weakAlias")
    sberbank = by_id["us_ofac_sdn-17018"]
    assert sberbank.get("swiftBic") == ["SABRRUMM"]
    assert "7707083893" in sberbank.get("taxNumber")  # in the overflow part of the remarks


def test_consolidated_formats(cons_formats: dict[str, ParsedList]) -> None:
    assert len(cons_formats["csv"].entities) == 442
    assert cons_formats["csv"].complete is True
    assert cons_formats["csv"].warnings == []
    assert len(cons_formats["xml"].entities) == 443
    assert cons_formats["xml"].published == date(2025, 6, 30)
    assert len(cons_formats["enhanced"].entities) == 443
    assert cons_formats["enhanced"].published == date(2025, 1, 10)
    csv_ids = {e.id for e in cons_formats["csv"].entities}
    xml_ids = {e.id for e in cons_formats["xml"].entities}
    assert xml_ids - csv_ids == {"us_ofac_cons-26182"}  # delisted between the two dates


def _latin_names(entity: ValueEntity) -> dict[str, list[str]]:
    return {
        prop: sorted(v for v in entity.get(prop) if v.isascii())
        for prop in ("name", "alias", "previousName", "weakAlias")
    }


@pytest.mark.parametrize("ent_num", ["9639", "17013", "17018", "17015"])
def test_consolidated_formats_agree_on_names(
    cons_formats: dict[str, ParsedList], ent_num: str
) -> None:
    found = [_by_id(parsed)[f"us_ofac_cons-{ent_num}"] for parsed in cons_formats.values()]
    csv_names, xml_names, enhanced_names = (_latin_names(e) for e in found)
    assert csv_names["name"]
    assert csv_names == xml_names == enhanced_names


def test_identify_every_staged_ofac_file(lists_dir: Path) -> None:
    expected = {
        "ofac/sdn/sdn.csv.gz": ("us_ofac_sdn", "primary"),
        "ofac/sdn/history/sdn-2024-04-02.csv.gz": ("us_ofac_sdn", "primary"),
        "ofac/sdn/history/alt-2023-12-28.csv.gz": ("us_ofac_sdn", "alt"),
        "ofac/sdn/history/add-2023-12-28.csv.gz": ("us_ofac_sdn", "add"),
        "ofac/sdn/history/sdn_comments-2023-12-22.csv": ("us_ofac_sdn", "comments"),
        "ofac_cons/cons_prim.csv": ("us_ofac_cons", "primary"),
        "ofac_cons/cons_alt.csv": ("us_ofac_cons", "alt"),
        "ofac_cons/cons_add.csv": ("us_ofac_cons", "add"),
        "ofac_cons/cons_comments.csv": ("us_ofac_cons", "comments"),
        "ofac_cons/consolidated.xml.gz": ("us_ofac_cons", "xml"),
        "ofac_cons/CONS_ENHANCED.ZIP": ("us_ofac_cons", "enhanced"),
        "un/consolidated.xml.gz": (None, None),
        "us_csl/consolidated.csv.gz": (None, None),
    }
    for relative, (list_id, role) in expected.items():
        path = lists_dir / relative
        head = read_head(path)
        claims = {
            source.list_id: found
            for source in (SDN, CONS)
            if (found := source.identify(path.name, head)) is not None
        }
        assert claims == ({list_id: role} if list_id else {}), relative
        # The content alone is enough for the files of the matching list.
        if list_id == "us_ofac_sdn":
            assert SDN.identify("download.bin", head) == role, relative
