"""OFAC SDN and Consolidated lists in their XML formats: classic ``sdnList`` and Enhanced XML.

The legacy CSV set and the source definitions are in :mod:`screenwise.sources.us_ofac`,
which dispatches here by file role; the facts both XML formats share with the CSV
(labelled items, remarks, vessel data, countries) are read through
:mod:`screenwise.sources.ofac_remarks`, so all three formats give the same entities.

* Classic XML (``sdn.xml``/``consolidated.xml``, role ``xml``): ``sdnList`` holds
  ``publshInformation`` (``Publish_Date`` ``MM/DD/YYYY``, ``Record_Count``) and one
  ``sdnEntry`` per entity: ``uid`` (= the CSV ``ent_num``), ``sdnType``, ``lastName``/
  ``firstName``, ``title``, ``programList``, ``akaList`` (``type`` a.k.a./f.k.a./n.k.a.,
  ``category`` strong/weak), ``addressList``, ``nationalityList``, ``citizenshipList``,
  ``dateOfBirthList``, ``placeOfBirthList``, ``idList`` (``idType``, ``idNumber``,
  ``idCountry``), ``vesselInfo`` and ``remarks``.
* Enhanced XML (``SDN_ENHANCED.ZIP``/``CONS_ENHANCED.ZIP`` or the XML inside, role
  ``enhanced``): ``sanctionsData`` holds ``publicationInfo/dataAsOf`` and ``entities/entity``
  (attribute ``id`` = ``ent_num``) with ``generalInfo`` (``entityType``, ``remarks``),
  ``sanctionsLists`` (``datePublished``), ``sanctionsPrograms``, ``names`` (``isPrimary``,
  ``isLowQuality``, ``aliasType``, ``translations``), ``addresses`` (typed
  ``addressParts``), ``features`` (type + value or ``valueDate``), ``identityDocuments`` and
  ``relationships``.

Mapping: schema from ``sdnType``/``entityType`` (Individual -> Person, Entity ->
Organization, Vessel -> Vessel, Aircraft -> Airplane; anything else is an error); weak
a.k.a.s (``category`` weak, ``isLowQuality``) -> ``weakAlias``, f.k.a. -> ``previousName``,
other a.k.a.s -> ``alias``; non-Latin translations of the primary name -> ``alias``; the
earliest ``datePublished`` -> ``createdAt``; each relationship -> a ``Linked To:`` note.
``published`` is the date the file states; when the caller gives another one, the file's
wins and a warning says so. A ``Record_Count`` that differs from the entries read is
warned about.

Source: OFAC "SDN List Data Formats & Data Schemas"
(https://ofac.treasury.gov/sdn-list-data-formats-data-schemas); classic XML schema
https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML.xsd;
Enhanced XML schema
https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML.xsd.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path

from followthemoney import ValueEntity
from lxml import etree

from screenwise.entities import make_entity
from screenwise.errors import ListParseError
from screenwise.sources.base import ParsedList, hash_contents
from screenwise.sources.files import describe, read_bytes
from screenwise.sources.ofac_remarks import (
    add_value,
    add_vessel,
    apply_labelled,
    apply_remarks,
    clean_country,
    parse_ofac_dates,
)
from screenwise.sources.xmlsafe import localname, namespace_prefix, parse_xml, sourceline

__all__ = ["parse_enhanced_xml", "parse_sdn_xml"]

#: ``sdnType`` / ``entityType`` (lower case) -> FtM schema.
_XML_SCHEMA = {
    "individual": "Person",
    "entity": "Organization",
    "vessel": "Vessel",
    "aircraft": "Airplane",
}
#: a.k.a. ``type`` / name ``aliasType`` (lower case) -> name property.
_XML_ALIAS_PROPS = {"a.k.a.": "alias", "n.k.a.": "alias", "f.k.a.": "previousName"}
#: Classic XML ``address`` children, in the order they are joined.
_ADDRESS_TAGS = (
    "address1",
    "address2",
    "address3",
    "city",
    "stateOrProvince",
    "postalCode",
    "country",
)
#: Enhanced XML ``addressPart`` types, in the order they are joined (others go last).
_ADDRESS_ORDER = {
    "ADDRESS1": 1,
    "ADDRESS2": 2,
    "ADDRESS3": 3,
    "CITY": 4,
    "STATE/PROVINCE": 5,
    "POSTAL CODE": 6,
    "REGION": 7,
}


# -- shared by both formats ---------------------------------------------------------------


def _read_document(
    path: Path, root_name: str, wrong_root: str, member: str | None = None
) -> tuple[bytes, str, etree._Element, str]:
    """Read and parse one XML document; return (content, name, root, namespace prefix).

    Raises:
        ListParseError: on unreadable content, or ``wrong_root`` (formatted with the root's
            local name as ``root``) when the root element is not ``root_name``.
    """
    data = read_bytes(path, member=member)
    name = describe(path, member)
    root = parse_xml(data, name)
    if localname(root) != root_name:
        raise ListParseError(name, wrong_root.format(root=localname(root)), line=1)
    return data, name, root, namespace_prefix(root)


def _unique_entities(
    elements: Iterable[etree._Element],
    build: Callable[[etree._Element], ValueEntity],
    name: str,
    id_field: str,
    id_label: str,
) -> list[ValueEntity]:
    """Build one entity per element, refusing a repeated entity id."""
    entities: list[ValueEntity] = []
    seen: set[str] = set()
    for element in elements:
        entity = build(element)
        if entity.id in seen:
            raise ListParseError(
                name,
                f"duplicate {id_label}",
                line=sourceline(element),
                record=entity.id,
                field=id_field,
            )
        seen.add(entity.id or "")
        entities.append(entity)
    return entities


def _parse_us_date(text: str | None, name: str, line: int | None, tag: str) -> date | None:
    if not text or not text.strip():
        return None
    value = text.strip()
    for fmt in ("%m/%d/%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ListParseError(name, f"not a date: {value!r}", line=line, field=tag)


def _version(
    list_id: str,
    role: str,
    format_name: str,
    path: Path,
    data: bytes,
    entities: list[ValueEntity],
    dates: tuple[date | None, date | None],
    name: str,
    warnings: list[str],
) -> ParsedList:
    """Return the list version of one XML file; ``dates`` is (stated in file, given)."""
    stated, given = dates
    if stated and given and stated != given:
        warnings.append(
            f"{name}: the file states publication date {stated}, not {given}; using {stated}"
        )
    return ParsedList(
        list_id=list_id,
        entities=entities,
        content_hash=hash_contents([data]),
        published=stated or given,
        source=str(path),
        format=format_name,
        files={role: str(path)},
        warnings=warnings,
        complete=True,
    )


def _schema(value: str, name: str, line: int | None, record: str, tag: str) -> str:
    schema = _XML_SCHEMA.get(value.lower())
    if schema is None:
        raise ListParseError(
            name,
            f"unknown value {value!r} (expected Individual, Entity, Vessel or Aircraft)",
            line=line,
            record=record,
            field=tag,
        )
    return schema


# -- classic XML (sdnList) ----------------------------------------------------------------


def parse_sdn_xml(list_id: str, path: Path, published: date | None) -> ParsedList:
    """Parse a classic OFAC XML file (``sdn.xml`` or ``consolidated.xml``, role ``xml``).

    Args:
        list_id: ``us_ofac_sdn`` or ``us_ofac_cons``.
        path: the file (plain, gzip or single-member zip).
        published: publication date given by the caller; the file's ``Publish_Date`` wins.

    Returns:
        A complete list version, format ``ofac-xml``.

    Raises:
        ListParseError: naming file, line, record (``uid``) and field for unreadable
            content, a root other than ``sdnList``, a malformed ``Publish_Date``, a missing
            or non-integer ``uid``, an unknown ``sdnType`` or a duplicate ``uid``.
    """
    data, name, root, ns = _read_document(
        path, "sdnList", "not an OFAC sdnList document (root element {root!r})"
    )
    warnings: list[str] = []
    info = root.find(f"{ns}publshInformation")
    stated = None
    stated_count = None
    if info is not None:
        date_el = info.find(f"{ns}Publish_Date")
        if date_el is not None:
            stated = _parse_us_date(date_el.text, name, sourceline(date_el), "Publish_Date")
        count_text = info.findtext(f"{ns}Record_Count")
        stated_count = int(count_text) if count_text and count_text.strip().isdigit() else None
    entities = _unique_entities(
        root.iterchildren(f"{ns}sdnEntry"),
        lambda entry: _xml_entity(list_id, entry, ns, name),
        name,
        "uid",
        "uid",
    )
    if stated_count is not None and stated_count != len(entities):
        warnings.append(
            f"{name}: Record_Count states {stated_count} entries, the file holds {len(entities)}"
        )
    return _version(
        list_id, "xml", "ofac-xml", path, data, entities, (stated, published), name, warnings
    )


def _xml_entity(list_id: str, entry: etree._Element, ns: str, name: str) -> ValueEntity:
    line = sourceline(entry)
    uid = (entry.findtext(f"{ns}uid") or "").strip()
    if not uid.isdigit():
        raise ListParseError(name, f"missing or non-integer uid {uid!r}", line=line, field="uid")
    sdn_type = (entry.findtext(f"{ns}sdnType") or "").strip()
    schema = _schema(sdn_type, name, line, uid, "sdnType")
    entity = make_entity(list_id, uid, schema)
    add_value(entity, "name", _xml_name(entry, ns))
    add_value(entity, "topics", "sanction")
    title = entry.findtext(f"{ns}title")
    if title and schema == "Person":
        add_value(entity, "title", title)
        add_value(entity, "position", title)
    for program in entry.iterfind(f"{ns}programList/{ns}program"):
        add_value(entity, "program", program.text)
    for aka in entry.iterfind(f"{ns}akaList/{ns}aka"):
        weak = (aka.findtext(f"{ns}category") or "").strip().lower() == "weak"
        kind = (aka.findtext(f"{ns}type") or "").strip().lower()
        prop = "weakAlias" if weak else _XML_ALIAS_PROPS.get(kind, "alias")
        add_value(entity, prop, _xml_name(aka, ns))
    for address in entry.iterfind(f"{ns}addressList/{ns}address"):
        parts = [
            t for t in (address.findtext(f"{ns}{tag}") for tag in _ADDRESS_TAGS) if t and t.strip()
        ]
        add_value(entity, "address", ", ".join(p.strip() for p in parts))
        add_value(entity, "country", clean_country(address.findtext(f"{ns}country") or ""))
    for item in entry.iterfind(f"{ns}nationalityList/{ns}nationality"):
        add_value(entity, "nationality", clean_country(item.findtext(f"{ns}country") or ""))
    for item in entry.iterfind(f"{ns}citizenshipList/{ns}citizenship"):
        add_value(entity, "citizenship", clean_country(item.findtext(f"{ns}country") or ""))
    for item in entry.iterfind(f"{ns}dateOfBirthList/{ns}dateOfBirthItem"):
        for iso in parse_ofac_dates(item.findtext(f"{ns}dateOfBirth") or ""):
            add_value(entity, "birthDate", iso)
    for item in entry.iterfind(f"{ns}placeOfBirthList/{ns}placeOfBirthItem"):
        apply_labelled(entity, "place of birth", item.findtext(f"{ns}placeOfBirth") or "")
    for item in entry.iterfind(f"{ns}idList/{ns}id"):
        label = item.findtext(f"{ns}idType") or ""
        number = item.findtext(f"{ns}idNumber") or ""
        country = item.findtext(f"{ns}idCountry")
        apply_labelled(entity, label, number, country=country, note_identifiers=True)
    vessel = entry.find(f"{ns}vesselInfo")
    if vessel is not None and schema == "Vessel":
        add_vessel(
            entity,
            vessel.findtext(f"{ns}callSign"),
            vessel.findtext(f"{ns}vesselType"),
            vessel.findtext(f"{ns}tonnage"),
            vessel.findtext(f"{ns}grossRegisteredTonnage"),
            vessel.findtext(f"{ns}vesselFlag"),
            vessel.findtext(f"{ns}vesselOwner"),
        )
    apply_remarks(entity, entry.findtext(f"{ns}remarks"))
    return entity


def _xml_name(element: etree._Element, ns: str) -> str:
    last = (element.findtext(f"{ns}lastName") or "").strip()
    first = (element.findtext(f"{ns}firstName") or "").strip()
    return f"{last}, {first}" if last and first else last or first


# -- Enhanced XML -------------------------------------------------------------------------


def _enhanced_member(path: Path, stem: str) -> str | None:
    """Return the XML member to read from an Enhanced ZIP (None: the single member)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [i.filename for i in archive.infolist() if not i.is_dir()]
    except (OSError, zipfile.BadZipFile):
        return None  # not a zip, or a broken one: read_bytes reports it
    if len(names) <= 1:
        return None
    wanted = f"{stem}.xml"
    for member in names:
        if member.rsplit("/", 1)[-1].lower() == wanted:
            return member
    return None


def parse_enhanced_xml(list_id: str, path: Path, stem: str, published: date | None) -> ParsedList:
    """Parse an OFAC Enhanced XML file (``*_ENHANCED.ZIP`` or its XML, role ``enhanced``).

    Args:
        list_id: ``us_ofac_sdn`` or ``us_ofac_cons``.
        path: the ZIP (or plain/gzip XML).
        stem: the XML member's published stem (``sdn_enhanced``), used when the ZIP holds
            several files.
        published: publication date given by the caller; the file's ``dataAsOf`` wins.

    Returns:
        A complete list version, format ``ofac-enhanced-xml``.

    Raises:
        ListParseError: naming file (``zip!member``), line, record and field for
            unreadable content, a root other than ``sanctionsData``, a malformed
            ``dataAsOf``, a missing or non-integer entity id, an unknown ``entityType`` or
            a duplicate entity id.
    """
    data, name, root, ns = _read_document(
        path,
        "sanctionsData",
        "not an OFAC Enhanced XML document (root {root!r})",
        member=_enhanced_member(path, stem),
    )
    stated = None
    as_of = root.find(f"{ns}publicationInfo/{ns}dataAsOf")
    if as_of is not None:
        stated = _parse_us_date(as_of.text, name, sourceline(as_of), "dataAsOf")
    entities = _unique_entities(
        root.iterfind(f"{ns}entities/{ns}entity"),
        lambda element: _enhanced_entity(list_id, element, ns, name),
        name,
        "id",
        "entity id",
    )
    return _version(
        list_id,
        "enhanced",
        "ofac-enhanced-xml",
        path,
        data,
        entities,
        (stated, published),
        name,
        [],
    )


def _enhanced_entity(list_id: str, element: etree._Element, ns: str, name: str) -> ValueEntity:
    line = sourceline(element)
    uid = (element.get("id") or "").strip()
    if not uid.isdigit():
        raise ListParseError(
            name, f"missing or non-integer entity id {uid!r}", line=line, field="id"
        )
    entity_type = (element.findtext(f"{ns}generalInfo/{ns}entityType") or "").strip()
    entity = make_entity(list_id, uid, _schema(entity_type, name, line, uid, "entityType"))
    add_value(entity, "topics", "sanction")
    listed = [
        item.get("datePublished", "")
        for item in element.iterfind(f"{ns}sanctionsLists/{ns}sanctionsList")
    ]
    listed = [d[:10] for d in listed if len(d) >= 10]
    if listed:
        add_value(entity, "createdAt", min(listed))
    for program in element.iterfind(f"{ns}sanctionsPrograms/{ns}sanctionsProgram"):
        add_value(entity, "program", program.text)
    for name_el in element.iterfind(f"{ns}names/{ns}name"):
        _enhanced_name(entity, name_el, ns)
    for address in element.iterfind(f"{ns}addresses/{ns}address"):
        country = address.findtext(f"{ns}country")
        parts = [
            (part.findtext(f"{ns}type") or "", (part.findtext(f"{ns}value") or "").strip())
            for part in address.iterfind(
                f"{ns}translations/{ns}translation/{ns}addressParts/{ns}addressPart"
            )
        ]
        parts.sort(key=lambda p: _ADDRESS_ORDER.get(p[0].upper(), 99))
        values = [v for _, v in parts if v]
        if country and country.strip():
            values.append(country.strip())
        add_value(entity, "address", ", ".join(values))
        add_value(entity, "country", clean_country(country or ""))
    for feature in element.iterfind(f"{ns}features/{ns}feature"):
        label = feature.findtext(f"{ns}type") or ""
        value = (feature.findtext(f"{ns}value") or "").strip()
        if not value:
            value = _enhanced_date_text(feature, ns)
        apply_labelled(entity, label, value)
    for doc in element.iterfind(f"{ns}identityDocuments/{ns}identityDocument"):
        apply_labelled(
            entity,
            doc.findtext(f"{ns}type") or "",
            doc.findtext(f"{ns}documentNumber") or "",
            country=doc.findtext(f"{ns}issuingCountry"),
            note_identifiers=True,
        )
    for relation in element.iterfind(f"{ns}relationships/{ns}relationship"):
        related = (relation.findtext(f"{ns}relatedEntity") or "").strip()
        if related:
            add_value(entity, "notes", f"Linked To: {related}")
    apply_remarks(entity, element.findtext(f"{ns}generalInfo/{ns}remarks"))
    return entity


def _enhanced_date_text(feature: etree._Element, ns: str) -> str:
    """Return a date expression for a feature that publishes only a ``valueDate``."""
    begin = feature.findtext(f"{ns}valueDate/{ns}fromDateBegin") or ""
    end = feature.findtext(f"{ns}valueDate/{ns}toDateEnd") or ""
    if not begin:
        return ""
    if begin == end or not end:
        return begin[:10]
    if begin[4:10] == "-01-01" and end[4:10] == "-12-31":
        return begin[:4] if begin[:4] == end[:4] else f"{begin[:4]} to {end[:4]}"
    return f"{begin[:10]} to {end[:10]}"


def _enhanced_name(entity: ValueEntity, element: etree._Element, ns: str) -> None:
    primary = (element.findtext(f"{ns}isPrimary") or "").strip() == "true"
    weak = (element.findtext(f"{ns}isLowQuality") or "").strip() == "true"
    alias_type = (element.findtext(f"{ns}aliasType") or "").strip().lower()
    if weak:
        prop = "weakAlias"
    elif primary:
        prop = "name"
    else:
        prop = _XML_ALIAS_PROPS.get(alias_type, "alias")
    for translation in element.iterfind(f"{ns}translations/{ns}translation"):
        full = translation.findtext(f"{ns}formattedFullName") or ""
        if not full.strip():
            last = translation.findtext(f"{ns}formattedLastName") or ""
            first = translation.findtext(f"{ns}formattedFirstName") or ""
            full = f"{last.strip()}, {first.strip()}" if last.strip() and first.strip() else last
        is_primary = (translation.findtext(f"{ns}isPrimary") or "").strip() == "true"
        # Non-Latin originals of the primary name are kept as aliases (entities.py rule).
        add_value(entity, prop if (is_primary or prop != "name") else "alias", full)
