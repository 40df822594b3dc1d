"""OFAC SDN and Consolidated (non-SDN) lists: published files -> native records -> entities.

OFAC publishes each list in three formats, all supported here:

* legacy CSV set (no header, CRLF, ``-0-`` nulls, a final DOS EOF ``0x1A`` line):
  ``sdn.csv``/``cons_prim.csv`` (role ``primary``), ``alt.csv``/``cons_alt.csv`` (``alt``,
  aliases), ``add.csv``/``cons_add.csv`` (``add``, addresses) and
  ``sdn_comments.csv``/``cons_comments.csv`` (``comments``, continuation of the Remarks
  field, appended to it before parsing);
* classic XML ``sdn.xml``/``consolidated.xml`` (role ``xml``, ``sdnList`` schema);
* Enhanced XML ``SDN_ENHANCED.ZIP``/``CONS_ENHANCED.ZIP`` or the XML inside (``enhanced``).

This module holds what is common to the formats - the two lists' :class:`OfacSource`
definitions (:data:`SDN`, :data:`CONS`), recognising a file's role by name or content, and
choosing the parser - plus the legacy CSV set, the one format spread over several files.
The two XML formats, one self-contained document each, are parsed in
:mod:`screenwise.sources.us_ofac_xml`; facts shared by all three (remarks, labelled
identifiers, vessel data, countries) in :mod:`screenwise.sources.ofac_remarks`.

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
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from followthemoney import ValueEntity

from screenwise.entities import make_entity
from screenwise.errors import ListParseError
from screenwise.sources.base import ParsedList, gc_paused, hash_contents
from screenwise.sources.files import decode_utf8, iter_csv_rows, read_bytes
from screenwise.sources.ofac_remarks import add_value, add_vessel, apply_remarks, clean_country
from screenwise.sources.us_ofac_xml import parse_enhanced_xml, parse_sdn_xml

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
_ALT_PROPS = {"aka": "alias", "nka": "alias", "fka": "previousName"}
_DATE_SUFFIX = re.compile(r"[-_ .]?\d{4}-?\d{2}-?\d{2}$")
_BASE_URL = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
_PUBLISHER = "U.S. Department of the Treasury, Office of Foreign Assets Control"
_SPEC_URL = "https://ofac.treasury.gov/sdn-list-data-formats-data-schemas"


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
        with gc_paused():
            if "xml" in paths:
                return parse_sdn_xml(self.list_id, paths["xml"], published)
            if "enhanced" in paths:
                return parse_enhanced_xml(
                    self.list_id, paths["enhanced"], self.stems["enhanced"], published
                )
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
        for ent, row in _companion_rows(
            paths["comments"], texts["comments"], COMMENTS_COLUMNS, rows, warnings
        ):
            extra_remarks.setdefault(ent, []).append(row[1])
    if "alt" in paths:
        for ent, row in _companion_rows(
            paths["alt"], texts["alt"], ALT_COLUMNS, rows, warnings, check=_check_alt_type
        ):
            name = _null(row[3])
            if name is not None:
                alts.setdefault(ent, []).append((_ALT_PROPS[row[2].strip()], name))
    if "add" in paths:
        for ent, row in _companion_rows(paths["add"], texts["add"], ADD_COLUMNS, rows, warnings):
            parts = [p for p in (_null(row[2]), _null(row[3]), _null(row[4])) if p]
            full = ", ".join(parts) if parts else ""
            adds.setdefault(ent, []).append((full, _null(row[4])))
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


def _companion_rows(
    path: Path,
    text: str,
    columns: tuple[str, ...],
    primary: Mapping[str, object],
    warnings: list[str],
    check: Callable[[Path, int, str, list[str]], None] | None = None,
) -> Iterator[tuple[str, list[str]]]:
    """Yield ``(ent_num, fields)`` of a companion file's rows whose entry is in ``primary``.

    Every row is checked first (its ``ent_num``, then ``check``), so a malformed row is an
    error even when its entry is absent; rows of absent entries are then left out and
    reported in ``warnings`` once the file has been read.
    """
    orphans: dict[str, int] = {}
    for line, row in iter_csv_rows(text, path, columns=columns):
        ent = _ent_num(row[0], path, line)
        if check is not None:
            check(path, line, ent, row)
        if ent not in primary:
            orphans.setdefault(ent, line)
            continue
        yield ent, row
    _warn_orphans(warnings, path, orphans)


def _check_alt_type(path: Path, line: int, ent: str, row: list[str]) -> None:
    """Refuse an ``alt_type`` other than aka, fka or nka."""
    alt_type = row[2].strip()
    if alt_type not in _ALT_PROPS:
        raise ListParseError(
            str(path),
            f"unknown value {alt_type!r} (expected aka, fka or nka)",
            line=line,
            record=ent,
            field="alt_type",
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
        add_vessel(entity, row[5], row[6], row[7], row[8], row[9], row[10])
    apply_remarks(entity, remarks)
    return entity


# -- the two lists ------------------------------------------------------------------------


def _ofac_list(
    list_id: str, title: str, stems: dict[str, str], enhanced_label: str, *, is_default: bool
) -> OfacSource:
    """Return an OFAC list whose download URLs are its published file names, upper case."""
    urls = {
        role: _BASE_URL + f"{stem}.{_ROLE_EXTENSIONS[role][0]}".upper()
        for role, stem in stems.items()
    }
    return OfacSource(
        list_id=list_id,
        title=title,
        publisher=_PUBLISHER,
        urls=urls,
        spec_url=_SPEC_URL,
        stems=stems,
        enhanced_label=enhanced_label,
        is_default=is_default,
    )


#: The SDN list; ``stems`` are the published file names by role, lower case.
SDN = _ofac_list(
    "us_ofac_sdn",
    "OFAC Specially Designated Nationals and Blocked Persons List (SDN)",
    {
        "primary": "sdn",
        "alt": "alt",
        "add": "add",
        "comments": "sdn_comments",
        "xml": "sdn",
        "enhanced": "sdn_enhanced",
    },
    "SDN List",
    is_default=True,
)

#: The Consolidated (non-SDN) list.
CONS = _ofac_list(
    "us_ofac_cons",
    "OFAC Consolidated Sanctions List (non-SDN lists)",
    {
        "primary": "cons_prim",
        "alt": "cons_alt",
        "add": "cons_add",
        "comments": "cons_comments",
        "xml": "consolidated",
        "enhanced": "cons_enhanced",
    },
    "Consolidated List",
    is_default=False,
)
