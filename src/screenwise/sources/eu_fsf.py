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
from screenwise.sources.base import ParsedList, hash_contents
from screenwise.sources.files import read_bytes
from screenwise.sources.xmlsafe import localname, parse_xml

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
        path = files.get("xml")
        if path is None:
            raise ListParseError(LIST_ID, "no XML file given (role 'xml')")
        data = read_bytes(path)
        generated, entities = parse_fsf_xml(data, str(path))
        return ParsedList(
            list_id=LIST_ID,
            entities=entities,
            content_hash=hash_contents([data]),
            published=generated or published,
            source=str(path),
            format="eu-fsf-xml",
            files={"xml": str(path)},
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
            line=_line(root),
            field=localname(root),
        )
    generated = None
    stamp = root.get("generationDate")
    if stamp:
        try:
            generated = date.fromisoformat(stamp[:10])
        except ValueError:
            raise ListParseError(
                name,
                f"generationDate {stamp!r} is not an ISO date",
                line=_line(root),
                field="generationDate",
            ) from None
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
                line=_line(element),
                record=element.get("logicalId"),
                field="logicalId",
            )
        seen.add(str(entity.id))
        entities.append(entity)
    return generated, entities


def _parse_entity(element: etree._Element, name: str) -> ValueEntity:
    logical_id = (element.get("logicalId") or "").strip()
    line = _line(element)
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
            line=_line(subject[0]) if subject else line,
            record=logical_id,
            field="subjectType",
        )
    entity = make_entity(LIST_ID, logical_id, schema)
    entity.add("topics", "sanction")
    _add_names(entity, element, name, logical_id)
    listed = _clean(element.get("designationDate"))
    publications: list[str] = []
    for regulation in _children(element, "regulation"):
        entity.add("program", _clean(regulation.get("programme")))
        published = _clean(regulation.get("publicationDate"))
        if published:
            publications.append(published)
        for url in _children(regulation, "publicationUrl"):
            entity.add("sourceUrl", _clean(url.text), quiet=True)
    entity.add("createdAt", listed or (min(publications) if publications else None))
    for remark in _children(element, "remark"):
        entity.add("notes", _clean(remark.text))
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
        whole = _clean(alias.get("wholeName")) or " ".join(
            v
            for v in (
                _clean(alias.get("firstName")),
                _clean(alias.get("middleName")),
                _clean(alias.get("lastName")),
            )
            if v
        )
        if whole:
            (weak if alias.get("strong") == "false" else strong).append(whole)
        if entity.schema.name == "Person":
            entity.add("gender", GENDERS.get(alias.get("gender") or ""))
            entity.add("title", _clean(alias.get("title")))
            entity.add("position", _clean(alias.get("function")))
        else:
            entity.add("notes", _clean(alias.get("function")))
    if not strong and not weak:
        raise ListParseError(
            name,
            "sanctionEntity has no name",
            line=_line(element),
            record=record,
            field="nameAlias",
        )
    names = strong or weak
    entity.add("name", names[0])
    entity.add("alias", [n for n in names[1:] if n != names[0]])
    if strong:
        entity.add("weakAlias", [n for n in weak if n not in strong])


def _add_birth(entity: ValueEntity, birth: etree._Element) -> None:
    full = _clean(birth.get("birthdate"))
    year = _clean(birth.get("year"))
    month, day = _clean(birth.get("monthOfYear")), _clean(birth.get("dayOfMonth"))
    if full:
        entity.add("birthDate", full)
    elif year and month and day:
        entity.add("birthDate", f"{year}-{int(month):02d}-{int(day):02d}")
    elif year and month:
        entity.add("birthDate", f"{year}-{int(month):02d}")
    elif year:
        entity.add("birthDate", year)
    start, end = _clean(birth.get("yearRangeFrom")), _clean(birth.get("yearRangeTo"))
    if start and end and start.isdigit() and end.isdigit():
        low, high = sorted((int(start), int(end)))
        entity.add("birthDate", [str(y) for y in range(low, high + 1)])
    place = ", ".join(
        v
        for v in (
            _clean(birth.get("city")) or _clean(birth.get("place")),
            _clean(birth.get("region")),
            _country_description(birth),
        )
        if v
    )
    entity.add("birthPlace", place or None)
    entity.add("birthCountry", _country(birth))


def _add_address(entity: ValueEntity, address: etree._Element) -> None:
    parts = [
        _clean(address.get(attr))
        for attr in ("street", "poBox", "zipCode", "city", "place", "region")
    ]
    parts.append(_country_description(address))
    text = ", ".join(p for p in parts if p)
    entity.add("address", text or None)
    entity.add("country", _country(address))


def _add_identification(entity: ValueEntity, identification: etree._Element) -> None:
    number = _clean(identification.get("number")) or _clean(identification.get("latinNumber"))
    if not number:
        return
    kind = (identification.get("identificationTypeCode") or "").lower()
    description = _clean(identification.get("identificationTypeDescription")) or kind
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
    issued = _clean(identification.get("issuedBy"))
    details = [f"{description or 'Document'} {number}"]
    if issued:
        details.append(f"issued by {issued}")
    for flag in ("knownFalse", "knownExpired", "reportedLost", "revokedByIssuer"):
        if identification.get(flag) == "true":
            details.append(f"({flag})")
    if len(details) > 1:
        entity.add("notes", " ".join(details))


def _country(element: etree._Element) -> str | None:
    code = _clean(element.get("countryIso2Code"))
    if code and code != _UNKNOWN_COUNTRY:
        return code
    return _country_description(element)


def _country_description(element: etree._Element) -> str | None:
    if element.get("countryIso2Code") == _UNKNOWN_COUNTRY:
        return None
    return _clean(element.get("countryDescription"))


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if localname(child) == name]


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def _line(element: etree._Element) -> int | None:
    line = element.sourceline
    return line if isinstance(line, int) else None


#: The module's source, registered in ``screenwise.sources``.
EU_FSF = EuFsfSource()
