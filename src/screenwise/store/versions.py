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
   previous one inactive, in the same transaction.
5. Commit. Any exception before this point (a parse bug, a crash, a full disk) rolls the
   whole transaction back: the previous active version keeps serving and nothing of the
   new version remains.

Loads and promotions of one list are serialised across processes (on PostgreSQL by a
transaction-scoped advisory lock per list, see ``models.advisory_lock``; on SQLite by its
single-writer lock), so concurrent loads apply these rules one after the other.

The design follows the "last successful" rule of FollowTheMoney/OpenSanctions data
publishing and yente's index alias rollover: a new version can only fail safe.
"""

from __future__ import annotations

import gc
import json
import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from followthemoney import ValueEntity
from sqlalchemy import Engine, create_engine, event, func, insert, inspect, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from screenwise.entities import entity_from_dict, entity_to_dict
from screenwise.errors import NotFoundError
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
    "ListStore",
    "ListVersion",
    "LoadResult",
    "LoadStatus",
    "StoredEntity",
    "make_version_id",
]

log = logging.getLogger(__name__)

#: A new version with fewer entities than this share of the active version's count is a
#: collapse and is rejected without ``force``.
COLLAPSE_RATIO = 0.5
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
        }


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

    Example:
        >>> store = ListStore("sqlite://")
        >>> store.active_versions()
        []
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _make_engine(url)
        with self.engine.begin() as conn:
            # Several processes opening a new PostgreSQL store at once create it once.
            advisory_lock(conn, "schema")
            Base.metadata.create_all(conn)
        _add_missing_columns(self.engine)
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
        self, parsed: ParsedList, *, force: bool = False, files_sha256: str | None = None
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

        Returns:
            A :class:`LoadResult`; ``status`` is ``promoted``, ``stored``, ``unchanged`` or
            ``rejected`` and ``reason`` says why.

        Raises:
            sqlalchemy.exc.SQLAlchemyError: on database failures; the transaction is rolled
                back and the previously active version keeps serving.
        """
        started = time.perf_counter()
        result = self._load(parsed, force=force, files_sha256=files_sha256)
        result.store_s = time.perf_counter() - started
        result.files = dict(parsed.files)
        result.warnings = list(parsed.warnings)
        log.info("%s: %s (%s)", parsed.list_id, result.status, result.reason)
        return result

    def _load(self, parsed: ParsedList, *, force: bool, files_sha256: str | None) -> LoadResult:
        list_id = parsed.list_id
        with self.session() as session, session.begin():
            # Loads of one list from several processes run one after the other, so each
            # sees the active version and the content hashes the previous one committed.
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
                return self._reload(session, existing, active, force=force)

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
            return LoadResult(
                list_id, status, reason, version=ListVersion.from_row(row), previous_active=previous
            )

    def _reload(
        self,
        session: Session,
        existing: ListVersionRow,
        active: ListVersionRow | None,
        *,
        force: bool,
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
                f"same content already stored as {existing.version_id} ({existing.status}{why})"
            )
            return LoadResult(
                existing.list_id,
                "unchanged",
                reason,
                version=ListVersion.from_row(existing),
                previous_active=previous,
            )
        now = datetime.now(UTC)
        reason = f"already stored as {existing.version_id}; promoted with force"
        _promote(session, existing, active, now, reason)
        session.flush()
        return LoadResult(
            existing.list_id,
            "promoted",
            reason,
            version=ListVersion.from_row(existing),
            previous_active=previous,
        )

    def promote(self, version_id: str) -> ListVersion:
        """Make a stored version the active one of its list (an explicit rollback/forward).

        The sanity checks are not applied: this is the operator's decision, like
        ``lists load --force``.

        Raises:
            NotFoundError: when no such version is stored.
        """
        with self.session() as session, session.begin():
            row = session.get(ListVersionRow, version_id)
            if row is None:
                raise NotFoundError(f"list version {version_id!r} not found")
            advisory_lock(session, f"list:{row.list_id}")
            session.refresh(row)
            if row.status == STATUS_ACTIVE:
                return ListVersion.from_row(row)
            active = _active_row(session, row.list_id)
            _promote(session, row, active, datetime.now(UTC), "promoted by the operator")
            session.flush()
            return ListVersion.from_row(row)

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
        if "@" in ref:
            version = self.get_version(ref)
            if version.list_id != list_id:
                raise NotFoundError(f"list version {ref!r} is not a version of {list_id!r}")
            return version
        candidates = self.versions(list_id)
        by_date = [v for v in candidates if v.published and v.published.isoformat() == ref]
        if by_date:
            return by_date[-1]
        prefix = ref.lstrip("#").lower()
        by_hash = [v for v in candidates if len(prefix) >= 4 and v.content_hash.startswith(prefix)]
        if len(by_hash) == 1:
            return by_hash[0]
        if len(by_hash) > 1:
            raise NotFoundError(f"{ref!r} matches several versions of {list_id!r}")
        raise NotFoundError(f"no version of {list_id!r} matches {ref!r}")

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
            with _gc_paused():
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
            version_id: a version to read from; None = the active version holding the
                entity, else (an entity that is no longer listed) the newest stored
                version holding it.

        Raises:
            NotFoundError: when no (matching) version holds the entity.
        """
        with self.session() as session:
            stmt = (
                select(EntityRow.data, ListVersionRow)
                .join(ListVersionRow, ListVersionRow.version_id == EntityRow.version_id)
                .where(EntityRow.entity_id == entity_id)
            )
            if version_id is not None:
                stmt = stmt.where(EntityRow.version_id == version_id)
            rows = session.execute(stmt).all()
        if not rows:
            where = f" in version {version_id!r}" if version_id else ""
            raise NotFoundError(f"entity {entity_id!r} not found{where}")

        def rank(item: tuple[str, ListVersionRow]) -> tuple[bool, date, datetime]:
            row = item[1]
            return (row.status == STATUS_ACTIVE, row.published or date.max, _utc(row.loaded_at))

        data, row = max(((d, r) for d, r in rows), key=rank)
        return StoredEntity(entity_from_dict(json.loads(data)), ListVersion.from_row(row))

    def get_entity(self, entity_id: str, version_id: str | None = None) -> ValueEntity:
        """Return one entity (see :meth:`find_entity` for which version is read).

        Raises:
            NotFoundError: when no (matching) version holds the entity.
        """
        return self.find_entity(entity_id, version_id).entity


# -- internals ---------------------------------------------------------------------------


def _make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    database = parsed.database
    if not database or database == ":memory:":
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
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


@contextmanager
def _gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
