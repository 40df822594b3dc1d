"""EU Financial Sanctions Files (FSF): the consolidated list as XML (export format 1.1).

The European Commission (DG FISMA) publishes the consolidated list of persons, groups and
entities subject to EU financial sanctions as XML, namespace
``http://eu.europa.ec/fpi/fsd/export``:

``export[@generationDate]`` holds ``sanctionEntity`` elements (attributes ``logicalId``,
``euReferenceNumber``, ``unitedNationId``, ``designationDate``, ``designationDetails``),
each with:

* ``subjectType[@code]``: ``person`` or ``enterprise`` (``classificationCode`` P / E);
* ``regulation`` (``programme``, ``publicationDate``, ``entryIntoForceDate``,
  ``numberTitle``, child ``publicationUrl``);
* ``nameAlias`` (``wholeName``, ``firstName``, ``middleName``, ``lastName``, ``function``,
  ``gender`` M/F, ``title``, ``nameLanguage``, ``strong`` true/false);
* ``birthdate`` (``birthdate``, ``year``, ``monthOfYear``, ``dayOfMonth``, ``circa``,
  ``yearRangeFrom``, ``yearRangeTo``, ``city``, ``place``, ``region``,
  ``countryIso2Code``, ``countryDescription``);
* ``citizenship`` (``countryIso2Code``, ``countryDescription``);
* ``identification`` (``number``, ``identificationTypeCode`` e.g. ``passport`` / ``id``,
  ``identificationTypeDescription``, ``issuedBy``, ``countryIso2Code``, ...);
* ``address`` (``street``, ``poBox``, ``zipCode``, ``city``, ``region``, ``place``,
  ``countryIso2Code``, ``countryDescription``);
* ``remark`` text.

Country code ``00`` means unknown. Elements are matched by local name, so a file without
the namespace (format 1.0) reads the same.

Mapping (id ``eu_fsf-<logicalId>``): person -> Person, enterprise -> Organization (any
other subject type is an error); the first strong ``nameAlias`` -> name, the other strong
ones -> alias, ``strong="false"`` -> weakAlias; ``function`` -> position; ``programme`` ->
program; ``designationDate`` (else the earliest regulation ``publicationDate``) ->
createdAt; remarks -> notes; ``generationDate`` -> the list's publication date.

Source: European Commission, "Consolidated list of persons, groups and entities subject to
EU financial sanctions", https://data.europa.eu/data/datasets/consolidated-list-of-persons-groups-and-entities-subject-to-eu-financial-sanctions
(XML at https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content,
schema ``export`` of namespace http://eu.europa.ec/fpi/fsd/export).
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from followthemoney import ValueEntity
from lxml import etree

from screenwise.entities import make_entity
from screenwise.errors import ListParseError
from screenwise.sources.base import ParsedList, parse_single_file
from screenwise.sources.xmlsafe import (
    clean_text,
    date_attribute,
    localname,
    parse_xml,
    sourceline,
)

__all__ = ["EU_FSF", "EuFsfSource", "parse_fsf_xml"]

log = logging.getLogger(__name__)

LIST_ID = "eu_fsf"
NAMESPACE = "http://eu.europa.ec/fpi/fsd/export"

#: ``subjectType/@code`` -> FtM schema.
SCHEMATA: dict[str, str] = {"person": "Person", "enterprise": "Organization"}

#: ``nameAlias/@gender`` -> FtM gender.
GENDERS: dict[str, str] = {"M": "male", "F": "female"}

_UNKNOWN_COUNTRY = "00"


class EuFsfSource:
    """The EU Financial Sanctions File, XML (role ``xml``)."""

    list_id = LIST_ID
    title = "EU Financial Sanctions Files (consolidated list)"
    publisher = "European Commission"
    spec_url = (
        "https://data.europa.eu/data/datasets/"
        "consolidated-list-of-persons-groups-and-entities-subject-to-eu-financial-sanctions"
    )

    def __init__(self) -> None:
        #: Official download URLs by file role.
        self.urls: dict[str, str] = {
            "xml": "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content"
        }

    def identify(self, name: str, head: bytes) -> str | None:
        """Return ``"xml"`` for an FSF export file, by its namespace or root and children.

        Args:
            name: file name, compression suffixes included.
            head: first bytes of the decompressed content.
        """
        if NAMESPACE.encode() in head:
            return "xml"
        if b"<export" in head and b"<sanctionEntity" in head:
            return "xml"
        lowered = name.lower()
        if (
            lowered.startswith(("xmlfullsanctionslist", "eu_fsf", "eu-fsf"))
            and b"<?xml" not in head
        ):
            return "xml"
        return None

    def parse(self, files: dict[str, Path], *, published: date | None = None) -> ParsedList:
        """Parse an FSF XML export (role ``xml``) into a list version.

        Args:
            files: ``{"xml": path}``; plain, gzip or zip.
            published: used only when the file has no ``generationDate``.

        Returns:
            The parsed list, ``published`` from ``generationDate``.

        Raises:
            ListParseError: naming file, line, record (logicalId) and field for unreadable
                content, a wrong root element, a ``sanctionEntity`` without ``logicalId``,
                ``subjectType`` or name, an unknown subject type, or a duplicate logicalId.
        """
        return parse_single_file(
            LIST_ID,
            files,
            "xml",
            format_name="eu-fsf-xml",
            parse=parse_fsf_xml,
            published=published,
        )


def parse_fsf_xml(data: bytes, name: str) -> tuple[date | None, list[ValueEntity]]:
    """Parse an FSF export document into entities.

    Args:
        data: the XML document.
        name: file name used in error messages.

    Returns:
        ``(generationDate as a date or None, entities in document order)``.

    Raises:
        ListParseError: see :meth:`EuFsfSource.parse`.
    """
    root = parse_xml(data, name)
    if localname(root) != "export":
        raise ListParseError(
            name,
            f"root element is <{localname(root)}>, expected <export>",
            line=sourceline(root),
            field=localname(root),
        )
    generated = date_attribute(root, "generationDate", name)
    entities: list[ValueEntity] = []
    seen: set[str] = set()
    for element in root:
        if localname(element) != "sanctionEntity":
            continue
        entity = _parse_entity(element, name)
        if entity.id in seen:
            raise ListParseError(
                name,
                "duplicate logicalId",
                line=sourceline(element),
                record=element.get("logicalId"),
                field="logicalId",
            )
        seen.add(str(entity.id))
        entities.append(entity)
    return generated, entities


def _parse_entity(element: etree._Element, name: str) -> ValueEntity:
    logical_id = (element.get("logicalId") or "").strip()
    line = sourceline(element)
    if not logical_id:
        raise ListParseError(
            name,
            "sanctionEntity has no logicalId",
            line=line,
            record=element.get("euReferenceNumber"),
            field="logicalId",
        )
    subject = _children(element, "subjectType")
    code = (subject[0].get("code") or "").strip().lower() if subject else ""
    schema = SCHEMATA.get(code)
    if schema is None:
        raise ListParseError(
            name,
            f"unknown subject type {code!r} (expected person or enterprise)"
            if code
            else "sanctionEntity has no subjectType",
            line=sourceline(subject[0]) if subject else line,
            record=logical_id,
            field="subjectType",
        )
    entity = make_entity(LIST_ID, logical_id, schema)
    entity.add("topics", "sanction")
    _add_names(entity, element, name, logical_id)
    listed = clean_text(element.get("designationDate"))
    publications: list[str] = []
    for regulation in _children(element, "regulation"):
        entity.add("program", clean_text(regulation.get("programme")))
        published = clean_text(regulation.get("publicationDate"))
        if published:
            publications.append(published)
        for url in _children(regulation, "publicationUrl"):
            entity.add("sourceUrl", clean_text(url.text), quiet=True)
    entity.add("createdAt", listed or (min(publications) if publications else None))
    for remark in _children(element, "remark"):
        entity.add("notes", clean_text(remark.text))
    for address in _children(element, "address"):
        _add_address(entity, address)
    if schema == "Person":
        for citizenship in _children(element, "citizenship"):
            entity.add("citizenship", _country(citizenship))
        for birth in _children(element, "birthdate"):
            _add_birth(entity, birth)
    for identification in _children(element, "identification"):
        _add_identification(entity, identification)
    return entity


def _add_names(entity: ValueEntity, element: etree._Element, name: str, record: str) -> None:
    strong: list[str] = []
    weak: list[str] = []
    for alias in _children(element, "nameAlias"):
        whole = clean_text(alias.get("wholeName")) or " ".join(
            v
            for v in (
                clean_text(alias.get("firstName")),
                clean_text(alias.get("middleName")),
                clean_text(alias.get("lastName")),
            )
            if v
        )
        if whole:
            (weak if alias.get("strong") == "false" else strong).append(whole)
        if entity.schema.name == "Person":
            entity.add("gender", GENDERS.get(alias.get("gender") or ""))
            entity.add("title", clean_text(alias.get("title")))
            entity.add("position", clean_text(alias.get("function")))
        else:
            entity.add("notes", clean_text(alias.get("function")))
    if not strong and not weak:
        raise ListParseError(
            name,
            "sanctionEntity has no name",
            line=sourceline(element),
            record=record,
            field="nameAlias",
        )
    names = strong or weak
    entity.add("name", names[0])
    entity.add("alias", [n for n in names[1:] if n != names[0]])
    if strong:
        entity.add("weakAlias", [n for n in weak if n not in strong])


def _add_birth(entity: ValueEntity, birth: etree._Element) -> None:
    full = clean_text(birth.get("birthdate"))
    year = clean_text(birth.get("year"))
    month, day = clean_text(birth.get("monthOfYear")), clean_text(birth.get("dayOfMonth"))
    if full:
        entity.add("birthDate", full)
    elif year and month and day:
        entity.add("birthDate", f"{year}-{int(month):02d}-{int(day):02d}")
    elif year and month:
        entity.add("birthDate", f"{year}-{int(month):02d}")
    elif year:
        entity.add("birthDate", year)
    start, end = clean_text(birth.get("yearRangeFrom")), clean_text(birth.get("yearRangeTo"))
    if start and end and start.isdigit() and end.isdigit():
        low, high = sorted((int(start), int(end)))
        entity.add("birthDate", [str(y) for y in range(low, high + 1)])
    place = ", ".join(
        v
        for v in (
            clean_text(birth.get("city")) or clean_text(birth.get("place")),
            clean_text(birth.get("region")),
            _country_description(birth),
        )
        if v
    )
    entity.add("birthPlace", place or None)
    entity.add("birthCountry", _country(birth))


def _add_address(entity: ValueEntity, address: etree._Element) -> None:
    parts = [
        clean_text(address.get(attr))
        for attr in ("street", "poBox", "zipCode", "city", "place", "region")
    ]
    parts.append(_country_description(address))
    text = ", ".join(p for p in parts if p)
    entity.add("address", text or None)
    entity.add("country", _country(address))


def _add_identification(entity: ValueEntity, identification: etree._Element) -> None:
    number = clean_text(identification.get("number")) or clean_text(
        identification.get("latinNumber")
    )
    if not number:
        return
    kind = (identification.get("identificationTypeCode") or "").lower()
    description = clean_text(identification.get("identificationTypeDescription")) or kind
    if "passport" in kind:
        prop = "passportNumber"
    elif kind in ("swiftbic", "bic"):
        prop = "swiftBic"
    elif kind in ("regnumber", "registration"):
        prop = "registrationNumber"
    elif kind in ("fiscalcode", "tin", "tax"):
        prop = "taxNumber"
    elif kind == "imo":
        prop = "imoNumber"
    else:
        prop = "idNumber"
    if prop not in entity.schema.properties:
        prop = "idNumber" if "idNumber" in entity.schema.properties else "registrationNumber"
    entity.add(prop, number, quiet=True)
    country = _country(identification)
    entity.add("country", country)
    issued = clean_text(identification.get("issuedBy"))
    details = [f"{description or 'Document'} {number}"]
    if issued:
        details.append(f"issued by {issued}")
    for flag in ("knownFalse", "knownExpired", "reportedLost", "revokedByIssuer"):
        if identification.get(flag) == "true":
            details.append(f"({flag})")
    if len(details) > 1:
        entity.add("notes", " ".join(details))


def _country(element: etree._Element) -> str | None:
    code = clean_text(element.get("countryIso2Code"))
    if code and code != _UNKNOWN_COUNTRY:
        return code
    return _country_description(element)


def _country_description(element: etree._Element) -> str | None:
    if element.get("countryIso2Code") == _UNKNOWN_COUNTRY:
        return None
    return clean_text(element.get("countryDescription"))


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if localname(child) == name]


#: The module's source, registered in ``screenwise.sources``.
EU_FSF = EuFsfSource()
