"""Prepared list entities in a compact form that loads in a fraction of a second.

Preparing every name of every listed entity (normalisation, transliteration, part
tagging: :func:`screenwise.names.parts.prepare_names`) takes tens of seconds for all lists,
so it is done once per set of list versions and kept on disk. Pickling the object graph
(``CandidateEntity`` -> ``PreparedName`` -> ``Part``, plus FtM entities) made loading
itself take many seconds, so :class:`PreparedEntities` keeps flat tables instead:

* one row per entity: the fields of its
  :class:`~screenwise.matching.algorithm.CandidateEntity` (id, list, schema, caption,
  birth dates, countries, identifiers, programs) as a tuple;
* one row per listed name (property, name as published, prepared-name row), the names of
  entity ``i`` being rows ``name_start[i]:name_start[i + 1]``;
* each distinct :class:`~screenwise.names.parts.PreparedName` once, its parts as ids into
  a table of distinct :class:`~screenwise.names.parts.Part` values.

``CandidateEntity``, ``Part`` and ``PreparedName`` rows are stored as the tuple of their dataclass fields, so a
field added to either class is carried along without a change here. Parts are rebuilt at
load time (one object per distinct part, shared by every name that has it: cheaper in
memory, and the part-comparison cache of :mod:`screenwise.matching.names` hits across
candidates); prepared names and :class:`~screenwise.matching.algorithm.CandidateEntity`
objects are built on first use only, so a one-off ``screen`` call touches a few dozen.
"""

from __future__ import annotations

import dataclasses
import pickle
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from followthemoney import ValueEntity

from screenwise.bulk import gc_paused
from screenwise.matching.algorithm import CandidateEntity, candidate_from_entity
from screenwise.names.parts import Part, PreparedName

__all__ = ["PreparedEntities"]

_PART_FIELDS = tuple(f.name for f in dataclasses.fields(Part))
_NAME_FIELDS = tuple(f.name for f in dataclasses.fields(PreparedName))
_PARTS_AT = _NAME_FIELDS.index("parts")
_CANDIDATE_FIELDS = tuple(f.name for f in dataclasses.fields(CandidateEntity))
_NAMES_AT = _CANDIDATE_FIELDS.index("names")
_BIRTH_DATES_AT = _CANDIDATE_FIELDS.index("birth_dates")
_QUALIFIERS_AT = tuple(
    _CANDIDATE_FIELDS.index(f) for f in ("schema", "birth_dates", "countries", "identifiers")
)


class PreparedEntities:
    """Every listed entity with its prepared names, as flat tables.

    Build with :meth:`from_entities`, persist with :meth:`dump` / :meth:`load`. Entity
    positions (``0 .. len - 1``) are the entity ids used by the candidate index; name
    rows (``0 .. name_count - 1``) are its name ids.

    Attributes:
        entity_ids: ``<list id>-<native id>`` per entity.
        list_ids: the distinct list ids; ``entity_list[i]`` indexes into it.
        entity_list: list position of each entity.
        schemas: FtM schema name per entity.
        name_start: entity ``i`` owns name rows ``name_start[i]:name_start[i + 1]``.
        name_props: name property (``name``, ``alias``, ``weakAlias`` ...) per name row.
        name_values: the name as published per name row.
        name_prepared: prepared-name row per name row.
    """

    def __init__(self, state: dict[str, Any]) -> None:
        self.entity_ids: list[str] = state["entity_ids"]
        self.list_ids: list[str] = state["list_ids"]
        self.entity_list: list[int] = state["entity_list"]
        self.schemas: list[str] = state["schemas"]
        self._candidate_rows: list[tuple[Any, ...]] = state["candidate_rows"]
        self.name_start: list[int] = state["name_start"]
        self.name_props: list[str] = state["name_props"]
        self.name_values: list[str] = state["name_values"]
        self.name_prepared: list[int] = state["name_prepared"]
        self._prepared_rows: list[tuple[Any, ...]] = state["prepared_rows"]
        self._part_rows: list[tuple[Any, ...]] = state["part_rows"]
        self._parts: list[Part] = [Part(*row) for row in self._part_rows]
        self._prepared: list[PreparedName | None] = [None] * len(self._prepared_rows)
        self._candidates: list[CandidateEntity | None] = [None] * len(self.entity_ids)
        self._position: dict[str, int] | None = None

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def from_entities(cls, entities: Iterable[ValueEntity]) -> PreparedEntities:
        """Prepare list entities (the slow step: every name is normalised and tagged).

        Each entity goes through :func:`screenwise.matching.algorithm.candidate_from_entity`
        and the result is stored field by field.

        Args:
            entities: list entities (FtM ``ValueEntity``) with ids and one dataset each;
                entities without an id are skipped.

        Returns:
            The prepared tables; entity order follows the input.
        """
        state: dict[str, Any] = {
            key: []
            for key in (
                "entity_ids",
                "entity_list",
                "schemas",
                "candidate_rows",
                "name_props",
                "name_values",
                "name_prepared",
                "prepared_rows",
                "part_rows",
            )
        }
        state["name_start"] = [0]
        list_pos: dict[str, int] = {}
        part_ids: dict[tuple[Any, ...], int] = {}
        prepared_ids: dict[int, int] = {}
        keep: list[PreparedName] = []  # keeps ids in prepared_ids unique while building
        intern = sys.intern
        for entity in entities:
            if entity.id is None:
                continue
            candidate = candidate_from_entity(entity)
            row_values = [getattr(candidate, f) for f in _CANDIDATE_FIELDS]
            row_values[_NAMES_AT] = None
            state["entity_ids"].append(candidate.entity_id)
            state["entity_list"].append(list_pos.setdefault(candidate.list_id, len(list_pos)))
            state["schemas"].append(intern(candidate.schema))
            state["candidate_rows"].append(tuple(row_values))
            for prop, value, prepared in candidate.names:
                row = prepared_ids.get(id(prepared))
                if row is None:
                    row = len(state["prepared_rows"])
                    prepared_ids[id(prepared)] = row
                    keep.append(prepared)
                    state["prepared_rows"].append(_encode_name(prepared, part_ids, state))
                state["name_props"].append(intern(prop))
                state["name_values"].append(value)
                state["name_prepared"].append(row)
            state["name_start"].append(len(state["name_props"]))
        state["list_ids"] = list(list_pos)
        return cls(state)

    # -- persistence ------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """Return the flat tables (what :meth:`dump` writes)."""
        return {
            "entity_ids": self.entity_ids,
            "list_ids": self.list_ids,
            "entity_list": self.entity_list,
            "schemas": self.schemas,
            "candidate_rows": self._candidate_rows,
            "name_start": self.name_start,
            "name_props": self.name_props,
            "name_values": self.name_values,
            "name_prepared": self.name_prepared,
            "prepared_rows": self._prepared_rows,
            "part_rows": self._part_rows,
        }

    def dump(self, path: Path, extra: dict[str, Any] | None = None) -> None:
        """Write the tables (and ``extra`` objects, e.g. the candidate index) to a file.

        The file is written beside ``path`` and renamed into place, so a reader never sees
        a half-written file.

        Raises:
            OSError: when the file cannot be written.
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(
                {"prepared": self.state(), "extra": extra or {}},
                fh,
                protocol=pickle.HIGHEST_PROTOCOL,
            )
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> tuple[PreparedEntities, dict[str, Any]]:
        """Read a file written by :meth:`dump`.

        Returns:
            ``(prepared entities, extra objects)``.

        Raises:
            OSError: when the file cannot be read.
            pickle.UnpicklingError, EOFError, KeyError, TypeError: when it is damaged or
                was written by another layout.
        """
        with path.open("rb") as fh, gc_paused():
            data = pickle.load(fh)
            return cls(data["prepared"]), data["extra"]

    # -- access -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.entity_ids)

    @property
    def name_count(self) -> int:
        """Number of name rows."""
        return len(self.name_props)

    def position(self, entity_id: str) -> int | None:
        """Return the position of an entity id, or None when it is not listed here."""
        if self._position is None:
            self._position = {eid: i for i, eid in enumerate(self.entity_ids)}
        return self._position.get(entity_id)

    def list_id(self, idx: int) -> str:
        """Return the list id of the entity at position ``idx``."""
        return self.list_ids[self.entity_list[idx]]

    def name_owner(self) -> list[int]:
        """Return the entity position of every name row."""
        owners: list[int] = []
        starts = self.name_start
        for idx in range(len(self.entity_ids)):
            owners.extend([idx] * (starts[idx + 1] - starts[idx]))
        return owners

    def prepared_name(self, name_row: int) -> PreparedName:
        """Return the prepared form of a name row (rebuilt on first use, then shared)."""
        row = self.name_prepared[name_row]
        prepared = self._prepared[row]
        if prepared is None:
            values = list(self._prepared_rows[row])
            parts = self._parts
            values[_PARTS_AT] = tuple(parts[i] for i in values[_PARTS_AT])
            prepared = PreparedName(*values)
            self._prepared[row] = prepared
        return prepared

    def birth_dates(self, idx: int) -> tuple[str, ...]:
        """Return the ``birthDate`` values of the entity at position ``idx`` (ISO prefixes).

        Read without building the entity's :class:`CandidateEntity`.
        """
        dates: tuple[str, ...] = self._candidate_rows[idx][_BIRTH_DATES_AT]
        return dates

    def qualifiers(
        self, idx: int
    ) -> tuple[str, tuple[str, ...], tuple[str, ...], dict[str, list[str]]]:
        """Return ``(schema, birth dates, countries, identifiers)`` of the entity at ``idx``.

        The same values as the fields of :meth:`candidate`, read without building it (no
        name is prepared), for bounds that rule candidates out before any name comparison.
        """
        row = self._candidate_rows[idx]
        schema, birth_dates, countries, identifiers = (row[i] for i in _QUALIFIERS_AT)
        return schema, birth_dates, countries, identifiers

    def candidate(self, idx: int) -> CandidateEntity:
        """Return the entity at position ``idx`` prepared for scoring (built on first use).

        Equal field by field to what
        :func:`screenwise.matching.algorithm.candidate_from_entity` returned for it.
        """
        candidate = self._candidates[idx]
        if candidate is None:
            values = list(self._candidate_rows[idx])
            start, end = self.name_start[idx], self.name_start[idx + 1]
            values[_NAMES_AT] = tuple(
                (self.name_props[j], self.name_values[j], self.prepared_name(j))
                for j in range(start, end)
            )
            candidate = CandidateEntity(*values)
            self._candidates[idx] = candidate
        return candidate


def _encode_name(
    prepared: PreparedName, part_ids: dict[tuple[Any, ...], int], state: dict[str, Any]
) -> tuple[Any, ...]:
    """Encode a prepared name as its field tuple with parts replaced by part-table ids."""
    values = [getattr(prepared, f) for f in _NAME_FIELDS]
    ids: list[int] = []
    for part in prepared.parts:
        row = tuple(getattr(part, f) for f in _PART_FIELDS)
        pid = part_ids.get(row)
        if pid is None:
            pid = len(state["part_rows"])
            part_ids[row] = pid
            state["part_rows"].append(row)
        ids.append(pid)
    values[_PARTS_AT] = tuple(ids)
    return tuple(values)
