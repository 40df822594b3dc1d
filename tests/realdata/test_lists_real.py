"""Real-data checks of the UN, UK, US CSL and FtM parsers on the official files in ../shared.

Counts are those measured in ``data/lists/SOURCES.md``; the eval sets under ``eval/`` refer
to entity ids of these files, so every id they name must exist after parsing.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from followthemoney import ValueEntity

from screenwise.sources.base import ParsedList
from screenwise.sources.files import read_head
from screenwise.sources.ftm import FTM
from screenwise.sources.gb_hmt import GB_HMT_SANCTIONS
from screenwise.sources.un_sc import UN_SC_SANCTIONS
from screenwise.sources.us_csl import US_TRADE_CSL

pytestmark = pytest.mark.realdata


def _lists(shared_dir: Path) -> Path:
    return shared_dir / "data" / "lists"


def _by_id(parsed: ParsedList) -> dict[str, ValueEntity]:
    return {str(e.id): e for e in parsed.entities}


@pytest.fixture(scope="session")
def un_current(shared_dir: Path) -> ParsedList:
    return UN_SC_SANCTIONS.parse({"xml": _lists(shared_dir) / "un" / "consolidated.xml.gz"})


@pytest.fixture(scope="session")
def uk_current(shared_dir: Path) -> ParsedList:
    return GB_HMT_SANCTIONS.parse({"xlsx": _lists(shared_dir) / "uk" / "ConList.xlsx"})


@pytest.fixture(scope="session")
def csl(shared_dir: Path) -> ParsedList:
    return US_TRADE_CSL.parse({"csv": _lists(shared_dir) / "us_csl" / "consolidated.csv.gz"})


@pytest.fixture(scope="session")
def eval_ids(shared_dir: Path) -> set[str]:
    ids: set[str] = set()
    for name in ("names/queries.jsonl", "text/labels.jsonl"):
        text = (shared_dir / "eval" / name).read_text(encoding="utf-8")
        ids.update(
            re.findall(
                r'"((?:un_sc_sanctions|gb_hmt_sanctions|us_trade_csl)-[A-Za-z0-9._]+)"', text
            )
        )
    return ids


# -- UN -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "published", "people", "organizations"),
    [
        ("un/history/consolidatedLegacyByPRN-2025-08-02.xml.gz", date(2025, 8, 2), 684, 195),
        ("un/history/consolidated-2024-09-26.xml.gz", date(2024, 9, 26), 682, 193),
    ],
)
def test_un_history_counts(
    shared_dir: Path, path: str, published: date, people: int, organizations: int
) -> None:
    file = _lists(shared_dir) / path
    assert UN_SC_SANCTIONS.identify(file.name, read_head(file)) == "xml"
    parsed = UN_SC_SANCTIONS.parse({"xml": file})
    assert parsed.published == published
    assert parsed.schema_counts() == {"Person": people, "Organization": organizations}


def test_un_current_counts(un_current: ParsedList) -> None:
    assert un_current.published == date(2026, 2, 27)
    assert un_current.schema_counts() == {"Person": 730, "Organization": 273}


def test_un_known_entity(un_current: ParsedList) -> None:
    person = _by_id(un_current)["un_sc_sanctions-KPi.033"]
    assert person.schema.name == "Person"
    assert person.get("name") == ["RI WON HO"]
    assert person.get("birthDate") == ["1964-07-17"]
    assert person.get("passportNumber") == ["381310014"]
    assert person.get("program") == ["DPRK"]
    assert person.get("createdAt") == ["2016-11-30"]


def test_un_weak_aliases_are_kept_apart(un_current: ParsedList) -> None:
    person = _by_id(un_current)["un_sc_sanctions-CDi.003"]
    assert person.get("weakAlias") == ["Rumuli"]
    assert "Victor Rumuri" in person.get("alias")
    weak = sum(len(e.get("weakAlias")) for e in un_current.entities)
    assert weak > 500


# -- UK -----------------------------------------------------------------------------------


def test_uk_current_counts(uk_current: ParsedList) -> None:
    assert uk_current.published == date(2025, 4, 14)
    assert uk_current.schema_counts() == {"Person": 3663, "Organization": 1010, "Vessel": 15}
    assert uk_current.warnings == []


def test_uk_history_count(shared_dir: Path) -> None:
    file = _lists(shared_dir) / "uk" / "history" / "ConList-2023-06-05.xlsx"
    assert GB_HMT_SANCTIONS.identify(file.name, read_head(file)) == "xlsx"
    parsed = GB_HMT_SANCTIONS.parse({"xlsx": file})
    assert parsed.published == date(2023, 6, 5)
    assert len(parsed.entities) == 3993


def test_uk_known_entities(uk_current: ParsedList) -> None:
    entities = _by_id(uk_current)
    putin = entities["gb_hmt_sanctions-14196"]
    assert putin.get("name") == ["PUTIN, Vladimir Vladimirovich"]
    assert "PUTIN, Vladimir" in putin.get("alias")
    assert putin.get("birthDate") == ["1952-10-07"]
    assert entities["gb_hmt_sanctions-14704"].get("birthDate") == ["1967-10-17"]
    namesake = entities["gb_hmt_sanctions-15805"]
    assert namesake.get("name") == ["PESKOV, Dmitry"]
    assert namesake.get("birthDate") == ["1975-12-26"]
    ship = entities["gb_hmt_sanctions-13651"]
    assert ship.schema.name == "Vessel"
    assert ship.get("imoNumber") == ["IMO7408873"]


# -- US CSL -------------------------------------------------------------------------------


def test_csl_counts(csl: ParsedList) -> None:
    assert len(csl.entities) == 14048
    assert csl.schema_counts() == {
        "LegalEntity": 3625,
        "Person": 5284,
        "Organization": 4423,
        "Vessel": 433,
        "Airplane": 283,
    }


def test_csl_known_entities(csl: ParsedList) -> None:
    entities = _by_id(csl)
    kim = entities["us_trade_csl-20157"]
    assert kim.get("name") == ["KIM, Jong Un"]
    assert "DPRK3" in kim.get("program")
    assert kim.get("birthDate") == ["1984-01-08"]
    peskov = entities["us_trade_csl-35320"]
    assert len(peskov.get("alias")) == 7
    assert peskov.get("birthDate") == ["1967-10-17"]
    merged = entities["us_trade_csl-18725"]
    assert {
        "Specially Designated Nationals (SDN) - Treasury Department",
        "Capta List (CAP) - Treasury Department",
        "Sectoral Sanctions Identifications List (SSI) - Treasury Department",
    } <= set(merged.get("program"))
    entity_list = entities["us_trade_csl-8c7b99eadc20c032235c92927d5d8cc83bf37099"]
    assert entity_list.schema.name == "LegalEntity"
    assert entity_list.get("topics") == ["export.control"]


def test_eval_ids_exist(
    eval_ids: set[str], un_current: ParsedList, uk_current: ParsedList, csl: ParsedList
) -> None:
    known = {str(e.id) for parsed in (un_current, uk_current, csl) for e in parsed.entities}
    assert len(eval_ids) > 1500
    assert sorted(eval_ids - known) == []


# -- FtM ----------------------------------------------------------------------------------


def test_ftm_eu_fsf_sample(shared_dir: Path) -> None:
    file = _lists(shared_dir) / "ftm" / "yente-t1-eu_fsf" / "entities.ftm.json"
    assert FTM.identify(file.name, read_head(file)) == "entities"
    parsed = FTM.parse({"entities": file})
    assert parsed.list_id == "eu_fsf"
    assert parsed.schema_counts() == {"Organization": 2, "Person": 4}
    person = _by_id(parsed)["NK-2Ka3UvopqbpZmVDFjWd4LA"]
    assert person.get("birthDate") == ["1971-01-22"]


def test_ftm_delta(shared_dir: Path) -> None:
    file = _lists(shared_dir) / "ftm" / "yente-delta" / "entities.delta.json.gz"
    assert FTM.identify(file.name, read_head(file)) == "delta"
    parsed = FTM.parse({"delta": file}, list_id="opensanctions")
    assert len(parsed.deleted) == 571
    assert parsed.schema_counts() == {
        "Organization": 97,
        "Person": 451,
        "Company": 1,
        "LegalEntity": 27,
    }
    assert parsed.complete is False


def test_ftm_pep_dataset(shared_dir: Path) -> None:
    file = _lists(shared_dir) / "ftm" / "wd_peps-sa" / "entities.ftm.json.gz"
    parsed = FTM.parse({"entities": file})
    assert parsed.list_id == "sa_wiki_peps_v2"
    assert parsed.schema_counts() == {"Person": 607}
