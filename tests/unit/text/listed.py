"""Hand-built list entities shared by the text screening unit tests (no shared data)."""

from __future__ import annotations

from typing import Any

from screenwise.entities import make_entity


def entity(list_id: str, native: str, schema: str, **props: list[str]) -> Any:
    """One list entity ``<list_id>-<native>`` with the given FtM properties."""
    return make_entity(list_id, native, schema, props)


def kremlin(list_id: str, putin_name: str = "PUTIN, Vladimir Vladimirovich") -> list[Any]:
    """The Russian president and his press secretary as the lists write them.

    Both carry the position and nationality the context rules read (``President of ...``,
    ``spokesman``).
    """
    return [
        entity(
            list_id,
            "putin",
            "Person",
            name=[putin_name],
            position=["President of the Russian Federation"],
            nationality=["ru"],
        ),
        entity(
            list_id,
            "peskov",
            "Person",
            name=["PESKOV, Dmitry Sergeyevich"],
            position=["Press Secretary to the President"],
            nationality=["ru"],
        ),
    ]
