"""Hand-made list versions shared by the store tests (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

from followthemoney import ValueEntity

from screenwise.entities import make_entity
from screenwise.sources.base import ParsedList, hash_contents


def make_person(list_id: str, native_id: str, name: str, **props: str) -> ValueEntity:
    """A listed person ``<list_id>-<native_id>`` with a name and other properties."""
    entity = make_entity(list_id, native_id, "Person")
    entity.add("name", name)
    for prop, value in props.items():
        entity.add(prop, value)
    return entity


def make_parsed(
    list_id: str,
    entities: list[ValueEntity],
    published: date | None = date(2024, 1, 1),
    *,
    complete: bool = True,
    salt: str = "",
    files: dict[str, str] | None = None,
) -> ParsedList:
    """A parsed list version of these entities; ``salt`` changes its content hash."""
    content = "|".join(sorted(str(e.to_dict()) for e in entities)) + salt
    return ParsedList(
        list_id=list_id,
        entities=entities,
        content_hash=hash_contents([content.encode()]),
        published=published,
        source="hand-made",
        format="test",
        files=files or {"primary": "hand-made.csv"},
        complete=complete,
    )
