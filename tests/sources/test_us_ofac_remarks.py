"""OFAC remarks parsing: dates, countries, labelled identifiers, weak aliases."""

from __future__ import annotations

import pytest

from screenwise.entities import make_entity
from screenwise.sources.ofac_remarks import (
    apply_labelled,
    apply_remarks,
    clean_country,
    parse_ofac_dates,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08 Jan 1984", ["1984-01-08"]),
        ("8 Jan 1984", ["1984-01-08"]),
        ("Jan 1984", ["1984-01"]),
        ("1984", ["1984"]),
        ("circa 1964", ["1964"]),
        ("circa 02 Feb 1960", ["1960-02-02"]),
        ("1962 to 1966", ["1962", "1963", "1964", "1965", "1966"]),
        ("circa 1964-1966", ["1964", "1965", "1966"]),
        ("01 Jan 1960 to 31 Dec 1962", ["1960", "1961", "1962"]),
        ("Jan 1970 to Dec 1971", ["1970", "1971"]),
        ("01 Jan 1960 to 01 Jan 1960", ["1960-01-01"]),
        ("1930 to 1990", ["1930", "1990"]),  # too long a range: its two ends
        ("1966 to 1962", ["1966", "1962"]),
        ("1962-03-04", ["1962-03-04"]),
        ("1984.", ["1984"]),
        ("31 Feb 1984", []),
        ("Jam 1984", []),
        ("unknown", []),
        ("", []),
    ],
)
def test_parse_ofac_dates(text: str, expected: list[str]) -> None:
    assert parse_ofac_dates(text) == expected


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Russia", "ru"),
        ("Korea, North", "kp"),
        ("Burma", "mm"),
        ("Congo, Democratic Republic of the", "cd"),
        ("Region: Crimea", "ua"),
        ("undetermined", None),
        ("-0- ", None),
        ("", None),
    ],
)
def test_clean_country(name: str, code: str | None) -> None:
    assert clean_country(name) == code


def test_person_remarks() -> None:
    entity = make_entity("us_ofac_sdn", "1", "Person")
    remarks = (
        "DOB 17 Oct 1967; alt. DOB 1968; POB Pyongyang, Korea, North; nationality Russia; "
        "citizen Korea, North; Gender Male; Passport 736017311 (Russia) issued 01 Sep 2014 "
        "expires 01 Sep 2024; alt. Passport A123 (Iran); National ID No. 4515428051 (Russia); "
        "Tax ID No. 770201595400 (Russia); RFC SAEA740214 (Mexico); C.U.I.T. 20-24498939-0 "
        "(Argentina); Cedula No. 12531356 (Colombia); Email Address x@example.org; "
        "Phone Number +52 686-383-6864; a.k.a. 'ABU X'; a.k.a. 'O'REILLY, Sean'; "
        "Linked To: SOME COMPANY LLC; Digital Currency Address - XBT 1Q6saNmq."
    )
    apply_remarks(entity, remarks)
    assert entity.get("notes")[0] == remarks
    assert entity.get("birthDate") == ["1967-10-17", "1968"]
    assert entity.get("birthPlace") == ["Pyongyang, Korea, North"]
    assert entity.get("birthCountry") == ["kp"]
    assert entity.get("nationality") == ["ru"]
    assert entity.get("citizenship") == ["kp"]
    assert entity.get("gender") == ["male"]
    assert entity.get("passportNumber") == ["736017311", "A123"]
    assert entity.get("idNumber") == ["4515428051", "12531356"]
    assert entity.get("taxNumber") == ["770201595400", "SAEA740214", "20-24498939-0"]
    assert entity.get("email") == ["x@example.org"]
    assert entity.get("phone") == ["+52 686-383-6864"]
    assert entity.get("weakAlias") == ["ABU X", "O'REILLY, Sean"]
    assert "Linked To: SOME COMPANY LLC" in entity.get("notes")


def test_organization_and_vessel_remarks() -> None:
    org = make_entity("us_ofac_sdn", "2", "Organization")
    apply_remarks(
        org,
        "Organization Established Date 26 Aug 1992; SWIFT/BIC SABRRUMM; Website www.x.test; "
        "Registration ID 1117746272907 (Russia); Company Number IMO 5571322; "
        "Legal Entity Number 253400V1H6ART1UQ0N98 (Russia); Organization Type: Banking.",
    )
    assert org.get("incorporationDate") == ["1992-08-26"]
    assert org.get("swiftBic") == ["SABRRUMM"]
    assert org.get("website") == ["www.x.test"]
    assert org.get("registrationNumber") == ["1117746272907"]
    assert org.get("imoNumber") == ["IMO5571322"]
    assert org.get("leiCode") == ["253400V1H6ART1UQ0N98"]
    vessel = make_entity("us_ofac_sdn", "3", "Vessel")
    apply_remarks(
        vessel,
        "Vessel Registration Identification IMO 9267297; MMSI 353024000; "
        "Former Vessel Flag Malta; Vessel Year of Build 1986; f.k.a. 'SAND SWAN'; "
        "Passport 123 (Iran).",  # a label the schema lacks is skipped
    )
    assert vessel.get("imoNumber") == ["IMO9267297"]
    assert vessel.get("mmsi") == ["353024000"]
    assert vessel.get("pastFlags") == ["mt"]
    assert vessel.get("buildDate") == ["1986"]
    assert vessel.get("weakAlias") == ["SAND SWAN"]


def test_remarks_null_and_cut() -> None:
    entity = make_entity("us_ofac_sdn", "4", "Person")
    apply_remarks(entity, "-0- ")
    apply_remarks(entity, None)
    assert entity.get("notes") == []
    apply_remarks(entity, "DOB 1960; a.k.a. 'CUT OF")  # cut mid-alias (no overflow file)
    assert entity.get("weakAlias") == []
    assert entity.get("birthDate") == ["1960"]


def test_apply_labelled_xml_style() -> None:
    entity = make_entity("us_ofac_cons", "5", "Person")
    assert apply_labelled(entity, "Passport", "X1", country="Turkey", note_identifiers=True)
    assert apply_labelled(entity, "Listing Date (CMIC)", "01 Jan 2021") is False
    assert apply_labelled(entity, "Nationality Country", "Iran")
    assert apply_labelled(entity, "Birthdate", "1962 to 1963")
    assert entity.get("passportNumber") == ["X1"]
    assert entity.get("notes") == ["Passport X1 (Turkey)"]
    assert entity.get("nationality") == ["ir"]
    assert entity.get("birthDate") == ["1962", "1963"]
