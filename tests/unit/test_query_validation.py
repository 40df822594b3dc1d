"""A screening query is checked where it is built, so the CLI, the API and customer files
all reject the same bad schema, date or country, naming the field at fault."""

from __future__ import annotations

import pytest

from screenwise.errors import QueryError
from screenwise.results import Query, clean_query_country, clean_query_date, query_schemata


def test_query_schemata_are_the_list_schemata_their_parents_and_children() -> None:
    schemata = query_schemata()
    for name in ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane"):
        assert name in schemata
    assert "Thing" in schemata and "PublicBody" in schemata
    assert "Banana" not in schemata and "Address" not in schemata and "Sanction" not in schemata


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1984", "1984"),
        ("1984-01", "1984-01"),
        ("1984-01-08", "1984-01-08"),
        (" 1984-01-08T00:00:00Z ", "1984-01-08"),
        ("notadate", None),
        ("1984-13", None),
        ("1984-02-30", None),
        ("08/01/1984", None),
        ("84", None),
    ],
)
def test_clean_query_date(value: str, expected: str | None) -> None:
    assert clean_query_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("kp", "kp"),
        ("RU", "ru"),
        ("Russia", "ru"),
        ("North Korea", "kp"),
        ("UK", "gb"),
        ("zz", None),
        ("eu", None),
        ("Narnia", None),
    ],
)
def test_clean_query_country(value: str, expected: str | None) -> None:
    assert clean_query_country(value) == expected


def test_a_valid_query_is_cleaned() -> None:
    query = Query(
        schema="person",
        properties={
            "name": ["Kim Jong Un"],
            "birthDate": ["1984-01-08T00:00:00"],
            "nationality": ["North Korea"],
            "passportNumber": ["645123456"],
            "country": [""],
        },
    )
    assert query.schema_name == "Person"
    assert query.properties["birthDate"] == ["1984-01-08"]
    assert query.properties["nationality"] == ["kp"]
    assert query.properties["passportNumber"] == ["645123456"]
    assert query.properties["country"] == [""]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"schema": "Banana"}, "schema: 'Banana' is not a schema screenwise screens"),
        ({"birth_date": "notadate"}, "properties.birthDate: 'notadate' is not a date"),
        ({"country": "zz"}, "properties.country: 'zz' is not a known country"),
    ],
)
def test_invalid_queries_raise_query_error_naming_the_field(
    kwargs: dict[str, str], message: str
) -> None:
    with pytest.raises(QueryError) as caught:
        Query.from_name("Kim Jong Un", **kwargs)  # type: ignore[arg-type]
    assert str(caught.value).startswith(message)
    assert caught.value.status == 400


def test_model_validate_raises_query_error_too() -> None:
    with pytest.raises(QueryError, match=r"properties\.deathDate"):
        Query.model_validate({"schema": "Person", "properties": {"deathDate": ["soon"]}})
