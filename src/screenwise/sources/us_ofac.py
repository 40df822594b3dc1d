"""OFAC SDN and Consolidated (non-SDN) lists: published files -> native records -> entities.

OFAC publishes each list in three formats, all supported here:

* legacy CSV set (no header, CRLF, ``-0-`` nulls, a final DOS EOF ``0x1A`` line):
  ``sdn.csv``/``cons_prim.csv`` (role ``primary``), ``alt.csv``/``cons_alt.csv`` (``alt``,
  aliases), ``add.csv``/``cons_add.csv`` (``add``, addresses) and
  ``sdn_comments.csv``/``cons_comments.csv`` (``comments``, continuation of the Remarks
  field, appended to it before parsing);
* classic XML ``sdn.xml``/``consolidated.xml`` (role ``xml``, ``sdnList`` schema);
* Enhanced XML ``SDN_ENHANCED.ZIP``/``CONS_ENHANCED.ZIP`` or the XML inside (``enhanced``).

Every format gives the same entities: id ``<list id>-<ent_num>``; schema from the SDN type
(``individual`` -> Person, ``vessel`` -> Vessel, ``aircraft`` -> Airplane, ``-0-``/``Entity``
-> Organization); names with their kind (primary ``name``; a.k.a./n.k.a. -> ``alias``,
f.k.a. -> ``previousName``, OFAC weak AKAs -> ``weakAlias``); programs; title; vessel
data; addresses; remarks in ``notes`` and parsed (see :mod:`screenwise.sources.ofac_remarks`).

Versioning: ``content_hash`` is taken over the decompressed files in the fixed role order
:data:`ROLE_ORDER`; ``published`` comes from the file (XML ``Publish_Date``, Enhanced
``dataAsOf``) or else from the caller. A CSV primary file without both ``alt`` and ``add``
gives ``complete=False``. Companion rows whose ``ent_num`` is not in the primary file are
reported in ``warnings``; more than :data:`STALE_TOLERANCE` such ``ent_num`` (or primary
entries without any address row) suggests files of different dates and is warned about
separately.

Source: OFAC "Specially Designated Nationals and Blocked Persons Data Specification"
(dat_spec.txt, updated 2023-09-25); "SDN List Data Formats & Data Schemas"
(https://ofac.treasury.gov/sdn-list-data-formats-data-schemas); classic XML schema
https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML.xsd;
Enhanced XML schema
https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML.xsd.
"""

from __future__ import annotations

import csv
import logging
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from followthemoney import ValueEntity
from lxml import etree

from screenwise.entities import make_entity
from screenwise.errors import ListParseError
from screenwise.sources.base import ParsedList, hash_contents
from screenwise.sources.files import decode_utf8, describe, iter_csv_rows, read_bytes
from screenwise.sources.ofac_remarks import (
    add_value,
    apply_labelled,
    apply_remarks,
    clean_country,
    parse_ofac_dates,
)
from screenwise.sources.xmlsafe import localname, parse_xml

__all__ = ["CONS", "ROLE_ORDER", "SDN", "OfacSource"]

log = logging.getLogger(__name__)

#: Roles in content-hash order.
ROLE_ORDER: tuple[str, ...] = ("primary", "alt", "add", "comments", "xml", "enhanced")
_CSV_ROLES = ("primary", "alt", "add", "comments")
#: Companion ``ent_num`` absent from the primary file tolerated before warning that the
#: files may be of different dates (a hand-made ``sdn_comments`` may hold a few old rows).
STALE_TOLERANCE = 5

PRIMARY_COLUMNS = (
    "ent_num",
    "SDN_Name",
    "SDN_Type",
    "Program",
    "Title",
    "Call_Sign",
    "Vess_type",
    "Tonnage",
    "GRT",
    "Vess_flag",
    "Vess_owner",
    "Remarks",
)
ALT_COLUMNS = ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks")
ADD_COLUMNS = (
    "ent_num",
    "add_num",
    "Address",
    "City/State/Province/Postal Code",
    "Country",
    "add_remarks",
)
COMMENTS_COLUMNS = ("ent_num", "Remarks_Extended")

_NULL = "-0-"
_CSV_SCHEMA = {
    "individual": "Person",
    "vessel": "Vessel",
    "aircraft": "Airplane",
    _NULL: "Organization",
}
_XML_SCHEMA = {
    "individual": "Person",
    "entity": "Organization",
    "vessel": "Vessel",
    "aircraft": "Airplane",
}
_ALT_PROPS = {"aka": "alias", "nka": "alias", "fka": "previousName"}
_XML_ALIAS_PROPS = {"a.k.a.": "alias", "n.k.a.": "alias", "f.k.a.": "previousName"}
_DATE_SUFFIX = re.compile(r"[-_ .]?\d{4}-?\d{2}-?\d{2}$")
_BASE_URL = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"


def _line(element: etree._Element) -> int | None:
    """Return an element's 1-based source line (None when lxml does not know it)."""
    line = getattr(element, "sourceline", None)
    return line if isinstance(line, int) else None


def _null(value: str) -> str | None:
    value = value.strip()
    return None if not value or value == _NULL else value


@dataclass(frozen=True)
class OfacSource:
    """One OFAC list (SDN or Consolidated) in its three published formats.

    Implements :class:`screenwise.sources.base.Source`.

    Attributes:
        list_id: ``us_ofac_sdn`` or ``us_ofac_cons``.
        title: human title.
        publisher: publishing body.
        urls: role -> official download URL (Sanctions List Service exports).
        spec_url: OFAC page describing the data formats.
        stems: role -> file name stem as published (lower case, no extension).
        enhanced_label: the list name the Enhanced XML states in ``publicationInfo``.
        is_default: claim files recognised by content alone whose name does not mention
            ``cons`` (True for the SDN list only).
    """

    list_id: str
    title: str
    publisher: str
    urls: dict[str, str]
    spec_url: str
    stems: dict[str, str]
    enhanced_label: str
    is_default: bool = field(default=False)

    # -- identification -------------------------------------------------------------------

    def identify(self, name: str, head: bytes) -> str | None:
        """Return the file's role (``primary``, ``alt``, ``add``, ``comments``, ``xml``,
        ``enhanced``) or None when the file is not part of this list.

        By name first: the published names (``sdn.csv``, ``ALT.CSV``, ``cons_prim.csv``,
        ``CONS_ENHANCED.ZIP`` ...), compression suffixes and a date suffix ignored
        (``sdn-2023-12-28.csv.gz``, ``alt-2023-12-28.csv.gz``). When the name is not a
        published one, by content: the shape of the first CSV row or the XML root; a file
        whose name mentions ``cons`` belongs to the Consolidated list, any other to the SDN.

        Args:
            name: file name without directories.
            head: first bytes of the decompressed content (may be empty).
        """
        lowered = name.lower()
        for suffix in (".gz", ".gzip"):
            if lowered.endswith(suffix):
                lowered = lowered[: -len(suffix)]
        stem, _, ext = lowered.rpartition(".")
        stem = _DATE_SUFFIX.sub("", stem)
        for named, wanted in self.stems.items():
            if stem == wanted and ext in _ROLE_EXTENSIONS[named]:
                return None if _contradicts(named, head, self.enhanced_label) else named
        is_cons = "cons" in lowered
        sniffed = _sniff_role(head, self.enhanced_label)
        if sniffed is None:
            return None
        if sniffed == "enhanced":
            label = _enhanced_list_label(head)
            return sniffed if label in (self.enhanced_label, None) else None
        return sniffed if is_cons == (not self.is_default) else None

    # -- parsing ---------------------------------------------------------------------------

    def parse(self, files: dict[str, Path], *, published: date | None = None) -> ParsedList:
        """Parse one list version from its files (role -> path).

        Args:
            files: exactly one format: CSV roles (``primary`` with optional ``alt``,
                ``add``, ``comments``), or ``xml``, or ``enhanced``.
            published: publication date to use when the file states none.

        Returns:
            The parsed version; see the module docstring for ``complete`` and
            ``warnings``.

        Raises:
            ListParseError: naming file, line/record and field, on any malformed input
                (see :mod:`screenwise.sources.files` for the reading faults), an unknown
                SDN type, a duplicate ``ent_num``, mixed formats or an unknown role.
        """
        paths = {role: Path(path) for role, path in files.items()}
        for role, path in paths.items():
            if role not in ROLE_ORDER:
                raise ListParseError(str(path), f"unknown role {role!r} for {self.list_id}")
        formats = {"csv" if r in _CSV_ROLES else r for r in paths}
        if len(formats) != 1:
            names = ", ".join(f"{r}={p.name}" for r, p in paths.items())
            raise ListParseError(
                names or self.list_id,
                "give the files of exactly one format and one version "
                "(legacy CSV set, classic XML or Enhanced XML)",
            )
        if "xml" in paths:
            return _parse_xml(self, paths["xml"], published)
        if "enhanced" in paths:
            return _parse_enhanced(self, paths["enhanced"], published)
        if "primary" not in paths:
            missing = ", ".join(f"{r}={p.name}" for r, p in paths.items())
            raise ListParseError(missing, "companion files given without the primary file")
        return _parse_csv(self, paths, published)


_ROLE_EXTENSIONS = {
    "primary": ("csv",),
    "alt": ("csv",),
    "add": ("csv",),
    "comments": ("csv",),
    "xml": ("xml",),
    "enhanced": ("zip", "xml"),
}


def _first_csv_row(head: bytes) -> list[str] | None:
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    line = text.split("\n", 1)[0].rstrip("\r")
    if not line or "," not in line:
        return None
    try:
        return next(csv.reader([line]), None)
    except csv.Error:
        return None


def _sniff_role(head: bytes, enhanced_label: str) -> str | None:
    start = head[:2048]
    if b"<sanctionsData" in start and b"ENHANCED_XML" in start:
        return "enhanced"
    if b"<sdnList" in start:
        return "xml"
    row = _first_csv_row(head)
    if not row or not row[0].strip().isdigit():
        return None
    if len(row) >= 12 and row[2].strip() in _CSV_SCHEMA:
        return "primary"
    if len(row) >= 5 and row[2].strip() in _ALT_PROPS:
        return "alt"
    if len(row) == 6 and row[1].strip().isdigit():
        return "add"
    if len(row) == 2:
        return "comments"
    return None


def _contradicts(role: str, head: bytes, enhanced_label: str) -> bool:
    """True when the content is clearly another format than the name says.

    An empty head or an HTML page does not contradict (the parser then reports the fault);
    an XML document of another publisher named ``consolidated.xml`` (the UN list) does.
    """
    start = head[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not start or start[:64].lower().startswith((b"<!doctype html", b"<html")):
        return False
    sniffed = _sniff_role(head, enhanced_label)
    if role == "enhanced" and sniffed == "enhanced":
        return _enhanced_list_label(head) not in (enhanced_label, None)
    if start.startswith(b"<") or sniffed is not None:
        return sniffed != role
    return False


def _enhanced_list_label(head: bytes) -> str | None:
    text = head.decode("utf-8", errors="replace")
    start = text.find("<sanctionsList ")
    if start < 0:
        return None
    start = text.find(">", start) + 1
    end = text.find("<", start)
    return text[start:end].strip() if 0 < start < end else None


# -- legacy CSV set ---------------------------------------------------------------------


def _read_csv(path: Path) -> tuple[bytes, str]:
    data = read_bytes(path)
    return data, decode_utf8(data, path)


def _ent_num(value: str, path: Path, line: int) -> str:
    ent = value.strip()
    if not ent.isdigit():
        raise ListParseError(
            str(path), f"ent_num must be an integer, got {value!r}", line=line, field="ent_num"
        )
    return ent


def _parse_csv(source: OfacSource, paths: dict[str, Path], published: date | None) -> ParsedList:
    contents: dict[str, bytes] = {}
    texts: dict[str, str] = {}
    for role in _CSV_ROLES:
        if role in paths:
            contents[role], texts[role] = _read_csv(paths[role])
    warnings: list[str] = []
    primary_path = paths["primary"]

    rows: dict[str, tuple[int, list[str]]] = {}
    for line, row in iter_csv_rows(texts["primary"], primary_path, columns=PRIMARY_COLUMNS):
        ent = _ent_num(row[0], primary_path, line)
        if ent in rows:
            raise ListParseError(
                str(primary_path),
                f"duplicate ent_num (first on line {rows[ent][0]})",
                line=line,
                record=ent,
                field="ent_num",
            )
        sdn_type = row[2].strip()
        if sdn_type not in _CSV_SCHEMA:
            raise ListParseError(
                str(primary_path),
                f"unknown value {sdn_type!r} (expected individual, vessel, aircraft or -0-)",
                line=line,
                record=ent,
                field="SDN_Type",
            )
        rows[ent] = (line, row)

    extra_remarks: dict[str, list[str]] = {}
    alts: dict[str, list[tuple[str, str]]] = {}
    adds: dict[str, list[tuple[str, str | None]]] = {}
    if "comments" in paths:
        orphans: dict[str, int] = {}
        path = paths["comments"]
        for line, row in iter_csv_rows(texts["comments"], path, columns=COMMENTS_COLUMNS):
            ent = _ent_num(row[0], path, line)
            if ent not in rows:
                orphans.setdefault(ent, line)
                continue
            extra_remarks.setdefault(ent, []).append(row[1])
        _warn_orphans(warnings, path, orphans)
    if "alt" in paths:
        orphans = {}
        path = paths["alt"]
        for line, row in iter_csv_rows(texts["alt"], path, columns=ALT_COLUMNS):
            ent = _ent_num(row[0], path, line)
            alt_type = row[2].strip()
            prop = _ALT_PROPS.get(alt_type)
            if prop is None:
                raise ListParseError(
                    str(path),
                    f"unknown value {alt_type!r} (expected aka, fka or nka)",
                    line=line,
                    record=ent,
                    field="alt_type",
                )
            if ent not in rows:
                orphans.setdefault(ent, line)
                continue
            name = _null(row[3])
            if name is not None:
                alts.setdefault(ent, []).append((prop, name))
        _warn_orphans(warnings, path, orphans)
    if "add" in paths:
        orphans = {}
        path = paths["add"]
        for line, row in iter_csv_rows(texts["add"], path, columns=ADD_COLUMNS):
            ent = _ent_num(row[0], path, line)
            if ent not in rows:
                orphans.setdefault(ent, line)
                continue
            parts = [p for p in (_null(row[2]), _null(row[3]), _null(row[4])) if p]
            full = ", ".join(parts) if parts else ""
            adds.setdefault(ent, []).append((full, _null(row[4])))
        _warn_orphans(warnings, path, orphans)
        without = len(rows) - len(adds)
        if without > STALE_TOLERANCE:
            warnings.append(
                f"{paths['add']}: {without} of {len(rows)} primary entries have no address "
                "row, while OFAC gives every entry at least one: the add file is probably "
                f"from a different list version than {primary_path.name}"
            )

    entities = []
    for ent, (_line, row) in rows.items():
        remarks = row[11]
        if ent in extra_remarks:
            remarks = (remarks if _null(remarks) else "") + "".join(extra_remarks[ent])
        entity = _csv_entity(source.list_id, ent, row, remarks)
        for prop, name in alts.get(ent, ()):
            add_value(entity, prop, name)
        for full, country in adds.get(ent, ()):
            add_value(entity, "address", full)
            if country:
                add_value(entity, "country", clean_country(country))
        entities.append(entity)

    present = [r for r in ("alt", "add", "comments") if r in paths]
    missing = [r for r in ("alt", "add", "comments") if r not in paths]
    complete = "alt" in paths and "add" in paths
    if missing:
        warnings.insert(
            0,
            f"{primary_path}: companion files present: {', '.join(present) or 'none'}; "
            f"missing: {', '.join(missing)}"
            + ("" if complete else " (aliases and addresses absent: version incomplete)"),
        )
    return ParsedList(
        list_id=source.list_id,
        entities=entities,
        content_hash=hash_contents([contents[r] for r in ROLE_ORDER if r in contents]),
        published=published,
        source=";".join(str(paths[r]) for r in ROLE_ORDER if r in paths),
        format="ofac-legacy-csv",
        files={r: str(paths[r]) for r in ROLE_ORDER if r in paths},
        warnings=warnings,
        complete=complete,
    )


def _warn_orphans(warnings: list[str], path: Path, orphans: dict[str, int]) -> None:
    if not orphans:
        return
    sample = ", ".join(f"{ent} (line {line})" for ent, line in list(orphans.items())[:5])
    warnings.append(
        f"{path}: {len(orphans)} ent_num not in the primary file, rows ignored: {sample}"
    )
    if len(orphans) > STALE_TOLERANCE:
        warnings.append(
            f"{path}: more than {STALE_TOLERANCE} ent_num absent from the primary file: "
            "the file is probably from a different list version"
        )


def _programs(value: str) -> Iterator[str]:
    for program in value.strip().strip("[]").split("] ["):
        program = program.strip()
        if program and program != _NULL:
            yield program


def _csv_entity(list_id: str, ent: str, row: list[str], remarks: str) -> ValueEntity:
    schema = _CSV_SCHEMA[row[2].strip()]
    entity = make_entity(list_id, ent, schema)
    add_value(entity, "name", row[1])
    add_value(entity, "topics", "sanction")
    for program in _programs(row[3]):
        add_value(entity, "program", program)
    title = _null(row[4])
    if title and schema == "Person":
        add_value(entity, "title", title)
        add_value(entity, "position", title)
    if schema == "Vessel":
        _add_vessel(entity, row[5], row[6], row[7], row[8], row[9], row[10])
    apply_remarks(entity, remarks)
    return entity


def _add_vessel(
    entity: ValueEntity,
    call_sign: str | None,
    vessel_type: str | None,
    tonnage: str | None,
    grt: str | None,
    flag: str | None,
    owner: str | None,
) -> None:
    add_value(entity, "callSign", call_sign)
    add_value(entity, "type", vessel_type)
    add_value(entity, "tonnage", tonnage)
    add_value(entity, "grossRegisteredTonnage", grt)
    if flag and _null(flag):
        add_value(entity, "flag", clean_country(flag))
    if owner and _null(owner):
        add_value(entity, "notes", f"Vessel owner: {owner.strip()}")


# -- classic XML (sdnList) ----------------------------------------------------------------


def _read_xml(path: Path, member: str | None = None) -> tuple[bytes, str, etree._Element]:
    data = read_bytes(path, member=member)
    name = str(path)
    return data, name, parse_xml(data, name)


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


def _published(
    stated: date | None, given: date | None, name: str, warnings: list[str]
) -> date | None:
    if stated and given and stated != given:
        warnings.append(
            f"{name}: the file states publication date {stated}, not {given}; using {stated}"
        )
    return stated or given


def _parse_xml(source: OfacSource, path: Path, published: date | None) -> ParsedList:
    data, name, root = _read_xml(path)
    if localname(root) != "sdnList":
        raise ListParseError(
            name, f"not an OFAC sdnList document (root element {localname(root)!r})", line=1
        )
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    warnings: list[str] = []
    info = root.find(f"{ns}publshInformation")
    stated = None
    stated_count = None
    if info is not None:
        date_el = info.find(f"{ns}Publish_Date")
        if date_el is not None:
            stated = _parse_us_date(date_el.text, name, _line(date_el), "Publish_Date")
        count_text = info.findtext(f"{ns}Record_Count")
        stated_count = int(count_text) if count_text and count_text.strip().isdigit() else None
    entities: list[ValueEntity] = []
    seen: set[str] = set()
    for entry in root.iterchildren(f"{ns}sdnEntry"):
        entity = _xml_entity(source.list_id, entry, ns, name)
        if entity.id in seen:
            raise ListParseError(
                name, "duplicate uid", line=_line(entry), record=entity.id, field="uid"
            )
        seen.add(entity.id or "")
        entities.append(entity)
    if stated_count is not None and stated_count != len(entities):
        warnings.append(
            f"{name}: Record_Count states {stated_count} entries, the file holds {len(entities)}"
        )
    return ParsedList(
        list_id=source.list_id,
        entities=entities,
        content_hash=hash_contents([data]),
        published=_published(stated, published, name, warnings),
        source=str(path),
        format="ofac-xml",
        files={"xml": str(path)},
        warnings=warnings,
        complete=True,
    )


def _xml_entity(list_id: str, entry: etree._Element, ns: str, name: str) -> ValueEntity:
    line = _line(entry)
    uid = (entry.findtext(f"{ns}uid") or "").strip()
    if not uid.isdigit():
        raise ListParseError(name, f"missing or non-integer uid {uid!r}", line=line, field="uid")
    sdn_type = (entry.findtext(f"{ns}sdnType") or "").strip()
    schema = _XML_SCHEMA.get(sdn_type.lower())
    if schema is None:
        raise ListParseError(
            name,
            f"unknown value {sdn_type!r} (expected Individual, Entity, Vessel or Aircraft)",
            line=line,
            record=uid,
            field="sdnType",
        )
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
        tags = (
            "address1",
            "address2",
            "address3",
            "city",
            "stateOrProvince",
            "postalCode",
            "country",
        )
        parts = [t for t in (address.findtext(f"{ns}{tag}") for tag in tags) if t and t.strip()]
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
        _add_vessel(
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


def _parse_enhanced(source: OfacSource, path: Path, published: date | None) -> ParsedList:
    member_name = _enhanced_member(path, source.stems["enhanced"])
    data = read_bytes(path, member=member_name)
    name = describe(path, member_name) if member_name else str(path)
    root = parse_xml(data, name)
    if localname(root) != "sanctionsData":
        raise ListParseError(
            name, f"not an OFAC Enhanced XML document (root {localname(root)!r})", line=1
        )
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    warnings: list[str] = []
    stated = None
    as_of = root.find(f"{ns}publicationInfo/{ns}dataAsOf")
    if as_of is not None:
        stated = _parse_us_date(as_of.text, name, _line(as_of), "dataAsOf")
    entities: list[ValueEntity] = []
    seen: set[str] = set()
    for element in root.iterfind(f"{ns}entities/{ns}entity"):
        entity = _enhanced_entity(source.list_id, element, ns, name)
        if entity.id in seen:
            raise ListParseError(
                name, "duplicate entity id", line=_line(element), record=entity.id, field="id"
            )
        seen.add(entity.id or "")
        entities.append(entity)
    return ParsedList(
        list_id=source.list_id,
        entities=entities,
        content_hash=hash_contents([data]),
        published=_published(stated, published, name, warnings),
        source=str(path),
        format="ofac-enhanced-xml",
        files={"enhanced": str(path)},
        warnings=warnings,
        complete=True,
    )


def _enhanced_entity(list_id: str, element: etree._Element, ns: str, name: str) -> ValueEntity:
    line = _line(element)
    uid = (element.get("id") or "").strip()
    if not uid.isdigit():
        raise ListParseError(
            name, f"missing or non-integer entity id {uid!r}", line=line, field="id"
        )
    entity_type = (element.findtext(f"{ns}generalInfo/{ns}entityType") or "").strip()
    schema = _XML_SCHEMA.get(entity_type.lower())
    if schema is None:
        raise ListParseError(
            name,
            f"unknown value {entity_type!r} (expected Individual, Entity, Vessel or Aircraft)",
            line=line,
            record=uid,
            field="entityType",
        )
    entity = make_entity(list_id, uid, schema)
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


_ADDRESS_ORDER = {
    "ADDRESS1": 1,
    "ADDRESS2": 2,
    "ADDRESS3": 3,
    "CITY": 4,
    "STATE/PROVINCE": 5,
    "POSTAL CODE": 6,
    "REGION": 7,
}


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


# -- the two lists ------------------------------------------------------------------------

SDN = OfacSource(
    list_id="us_ofac_sdn",
    title="OFAC Specially Designated Nationals and Blocked Persons List (SDN)",
    publisher="U.S. Department of the Treasury, Office of Foreign Assets Control",
    urls={
        "primary": _BASE_URL + "SDN.CSV",
        "alt": _BASE_URL + "ALT.CSV",
        "add": _BASE_URL + "ADD.CSV",
        "comments": _BASE_URL + "SDN_COMMENTS.CSV",
        "xml": _BASE_URL + "SDN.XML",
        "enhanced": _BASE_URL + "SDN_ENHANCED.ZIP",
    },
    spec_url="https://ofac.treasury.gov/sdn-list-data-formats-data-schemas",
    stems={
        "primary": "sdn",
        "alt": "alt",
        "add": "add",
        "comments": "sdn_comments",
        "xml": "sdn",
        "enhanced": "sdn_enhanced",
    },
    enhanced_label="SDN List",
    is_default=True,
)

CONS = OfacSource(
    list_id="us_ofac_cons",
    title="OFAC Consolidated Sanctions List (non-SDN lists)",
    publisher="U.S. Department of the Treasury, Office of Foreign Assets Control",
    urls={
        "primary": _BASE_URL + "CONS_PRIM.CSV",
        "alt": _BASE_URL + "CONS_ALT.CSV",
        "add": _BASE_URL + "CONS_ADD.CSV",
        "comments": _BASE_URL + "CONS_COMMENTS.CSV",
        "xml": _BASE_URL + "CONSOLIDATED.XML",
        "enhanced": _BASE_URL + "CONS_ENHANCED.ZIP",
    },
    spec_url="https://ofac.treasury.gov/sdn-list-data-formats-data-schemas",
    stems={
        "primary": "cons_prim",
        "alt": "cons_alt",
        "add": "cons_add",
        "comments": "cons_comments",
        "xml": "consolidated",
        "enhanced": "cons_enhanced",
    },
    enhanced_label="Consolidated List",
)
