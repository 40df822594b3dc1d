"""SQLAlchemy tables of the store: list versions and their entities.

One declarative :class:`Base` holds every table of screenwise's store, so
``Base.metadata.create_all`` creates the whole schema; other store modules (alerts,
decisions, audit trail) add their tables to the same ``Base``.

Only portable column types are used (``String``, ``Text``, ``Integer``, ``Boolean``,
``Date``, ``DateTime``, ``JSON``), so the same models run on SQLite (the default, a file
under the data directory) and on PostgreSQL (only the URL changes).

Tables:

* ``list_version``: one row per immutable list version (content hash, publication date,
  source, counts, status ``active`` / ``inactive`` / ``rejected``). At most one version of
  a list is ``active``; the switch happens inside one transaction.
* ``list_entity``: the FtM entities of each version, keyed by ``(version_id, entity_id)``,
  with the FtM JSON (``id``, ``schema``, ``properties``, ``datasets``) as text.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

__all__ = [
    "STATUS_ACTIVE",
    "STATUS_INACTIVE",
    "STATUS_REJECTED",
    "Base",
    "EntityRow",
    "ListVersionRow",
    "advisory_lock",
]

#: The version currently served for its list (at most one per list).
STATUS_ACTIVE = "active"
#: A stored version that is not served: history, or not promoted (older, incomplete).
STATUS_INACTIVE = "inactive"
#: A version that failed a sanity check (e.g. entity count collapsed); kept for audit.
STATUS_REJECTED = "rejected"


class Base(DeclarativeBase):
    """Declarative base shared by every store table (list versions, alerts, decisions)."""


class ListVersionRow(Base):
    """One immutable list version.

    Attributes:
        version_id: readable, sortable id ``<list id>@<YYYY-MM-DD|undated>#<8 hex>``,
            e.g. ``us_ofac_sdn@2023-12-28#d768d28e``.
        list_id: e.g. ``us_ofac_sdn``.
        content_hash: sha256 hex over the decompressed input files (unique per list).
        published: publication date stated by the file, the file name or the user; None
            when nothing states it.
        source: where the content came from (paths joined by ``;``, or URLs).
        format: format name, e.g. ``ofac-legacy-csv``.
        files: role -> path (or URL) of each input file.
        files_sha256: sha256 over the raw input files (as stored on disk or downloaded),
            so the same files can be recognised before they are parsed again; None when
            the version was loaded from memory.
        loaded_at: when the version was stored (UTC, timezone-aware).
        entity_count: number of entities.
        schema_counts: ``{schema: count}``.
        complete: False when companion files of the format were missing.
        warnings: non-fatal parse warnings (each names file, line and field).
        status: ``active``, ``inactive`` or ``rejected``.
        status_reason: why the version is not active (or why it was promoted), for people.
        promoted_at: when the version last became active, or None.
    """

    __tablename__ = "list_version"
    __table_args__ = (
        UniqueConstraint("list_id", "content_hash", name="uq_list_version_content"),
        Index("ix_list_version_list_status", "list_id", "status"),
    )

    version_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    list_id: Mapped[str] = mapped_column(String(100), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    published: Mapped[date | None] = mapped_column(Date, nullable=True)
    source: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(100))
    files: Mapped[dict[str, str]] = mapped_column(JSON)
    files_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    entity_count: Mapped[int] = mapped_column(Integer)
    schema_counts: Mapped[dict[str, int]] = mapped_column(JSON)
    complete: Mapped[bool] = mapped_column(Boolean)
    warnings: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))
    status_reason: Mapped[str] = mapped_column(Text, default="")
    promoted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    def __repr__(self) -> str:
        return f"<ListVersionRow {self.version_id} {self.status}>"


class EntityRow(Base):
    """One FtM entity of one list version.

    Attributes:
        version_id: the list version holding it.
        entity_id: the stable entity id ``<list id>-<native id>``.
        schema: FtM schema name (``Person``, ``Vessel``, ...).
        data: the entity's FtM JSON (``entities.entity_to_dict`` output) as text.
    """

    __tablename__ = "list_entity"
    __table_args__ = (Index("ix_list_entity_entity_id", "entity_id"),)

    version_id: Mapped[str] = mapped_column(
        String(200), ForeignKey("list_version.version_id", ondelete="CASCADE"), primary_key=True
    )
    entity_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    schema: Mapped[str] = mapped_column(String(50))
    data: Mapped[str] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<EntityRow {self.version_id} {self.entity_id}>"


def advisory_lock(bind: Session | Connection, name: str) -> None:
    """Serialise one kind of write across processes until the current transaction ends.

    On PostgreSQL this takes a transaction-scoped advisory lock
    (``pg_advisory_xact_lock``, PostgreSQL manual, "Advisory Lock Functions") keyed by the
    first 8 bytes of ``sha256(name)``; other transactions asking for the same name wait
    until this one commits or rolls back, and then see its writes (READ COMMITTED). Used
    for the load and promotion of one list (``list:<list id>``), for the alerts of one
    query and entity, and for creating the schema. On SQLite (and other backends) it does
    nothing: SQLite lets one writer in at a time.

    Args:
        bind: a session or connection inside the transaction to protect.
        name: what is locked, e.g. ``list:us_ofac_sdn``.
    """
    dialect = bind.get_bind().dialect if isinstance(bind, Session) else bind.dialect
    if dialect.name != "postgresql":
        return
    key = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big", signed=True)
    bind.execute(select(func.pg_advisory_xact_lock(key)))
