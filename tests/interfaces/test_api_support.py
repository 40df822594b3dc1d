"""Builders shared by the API tests: a small screener over hand-made list entities.

Fixture strategy: no real lists; six hand-written entities on two lists (names, birth
dates, programs chosen to give one clear hit, one namesake below the threshold and one
organisation), an in-memory alert store, and the app built around them.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from followthemoney import ValueEntity

from screenwise.api.app import create_app
from screenwise.entities import make_entity
from screenwise.screening import Screener
from screenwise.settings import Settings
from screenwise.store.alerts import AlertStore

SDN_VERSION = "us_ofac_sdn@2023-12-28#aaaa0001"
UK_VERSION = "gb_hmt_sanctions@2025-04-14#bbbb0002"
LIST_VERSIONS = {"us_ofac_sdn": SDN_VERSION, "gb_hmt_sanctions": UK_VERSION}


def _entity(list_id: str, native: str, schema: str, **props: str | list[str]) -> ValueEntity:
    entity = make_entity(list_id, native, schema)
    for prop, values in props.items():
        for value in [values] if isinstance(values, str) else values:
            entity.add(prop, value)
    return entity


def make_entities() -> list[ValueEntity]:
    """Return the hand-made list entities of the API tests."""
    return [
        _entity("us_ofac_sdn", "1", "Person", name="Vladimir Vladimirovich PUTIN",
                birthDate="1952-10-07", nationality="ru", program="RUSSIA-EO14024"),
        _entity("us_ofac_sdn", "2", "Person", name="KIM Jong Un", birthDate="1984-01-08",
                nationality="kp", program="DPRK3"),
        _entity("us_ofac_sdn", "3", "Person", name="Dmitry Sergeyevich PESKOV",
                birthDate="1967-10-17", nationality="ru", program="RUSSIA-EO14024"),
        _entity("gb_hmt_sanctions", "10", "Person", name="Dmitry PESKOV", birthDate="1975",
                nationality="ru"),
        _entity("us_ofac_sdn", "5", "Organization",
                name="Korea Mining Development Trading Corporation", country="kp",
                program="DPRK"),
        _entity("gb_hmt_sanctions", "11", "Organization", name="Rosoboronexport",
                country="ru"),
    ]


def make_screener(entities: list[ValueEntity] | None = None) -> Screener:
    """Return a screener over :func:`make_entities` (or the given entities)."""
    return Screener(
        entities if entities is not None else make_entities(),
        list_versions=LIST_VERSIONS,
        settings=Settings(),
    )


def make_app(screener: Screener | None = None, **settings: Any) -> FastAPI:
    """Return the app around a test screener and an in-memory alert store."""
    values: dict[str, Any] = {"rate_limit_per_minute": 0}
    values.update(settings)
    return create_app(
        Settings(**values),
        screener=screener if screener is not None else make_screener(),
        alerts=AlertStore("sqlite://"),
    )


def make_client(**settings: Any) -> TestClient:
    """Return a test client (no server exceptions re-raised: 500s are tested as answers)."""
    return TestClient(make_app(**settings), raise_server_exceptions=False)
