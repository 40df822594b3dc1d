"""FollowTheMoney (FtM) JSON lines: entity exports and delta files.

OpenSanctions and other FtM publishers export a dataset as ``entities.ftm.json``: one FtM
entity per line, ``{"id", "schema", "properties": {prop: [values]}, "referents",
"datasets", ...}``. A delta file (``entities.delta.json``) has one change per line,
``{"op": "ADD" | "MOD" | "DEL", "entity": {...}}``; a DEL entity carries only its id.

Mapping to list entities:

* entities of the list schemata (Person, Organization, Company, LegalEntity, Vessel,
  Airplane) are kept with their ids as published (no ``<list id>-`` prefix) and their
  properties and referents; other schemata are used only to enrich them:
* a ``Sanction`` entity's ``program`` -> the sanctioned entity's (its ``entity`` property)
  program, its ``listingDate`` (else ``startDate``) -> createdAt;
* an ``Address`` entity's ``full`` text -> the ``address`` of entities that refer to it in
  ``addressEntity``;
* ``Identification`` / ``Passport`` entities' ``number`` -> the holder's idNumber /
  passportNumber.

Enrichment needs both ends in the same file. The list id is the caller's (``--list-id``),
else the single dataset all kept entities share, else the file's folder name in
snake_case (with a warning); every kept entity's ``datasets`` is set to it.

Source: FollowTheMoney data model and its JSON serialisation,
https://followthemoney.tech/docs/ (entity format) and OpenSanctions bulk data documentation,
https://www.opensanctions.org/docs/bulk/json/ and https://www.opensanctions.org/docs/bulk/delta/
(delta files).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from followthemoney import ValueEntity, model

from screenwise.entities import LIST_SCHEMATA
from screenwise.errors import ListParseError
from screenwise.sources.base import ParsedList, gc_paused, hash_contents
from screenwise.sources.files import decode_utf8, read_bytes

__all__ = ["FTM", "FtmParsedList", "FtmSource", "iter_ftm_lines", "parse_ftm_lines"]

log = logging.getLogger(__name__)

#: Registry key of this source; the entities' real list id is chosen per file.
LIST_ID = "ftm"

#: Delta operations (``op``) of an OpenSanctions delta file.
DELTA_OPS: tuple[str, ...] = ("ADD", "MOD", "DEL")

_SNAKE = re.compile(r"[^a-z0-9]+")


@dataclass
class FtmParsedList(ParsedList):
    """A parsed FtM file: the entities, plus for a delta file the ids it deletes.

    Attributes:
        deleted: ids of the DEL operations of a delta file, in file order (any schema:
            the file does not say which deleted ids were list entities); empty for an
            entities file.
    """

    deleted: list[str] = field(default_factory=list)


@dataclass
class _Line:
    """One parsed JSON line."""

    line: int
    op: str | None
    data: dict[str, Any]


class FtmSource:
    """FtM JSON lines, entity exports (role ``entities``) and delta files (role ``delta``)."""

    list_id = LIST_ID
    title = "FollowTheMoney entities (JSON lines)"
    publisher = "any FollowTheMoney publisher (e.g. OpenSanctions)"
    spec_url = "https://followthemoney.tech/docs/"

    def __init__(self) -> None:
        #: FtM exports have no single official URL; ``lists fetch`` needs an explicit one.
        self.urls: dict[str, str] = {}

    def identify(self, name: str, head: bytes) -> str | None:
        """Return ``"delta"``, ``"entities"`` or None from the first JSON line (or the name).

        Args:
            name: file name, compression suffixes included.
            head: first bytes of the decompressed content.
        """
        first = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
        if first.startswith(b"{"):
            if re.match(rb'\{\s*"op"\s*:', first) or (b'"op"' in first and b'"entity"' in first):
                return "delta"
            if b'"schema"' in first and b'"id"' in first:
                return "entities"
        lowered = name.lower()
        if not first.startswith(b"{"):
            if re.fullmatch(r"[^/]*\.delta\.json(l)?(\.gz)?", lowered):
                return "delta"
            if re.fullmatch(r"(entities[^/]*|[^/]*\.ftm)\.json(l)?(\.gz)?", lowered):
                return "entities"
        return None

    def parse(
        self,
        files: dict[str, Path],
        *,
        published: date | None = None,
        list_id: str | None = None,
    ) -> FtmParsedList:
        """Parse an FtM entities file (role ``entities``) or delta file (role ``delta``).

        Args:
            files: ``{"entities": path}`` or ``{"delta": path}``; plain or gzip.
            published: publication date (FtM files state none of their own).
            list_id: list id to give the entities; default: their shared dataset.

        Returns:
            An :class:`FtmParsedList`; for a delta, ``complete`` is False (a delta alone is
            not a whole list) and ``deleted`` lists the DEL ids.

        Raises:
            ListParseError: naming file, line, record and field for a line that is not
                JSON or not an object, a missing or unknown ``schema``, a missing ``id``,
                an unknown delta ``op``, or unreadable content.
        """
        if "delta" in files:
            role, delta = "delta", True
        elif "entities" in files:
            role, delta = "entities", False
        else:
            raise ListParseError(LIST_ID, "no FtM file given (role 'entities' or 'delta')")
        path = files[role]
        with gc_paused():
            data = read_bytes(path)
            lines = list(iter_ftm_lines(decode_utf8(data, path), str(path), delta=delta))
            entities, deleted = parse_ftm_lines(lines, str(path))
        warnings: list[str] = []
        chosen = list_id or _shared_dataset(entities)
        if chosen is None:
            chosen = _SNAKE.sub("_", Path(path).resolve().parent.name.lower()).strip("_") or "ftm"
            warnings.append(
                f"{path}: entities belong to several datasets; list id {chosen!r} taken from "
                "the folder name (give --list-id to choose one)"
            )
        for entity in entities:
            entity.datasets = {chosen}
        return FtmParsedList(
            list_id=chosen,
            entities=entities,
            content_hash=hash_contents([data]),
            published=published,
            source=str(path),
            format="ftm-delta" if delta else "ftm-json",
            files={role: str(path)},
            warnings=warnings,
            complete=not delta,
            deleted=deleted,
        )


def iter_ftm_lines(text: str, name: str, *, delta: bool) -> Iterator[_Line]:
    """Yield each non-blank line of an FtM JSON lines file, decoded.

    Args:
        text: the file content.
        name: file name used in error messages.
        delta: True for a delta file (each line ``{"op", "entity"}``).

    Raises:
        ListParseError: naming file and line for a line that is not a JSON object, and the
            field for a missing ``op``/``entity``/``id`` or an unknown ``op``.
    """
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ListParseError(
                name, f"not JSON: {exc.msg} at column {exc.colno}", line=number
            ) from None
        if not isinstance(obj, dict):
            raise ListParseError(name, "line is not a JSON object", line=number)
        op: str | None = None
        if delta:
            op = obj.get("op")
            if op not in DELTA_OPS:
                raise ListParseError(
                    name,
                    f"unknown delta op {op!r} (expected ADD, MOD or DEL)",
                    line=number,
                    field="op",
                )
            obj = obj.get("entity")
            if not isinstance(obj, dict):
                raise ListParseError(
                    name, "delta line has no entity object", line=number, field="entity"
                )
        if not isinstance(obj.get("id"), str) or not obj["id"]:
            raise ListParseError(name, "entity has no id", line=number, field="id")
        yield _Line(number, op, obj)


def parse_ftm_lines(lines: list[_Line], name: str) -> tuple[list[ValueEntity], list[str]]:
    """Build list entities from decoded FtM lines, enriched from Sanction/Address/ID entities.

    Args:
        lines: from :func:`iter_ftm_lines`.
        name: file name used in error messages.

    Returns:
        ``(list entities in file order, DEL ids)``. A later line for the same id (a delta
        MOD after an ADD) replaces the earlier one.

    Raises:
        ListParseError: naming file, line, record and field ``schema`` when the schema is
            missing or unknown.
    """
    kept: dict[str, ValueEntity] = {}
    helpers: list[tuple[int, ValueEntity]] = []
    deleted: dict[str, None] = {}
    for item in lines:
        entity_id = item.data["id"]
        if item.op == "DEL":
            deleted[entity_id] = None
            kept.pop(entity_id, None)
            continue
        deleted.pop(entity_id, None)
        schema_name = item.data.get("schema")
        schema = model.get(schema_name) if isinstance(schema_name, str) else None
        if schema is None:
            raise ListParseError(
                name,
                f"unknown or missing schema {schema_name!r}",
                line=item.line,
                record=entity_id,
                field="schema",
            )
        entity = ValueEntity(schema, item.data)
        if schema.name in LIST_SCHEMATA:
            kept[entity_id] = entity
        else:
            helpers.append((item.line, entity))
    addresses: dict[str, str] = {}
    for _, helper in helpers:
        text = helper.first("full") or helper.caption if helper.schema.name == "Address" else None
        if text:
            # An address is referred to by its id or by any id merged into it (referents).
            for ref in (str(helper.id), *helper.referents):
                addresses[ref] = text
    for _, helper in helpers:
        _enrich(kept, helper)
    if addresses:
        for entity in kept.values():
            for ref in entity.get("addressEntity", quiet=True):
                text = addresses.get(ref)
                if text:
                    entity.add("address", text, quiet=True)
    return list(kept.values()), list(deleted)


def _enrich(kept: dict[str, ValueEntity], helper: ValueEntity) -> None:
    schema = helper.schema.name
    if schema == "Sanction":
        for ref in helper.get("entity"):
            target = kept.get(ref)
            if target is None:
                continue
            target.add("program", helper.get("program"))
            listed = helper.get("listingDate") or helper.get("startDate")
            target.add("createdAt", listed)
            target.add("topics", "sanction")
    elif schema in ("Identification", "Passport"):
        prop = "passportNumber" if schema == "Passport" else "idNumber"
        for ref in helper.get("holder"):
            target = kept.get(ref)
            if target is not None and prop in target.schema.properties:
                target.add(prop, helper.get("number"))


def _shared_dataset(entities: list[ValueEntity]) -> str | None:
    datasets: set[str] = set()
    for entity in entities:
        datasets.update(entity.datasets)
        if len(datasets) > 1:
            return None
    return datasets.pop() if datasets else None


#: The module's source, registered in ``screenwise.sources``.
FTM = FtmSource()
