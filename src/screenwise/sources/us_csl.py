"""US Consolidated Screening List (CSL), CSV download.

The CSL, published by the International Trade Administration (trade.gov), merges eleven
export-control and sanctions lists of the Departments of Commerce (BIS: Entity List,
Denied Persons, Unverified, Military End User), State (ITAR Debarred, Nonproliferation)
and the Treasury (SDN, SSI, PLC, CMIC, CAPTA, NS-MBS, FSE) into one file.

Format (one header row, RFC 4180 quoting, UTF-8): columns ``_id, source, entity_number,
type, programs, name, title, addresses, federal_register_notice, start_date, end_date,
standard_order, license_requirement, license_policy, call_sign, vessel_type,
gross_tonnage, gross_registered_tonnage, vessel_flag, vessel_owner, remarks,
source_list_url, alt_names, citizenships, dates_of_birth, nationalities, places_of_birth,
source_information_url, ids``. Multi-valued columns are ``"; "``-separated; an ``ids`` item
is ``[country, ][issue date, ][expiry date, ]value, type`` (the flattened form of the API's
``ids`` objects ``{type, number, country, issue_date, expiration_date}``).

Mapping to entities:

* id ``us_trade_csl-<_id>``: ``_id`` equals OFAC's ``ent_num`` for Treasury rows and is a
  SHA-1 hex digest for the others. Rows sharing an ``_id`` are one party listed under
  several source lists (e.g. SDN and CAPTA) and become one entity keeping every source,
  program and value.
* schema from ``type``: Individual -> Person, Entity -> Organization, Vessel -> Vessel,
  Aircraft -> Airplane, blank (Entity List, DPL, ...) -> LegalEntity. Never guessed from the
  name; any other value is an error.
* ``name`` -> name, ``alt_names`` -> alias, ``programs`` and the source list name ->
  program, the source list's kind -> topics (``sanction``, ``export.control``,
  ``debarment``), ``start_date`` -> createdAt, ``remarks`` -> notes, ``title`` -> position
  (people), ``dates_of_birth`` (``YYYY-MM-DD``, ``YYYY``, ``circa YYYY``,
  ``YYYY to YYYY`` = every year of the range) -> birthDate, and ``ids`` items by type to
  passportNumber, idNumber, taxNumber, registrationNumber, imoNumber, mmsi, swiftBic,
  serialNumber, gender, website, email, phone...; items that carry no identifier
  (sanction directives, dates) are kept in notes as ``type: value``.

Source: trade.gov, "Consolidated Screening List" data fields
(https://developer.trade.gov/api-details#api=consolidated-screening-list) and the CSV at
https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from followthemoney import ValueEntity

from screenwise.entities import make_entity
from screenwise.errors import ListParseError
from screenwise.sources.base import ParsedList, parse_single_file
from screenwise.sources.files import decode_utf8, iter_csv_dicts

__all__ = ["US_TRADE_CSL", "UsCslSource", "parse_csl_csv"]

log = logging.getLogger(__name__)

LIST_ID = "us_trade_csl"

#: Columns without which a CSL row cannot be turned into an entity.
REQUIRED_COLUMNS: tuple[str, ...] = ("_id", "source", "type", "name")

#: CSL ``type`` -> FtM schema. A blank type (BIS, State lists) is a LegalEntity.
SCHEMATA: dict[str, str] = {
    "individual": "Person",
    "entity": "Organization",
    "vessel": "Vessel",
    "aircraft": "Airplane",
    "": "LegalEntity",
}

#: Source list abbreviation (in parentheses in ``source``) -> FtM topic.
TOPICS: dict[str, str] = {
    "SDN": "sanction",
    "SSI": "sanction",
    "PLC": "sanction",
    "CMIC": "sanction",
    "CAP": "sanction",
    "NS-MBS List": "sanction",
    "FSE": "sanction",
    "ISN": "sanction",
    "EL": "export.control",
    "DPL": "export.control",
    "UVL": "export.control",
    "MEU": "export.control",
    "DTC": "debarment",
}

#: ``ids`` item types (case-insensitive substrings, first match wins) -> FtM property.
#: Order matters: specific kinds come before the generic "Number"/"ID" kinds.
ID_TYPE_RULES: tuple[tuple[str, str], ...] = (
    ("passport", "passportNumber"),
    ("vessel registration identification", "imoNumber"),
    ("mmsi", "mmsi"),
    ("swift/bic", "swiftBic"),
    ("other vessel call sign", "callSign"),
    ("other vessel flag", "pastFlags"),
    ("former vessel flag", "pastFlags"),
    ("other vessel type", "type"),
    ("aircraft tail number", "registrationNumber"),
    ("aircraft model", "model"),
    ("aircraft manufacture date", "buildDate"),
    ("serial", "serialNumber"),
    ("aircraft construction number", "serialNumber"),
    ("organization established date", "incorporationDate"),
    ("website", "website"),
    ("email address", "email"),
    ("phone number", "phone"),
    ("gender", "gender"),
    ("ssn", "socialSecurityNumber"),
    ("tax", "taxNumber"),
    ("fiscal", "taxNumber"),
    ("v.a.t.", "vatCode"),
    ("nit #", "taxNumber"),
    ("r.f.c.", "taxNumber"),
    ("rfc", "taxNumber"),
    ("ruc #", "taxNumber"),
    ("rif #", "taxNumber"),
    ("c.u.i.t.", "taxNumber"),
    ("c.i.f.", "taxNumber"),
    ("fein", "taxNumber"),
    ("nuit", "taxNumber"),
    ("rsin", "taxNumber"),
    ("rtn", "taxNumber"),
    ("registration", "registrationNumber"),
    ("company number", "registrationNumber"),
    ("registry", "registrationNumber"),
    ("gazette", "registrationNumber"),
    ("credit code", "registrationNumber"),
    ("incorporation", "registrationNumber"),
    ("chamber of comm", "registrationNumber"),
    ("mercantil", "registrationNumber"),
    ("enterprise number", "registrationNumber"),
    ("business number", "registrationNumber"),
    ("legal entity number", "registrationNumber"),
    ("le number", "registrationNumber"),
    ("branch unit number", "registrationNumber"),
    ("trade license", "registrationNumber"),
    ("d-u-n-s", "registrationNumber"),
    ("c.r. no.", "registrationNumber"),
    ("license", "idNumber"),
    ("id no", "idNumber"),
    ("id card", "idNumber"),
    ("identification", "idNumber"),
    ("identity", "idNumber"),
    ("identidad", "idNumber"),
    ("cedula", "idNumber"),
    ("c.u.r.p.", "idNumber"),
    ("c.u.i", "idNumber"),
    ("d.n.i.", "idNumber"),
    ("n.i.e.", "idNumber"),
    ("i.f.e.", "idNumber"),
    ("cnp", "idNumber"),
    ("electoral", "idNumber"),
    ("birth certificate", "idNumber"),
    ("residency number", "idNumber"),
    ("permanent resident", "idNumber"),
    ("immigration", "idNumber"),
    ("travel document", "idNumber"),
    ("visanumberid", "idNumber"),
    ("servicio militar", "idNumber"),
    ("seafarer", "idNumber"),
    ("identification number", "idNumber"),
)

_ID_SPLIT = re.compile(r"\s*;\s*")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
_YEAR_RANGE = re.compile(r"^(\d{4})\s+to\s+(\d{4})$", re.IGNORECASE)
_CIRCA = re.compile(r"^(?:circa|ca\.?|approximately)\s+(\d{4}(?:-\d{2}(?:-\d{2})?)?)$", re.I)
_SOURCE_CODE = re.compile(r"\(([^()]+)\)")
_IMO = re.compile(r"\bIMO\s*(\d{7})\b")


@dataclass
class _Party:
    """Rows of one ``_id``: the first row's line number and every row."""

    line: int
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


class UsCslSource:
    """The US Consolidated Screening List, CSV form (role ``csv``).

    Attributes:
        list_id: ``us_trade_csl``.
    """

    list_id = LIST_ID
    title = "US Consolidated Screening List"
    publisher = "US Department of Commerce, International Trade Administration"
    spec_url = "https://developer.trade.gov/api-details#api=consolidated-screening-list"

    def __init__(self) -> None:
        #: Official download URLs by file role.
        self.urls: dict[str, str] = {
            "csv": "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv"
        }

    def identify(self, name: str, head: bytes) -> str | None:
        """Return ``"csv"`` for a CSL CSV file, recognised by its header (or its name).

        Args:
            name: file name (compression suffixes included), e.g. ``consolidated.csv.gz``.
            head: first bytes of the decompressed content.

        Returns:
            ``"csv"`` or None.
        """
        first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].lower()
        if first.startswith(b"_id,") and b"source" in first and b"alt_names" in first:
            return "csv"
        lowered = name.lower()
        looks_named = re.fullmatch(r"(us_)?csl.*\.csv(\.gz|\.zip)?", lowered) is not None
        if looks_named and (not head.strip() or head.lstrip().lower().startswith((b"<", b"_id"))):
            # An empty, HTML or truncated file under the CSL's name: let parse() report it.
            return "csv"
        return None

    def parse(self, files: dict[str, Path], *, published: date | None = None) -> ParsedList:
        """Parse the CSL CSV (role ``csv``) into one list version.

        Args:
            files: ``{"csv": path}``; the file may be gzip- or zip-compressed.
            published: publication date; the CSV states none of its own.

        Returns:
            The parsed list: one entity per ``_id``.

        Raises:
            ListParseError: naming file, line, record and field for a missing file role,
                a missing column, an unknown ``type``, a row without ``_id`` or name,
                rows of one ``_id`` with conflicting types, or unreadable content.
        """
        return parse_single_file(
            LIST_ID, files, "csv", format_name="csl-csv", parse=_parse_content, published=published
        )


def _parse_content(data: bytes, name: str) -> tuple[None, list[ValueEntity]]:
    """Decode and parse the CSV; the CSL states no publication date of its own."""
    return None, parse_csl_csv(decode_utf8(data, name), name)


def parse_csl_csv(text: str, path: str | Path) -> list[ValueEntity]:
    """Turn the CSL CSV text into entities, one per ``_id``.

    Args:
        text: decoded CSV content with its header row.
        path: file name used in error messages.

    Returns:
        Entities in the order of each ``_id``'s first row.

    Raises:
        ListParseError: see :meth:`UsCslSource.parse`.
    """
    parties: dict[str, _Party] = {}
    for line, row in iter_csv_dicts(text, path, required=REQUIRED_COLUMNS):
        native = row["_id"].strip()
        if not native:
            raise ListParseError(str(path), "empty _id", line=line, field="_id")
        party = parties.get(native)
        if party is None:
            party = parties[native] = _Party(line)
        party.rows.append((line, row))
    return [_build(native, party, str(path)) for native, party in parties.items()]


def _schema_of(native: str, party: _Party, path: str) -> str:
    schemata: set[str] = set()
    for line, row in party.rows:
        kind = row["type"].strip()
        schema = SCHEMATA.get(kind.lower())
        if schema is None:
            raise ListParseError(
                path, f"unknown type {kind!r}", line=line, record=native, field="type"
            )
        schemata.add(schema)
    specific = schemata - {"LegalEntity"}
    if len(specific) > 1:
        raise ListParseError(
            path,
            f"rows of one _id have conflicting types {sorted(specific)}",
            line=party.line,
            record=native,
            field="type",
        )
    return specific.pop() if specific else "LegalEntity"


def _build(native: str, party: _Party, path: str) -> ValueEntity:
    entity = make_entity(LIST_ID, native, _schema_of(native, party, path))
    for line, row in party.rows:
        name = row["name"].strip()
        if not name:
            raise ListParseError(path, "empty name", line=line, record=native, field="name")
        entity.add("name", name)
        entity.add("alias", _split_names(row.get("alt_names")))
        _add_source(entity, row["source"])
        entity.add("program", _split(row.get("programs")))
        entity.add("createdAt", _clean(row.get("start_date")))
        entity.add("notes", _clean(row.get("remarks")))
        for address in _split(row.get("addresses")):
            entity.add("address", address)
            last = address.rsplit(",", 1)[-1].strip()
            if _COUNTRY_CODE.match(last):
                entity.add("country", last)
        if entity.schema.name == "Person":
            entity.add("position", _clean(row.get("title")))
            entity.add("birthDate", _birth_dates(_split(row.get("dates_of_birth"))))
            entity.add("birthPlace", _split(row.get("places_of_birth")))
            entity.add("nationality", _split(row.get("nationalities")))
            entity.add("citizenship", _split(row.get("citizenships")))
        else:
            entity.add("country", _split(row.get("nationalities")), quiet=True)
        if entity.schema.name == "Vessel":
            entity.add("callSign", _clean(row.get("call_sign")))
            entity.add("type", _clean(row.get("vessel_type")))
            entity.add("tonnage", _clean(row.get("gross_tonnage")))
            entity.add("grossRegisteredTonnage", _clean(row.get("gross_registered_tonnage")))
            entity.add("flag", _clean(row.get("vessel_flag")))
        owner = _clean(row.get("vessel_owner"))
        if owner:
            entity.add("notes", f"Vessel owner: {owner}")
        for item in _split(row.get("ids")):
            _add_id(entity, item)
    return entity


def _add_source(entity: ValueEntity, source: str) -> None:
    source = source.strip()
    if not source:
        return
    entity.add("program", source)
    for code in _SOURCE_CODE.findall(source):
        topic = TOPICS.get(code)
        if topic:
            entity.add("topics", topic)


def _add_id(entity: ValueEntity, item: str) -> None:
    parts = [p.strip() for p in item.split(",")]
    kind = parts.pop()
    if not parts:
        entity.add("notes", kind)
        return
    country = None
    if len(parts) > 1 and _COUNTRY_CODE.match(parts[0]):
        country = parts.pop(0)
    while len(parts) > 1 and _ISO_DATE.match(parts[0]):
        parts.pop(0)  # issue / expiry dates of the document
    value = ", ".join(parts)
    prop = _id_property(kind)
    if prop is None or prop not in entity.schema.properties:
        entity.add("notes", f"{kind} {value}".strip())
        return
    if prop == "imoNumber":
        match = _IMO.search(value)
        value = match.group(1) if match else value
    entity.add(prop, value, quiet=True)
    if prop in ("passportNumber", "idNumber") and country and entity.schema.name == "Person":
        entity.add("country", country)


@lru_cache(maxsize=1024)
def _id_property(kind: str) -> str | None:
    """Return the property of an ``ids`` item type by :data:`ID_TYPE_RULES` (cached)."""
    lowered = kind.lower()
    for needle, prop in ID_TYPE_RULES:
        if needle in lowered:
            return prop
    return None


def _birth_dates(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        span = _YEAR_RANGE.match(value)
        circa = _CIRCA.match(value)
        if span:
            first, last = int(span.group(1)), int(span.group(2))
            out.extend(str(year) for year in range(min(first, last), max(first, last) + 1))
        elif circa:
            out.append(circa.group(1))
        else:
            out.append(value)
    return out


def _split(value: str | None) -> list[str]:
    if not value:
        return []
    return [part for part in (p.strip() for p in _ID_SPLIT.split(value)) if part]


#: A list conjunction left at the start of an alias when the publisher split a sentence such
#: as "a.k.a. A; B; and C" on its semicolons (Entity List rows: "and JSC 140 Repair Plant").
_LEADING_CONJUNCTION = re.compile(r"^(?:and|or)\s+", re.IGNORECASE)


def _split_names(value: str | None) -> list[str]:
    """Split ``alt_names`` into aliases, dropping a leading "and"/"or" and a final period."""
    names = []
    for part in _split(value):
        name = _LEADING_CONJUNCTION.sub("", part).rstrip(".").strip()
        if name:
            names.append(name)
    return names


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


#: The module's source, registered in ``screenwise.sources``.
US_TRADE_CSL = UsCslSource()
