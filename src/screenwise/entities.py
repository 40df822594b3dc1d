"""FollowTheMoney glue: build list entities with stable ids and provenance.

Every parser turns its native records into ``followthemoney.ValueEntity`` objects through
:func:`make_entity`, so ids, datasets and property cleaning are done one way everywhere.

Conventions (shared by all sources, relied upon by matching and text screening):

* id: ``<list id>-<native id>``, e.g. ``us_ofac_sdn-20157``, ``un_sc_sanctions-KPi.033``.
* ``datasets``: ``{list id}``.
* names: ``name`` (primary), ``alias`` (a.k.a., strong), ``weakAlias`` (OFAC weak AKA, UK
  "low quality" alias, UN "Low" quality alias: never drives a hit alone), ``previousName``
  (f.k.a.). Non-Latin originals published by a list are added as ``alias``.
* ``program``: programme codes as published (``DPRK3``, ``RUSSIA-EO14024``).
* ``createdAt``: listing / designation date when the list publishes one.
* ``notes``: the remarks field as published; parsed parts go to their own properties.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from followthemoney import ValueEntity, model

#: FtM schemata a list entity may have.
LIST_SCHEMATA: tuple[str, ...] = (
    "Person",
    "Organization",
    "Company",
    "LegalEntity",
    "Vessel",
    "Airplane",
)

#: Properties holding names, in decreasing strength.
NAME_PROPS: tuple[str, ...] = ("name", "alias", "previousName", "weakAlias")
#: Name properties that may raise a hit on their own.
STRONG_NAME_PROPS: tuple[str, ...] = ("name", "alias", "previousName")

#: Properties holding identifiers, compared exactly after normalisation.
IDENTIFIER_PROPS: tuple[str, ...] = (
    "passportNumber",
    "idNumber",
    "taxNumber",
    "registrationNumber",
    "imoNumber",
    "mmsi",
    "swiftBic",
    "callSign",
    "serialNumber",
    "innCode",
    "ogrnCode",
    "leiCode",
    "socialSecurityNumber",
    "vatCode",
)

#: Properties holding countries (ISO 3166 alpha-2 after cleaning).
COUNTRY_PROPS: tuple[str, ...] = (
    "nationality",
    "citizenship",
    "country",
    "birthCountry",
    "jurisdiction",
    "mainCountry",
    "flag",
)


def make_entity(
    list_id: str,
    native_id: str,
    schema: str,
    properties: Mapping[str, Iterable[str]] | None = None,
) -> ValueEntity:
    """Create a list entity with the stable id ``<list_id>-<native_id>``.

    Args:
        list_id: snake_case list id, e.g. ``us_ofac_sdn``.
        native_id: the publisher's record key (``ent_num``, ``REFERENCE_NUMBER``, ...),
            stripped of surrounding white space.
        schema: an FtM schema name from :data:`LIST_SCHEMATA`.
        properties: optional FtM property -> values to add (cleaned by FtM), e.g.
            ``{"name": ["KIM, Jong Un"], "birthDate": ["1984-01-08"]}``.

    Returns:
        A ``ValueEntity`` whose ``datasets`` is ``{list_id}``.

    Raises:
        ValueError: if ``schema`` is not a list schema or ``native_id`` is empty.
    """
    if schema not in LIST_SCHEMATA:
        raise ValueError(f"not a list schema: {schema!r}")
    native_id = native_id.strip()
    if not native_id:
        raise ValueError("empty native id")
    entity = ValueEntity(
        model.get(schema),  # type: ignore[arg-type]
        {"id": f"{list_id}-{native_id}", "datasets": [list_id]},
    )
    for prop, values in (properties or {}).items():
        for value in values:
            entity.add(prop, value)
    return entity


def entity_from_dict(data: dict[str, Any]) -> ValueEntity:
    """Rebuild an entity from its FtM JSON form (``to_dict()`` output).

    Raises:
        followthemoney.exc.InvalidData: when the schema is unknown.
    """
    return ValueEntity.from_dict(data)


def entity_to_dict(entity: ValueEntity) -> dict[str, Any]:
    """Serialise an entity to FtM JSON with ``id`` as the first key (sorts with ``sort``)."""
    data = entity.to_dict()
    return {"id": data.pop("id"), **data}


def list_id_of(entity: ValueEntity) -> str:
    """Return the list id of a list entity (its single dataset)."""
    return sorted(entity.datasets)[0]


def iter_names(entity: ValueEntity, props: Iterable[str] = NAME_PROPS) -> Iterable[tuple[str, str]]:
    """Yield ``(property, name)`` for every name of an entity, primary names first.

    A name with U+FFFD replacement characters is skipped: its letters were lost before
    publication (the UN list carries ``محمد الل�� مطيع``), and what is left compares with
    the wrong names. The entity keeps its other names; the stored entity keeps the value.
    """
    for prop in props:
        if prop in entity.schema.properties:
            for value in entity.get(prop, quiet=True):
                if "\ufffd" not in value:
                    yield prop, value
