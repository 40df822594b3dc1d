"""UN Security Council Consolidated List, XML.

The consolidated list of all UN Security Council sanctions regimes is published as
``consolidated.xml`` (ordered by regime) and ``consolidatedLegacyByPRN.xml`` (ordered by
permanent reference number); both follow the same schema, ``sc-sanctions.xsd``:

``CONSOLIDATED_LIST[@dateGenerated]`` holds ``INDIVIDUALS/INDIVIDUAL`` and
``ENTITIES/ENTITY`` records. Each record has ``DATAID``, ``FIRST_NAME`` .. ``FOURTH_NAME``,
``UN_LIST_TYPE``, ``REFERENCE_NUMBER``, ``LISTED_ON``, ``NAME_ORIGINAL_SCRIPT``,
``COMMENTS1``, ``TITLE/VALUE``, ``DESIGNATION/VALUE``, ``NATIONALITY/VALUE``, ``GENDER``,
``LAST_DAY_UPDATED/VALUE``, ``*_ALIAS`` (``QUALITY``, ``ALIAS_NAME``), ``*_ADDRESS``
(``STREET``, ``CITY``, ``STATE_PROVINCE``, ``ZIP_CODE``, ``COUNTRY``, ``NOTE``),
``INDIVIDUAL_DATE_OF_BIRTH`` (``TYPE_OF_DATE`` EXACT / APPROXIMATELY / BETWEEN with
``DATE``, ``YEAR`` or ``FROM_YEAR``/``TO_YEAR``), ``INDIVIDUAL_PLACE_OF_BIRTH`` and
``INDIVIDUAL_DOCUMENT`` (``TYPE_OF_DOCUMENT``, ``NUMBER``, ``ISSUING_COUNTRY`` or
``COUNTRY_OF_ISSUE``, ``DATE_OF_ISSUE``, ``CITY_OF_ISSUE``, ``NOTE``).

Mapping to entities:

* id ``un_sc_sanctions-<REFERENCE_NUMBER>`` (e.g. ``un_sc_sanctions-KPi.033``);
  INDIVIDUAL -> Person, ENTITY -> Organization.
* name: the name parts joined in their published order; ``NAME_ORIGINAL_SCRIPT`` -> alias;
  alias QUALITY ``Good``, ``a.k.a.`` or blank -> alias, ``Low`` -> weakAlias, ``f.k.a.`` ->
  previousName.
* birth dates: ``DATE`` as published, ``YEAR``, every year from ``FROM_YEAR`` to
  ``TO_YEAR``; an APPROXIMATELY date keeps its published precision.
* documents: passports -> passportNumber, others -> idNumber; the issuing country goes to
  ``country`` and the document's description to ``notes``.
* ``UN_LIST_TYPE`` (regime, e.g. ``DPRK``) -> program (the ``REFERENCE_NUMBER`` regime
  prefix when the list type is blank), ``LISTED_ON`` -> createdAt, the newest
  ``LAST_DAY_UPDATED`` -> modifiedAt, ``COMMENTS1`` -> notes, ``DESIGNATION`` -> position.
* ``published``: the date part of ``dateGenerated``.

Source: UN Security Council, "Consolidated United Nations Security Council Sanctions List",
https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list, schema
https://www.un.org/sc/resources/sc-sanctions.xsd (XML at
https://scsanctions.un.org/resources/xml/en/consolidated.xml).
"""

from __future__ import annotations

import logging
import re
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
    parse_xml,
    sourceline,
)

__all__ = ["UN_SC_SANCTIONS", "UnScSource", "parse_un_xml"]

log = logging.getLogger(__name__)

LIST_ID = "un_sc_sanctions"
ROOT_TAG = "CONSOLIDATED_LIST"

#: Record element -> (container element, FtM schema, element prefix of sub-records).
RECORDS: dict[str, tuple[str, str, str]] = {
    "INDIVIDUAL": ("INDIVIDUALS", "Person", "INDIVIDUAL"),
    "ENTITY": ("ENTITIES", "Organization", "ENTITY"),
}

#: Alias ``QUALITY`` (lower case) -> name property.
ALIAS_QUALITY: dict[str, str] = {
    "good": "alias",
    "a.k.a.": "alias",
    "": "alias",
    "low": "weakAlias",
    "f.k.a.": "previousName",
}

NAME_PARTS: tuple[str, ...] = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")

_REF_PREFIX = re.compile(r"^([A-Z]+)[ie]?\.", re.IGNORECASE)
_PASSPORT = re.compile(r"passport|passeport|pasaporte", re.IGNORECASE)


class UnScSource:
    """The UN Security Council Consolidated List, XML (role ``xml``)."""

    list_id = LIST_ID
    title = "UN Security Council Consolidated List"
    publisher = "United Nations Security Council"
    spec_url = "https://www.un.org/sc/resources/sc-sanctions.xsd"

    def __init__(self) -> None:
        #: Official download URLs by file role.
        self.urls: dict[str, str] = {
            "xml": "https://scsanctions.un.org/resources/xml/en/consolidated.xml"
        }

    def identify(self, name: str, head: bytes) -> str | None:
        """Return ``"xml"`` for a UN consolidated list file, else None.

        Recognised by its root element ``CONSOLIDATED_LIST``; a file whose content cannot
        be recognised (empty, HTML page, truncated archive) is claimed by a name only the UN
        uses (``consolidatedLegacyByPRN*.xml``, ``un_consolidated*.xml``), so the parser
        reports what is wrong with it.

        Args:
            name: file name, compression suffixes included.
            head: first bytes of the decompressed content.
        """
        if b"<" + ROOT_TAG.encode() in head:
            return "xml"
        lowered = name.lower()
        un_name = re.fullmatch(
            r"(un[_-]?consolidated|consolidatedlegacybyprn)[^/]*\.xml(\.gz|\.zip)?", lowered
        )
        if un_name and b"<?xml" not in head[:100]:
            return "xml"
        return None

    def parse(self, files: dict[str, Path], *, published: date | None = None) -> ParsedList:
        """Parse one UN consolidated list file (role ``xml``) into a list version.

        Args:
            files: ``{"xml": path}``; plain, gzip or zip.
            published: used only when the file has no ``dateGenerated``.

        Returns:
            The parsed list; ``published`` is the file's ``dateGenerated`` date.

        Raises:
            ListParseError: naming file, line, record and field for unreadable content, a
                wrong root element, an unknown record element, a record without
                ``REFERENCE_NUMBER`` or name, a duplicate reference number, or a malformed
                ``dateGenerated``.
        """
        return parse_single_file(
            LIST_ID, files, "xml", format_name="un-xml", parse=parse_un_xml, published=published
        )


def parse_un_xml(data: bytes, name: str) -> tuple[date | None, list[ValueEntity]]:
    """Parse the UN consolidated XML document into entities.

    Args:
        data: the XML document.
        name: file name used in error messages.

    Returns:
        ``(dateGenerated as a date or None, entities in document order)``.

    Raises:
        ListParseError: see :meth:`UnScSource.parse`.
    """
    root = parse_xml(data, name)
    if root.tag != ROOT_TAG:
        raise ListParseError(
            name,
            f"root element is <{root.tag}>, expected <{ROOT_TAG}>",
            line=sourceline(root),
            field=str(root.tag),
        )
    generated = date_attribute(root, "dateGenerated", name)
    entities: list[ValueEntity] = []
    seen: set[str] = set()
    for container in root:
        if not isinstance(container.tag, str):
            continue
        for record in container:
            if not isinstance(record.tag, str):
                continue
            spec = RECORDS.get(record.tag)
            if spec is None or spec[0] != container.tag:
                raise ListParseError(
                    name,
                    f"unknown record element <{record.tag}> in <{container.tag}>",
                    line=sourceline(record),
                    field=record.tag,
                )
            entity = _parse_record(record, spec[1], spec[2], name)
            if entity.id in seen:
                raise ListParseError(
                    name,
                    "duplicate REFERENCE_NUMBER",
                    line=sourceline(record),
                    record=_ChildTexts(record).get("REFERENCE_NUMBER"),
                    field="REFERENCE_NUMBER",
                )
            seen.add(str(entity.id))
            entities.append(entity)
    return generated, entities


def _parse_record(record: etree._Element, schema: str, prefix: str, name: str) -> ValueEntity:
    texts = _ChildTexts(record)
    dataid = texts.get("DATAID")
    reference = texts.get("REFERENCE_NUMBER")
    if not reference:
        raise ListParseError(
            name,
            "record has no REFERENCE_NUMBER",
            line=sourceline(record),
            record=f"DATAID {dataid}" if dataid else None,
            field="REFERENCE_NUMBER",
        )
    full_name = " ".join(p for p in (texts.get(tag) for tag in NAME_PARTS) if p)
    if not full_name:
        raise ListParseError(
            name,
            "record has no name",
            line=sourceline(record),
            record=reference,
            field="FIRST_NAME",
        )
    entity = make_entity(LIST_ID, reference, schema)
    entity.add("name", full_name)
    entity.add("alias", texts.get("NAME_ORIGINAL_SCRIPT"))
    entity.add("topics", "sanction")
    list_type = texts.get("UN_LIST_TYPE")
    prefix_match = _REF_PREFIX.match(reference)
    entity.add("program", list_type or (prefix_match.group(1) if prefix_match else None))
    entity.add("createdAt", texts.get("LISTED_ON"))
    updated = sorted(_values(record, "LAST_DAY_UPDATED"))
    if updated:
        entity.add("modifiedAt", updated[-1], quiet=True)
    entity.add("notes", texts.get("COMMENTS1"))
    for alias in record.iterfind(f"{prefix}_ALIAS"):
        _add_alias(entity, alias)
    for address in record.iterfind(f"{prefix}_ADDRESS"):
        _add_address(entity, address, "address")
    if schema == "Person":
        entity.add("title", _values(record, "TITLE"))
        entity.add("position", _values(record, "DESIGNATION"))
        entity.add("nationality", _values(record, "NATIONALITY"))
        entity.add("gender", texts.get("GENDER"))
        for dob in record.iterfind("INDIVIDUAL_DATE_OF_BIRTH"):
            entity.add("birthDate", _birth_dates(dob))
        for pob in record.iterfind("INDIVIDUAL_PLACE_OF_BIRTH"):
            _add_address(entity, pob, "birthPlace")
            entity.add("birthCountry", _ChildTexts(pob).get("COUNTRY"))
        for document in record.iterfind("INDIVIDUAL_DOCUMENT"):
            _add_document(entity, document)
    return entity


def _add_alias(entity: ValueEntity, alias: etree._Element) -> None:
    texts = _ChildTexts(alias)
    alias_name = texts.get("ALIAS_NAME")
    if not alias_name:
        return
    quality = (texts.get("QUALITY") or "").lower()
    prop = ALIAS_QUALITY.get(quality)
    if prop is None:
        log.warning("unknown alias QUALITY %r for %s; kept as alias", quality, entity.id)
        prop = "alias"
    entity.add(prop, alias_name)
    if entity.schema.name == "Person":
        # Some aliases carry their own birth data (an identity used under that name).
        entity.add("birthDate", texts.get("DATE_OF_BIRTH"), quiet=True)
        entity.add("birthPlace", texts.get("CITY_OF_BIRTH"))
        entity.add("birthCountry", texts.get("COUNTRY_OF_BIRTH"))


def _add_address(entity: ValueEntity, element: etree._Element, prop: str) -> None:
    texts = _ChildTexts(element)
    parts = [texts.get(tag) for tag in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")]
    text = ", ".join(p for p in parts if p)
    note = texts.get("NOTE")
    if text:
        entity.add(prop, f"{text} ({note})" if note and prop == "address" else text)
    if prop == "address":
        entity.add("country", texts.get("COUNTRY"))


def _birth_dates(dob: etree._Element) -> list[str]:
    texts = _ChildTexts(dob)
    out = [v for v in (texts.get("DATE"), texts.get("YEAR")) if v]
    start, end = texts.get("FROM_YEAR"), texts.get("TO_YEAR")
    if start and end and start.isdigit() and end.isdigit():
        low, high = sorted((int(start), int(end)))
        out.extend(str(year) for year in range(low, high + 1))
    else:
        out.extend(v for v in (start, end) if v)
    return [value[:10] for value in out]


def _add_document(entity: ValueEntity, document: etree._Element) -> None:
    texts = _ChildTexts(document)
    number = texts.get("NUMBER")
    kind = " ".join(
        p
        for p in (
            texts.get("TYPE_OF_DOCUMENT"),
            texts.get("TYPE_OF_DOCUMENT2"),
        )
        if p
    )
    if not number:
        return
    prop = "passportNumber" if _PASSPORT.search(kind) else "idNumber"
    entity.add(prop, number)
    country = texts.get("ISSUING_COUNTRY") or texts.get("COUNTRY_OF_ISSUE")
    entity.add("country", country)
    details = [f"{kind or 'Document'} {number}"]
    if country:
        details.append(f"issued by {country}")
    city, issued = texts.get("CITY_OF_ISSUE"), texts.get("DATE_OF_ISSUE")
    if city:
        details.append(f"in {city}")
    if issued:
        details.append(f"on {issued}")
    note = texts.get("NOTE")
    if note:
        details.append(f"({note})")
    if len(details) > 1:
        entity.add("notes", " ".join(details))


class _ChildTexts:
    """The text of an element's first child of each tag, cleaned on access.

    One pass over the children instead of one ``findtext`` per field: a UN record is read
    field by field, about twenty-five lookups per record.
    """

    __slots__ = ("_texts",)

    def __init__(self, element: etree._Element) -> None:
        texts: dict[object, str | None] = {}
        for child in element:
            texts.setdefault(child.tag, child.text)
        self._texts = texts

    def get(self, tag: str) -> str | None:
        """Return the child's text with white space collapsed (:func:`clean_text`), or None."""
        return clean_text(self._texts.get(tag))


def _values(element: etree._Element, tag: str) -> list[str]:
    """Return the cleaned, non-empty texts of ``tag/VALUE`` children (TITLE, NATIONALITY ...)."""
    values = (clean_text(child.text) for child in element.iterfind(f"{tag}/VALUE"))
    return [value for value in values if value]


#: The module's source, registered in ``screenwise.sources``.
UN_SC_SANCTIONS = UnScSource()
