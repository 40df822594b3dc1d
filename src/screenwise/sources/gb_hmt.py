"""UK OFSI Consolidated List of Financial Sanctions Targets (ConList), XLSX and CSV.

HM Treasury's Office of Financial Sanctions Implementation publishes one row per name of
a target; rows with the same ``Group ID`` describe one target. Both forms have the same
layout: row 1 holds ``Last Updated`` and the list's date (``dd/mm/yyyy``), row 2 the header:

``Name 6`` (surname or whole name of an entity/ship), ``Name 1`` .. ``Name 5`` (given and
other names), ``Title``, ``Name Non-Latin Script``, ``Non-Latin Script Type``,
``Non-Latin Script Language``, ``DOB``, ``Town of Birth``, ``Country of Birth``,
``Nationality``, ``Passport Number``, ``Passport Details``,
``National Identification Number``, ``National Identification Details``, ``Position``,
``Address 1`` .. ``Address 6``, ``Post/Zip Code``, ``Country``, ``Other Information``,
``Group Type`` (Individual / Entity / Ship), ``Alias Type`` (Primary name, Primary name
variation, AKA / Alias, FKA), ``Alias Quality`` (Good quality / Low quality), ``Regime``,
``Listed On``, ``UK Sanctions List Date Designated``, ``Last Updated``, ``Group ID``.

Several targets' values are numbered lists (``(1) Tunisia (2) Morocco``); ``-`` marks an
unknown item. Dates are ``dd/mm/yyyy`` with ``00`` for an unknown day or month. Ship
details (IMO number, flag, type, tonnage, year built) and gender, phone, e-mail, website
and business registration number are carried in ``Other Information`` as
``(Label):value`` segments.

Mapping to entities (one per Group ID, id ``gb_hmt_sanctions-<Group ID>``):

* Group Type Individual -> Person, Entity -> Organization, Ship -> Vessel; any other value
  is an error.
* a row's name is ``Name 6, Name 1 .. Name 5`` (``PUTIN, Vladimir Vladimirovich``);
  Alias Type ``Primary name`` -> name, ``Primary name variation`` / ``AKA`` / ``Alias`` ->
  alias, ``FKA`` -> previousName; Alias Quality ``Low`` -> weakAlias; the non-Latin script
  name -> alias.
* DOB -> birthDate (``00/00/1975`` -> ``1975``, ``00/10/1967`` -> ``1967-10``), Regime ->
  program, Listed On -> createdAt, Last Updated -> modifiedAt, Other Information -> notes.

Source: OFSI, "Consolidated List of Financial Sanctions Targets in the UK" and its guide
to the list's formats ("ConList column guide"),
https://www.gov.uk/government/publications/financial-sanctions-consolidated-list-of-targets
(files at https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.xlsx
and ConList.csv).
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from followthemoney import ValueEntity, model

from screenwise.entities import make_entity
from screenwise.errors import ListParseError
from screenwise.sources.base import ParsedList, parse_single_file
from screenwise.sources.files import decode_utf8, iter_csv_rows, read_bytes

__all__ = [
    "GB_HMT_SANCTIONS",
    "GbHmtSource",
    "parse_conlist_rows",
]

log = logging.getLogger(__name__)

LIST_ID = "gb_hmt_sanctions"

#: Header columns every ConList must have.
REQUIRED_COLUMNS: tuple[str, ...] = ("Name 6", "Group Type", "Alias Type", "Group ID")

#: ``Group Type`` -> FtM schema.
SCHEMATA: dict[str, str] = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}

#: ``Alias Type`` (lower case) -> name property.
ALIAS_TYPES: dict[str, str] = {
    "primary name": "name",
    "primary name variation": "alias",
    "aka": "alias",
    "alias": "alias",
    "fka": "previousName",
}

#: ``(Label):value`` segments of Other Information -> FtM property.
OTHER_INFO_PROPS: dict[str, str] = {
    "gender": "gender",
    "phone number": "phone",
    "email address": "email",
    "website": "website",
    "business reg no": "registrationNumber",
    "imo number": "imoNumber",
    "flag of ship": "flag",
    "previous flags": "pastFlags",
    "type of ship": "type",
    "tonnage of ship": "tonnage",
    "year built": "buildDate",
    "type of entity": "legalForm",
}

_LABEL = re.compile(r"\(([A-Za-z][A-Za-z /]{1,40})\):")
_NUMBERED = re.compile(r"\(\d{1,2}\)")
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})/(\d{4})$")
_YEAR = re.compile(r"^\d{4}$")
_XLSX_SHEET = "Data"

#: property -> distinct raw values, in order of first appearance.
_Values = dict[str, dict[str, None]]


@dataclass
class _Group:
    """Name rows of one Group ID."""

    row: int
    schema: str
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


class GbHmtSource:
    """The UK OFSI Consolidated List in its XLSX (role ``xlsx``) and CSV (role ``csv``) forms."""

    list_id = LIST_ID
    title = "UK OFSI Consolidated List of Financial Sanctions Targets"
    publisher = "HM Treasury, Office of Financial Sanctions Implementation"
    spec_url = "https://www.gov.uk/government/publications/financial-sanctions-consolidated-list-of-targets"

    def __init__(self) -> None:
        #: Official download URLs by file role.
        self.urls: dict[str, str] = {
            "xlsx": "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.xlsx"
        }

    def identify(self, name: str, head: bytes) -> str | None:
        """Return ``"xlsx"`` or ``"csv"`` for a ConList file, else None.

        The CSV is recognised by its header (``Name 6`` ... ``Group ID``); the XLSX, a zip
        whose first member says nothing about the list, by its name (``ConList*.xlsx``).

        Args:
            name: file name, compression suffixes included.
            head: first bytes of the decompressed content.
        """
        lowered = name.lower()
        if b"Name 6" in head and b"Group ID" in head and b"Group Type" in head:
            return "xlsx" if lowered.endswith(".xlsx") else "csv"
        if re.fullmatch(r"conlist[^/]*\.xlsx", lowered):
            return "xlsx"
        if re.fullmatch(r"conlist[^/]*\.csv(\.gz|\.zip)?", lowered):
            return "csv"
        return None

    def parse(self, files: dict[str, Path], *, published: date | None = None) -> ParsedList:
        """Parse one ConList file (role ``xlsx`` or ``csv``) into a list version.

        Args:
            files: ``{"xlsx": path}`` or ``{"csv": path}``.
            published: used only when the file has no ``Last Updated`` date in row 1.

        Returns:
            The parsed list, one entity per Group ID; ``published`` from row 1.

        Raises:
            ListParseError: naming file, row, Group ID and column for unreadable content
                (empty, HTML page, truncated or corrupt workbook, bad encoding), a missing
                column, an unknown Group Type, a row without Group ID, or a group whose
                rows disagree on the Group Type.
        """
        if "xlsx" in files:
            role, fmt, read, rows_of = "xlsx", "ofsi-xlsx", _read_xlsx_bytes, _iter_xlsx_rows
        elif "csv" in files:
            role, fmt, read, rows_of = "csv", "ofsi-csv", read_bytes, _iter_csv_text_rows
        else:
            raise ListParseError(LIST_ID, "no ConList file given (role 'xlsx' or 'csv')")
        warnings: list[str] = []

        def parse_rows(data: bytes, name: str) -> tuple[date | None, list[ValueEntity]]:
            last_updated, entities, found = parse_conlist_rows(rows_of(data, name), name)
            warnings.extend(found)
            return last_updated, entities

        return parse_single_file(
            LIST_ID,
            files,
            role,
            format_name=fmt,
            parse=parse_rows,
            published=published,
            read=read,
            warnings=warnings,
        )


def parse_conlist_rows(
    rows: Iterable[tuple[int, Sequence[Any]]], name: str
) -> tuple[date | None, list[ValueEntity], list[str]]:
    """Turn ConList rows (``Last Updated`` row, header row, name rows) into entities.

    Args:
        rows: ``(1-based row or line number, cell values)``; cells are str, None, numbers
            or datetimes (as a spreadsheet gives them).
        name: file name used in messages.

    Returns:
        ``(Last Updated date or None, entities in order of first appearance, warnings)``.

    Raises:
        ListParseError: see :meth:`GbHmtSource.parse`.
    """
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        raise ListParseError(name, "no rows (empty list)", line=1)
    last_updated: date | None = None
    header_line, header_cells = first
    if _cell(header_cells, 0).lower() == "last updated":
        last_updated = _parse_day(_cell(header_cells, 1), name, header_line, "Last Updated")
        second = next(iterator, None)
        if second is None:
            raise ListParseError(name, "no header row", line=header_line + 1)
        header_line, header_cells = second
    header = [_cell(header_cells, i) for i in range(len(header_cells))]
    columns = [(index, column) for index, column in enumerate(header) if column]
    for column in REQUIRED_COLUMNS:
        if column not in header:
            raise ListParseError(
                name, "required column missing from header", line=header_line, field=column
            )
    groups: dict[str, _Group] = {}
    warnings: list[str] = []
    for line, cells in iterator:
        row = _row_values(cells, columns)
        if not any(row.values()):
            continue
        group_id = row["Group ID"]
        if not group_id:
            raise ListParseError(name, "empty Group ID", line=line, field="Group ID")
        kind = row["Group Type"]
        schema = SCHEMATA.get(kind.lower())
        if schema is None:
            raise ListParseError(
                name, f"unknown Group Type {kind!r}", line=line, record=group_id, field="Group Type"
            )
        group = groups.get(group_id)
        if group is None:
            group = groups[group_id] = _Group(line, schema)
        elif group.schema != schema:
            raise ListParseError(
                name,
                f"Group Type {kind!r} differs from the group's earlier rows",
                line=line,
                record=group_id,
                field="Group Type",
            )
        group.rows.append((line, row))
    entities = [_build(gid, group, name, warnings) for gid, group in groups.items()]
    return last_updated, entities, warnings


def _build(group_id: str, group: _Group, name: str, warnings: list[str]) -> ValueEntity:
    entity = make_entity(LIST_ID, group_id, group.schema)
    entity.add("topics", "sanction")
    # Rows of a group repeat most values: collect distinct ones, then clean each once.
    values: _Values = {}
    primary: list[str] = []
    others: list[tuple[str, str]] = []
    for line, row in group.rows:
        full_name = _full_name(row)
        alias_type = row["Alias Type"].lower()
        prop = ALIAS_TYPES.get(alias_type)
        if prop is None:
            warnings.append(
                f"{name} line {line} record {group_id} field Alias Type: "
                f"unknown value {row['Alias Type']!r}, name kept as alias"
            )
            prop = "alias"
        if row.get("Alias Quality", "").lower().startswith("low") and prop != "name":
            prop = "weakAlias"
        if full_name:
            if prop == "name":
                primary.append(full_name)
            else:
                others.append((prop, full_name))
        _add_row(entity.schema.name, values, line, row, name, group_id, warnings)
    for prop, prop_values in values.items():
        entity.add(prop, list(prop_values))
    if not primary and others:
        primary.append(others.pop(0)[1])
    if not primary:
        raise ListParseError(
            name, "group has no name in any row", line=group.row, record=group_id, field="Name 6"
        )
    entity.add("name", primary)
    for prop, value in others:
        if value not in primary:
            entity.add(prop, value)
    return entity


def _add_row(
    schema: str,
    values: _Values,
    line: int,
    row: dict[str, str],
    name: str,
    group_id: str,
    warns: list[str],
) -> None:
    _put(values, "alias", row.get("Name Non-Latin Script") or None)
    _put(values, "program", row.get("Regime") or None)
    listed = row.get("Listed On")
    if listed:
        _put(values, "createdAt", _parse_day(listed, name, line, "Listed On", group_id))
    updated = row.get("Last Updated")
    if updated:
        _put(values, "modifiedAt", _parse_day(updated, name, line, "Last Updated", group_id))
    address = ", ".join(v for v in (row.get(f"Address {i}", "") for i in range(1, 7)) if v)
    parts = [p for p in (address, row.get("Post/Zip Code", ""), row.get("Country", "")) if p]
    if parts:
        _put(values, "address", ", ".join(parts))
    _put(values, "country", row.get("Country") or None)
    other = row.get("Other Information", "")
    if other:
        _put(values, "notes", other)
        for prop, value in _other_info_values(schema, other):
            _put(values, prop, value)
    if schema != "Person":
        return
    _put(values, "title", _numbered(row.get("Title")))
    _put(values, "position", _numbered(row.get("Position")))
    _put(values, "nationality", _numbered(row.get("Nationality")))
    dob = row.get("DOB")
    if dob:
        birth = _birth_date(dob)
        if birth is None:
            warns.append(f"{name} line {line} record {group_id} field DOB: unreadable {dob!r}")
            _put(values, "notes", f"DOB: {dob}")
        else:
            _put(values, "birthDate", birth)
    towns = _numbered(row.get("Town of Birth"))
    countries = _numbered(row.get("Country of Birth"))
    _put(values, "birthCountry", countries)
    if towns and len(towns) == len(countries):
        _put(values, "birthPlace", [f"{t}, {c}" for t, c in zip(towns, countries, strict=True)])
    else:
        _put(values, "birthPlace", towns)
    _add_documents(
        values, "passportNumber", row.get("Passport Number"), row.get("Passport Details")
    )
    _add_documents(
        values,
        "idNumber",
        row.get("National Identification Number"),
        row.get("National Identification Details"),
    )


def _add_documents(values: _Values, prop: str, numbers: str | None, details: str | None) -> None:
    found = _numbered(numbers)
    _put(values, prop, found)
    if found and details:
        label = "Passport" if prop == "passportNumber" else "National ID"
        _put(values, "notes", f"{label} {numbers}: {details}")


def _put(values: _Values, prop: str, value: str | date | list[str] | None) -> None:
    """Record distinct raw values of a property (cleaned once, when the entity is built)."""
    if value is None:
        return
    bucket = values.setdefault(prop, {})
    if isinstance(value, list):
        for item in value:
            bucket[item] = None
    elif isinstance(value, date):
        bucket[value.isoformat()] = None
    elif value:
        bucket[value] = None


def _full_name(row: dict[str, str]) -> str:
    surname = row.get("Name 6", "")
    given = " ".join(v for v in (row.get(f"Name {i}", "") for i in range(1, 6)) if v)
    if surname and given:
        return f"{surname}, {given}"
    return surname or given


@lru_cache(maxsize=8192)
def _other_info_values(schema: str, text: str) -> tuple[tuple[str, str], ...]:
    """Return ``(property, value)`` of the Other Information segments the schema can hold.

    Cached: the rows of a group, and often several groups, repeat the same text.
    """
    properties = model.get(schema).properties  # type: ignore[union-attr]
    found: list[tuple[str, str]] = []
    for label, value in _labelled(text):
        prop = OTHER_INFO_PROPS.get(label.lower())
        if prop and prop in properties:
            found.append((prop, value))
    return tuple(found)


def _labelled(text: str) -> Iterator[tuple[str, str]]:
    """Yield ``(label, value)`` for each ``(Label):value`` segment of Other Information."""
    matches = list(_LABEL.finditer(text))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[match.end() : end].strip().rstrip(".").strip()
        if value:
            yield match.group(1).strip(), value


def _numbered(value: str | None) -> list[str]:
    """Split ``(1) A (2) B`` into ``["A", "B"]``, dropping ``-`` placeholders."""
    if not value:
        return []
    parts = _NUMBERED.split(value) if value.lstrip().startswith("(1)") else [value]
    out = []
    for part in parts:
        part = part.strip().rstrip(".,;").strip()
        if part and part != "-":
            out.append(part)
    return out


def _birth_date(value: str) -> str | None:
    """``dd/mm/yyyy`` with ``00`` parts, ``mm/yyyy`` or ``yyyy`` -> ISO prefix date."""
    value = value.strip()
    match = _DATE.match(value)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if month == 0:
            return f"{year:04d}"
        if day == 0:
            return f"{year:04d}-{month:02d}"
        return f"{year:04d}-{month:02d}-{day:02d}"
    match = _MONTH_YEAR.match(value)
    if match:
        month, year = int(match.group(1)), int(match.group(2))
        return f"{year:04d}" if month == 0 else f"{year:04d}-{month:02d}"
    if _YEAR.match(value):
        return value
    return None


def _parse_day(value: str, name: str, line: int, column: str, record: str | None = None) -> date:
    """Return the date of a ``dd/mm/yyyy`` cell, or raise naming file, line, record, column."""
    day = _day(value)
    if day is None:
        raise ListParseError(
            name, f"{value!r} is not a dd/mm/yyyy date", line=line, record=record, field=column
        )
    return day


@lru_cache(maxsize=8192)
def _day(value: str) -> date | None:
    """Return the date of ``dd/mm/yyyy`` text, None when it is not a valid date (cached)."""
    match = _DATE.match(value.strip())
    if match is None:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _row_values(cells: Sequence[Any], columns: list[tuple[int, str]]) -> dict[str, str]:
    """Return ``{column: cell text}`` of one row (see :func:`_cell`; text cells fast)."""
    size = len(cells)
    row: dict[str, str] = {}
    for index, column in columns:
        value = cells[index] if index < size else None
        if type(value) is str:
            row[column] = value.strip()
        elif value is None:
            row[column] = ""
        else:
            row[column] = _cell(cells, index)
    return row


def _cell(cells: Sequence[Any], index: int) -> str:
    """Return a cell as text: dates ``dd/mm/yyyy``, whole floats without ``.0``, stripped."""
    if index >= len(cells):
        return ""
    value = cells[index]
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# -- reading the two forms ----------------------------------------------------------------


def _iter_csv_text_rows(data: bytes, name: str) -> Iterator[tuple[int, Sequence[Any]]]:
    """Yield ``(line number, fields)`` of the CSV form (strict UTF-8)."""
    return iter_csv_rows(decode_utf8(data, name), name)


def _read_xlsx_bytes(path: Path) -> bytes:
    """Return an XLSX file's bytes, refusing empty, HTML, gzip-truncated and non-zip files."""
    data = read_bytes(path) if not _is_zip(path) else path.read_bytes()
    if not data.startswith(b"PK"):
        raise ListParseError(
            str(path), "not an XLSX workbook (no zip signature); is it the CSV form?", line=1
        )
    return data


def _is_zip(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
    except OSError as exc:
        raise ListParseError(str(path), f"cannot read file: {exc.strerror or exc}") from None


def _iter_xlsx_rows(data: bytes, name: str) -> Iterator[tuple[int, Sequence[Any]]]:
    """Yield ``(row number, cell values)`` of the ConList sheet, read-only and streaming.

    Raises:
        ListParseError: for a truncated or corrupt workbook, naming the file and the last
            row read.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    row_number = 0
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = (
                workbook[_XLSX_SHEET]
                if _XLSX_SHEET in workbook.sheetnames
                else workbook.worksheets[0]
            )
            for row_number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield row_number, cells
        finally:
            workbook.close()
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, InvalidFileException) as exc:
        raise ListParseError(
            name,
            f"truncated or corrupt XLSX workbook: {exc}",
            line=row_number + 1 if row_number else None,
        ) from None


#: The module's source, registered in ``screenwise.sources``.
GB_HMT_SANCTIONS = GbHmtSource()
