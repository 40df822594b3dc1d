"""Deltas between two list versions: added, removed and changed entities.

A delta drives rescreening: after a list update, customers only need screening against the
entities that were added or whose properties changed, and alerts on removed entities can
be closed. Entities are matched by their stable id (``<list id>-<native id>``), so an
entity that keeps its publisher key but gains an alias or loses a program is *changed*,
and a publisher that re-keys a record shows it as one removal plus one addition.

Two entities with the same id are equal when they have the same schema and the same set of
values for every property (value order and duplicates do not count). ``datasets`` and
other metadata outside the properties are not compared.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from followthemoney import ValueEntity

from screenwise.errors import NotFoundError

if TYPE_CHECKING:
    from screenwise.store.versions import ListStore, ListVersion

__all__ = [
    "Delta",
    "EntityChange",
    "PropertyChange",
    "apply_delta",
    "compare_entities",
    "diff_entities",
    "diff_versions",
]

#: Pseudo-property name used in :class:`EntityChange` when the schema changed.
SCHEMA_KEY = "$schema"


@dataclass(frozen=True)
class PropertyChange:
    """How one property's values differ between two versions of an entity.

    Attributes:
        prop: property name (or ``$schema`` for a schema change).
        old: values in the old version, sorted (empty when the property was absent).
        new: values in the new version, sorted (empty when the property was removed).
    """

    prop: str
    old: tuple[str, ...]
    new: tuple[str, ...]

    @property
    def added(self) -> tuple[str, ...]:
        """Values present only in the new version."""
        old = set(self.old)
        return tuple(v for v in self.new if v not in old)

    @property
    def removed(self) -> tuple[str, ...]:
        """Values present only in the old version."""
        new = set(self.new)
        return tuple(v for v in self.old if v not in new)

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"prop", "old", "new", "added", "removed"}`` with lists."""
        return {
            "prop": self.prop,
            "old": list(self.old),
            "new": list(self.new),
            "added": list(self.added),
            "removed": list(self.removed),
        }


@dataclass(frozen=True)
class EntityChange:
    """An entity present in both versions whose schema or properties differ.

    Attributes:
        entity_id: the stable id.
        old: the entity in the old version.
        new: the entity in the new version.
        changes: one :class:`PropertyChange` per differing property, sorted by name.
    """

    entity_id: str
    old: ValueEntity
    new: ValueEntity
    changes: tuple[PropertyChange, ...]

    @property
    def properties(self) -> set[str]:
        """Names of the changed properties (``$schema`` when the schema changed)."""
        return {c.prop for c in self.changes}

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict: id, caption, changed property names and values."""
        return {
            "id": self.entity_id,
            "caption": self.new.caption,
            "properties": sorted(self.properties),
            "changes": [c.to_dict() for c in self.changes],
        }


@dataclass
class Delta:
    """The difference between an old and a new set of entities (e.g. two list versions).

    Attributes:
        added: entities only in the new set, ordered by id.
        removed: entities only in the old set, ordered by id.
        changed: entities in both with different schema or properties, ordered by id.
        unchanged: number of entities identical in both.
        old_version: version id of the old side, when diffed from the store.
        new_version: version id of the new side, when diffed from the store.
        notes: caveats on reading the delta, e.g. that the two versions were parsed
            from different file sets (an OFAC ``sdn.csv`` alone vs the full CSV set), so
            alias and address changes reflect the files rather than the list.
    """

    added: list[ValueEntity] = field(default_factory=list)
    removed: list[ValueEntity] = field(default_factory=list)
    changed: list[EntityChange] = field(default_factory=list)
    unchanged: int = 0
    old_version: str | None = None
    new_version: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """True when nothing was added, removed or changed."""
        return not (self.added or self.removed or self.changed)

    def rescreen_entities(self) -> list[ValueEntity]:
        """Return the entities customers must be rescreened against: added + changed (new)."""
        return [*self.added, *(c.new for c in self.changed)]

    def property_counts(self) -> dict[str, int]:
        """Return ``{property: number of changed entities where it changed}``, largest first."""
        counts: dict[str, int] = {}
        for change in self.changed:
            for prop in change.properties:
                counts[prop] = counts.get(prop, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def counts(self) -> dict[str, int]:
        """Return ``{"added", "removed", "changed", "unchanged"}`` entity counts."""
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed),
            "unchanged": self.unchanged,
        }

    def to_dict(self, limit: int | None = None) -> dict[str, Any]:
        """Return a JSON-ready summary with the first ``limit`` entries of each kind.

        Args:
            limit: maximum entries listed per kind; None lists all.
        """

        def brief(entity: ValueEntity) -> dict[str, Any]:
            return {"id": entity.id, "schema": entity.schema.name, "caption": entity.caption}

        return {
            "old_version": self.old_version,
            "new_version": self.new_version,
            "counts": self.counts(),
            "changed_properties": self.property_counts(),
            "added": [brief(e) for e in self.added[:limit]],
            "removed": [brief(e) for e in self.removed[:limit]],
            "changed": [c.to_dict() for c in self.changed[:limit]],
            "notes": list(self.notes),
        }


def _values(entity: ValueEntity) -> dict[str, tuple[str, ...]]:
    return {
        prop: tuple(sorted(set(values))) for prop, values in entity.properties.items() if values
    }


def compare_entities(old: ValueEntity, new: ValueEntity) -> tuple[PropertyChange, ...]:
    """Return the differences between two versions of one entity (empty when equal).

    Args:
        old: the entity as it was.
        new: the entity as it is now (same id).

    Returns:
        One :class:`PropertyChange` per property whose value set differs, sorted by name,
        preceded by a ``$schema`` change when the schema differs.
    """
    changes: list[PropertyChange] = []
    if old.schema.name != new.schema.name:
        changes.append(PropertyChange(SCHEMA_KEY, (old.schema.name,), (new.schema.name,)))
    old_values = _values(old)
    new_values = _values(new)
    for prop in sorted(set(old_values) | set(new_values)):
        before = old_values.get(prop, ())
        after = new_values.get(prop, ())
        if before != after:
            changes.append(PropertyChange(prop, before, after))
    return tuple(changes)


def diff_entities(old: Iterable[ValueEntity], new: Iterable[ValueEntity]) -> Delta:
    """Compare two sets of entities by id.

    Args:
        old: entities of the old version (unique ids).
        new: entities of the new version (unique ids).

    Returns:
        A :class:`Delta`; ``old_version``/``new_version`` are None.

    Raises:
        ValueError: when an entity has no id.

    Example:
        >>> diff_entities([], []).counts()
        {'added': 0, 'removed': 0, 'changed': 0, 'unchanged': 0}
    """
    old_by_id = _by_id(old)
    new_by_id = _by_id(new)
    delta = Delta()
    for entity_id in sorted(new_by_id):
        entity = new_by_id[entity_id]
        before = old_by_id.get(entity_id)
        if before is None:
            delta.added.append(entity)
            continue
        changes = compare_entities(before, entity)
        if changes:
            delta.changed.append(EntityChange(entity_id, before, entity, changes))
        else:
            delta.unchanged += 1
    delta.removed = [old_by_id[i] for i in sorted(old_by_id) if i not in new_by_id]
    return delta


def apply_delta(
    base: Iterable[ValueEntity], upserts: Iterable[ValueEntity], deleted: Iterable[str]
) -> tuple[list[ValueEntity], Delta]:
    """Apply a published delta (e.g. an FtM ``entities.delta.json``) to a base version.

    Args:
        base: the entities of the version the delta applies to.
        upserts: entities added or modified by the delta (ADD / MOD); each replaces the
            base entity with the same id.
        deleted: ids removed by the delta (DEL); ids absent from the base are ignored.

    Returns:
        ``(entities, delta)``: the new version's entities ordered by id, and the
        :class:`Delta` from the base to them.

    Source: OpenSanctions delta files, https://www.opensanctions.org/docs/bulk/delta/
    """
    old = _by_id(base)
    new = dict(old)
    for entity_id in deleted:
        new.pop(entity_id, None)
    new.update(_by_id(upserts))
    entities = [new[i] for i in sorted(new)]
    return entities, diff_entities(old.values(), entities)


def diff_versions(store: ListStore, old_version_id: str, new_version_id: str) -> Delta:
    """Compare two stored list versions.

    Args:
        store: the list-version store.
        old_version_id: e.g. ``us_ofac_sdn@2023-11-03#1fda632e``.
        new_version_id: e.g. ``us_ofac_sdn@2023-12-28#d768d28e``.

    Returns:
        A :class:`Delta` with ``old_version`` and ``new_version`` set.

    Raises:
        NotFoundError: when either version does not exist.
    """
    store.get_version(old_version_id)
    store.get_version(new_version_id)
    delta = diff_entities(store.iter_entities(old_version_id), store.iter_entities(new_version_id))
    delta.old_version = old_version_id
    delta.new_version = new_version_id
    old_roles = sorted(store.get_version(old_version_id).files)
    new_roles = sorted(store.get_version(new_version_id).files)
    if old_roles != new_roles:
        delta.notes.append(
            f"{old_version_id} was parsed from files [{', '.join(old_roles)}] and "
            f"{new_version_id} from [{', '.join(new_roles)}]: changes to properties that "
            "only some of these files carry (aliases, addresses, remarks) reflect the files, "
            "not the list"
        )
    return delta


def default_base_version(store: ListStore, new_version_id: str) -> ListVersion:
    """Choose the version to diff a list version against when the user names none.

    Takes the newest version stored before ``new_version_id`` (in the store's oldest-first
    order) that was parsed from the same file roles, so a full OFAC CSV set is compared
    with the previous full set; when no such version exists, the version just before.

    Raises:
        NotFoundError: when ``new_version_id`` is the oldest version of its list.
    """
    new = store.get_version(new_version_id)
    versions = store.versions(new.list_id)
    ids = [v.version_id for v in versions]
    older = versions[: ids.index(new_version_id)]
    if not older:
        raise NotFoundError(f"{new_version_id} is the oldest version of {new.list_id}; give --from")
    same_files = [v for v in older if sorted(v.files) == sorted(new.files)]
    return (same_files or older)[-1]


def _by_id(entities: Iterable[ValueEntity]) -> dict[str, ValueEntity]:
    found: dict[str, ValueEntity] = {}
    for entity in entities:
        if entity.id is None:
            raise ValueError(f"entity without id: {entity!r}")
        found[entity.id] = entity
    return found
