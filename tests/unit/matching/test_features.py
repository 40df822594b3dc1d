"""Qualifier features: birth dates, countries, identifiers, schemata."""

from __future__ import annotations

import pytest

from screenwise.matching.features import (
    FEATURES,
    compare_birth_dates,
    compare_countries,
    compare_identifiers,
    compare_schemata,
    normalize_identifier,
)


@pytest.mark.parametrize(
    ("query", "candidate", "feature"),
    [
        (["1984-01-08"], ["1984-01-08"], "dob_day"),
        (["1984"], ["1984-01-08"], "dob_year"),
        (["1984-01"], ["1984-01-08"], "dob_month"),
        (["1965-03-12"], ["1965-03-13"], "dob_near"),
        (["1966-03-12"], ["1965-03-12"], "dob_near"),
        (["1942"], ["1984-01-08"], "dob_mismatch"),
        (["1975-02-01"], ["1967-10-17"], "dob_mismatch"),
        (["1950", "1984"], ["1984-01-08"], "dob_year"),
        # A year given alone is often approximate: one year off is a near miss.
        (["1974"], ["1973"], "dob_near"),
        (["1974"], ["1975-06-30"], "dob_near"),
        (["1974"], ["1972"], "dob_mismatch"),
        # Day and month swapped (US against European order) is a near miss.
        (["1987-06-02"], ["1987-02-06"], "dob_near"),
        (["1987-05-05"], ["1987-05-05"], "dob_day"),
        (["1987-06-02"], ["1987-03-06"], "dob_mismatch"),
    ],
)
def test_birth_dates(query: list[str], candidate: list[str], feature: str) -> None:
    result = compare_birth_dates(query, candidate)
    assert result is not None and result.name == feature


def test_birth_dates_absent() -> None:
    assert compare_birth_dates([], ["1984"]) is None
    assert compare_birth_dates(["unknown"], ["1984"]) is None


def test_countries() -> None:
    assert compare_countries(["RU"], ["ru", "ua"]).name == "country_match"  # type: ignore[union-attr]
    assert compare_countries(["us"], ["ru"]).name == "country_mismatch"  # type: ignore[union-attr]
    assert compare_countries([], ["ru"]) is None


def test_identifiers() -> None:
    assert normalize_identifier("IMO 9187629") == "9187629"
    found = compare_identifiers({"imoNumber": ["IMO 9187629"]}, {"imoNumber": ["9187629"]})
    assert found is not None and found.weight > 0
    assert (
        compare_identifiers({"passportNumber": ["P-12345"]}, {"idNumber": ["P12345"]}) is not None
    )
    assert compare_identifiers({"passportNumber": ["123"]}, {"idNumber": ["123"]}) is None


def test_schemata() -> None:
    assert compare_schemata("Person", "Organization") is not None
    assert compare_schemata("Organization", "Company") is None
    assert compare_schemata("LegalEntity", "Vessel") is None


def test_feature_descriptions_are_unique_sentences() -> None:
    descriptions = [f.description for f in FEATURES.values()]
    assert len(set(descriptions)) == len(descriptions)
    assert all(d.endswith(".") for d in descriptions)
