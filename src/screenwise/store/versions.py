"""The list-version store: immutable, content-addressed list versions, validate-then-promote.

A *list version* is one parsed publication of one list (``ParsedList``): its entities, the
sha256 of its content, its publication date and where it came from. Versions are never
modified once stored; loading the same content again is a no-op. At most one version of
each list is *active* (the one screening uses); older versions stay queryable for deltas,
audits and ``screenwise entity``.

Loading follows one fixed order, inside one database transaction:

1. Same content hash already stored -> nothing is written (``unchanged``).
2. Structural checks: the version has entities and their ids are unique. A failure stores
   nothing (``rejected``).
3. The version row and all its entities are written (bulk insert) and the written entity
   count is read back.
4. Promotion policy against the currently active version of the list:

   * a version published *before* the active one is stored as history (``inactive``);
   * an incomplete version (``complete=False``: companion files missing) is not promoted
     over a complete active one;
   * an entity count below 50 % of the active version's is a collapse (a truncated or
     wrong file): the version is stored as ``rejected``;

   ``force=True`` overrides all three. Otherwise the new version becomes active and the
   previous one inactive, in the same transaction. Every result states how many entities
   were added and removed against the previously active version; a promotion that removes
   more than ``warn_drop`` (default :data:`DROP_WARN_RATIO`, 10 %) of the previous
   version's entities carries a warning (a shortened but well-formed file looks like this).
5. Commit. Any exception before this point (a parse bug, a crash, a full disk) rolls the
   whole transaction back: the previous active version keeps serving and nothing of the
   new version remains.

Loads and promotions of one list are serialised across processes (on PostgreSQL by a
transaction-scoped advisory lock per list, see ``models.advisory_lock``; on SQLite by
taking its single-writer lock at the start of the load, ``BEGIN IMMEDIATE``), so
concurrent loads apply these rules one after the other: the second of two loads of the
same content finds it stored and reports ``unchanged``.

Opening a store that cannot be used (a malformed URL, a missing database driver, an
unreachable server, a file that is not a database) raises :class:`StoreError` naming the
URL (password masked) and the cause.

The design follows the "last successful" rule of FollowTheMoney/OpenSanctions data
publishing and yente's index alias rollover: a new version can only fail safe.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from followthemoney import ValueEntity
from sqlalchemy import Engine, create_engine, event, func, insert, inspect, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from screenwise.bulk import gc_paused
from screenwise.entities import entity_from_dict, entity_to_dict
from screenwise.errors import NotFoundError, StoreError
from screenwise.sources.base import ParsedList
from screenwise.store.models import (
    STATUS_ACTIVE,
    STATUS_INACTIVE,
    STATUS_REJECTED,
    Base,
    EntityRow,
    ListVersionRow,
    advisory_lock,
)

__all__ = [
    "COLLAPSE_RATIO",
    "DROP_WARN_RATIO",
    "ListOverview",
    "ListStore",
    "ListVersion",
    "LoadResult",
    "LoadStatus",
    "StoredEntity",
    "activation_hint",
    "make_version_id",
]

log = logging.getLogger(__name__)

#: A new version with fewer entities than this share of the active version's count is a
#: collapse and is rejected without ``force``.
COLLAPSE_RATIO = 0.5
#: A promoted version that removes more than this share of the previously active
#: version's entities is promoted with a warning (``warn_drop`` overrides it per load).
DROP_WARN_RATIO = 0.10
#: Rows per INSERT batch; keeps memory flat and stays under SQLite's parameter limits.
_BATCH_ROWS = 2000
#: Rows per fetch when reading entities back.
_READ_BATCH = 5000

#: Outcome of :meth:`ListStore.load` (``failed`` is used by ``ingest`` for parse errors).
LoadStatus = Literal["promoted", "stored", "unchanged", "rejected", "failed"]


@dataclass(frozen=True)
class ListVersion:
    """A stored list version, as the store's methods return it.

    Attributes:
        version_id: ``<list id>@<YYYY-MM-DD|undated>#<first 8 hex of the content hash>``.
        list_id: e.g. ``us_ofac_sdn``.
        content_hash: sha256 hex digest of the decompressed input files.
        published: publication date, or None when nothing states it.
        source: input paths joined by ``;`` or the download URLs.
        format: format name, e.g. ``ofac-legacy-csv``.
        files: role -> path or URL of each input file.
        loaded_at: when it was stored (UTC).
        entity_count: number of entities.
        schema_counts: ``{schema: count}``.
        complete: False when companion files of the format were missing.
        warnings: non-fatal parse warnings.
        status: ``active``, ``inactive`` or ``rejected``.
        status_reason: why it is (not) active, in words.
        promoted_at: when it last became active, or None.
    """

    version_id: str
    list_id: str
    content_hash: str
    published: date | None
    source: str
    format: str
    files: dict[str, str]
    loaded_at: datetime
    entity_count: int
    schema_counts: dict[str, int]
    complete: bool
    warnings: list[str]
    status: str
    status_reason: str
    promoted_at: datetime | None

    @property
    def active(self) -> bool:
        """True when this version is the one served for its list."""
        return self.status == STATUS_ACTIVE

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (dates as ISO 8601 strings)."""
        data = asdict(self)
        data["published"] = self.published.isoformat() if self.published else None
        data["loaded_at"] = self.loaded_at.isoformat()
        data["promoted_at"] = self.promoted_at.isoformat() if self.promoted_at else None
        return data

    @classmethod
    def from_row(cls, row: ListVersionRow) -> ListVersion:
        """Build from a ``list_version`` row (timestamps normalised to UTC)."""
        return cls(
            version_id=row.version_id,
            list_id=row.list_id,
            content_hash=row.content_hash,
            published=row.published,
            source=row.source,
            format=row.format,
            files=dict(row.files or {}),
            loaded_at=_utc(row.loaded_at),
            entity_count=row.entity_count,
            schema_counts=dict(row.schema_counts or {}),
            complete=row.complete,
            warnings=list(row.warnings or []),
            status=row.status,
            status_reason=row.status_reason or "",
            promoted_at=_utc(row.promoted_at) if row.promoted_at else None,
        )


@dataclass
class LoadResult:
    """What happened to one parsed list version handed to the store.

    Attributes:
        list_id: the list.
        status: ``promoted`` (now active), ``stored`` (kept as an inactive version),
            ``unchanged`` (same content already stored), ``rejected`` (failed a sanity
            check; the active version keeps serving) or ``failed`` (could not be parsed
            or fetched; set by ``screenwise.ingest``).
        reason: why, in words (names the versions and counts involved).
        version: the stored version, or None when nothing was stored.
        previous_active: version id that was active before the load, or None.
        files: role -> path or URL of the input files.
        warnings: parse warnings.
        notes: how the files were grouped (e.g. a companion file of an earlier date).
        parse_s: seconds spent parsing (set by ``ingest``), 0 when not measured.
        store_s: seconds spent in the store (write, checks, promotion).
        added: entities in this version that the previously active version lacks; None
            when there was no active version to compare with (or nothing was stored).
        removed: entities of the previously active version missing from this one; None
            as for ``added``.
        drop_warning: set when the version was promoted although it removes more than
            the ``warn_drop`` share of the previously active version's entities (a
            shortened file?); says how to roll back.
    """

    list_id: str
    status: LoadStatus
    reason: str
    version: ListVersion | None = None
    previous_active: str | None = None
    files: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    parse_s: float = 0.0
    store_s: float = 0.0
    added: int | None = None
    removed: int | None = None
    drop_warning: str | None = None

    def changes(self) -> str:
        """Return the added/removed counts in words, e.g. ``+12 added, -3 removed against
        us_ofac_sdn@2024-04-02#0f3c2a11`` (or why there is nothing to compare with)."""
        if self.version is None:
            return "nothing stored"
        if self.previous_active == self.version.version_id:
            return "same as the active version"
        if self.added is None or self.removed is None or self.previous_active is None:
            return f"first version of {self.list_id}: +{self.version.entity_count:,} added"
        which = "active before" if self.status == "promoted" else "the active version"
        return (
            f"+{self.added:,} added, -{self.removed:,} removed against "
            f"{self.previous_active} ({which})"
        )

    @property
    def promoted(self) -> bool:
        """True when the version became active in this load."""
        return self.status == "promoted"

    @property
    def ok(self) -> bool:
        """True unless the version was rejected or failed."""
        return self.status not in ("rejected", "failed")

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (the version as :meth:`ListVersion.to_dict`)."""
        return {
            "list_id": self.list_id,
            "status": self.status,
            "promoted": self.promoted,
            "reason": self.reason,
            "version": self.version.to_dict() if self.version else None,
            "previous_active": self.previous_active,
            "files": dict(self.files),
            "warnings": list(self.warnings),
            "notes": list(self.notes),
            "parse_s": round(self.parse_s, 3),
            "store_s": round(self.store_s, 3),
            "added": self.added,
            "removed": self.removed,
            "drop_warning": self.drop_warning,
        }


@dataclass(frozen=True)
class ListOverview:
    """The state of one list: its active version, how old it is, what newer is not active.

    Attributes:
        list_id: the list.
        active: the active version, or None when no version is active (all rejected).
        newer: stored versions that are newer than the active one (published later; for
            undated versions, loaded later) but not active, oldest first; each carries its
            ``status`` and ``status_reason`` (incomplete set, collapsed count, replaced by
            a forced load...).
        age_days: days from the active version's publication date to ``today``; None
            when it is undated or there is no active version.
    """

    list_id: str
    active: ListVersion | None
    newer: list[ListVersion]
    age_days: int | None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict: the active version's fields (when there is one) plus
        ``age_days`` and ``newer_versions`` (version id, published, status, reason)."""
        data: dict[str, Any] = self.active.to_dict() if self.active else {"list_id": self.list_id}
        data["age_days"] = self.age_days
        data["newer_versions"] = [
            {
                "version_id": v.version_id,
                "published": v.published.isoformat() if v.published else None,
                "status": v.status,
                "reason": v.status_reason,
                "complete": v.complete,
                "entity_count": v.entity_count,
            }
            for v in self.newer
        ]
        return data


@dataclass(frozen=True)
class StoredEntity:
    """An entity together with the list version it was read from (its provenance)."""

    entity: ValueEntity
    version: ListVersion


def make_version_id(list_id: str, published: date | None, content_hash: str) -> str:
    """Return the readable, sortable version id ``<list>@<date|undated>#<hash8>``.

    Example:
        ``make_version_id("us_ofac_sdn", date(2023, 12, 28), "d768d28e...")`` ->
        ``"us_ofac_sdn@2023-12-28#d768d28e"``. Undated versions sort after dated ones.
    """
    stamp = published.isoformat() if published else "undated"
    return f"{list_id}@{stamp}#{content_hash[:8]}"


class ListStore:
    """The list-version store over one SQLAlchemy database (SQLite or PostgreSQL).

    Args:
        url: SQLAlchemy URL, e.g. ``sqlite:////var/lib/screenwise/screenwise.db``,
            ``sqlite://`` (in memory) or ``postgresql+psycopg://user@host/db``. For an
            SQLite file the parent directory is created. Tables are created when missing.
        create: False for read-only use (``screenwise lists``, ``entity``, ``export``):
            a store that does not exist yet (no SQLite file, no ``list_version`` table)
            is an error instead of being created empty.

    Raises:
        StoreError: naming the URL (password masked) and the cause, when the URL is
            malformed, its database driver is not installed, the server cannot be
            reached, the file is not an SQLite database or cannot be created, or (with
            ``create=False``) the store does not exist.

    Example:
        >>> store = ListStore("sqlite://")
        >>> store.active_versions()
        []
    """

    def __init__(self, url: str, *, create: bool = True) -> None:
        self.url = url
        try:
            self.engine = _make_engine(url, create=create)
            with self.engine.begin() as conn:
                if create:
                    # Several processes opening a new store at once create it once.
                    if conn.dialect.name == "sqlite":
                        conn.exec_driver_sql("BEGIN IMMEDIATE")
                    advisory_lock(conn, "schema")
                    Base.metadata.create_all(conn)
                elif not inspect(conn).has_table(ListVersionRow.__tablename__):
                    raise StoreError(url, _NO_STORE)
            _add_missing_columns(self.engine)
        except ArgumentError as exc:
            raise StoreError(url, f"not a usable SQLAlchemy URL ({exc})") from None
        except ImportError as exc:
            raise StoreError(
                url,
                f"the database driver is not installed ({exc}); install it or use "
                "a sqlite:/// or postgresql+psycopg:// URL",
            ) from None
        except DBAPIError as exc:
            raise StoreError(url, _driver_message(exc)) from None
        except OSError as exc:
            raise StoreError(url, f"cannot create the store file ({exc})") from None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    # -- context management ------------------------------------------------------------

    def close(self) -> None:
        """Release the database connections. The store must not be used afterwards."""
        self.engine.dispose()

    def __enter__(self) -> ListStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def session(self) -> Session:
        """Return a new ORM session on the store's database (caller closes it)."""
        return self._sessions()

    # -- loading -----------------------------------------------------------------------

    def load(
        self,
        parsed: ParsedList,
        *,
        force: bool = False,
        files_sha256: str | None = None,
        warn_drop: float = DROP_WARN_RATIO,
    ) -> LoadResult:
        """Store a parsed list version and promote it when it passes the checks.

        See the module docstring for the order of checks. The version, its entities and
        the switch of the active version are written in one transaction.

        Args:
            parsed: the parsed list version.
            force: promote even when the version is older than the active one,
                incomplete while the active one is complete, or its entity count collapsed
                below :data:`COLLAPSE_RATIO` of the active version's.
            files_sha256: fingerprint of the raw input files (see
                :meth:`find_by_files`), recorded with a new version.
            warn_drop: share in [0, 1] of the previously active version's entities that
                a promoted version may remove before the result carries a
                ``drop_warning`` (default :data:`DROP_WARN_RATIO`).

        Returns:
            A :class:`LoadResult`; ``status`` is ``promoted``, ``stored``, ``unchanged`` or
            ``rejected``, ``reason`` says why, ``added``/``removed`` count the entity ids
            gained and lost against the previously active version.

        Raises:
            StoreError: when another process holds the store's write lock for longer
                than the 30 s wait (SQLite); nothing was written.
            sqlalchemy.exc.SQLAlchemyError: on other database failures; the transaction is
                rolled back and the previously active version keeps serving.
        """
        started = time.perf_counter()
        try:
            result = self._load(parsed, force=force, files_sha256=files_sha256, warn_drop=warn_drop)
        except IntegrityError:
            # Another process stored the same content between our check and our write
            # (possible only where the write lock is not taken up front): the second
            # look finds it and reports ``unchanged``.
            log.info("%s: stored concurrently by another load; checking again", parsed.list_id)
            result = self._load(parsed, force=force, files_sha256=files_sha256, warn_drop=warn_drop)
        except OperationalError as exc:
            if "locked" not in str(exc.orig).lower():
                raise
            raise StoreError(
                self.url,
                "another process is writing to the store (database is locked for more than "
                "30 s); nothing was loaded, try again when it has finished",
            ) from None
        result.store_s = time.perf_counter() - started
        result.files = dict(parsed.files)
        result.warnings = list(parsed.warnings)
        log.info("%s: %s (%s)", parsed.list_id, result.status, result.reason)
        return result

    def _load(
        self,
        parsed: ParsedList,
        *,
        force: bool,
        files_sha256: str | None,
        warn_drop: float,
    ) -> LoadResult:
        list_id = parsed.list_id
        with self.session() as session, session.begin():
            # Loads of one list from several processes run one after the other, so each
            # sees the active version and the content hashes the previous one committed.
            _write_lock(session)
            advisory_lock(session, f"list:{list_id}")
            active = _active_row(session, list_id)
            previous = active.version_id if active else None
            existing = session.scalars(
                select(ListVersionRow).where(
                    ListVersionRow.list_id == list_id,
                    ListVersionRow.content_hash == parsed.content_hash,
                )
            ).first()
            if existing is not None:
                return self._reload(session, existing, active, force=force, warn_drop=warn_drop)

            problem = _structural_problem(parsed)
            if problem:
                return LoadResult(list_id, "rejected", problem, previous_active=previous)

            now = datetime.now(UTC)
            row = ListVersionRow(
                version_id=make_version_id(list_id, parsed.published, parsed.content_hash),
                list_id=list_id,
                content_hash=parsed.content_hash,
                published=parsed.published,
                source=parsed.source,
                format=parsed.format,
                files={k: str(v) for k, v in parsed.files.items()},
                files_sha256=files_sha256,
                loaded_at=now,
                entity_count=len(parsed.entities),
                schema_counts=parsed.schema_counts(),
                complete=parsed.complete,
                warnings=list(parsed.warnings),
                status=STATUS_INACTIVE,
                status_reason="",
                promoted_at=None,
            )
            session.add(row)
            session.flush()
            _insert_entities(session, row.version_id, parsed.entities)
            written = session.scalar(
                select(func.count())
                .select_from(EntityRow)
                .where(EntityRow.version_id == row.version_id)
            )
            if written != len(parsed.entities):
                raise RuntimeError(
                    f"{row.version_id}: wrote {written} entities, expected "
                    f"{len(parsed.entities)}; transaction rolled back"
                )
            status, reason = _decide(row, active, force=force)
            if status == "promoted":
                _promote(session, row, active, now, reason)
            else:
                row.status = STATUS_REJECTED if status == "rejected" else STATUS_INACTIVE
                row.status_reason = reason
            session.flush()
            result = LoadResult(
                list_id, status, reason, version=ListVersion.from_row(row), previous_active=previous
            )
            if active is not None:
                result.added, result.removed = _id_changes(
                    session, active.version_id, row.version_id
                )
                if status == "promoted":
                    result.drop_warning = _drop_warning(
                        active, result.removed, warn_drop, row.version_id
                    )
            return result

    def _reload(
        self,
        session: Session,
        existing: ListVersionRow,
        active: ListVersionRow | None,
        *,
        force: bool,
        warn_drop: float,
    ) -> LoadResult:
        previous = active.version_id if active else None
        if existing.status == STATUS_ACTIVE:
            reason = f"same content already loaded as {existing.version_id} (active)"
            return LoadResult(
                existing.list_id,
                "unchanged",
                reason,
                version=ListVersion.from_row(existing),
                previous_active=previous,
            )
        if not force:
            why = f": {existing.status_reason}" if existing.status_reason else ""
            reason = (
                f"same content already stored as {existing.version_id} ({existing.status}{why}); "
                f"{activation_hint(existing.version_id)}"
            )
            result = LoadResult(
                existing.list_id,
                "unchanged",
                reason,
                version=ListVersion.from_row(existing),
                previous_active=previous,
            )
            if active is not None:
                result.added, result.removed = _id_changes(
                    session, active.version_id, existing.version_id
                )
            return result
        now = datetime.now(UTC)
        reason = f"already stored as {existing.version_id}; promoted with force"
        _promote(session, existing, active, now, reason)
        session.flush()
        result = LoadResult(
            existing.list_id,
            "promoted",
            reason,
            version=ListVersion.from_row(existing),
            previous_active=previous,
        )
        if active is not None:
            result.added, result.removed = _id_changes(
                session, active.version_id, existing.version_id
            )
            result.drop_warning = _drop_warning(
                active, result.removed, warn_drop, existing.version_id
            )
        return result

    def promote(self, version_id: str) -> ListVersion:
        """Make a stored version the active one of its list (an explicit rollback/forward).

        The sanity checks are not applied: this is the operator's decision, like
        ``lists load --force``.

        Raises:
            NotFoundError: when no such version is stored.
        """
        version = self.activate(version_id).version
        assert version is not None  # activate always returns the version it activated
        return version

    def activate(self, ref: str) -> LoadResult:
        """Make a stored version the active one of its list (rollback or roll forward).

        The sanity checks of :meth:`load` are not applied: this is the operator's
        decision. The switch happens in one transaction, serialised with loads of the
        same list.

        Args:
            ref: a version reference as :meth:`resolve_ref` takes it, e.g.
                ``us_ofac_sdn@2024-05-03``, ``us_ofac_sdn@666f520f`` or a full version id.

        Returns:
            A :class:`LoadResult` with status ``promoted`` (now active; ``previous_active``
            names the version it replaced, ``added``/``removed`` the entity changes) or
            ``unchanged`` (it already was the active version).

        Raises:
            NotFoundError: when the reference matches no stored version, or several.
        """
        target = self.resolve_ref(ref)
        with self.session() as session, session.begin():
            _write_lock(session)
            advisory_lock(session, f"list:{target.list_id}")
            row = session.get(ListVersionRow, target.version_id)
            if row is None:
                raise NotFoundError(f"list version {target.version_id!r} not found")
            session.refresh(row)
            if row.status == STATUS_ACTIVE:
                return LoadResult(
                    row.list_id,
                    "unchanged",
                    f"{row.version_id} already is the active version of {row.list_id}",
                    version=ListVersion.from_row(row),
                    previous_active=row.version_id,
                )
            active = _active_row(session, row.list_id)
            previous = active.version_id if active else None
            _promote(session, row, active, datetime.now(UTC), "activated by the operator")
            session.flush()
            result = LoadResult(
                row.list_id,
                "promoted",
                f"activated by the operator; replaces {previous}"
                if previous
                else f"activated by the operator; {row.list_id} had no active version",
                version=ListVersion.from_row(row),
                previous_active=previous,
            )
            if active is not None:
                result.added, result.removed = _id_changes(
                    session, active.version_id, row.version_id
                )
            log.info("%s: %s activated by the operator", row.list_id, row.version_id)
            return result

    # -- reading -----------------------------------------------------------------------

    def active_versions(self) -> list[ListVersion]:
        """Return the active version of every list, ordered by list id."""
        with self.session() as session:
            rows = session.scalars(
                select(ListVersionRow)
                .where(ListVersionRow.status == STATUS_ACTIVE)
                .order_by(ListVersionRow.list_id)
            ).all()
            return [ListVersion.from_row(r) for r in rows]

    def versions(self, list_id: str) -> list[ListVersion]:
        """Return every stored version of a list, oldest first.

        Ordered by publication date (undated versions last), then by load time. Returns an
        empty list for an unknown list id.
        """
        with self.session() as session:
            rows = session.scalars(
                select(ListVersionRow).where(ListVersionRow.list_id == list_id)
            ).all()
            found = [ListVersion.from_row(r) for r in rows]
        return sorted(found, key=lambda v: (v.published or date.max, v.loaded_at))

    def list_ids(self) -> list[str]:
        """Return the ids of every list with at least one stored version, sorted."""
        with self.session() as session:
            return sorted(session.scalars(select(ListVersionRow.list_id).distinct()).all())

    def get_version(self, version_id: str) -> ListVersion:
        """Return one stored version.

        Raises:
            NotFoundError: when no version has this id.
        """
        with self.session() as session:
            row = session.get(ListVersionRow, version_id)
            if row is None:
                raise NotFoundError(f"list version {version_id!r} not found")
            return ListVersion.from_row(row)

    def find_by_files(self, files_sha256: str) -> ListVersion | None:
        """Return a stored version loaded from exactly these raw files, or None.

        Lets a loader skip parsing files it has already loaded (``files_sha256`` as
        recorded by :meth:`load`).
        """
        with self.session() as session:
            row = session.scalars(
                select(ListVersionRow)
                .where(ListVersionRow.files_sha256 == files_sha256)
                .order_by(ListVersionRow.loaded_at.desc())
            ).first()
            return ListVersion.from_row(row) if row else None

    def active_version(self, list_id: str) -> ListVersion:
        """Return the active version of a list.

        Raises:
            NotFoundError: when the list has no active version.
        """
        with self.session() as session:
            row = _active_row(session, list_id)
            if row is None:
                raise NotFoundError(f"list {list_id!r} has no active version")
            return ListVersion.from_row(row)

    def resolve_version(self, list_id: str, ref: str | None) -> ListVersion:
        """Find a version of a list from a loose reference.

        Args:
            list_id: the list.
            ref: None or ``active`` for the active version; else a full version id, a
                publication date (``2023-12-28``, the newest version of that date), or a
                content-hash prefix of at least 4 hex digits.

        Raises:
            NotFoundError: when nothing matches, or a hash prefix is ambiguous.
        """
        if ref is None or ref == "active":
            return self.active_version(list_id)
        if "@" in ref and "#" in ref:
            version = self.get_version(ref)
            if version.list_id != list_id:
                raise NotFoundError(f"list version {ref!r} is not a version of {list_id!r}")
            return version
        if "@" in ref:
            named, _, ref = ref.partition("@")
            if named != list_id:
                raise NotFoundError(f"list version {named}@{ref} is not a version of {list_id!r}")
        candidates = self.versions(list_id)
        if not candidates:
            raise NotFoundError(f"no version of list {list_id!r} is stored")
        return _match_ref(candidates, ref, list_id)

    def resolve_ref(self, ref: str) -> ListVersion:
        """Find a version from a reference that names its list.

        Args:
            ref: ``<list id>@<ref>`` where ``<ref>`` is what :meth:`resolve_version`
                takes (publication date, hash prefix, ``active``), or a full version id
                ``<list id>@<date|undated>#<hash8>``.

        Raises:
            NotFoundError: when the reference names no list, or matches no stored
                version (or several).
        """
        list_id, at, rest = ref.partition("@")
        if not at or not list_id or not rest:
            raise NotFoundError(
                f"{ref!r} is not a version reference: use LIST@DATE, LIST@HASH-PREFIX or a "
                "full version id as `screenwise lists versions LIST` shows it"
            )
        if "#" in rest:
            with self.session() as session:
                row = session.get(ListVersionRow, ref)
                if row is not None:
                    return ListVersion.from_row(row)
            rest = rest.partition("#")[2]
        return self.resolve_version(list_id, rest)

    def iter_entity_json(self, version_id: str) -> Iterator[str]:
        """Yield the stored FtM JSON text of every entity of a version, ordered by id.

        Each string is one JSON object with ``id`` as its first key (FtM JSON lines).

        Raises:
            NotFoundError: when the version does not exist.
        """
        for batch in self._json_batches(version_id):
            yield from batch

    def iter_entities(self, version_id: str) -> Iterator[ValueEntity]:
        """Yield every entity of a version as ``ValueEntity``, ordered by id.

        This is what the screener reads at start-up; it streams rows in batches of
        5,000 (about 1 s for the 35,000 active entities of the staged lists on one core).

        Raises:
            NotFoundError: when the version does not exist.
        """
        for batch in self._json_batches(version_id):
            # Building many small objects triggers the cyclic GC over and over although
            # none of them is garbage; pausing it per batch saves about a third.
            with gc_paused():
                entities = [entity_from_dict(json.loads(raw)) for raw in batch]
            yield from entities

    def _json_batches(self, version_id: str) -> Iterator[list[str]]:
        """Yield the FtM JSON texts of a version's entities in id order, in batches."""
        self.get_version(version_id)
        stmt = (
            select(EntityRow.data)
            .where(EntityRow.version_id == version_id)
            .order_by(EntityRow.entity_id)
        )
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True).execute(stmt)
            while rows := result.fetchmany(_READ_BATCH):
                yield [row[0] for row in rows]

    def active_entities(self, lists: Iterable[str] | None = None) -> Iterator[ValueEntity]:
        """Yield the entities of every active version (or of the given lists' only).

        Args:
            lists: list ids to include; None = every list with an active version. A list
                without an active version is skipped.
        """
        wanted = set(lists) if lists is not None else None
        for version in self.active_versions():
            if wanted is None or version.list_id in wanted:
                yield from self.iter_entities(version.version_id)

    def find_entity(self, entity_id: str, version_id: str | None = None) -> StoredEntity:
        """Return an entity with the version it was read from.

        Args:
            entity_id: e.g. ``us_ofac_sdn-20157``.
            version_id: the version to read from, as a full version id or any reference
                :meth:`resolve_version` takes for the entity's list (publication date
                ``2023-05-02``, hash prefix ``666f520f``, ``active``); None = the active
                version holding the entity, else (an entity that is no longer listed)
                the newest stored version holding it.

        Raises:
            NotFoundError: when the reference matches no version of the entity's list
                (the message blames the version), or no (matching) version holds the
                entity (the message blames the entity and names the versions that do).
        """
        with self.session() as session:
            stmt = (
                select(EntityRow.data, ListVersionRow)
                .join(ListVersionRow, ListVersionRow.version_id == EntityRow.version_id)
                .where(EntityRow.entity_id == entity_id)
            )
            rows: list[tuple[str, ListVersionRow]] = [
                (data, row) for data, row in session.execute(stmt).all()
            ]
        if version_id is not None:
            wanted = self._entity_version(entity_id, version_id, [r for _, r in rows])
            rows = [(d, r) for d, r in rows if r.version_id == wanted.version_id]
            if not rows:
                raise NotFoundError(
                    f"entity {entity_id!r} not found in version {wanted.version_id}"
                )
        if not rows:
            raise NotFoundError(f"entity {entity_id!r} not found in any stored list version")

        def rank(item: tuple[str, ListVersionRow]) -> tuple[bool, date, datetime]:
            row = item[1]
            return (row.status == STATUS_ACTIVE, row.published or date.max, _utc(row.loaded_at))

        data, row = max(((d, r) for d, r in rows), key=rank)
        return StoredEntity(entity_from_dict(json.loads(data)), ListVersion.from_row(row))

    def _entity_version(
        self, entity_id: str, ref: str, holding: list[ListVersionRow]
    ) -> ListVersion:
        """Resolve ``ref`` among the versions of the list(s) an entity belongs to."""
        list_ids = sorted({row.list_id for row in holding}) or [
            list_id for list_id in self.list_ids() if entity_id.startswith(f"{list_id}-")
        ]
        if "@" in ref:
            named = ref.partition("@")[0]
            if named not in list_ids and list_ids:
                raise NotFoundError(
                    f"list version {ref!r} is not a version of {' or '.join(list_ids)}, "
                    f"the list(s) of entity {entity_id!r}"
                )
            return self.resolve_ref(ref)
        if not list_ids:
            raise NotFoundError(f"entity {entity_id!r} not found in any stored list version")
        candidates = [v for list_id in list_ids for v in self.versions(list_id)]
        return _match_ref(candidates, ref, " or ".join(list_ids))

    def id_changes(self, old_version: str, new_version: str) -> tuple[int, int]:
        """Return ``(added, removed)``: how many entity ids only ``new_version`` holds,
        and how many only ``old_version`` holds (0, 0 for the same version).

        Counts ids only (a delta of properties is :func:`screenwise.delta.diff_versions`).
        """
        with self.session() as session:
            return _id_changes(session, old_version, new_version)

    def overview(self, today: date | None = None) -> list[ListOverview]:
        """Return the state of every stored list: active version, age, newer versions.

        Args:
            today: the day ages are counted to (default: today, UTC).

        Returns:
            One :class:`ListOverview` per list id with at least one stored version,
            ordered by list id.
        """
        day = today or datetime.now(UTC).date()
        out: list[ListOverview] = []
        for list_id in self.list_ids():
            versions = self.versions(list_id)
            active = next((v for v in versions if v.active), None)
            newer = [v for v in versions if not v.active and _is_newer(v, active)]
            age = (day - active.published).days if active and active.published else None
            out.append(ListOverview(list_id, active, newer, age))
        return out

    def get_entity(self, entity_id: str, version_id: str | None = None) -> ValueEntity:
        """Return one entity (see :meth:`find_entity` for which version is read).

        Raises:
            NotFoundError: when no (matching) version holds the entity.
        """
        return self.find_entity(entity_id, version_id).entity


# -- internals ---------------------------------------------------------------------------


#: Why a read-only command refuses a store that does not exist.
_NO_STORE = (
    "no screenwise store here yet (nothing was ever loaded into it); check --db, "
    "SCREENWISE_DB or SCREENWISE_DATA_DIR, or load lists with `screenwise lists load PATH`"
)


def _driver_message(exc: DBAPIError) -> str:
    """The driver's own message, first line only (without SQLAlchemy's SQL echo)."""
    text_ = str(exc.orig) if exc.orig is not None else str(exc)
    return text_.strip().splitlines()[0] if text_.strip() else type(exc.orig).__name__


def _make_engine(url: str, *, create: bool = True) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    database = parsed.database
    if not database or database == ":memory:":
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        path = Path(database).expanduser()
        if not create and not path.exists():
            raise StoreError(url, f"{_NO_STORE} (file {path} does not exist)")
        path.parent.mkdir(parents=True, exist_ok=True)
        # Wait up to 30 s for another process's write transaction (a concurrent load).
        engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


#: Columns added to existing tables after their first release: (table, column, SQL type).
_ADDED_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("list_version", "files_sha256", "VARCHAR(64)"),
)


def _add_missing_columns(engine: Engine) -> None:
    """Bring a store created by an earlier release up to date (``ALTER TABLE ... ADD``)."""
    inspector = inspect(engine)
    for table, column, sql_type in _ADDED_COLUMNS:
        present = {c["name"] for c in inspector.get_columns(table)}
        if column not in present:
            log.info("adding column %s.%s to the store", table, column)
            with engine.begin() as conn:
                conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}"))
                conn.execute(
                    text(f"CREATE INDEX IF NOT EXISTS ix_{table}_{column} ON {table} ({column})")
                )


def _utc(value: datetime) -> datetime:
    # SQLite returns naive datetimes even for DateTime(timezone=True): they are stored UTC.
    # PostgreSQL returns them in the session's time zone: convert.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _active_row(session: Session, list_id: str) -> ListVersionRow | None:
    stmt = select(ListVersionRow).where(
        ListVersionRow.list_id == list_id, ListVersionRow.status == STATUS_ACTIVE
    )
    if session.get_bind().dialect.name != "sqlite":
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def activation_hint(version_id: str) -> str:
    """Return the sentence telling how to make a stored version the active one."""
    return f"to make it active: screenwise lists activate {version_id}"


def _match_ref(candidates: list[ListVersion], ref: str, what: str) -> ListVersion:
    """Pick the version a loose reference means among ``candidates`` (oldest first).

    ``ref`` is a full version id, ``active``, a publication date (the newest version of
    that date) or a content-hash prefix of at least 4 hex digits (``#`` optional).

    Raises:
        NotFoundError: naming the reference and ``what`` (the list) when nothing or
            several versions match.
    """
    exact = [v for v in candidates if v.version_id == ref]
    if exact:
        return exact[0]
    if ref == "active":
        active = [v for v in candidates if v.active]
        if active:
            return active[-1]
        raise NotFoundError(f"{what} has no active version")
    by_date = [v for v in candidates if v.published and v.published.isoformat() == ref]
    if by_date:
        return by_date[-1]
    prefix = ref.lstrip("#").lower()
    by_hash = [v for v in candidates if len(prefix) >= 4 and v.content_hash.startswith(prefix)]
    if len(by_hash) == 1:
        return by_hash[0]
    if len(by_hash) > 1:
        raise NotFoundError(f"version {ref!r} matches several versions of {what}")
    known = ", ".join(v.version_id for v in candidates[-5:])
    raise NotFoundError(
        f"no version of {what} matches {ref!r} (use a publication date YYYY-MM-DD, a hash "
        f"prefix of 4+ hex digits or a version id; stored: {known})"
    )


def _is_newer(version: ListVersion, active: ListVersion | None) -> bool:
    """True when ``version`` is newer than the active one (any version, without one)."""
    if active is None:
        return True
    if version.published and active.published:
        return version.published > active.published
    if version.published is None and active.published is None:
        return version.loaded_at > active.loaded_at
    # Undated versions sort after dated ones (an undated file is what is served now).
    return version.published is None


def _write_lock(session: Session) -> None:
    """Take SQLite's write lock now (``BEGIN IMMEDIATE``) instead of at the first write.

    Two processes loading the same list would otherwise both read "not stored yet" and
    then both write; with the lock taken first, the second waits (up to the 30 s busy
    timeout) and then reads what the first committed. Other backends use
    :func:`~screenwise.store.models.advisory_lock`.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")


def _id_changes(session: Session, old_version: str, new_version: str) -> tuple[int, int]:
    """Return (added, removed): entity ids only in ``new_version`` / only in ``old_version``."""
    if old_version == new_version:
        return 0, 0

    def only_in(first: str, second: str) -> int:
        theirs = select(EntityRow.entity_id).where(EntityRow.version_id == second)
        return int(
            session.scalar(
                select(func.count())
                .select_from(EntityRow)
                .where(EntityRow.version_id == first, EntityRow.entity_id.not_in(theirs))
            )
            or 0
        )

    return only_in(new_version, old_version), only_in(old_version, new_version)


def _drop_warning(
    active: ListVersionRow, removed: int, warn_drop: float, new_version: str
) -> str | None:
    """The warning for a promotion that removes more than ``warn_drop`` of the entities."""
    if active.entity_count <= 0 or removed / active.entity_count <= warn_drop:
        return None
    share = removed / active.entity_count
    return (
        f"{removed:,} of the {active.entity_count:,} entities of the previously active "
        f"version {active.version_id} are gone from {new_version} ({share:.1%}, more than "
        f"{warn_drop:.0%}): check that the file is complete; to roll back: "
        f"screenwise lists activate {active.version_id}"
    )


def _structural_problem(parsed: ParsedList) -> str | None:
    if not parsed.entities:
        return (
            f"{parsed.source}: no entities parsed; nothing stored, the active version keeps serving"
        )
    seen: set[str] = set()
    duplicates: list[str] = []
    for entity in parsed.entities:
        entity_id = entity.id
        if entity_id is None:
            return f"{parsed.source}: an entity has no id; nothing stored"
        if entity_id in seen:
            duplicates.append(entity_id)
        seen.add(entity_id)
    if duplicates:
        shown = ", ".join(duplicates[:5])
        return (
            f"{parsed.source}: {len(duplicates)} duplicate entity ids (e.g. {shown}); "
            "nothing stored, the active version keeps serving"
        )
    return None


def _insert_entities(session: Session, version_id: str, entities: list[ValueEntity]) -> None:
    """Bulk-insert a version's entities in batches (one executemany per batch)."""
    batch: list[dict[str, str]] = []
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for entity in entities:
        batch.append(
            {
                "version_id": version_id,
                "entity_id": str(entity.id),
                "schema": entity.schema.name,
                "data": dumps(entity_to_dict(entity)),
            }
        )
        if len(batch) >= _BATCH_ROWS:
            session.execute(insert(EntityRow), batch)
            batch = []
    if batch:
        session.execute(insert(EntityRow), batch)


def _decide(
    new: ListVersionRow, active: ListVersionRow | None, *, force: bool
) -> tuple[LoadStatus, str]:
    """Apply the promotion policy; return (status, reason)."""
    if active is None:
        note = "" if new.complete else " (incomplete set: companion files missing)"
        return "promoted", f"first version of {new.list_id}{note}"
    forced = " (forced)" if force else ""
    older = bool(new.published and active.published and new.published < active.published)
    if older and not force:
        return "stored", (
            f"published {new.published}, before the active version "
            f"{active.version_id}: kept as history"
        )
    if not new.complete and active.complete and not force:
        present = ", ".join(sorted(new.files)) or "none"
        return "stored", (
            f"incomplete set (files present: {present}) is not promoted over the complete "
            f"active version {active.version_id}; use --force to promote it"
        )
    collapsed = new.entity_count < COLLAPSE_RATIO * active.entity_count
    if collapsed and not force:
        return "rejected", (
            f"entity count collapsed: {new.entity_count} entities against "
            f"{active.entity_count} in the active version {active.version_id} "
            f"(below {COLLAPSE_RATIO:.0%}); the active version keeps serving; "
            "use --force if the change is genuine"
        )
    return "promoted", f"replaces {active.version_id}{forced}"


def _promote(
    session: Session,
    row: ListVersionRow,
    active: ListVersionRow | None,
    now: datetime,
    reason: str,
) -> None:
    """Switch the active version of ``row.list_id`` to ``row`` (caller's transaction)."""
    session.execute(
        update(ListVersionRow)
        .where(
            ListVersionRow.list_id == row.list_id,
            ListVersionRow.status == STATUS_ACTIVE,
            ListVersionRow.version_id != row.version_id,
        )
        .values(status=STATUS_INACTIVE, status_reason=f"replaced by {row.version_id}")
        .execution_options(synchronize_session="fetch")
    )
    row.status = STATUS_ACTIVE
    row.status_reason = reason
    row.promoted_at = now
    if active is not None and active.version_id != row.version_id:
        log.info("%s: %s replaces %s", row.list_id, row.version_id, active.version_id)
