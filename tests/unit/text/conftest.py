"""Small hand-built list entities for text screening unit tests (no shared data)."""

from __future__ import annotations

import pytest

from screenwise.entities import make_entity
from screenwise.screening import Screener


def _entity(list_id: str, native: str, schema: str, **props: list[str]):  # type: ignore[no-untyped-def]
    return make_entity(list_id, native, schema, props)


@pytest.fixture(scope="session")
def small_screener() -> Screener:
    """A screener over a dozen entities covering each kind of guard and reference."""
    entities = [
        _entity(
            "t",
            "kim",
            "Person",
            name=["KIM, Jong Un"],
            position=["Chairman of the Workers' Party of Korea"],
            country=["kp"],
            birthDate=["1984-01-08"],
        ),
        _entity(
            "t",
            "putin",
            "Person",
            name=["PUTIN, Vladimir Vladimirovich"],
            alias=["Владимир Владимирович Путин"],
            position=["President of the Russian Federation"],
            nationality=["ru"],
            birthDate=["1952-10-07"],
        ),
        _entity(
            "t",
            "peskov",
            "Person",
            name=["PESKOV, Dmitry Sergeyevich"],
            position=["Press Secretary to Putin"],
            nationality=["ru"],
            birthDate=["1967-10-17"],
        ),
        _entity(
            "u",
            "peskov2",
            "Person",
            name=["PESKOV, Dmitry"],
            position=["Member of the Board of Directors of Aeroflot"],
            nationality=["ru"],
            birthDate=["1975-12-26"],
        ),
        _entity(
            "t",
            "isil",
            "Organization",
            name=["ISLAMIC STATE OF IRAQ AND THE LEVANT"],
            alias=["DAESH"],
            weakAlias=["THE STATE"],
        ),
        _entity("t", "irgc", "Organization", name=["ISLAMIC REVOLUTIONARY GUARD CORPS"]),
        _entity(
            "t",
            "wagner",
            "Organization",
            name=["PRIVATE MILITARY COMPANY 'WAGNER'"],
            alias=["WAGNER GROUP"],
        ),
        _entity("t", "tifon", "Vessel", name=["TIFON"]),
        _entity("t", "justice", "Vessel", name=["DAN"], previousName=["JUSTICE"]),
        _entity("t", "greenlight", "Vessel", name=["GREEN LIGHT"]),
        _entity("t", "base", "Organization", name=["AL QA'IDA"], alias=["THE BASE", "AL QAEDA"]),
        _entity("t", "syria", "LegalEntity", name=["Government of Syria"]),
        _entity(
            "t",
            "rosneft",
            "Company",
            name=["PUBLIC JOINT STOCK COMPANY ROSNEFT OIL COMPANY"],
            alias=["ROSNEFT"],
        ),
        _entity("t", "inter", "Organization", name=["INTER"]),
        _entity("t", "mof", "Organization", name=["MINISTRY OF FINANCE OF THE RUSSIAN FEDERATION"]),
        _entity("t", "lopez", "Person", name=["LOPEZ, Antonio"]),
        _entity("t", "zakharova", "Person", name=["ZAKHAROVA, Maria Vladimirovna"]),
        _entity("t", "yugansk", "Company", name=["YUGANSKNEFTEGAZ"]),
    ]
    return Screener(entities)
